import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { segment, guessGenre, MAX_TITLE_CHARS, SEGMENT_DEFAULTS, type SegmentConfig } from '../../pipeline/stages/segment.js';
import { charsOf, countChars } from '../../pipeline/lib/stage.js';
import { docId, sha256Hex } from '../../pipeline/lib/ids.js';
import { check } from '../../pipeline/lib/schema.js';
import type { Doc, ExtractRecord, Removal } from '../../pipeline/lib/types.js';

const RAW = path.resolve(__dirname, '../../raw');
const FIXTURES = path.resolve(__dirname, '../fixtures/segment');

function unit(text: string, file = 'test.txt', title: string | null = null): ExtractRecord {
  return {
    unit_id: 'u_test', source_file: file, source_member: null, source_row: null, source_url: null, source_sha256: sha256Hex(text),
    source_encoding: 'utf-8', source_format: 'text', text, title, source_site: null, published: null,
  };
}

function run(text: string, opts: { file?: string; title?: string | null; cfg?: Partial<SegmentConfig> } = {}) {
  const rec = unit(text, opts.file, opts.title ?? null);
  const res = segment.process(rec, { ...segment.defaults, ...opts.cfg });
  for (const d of res.out) expect(check('segment', d), `doc ${d.segment}`).toBeNull();
  return { rec, ...res };
}

const keptChars = (docs: Doc[]) =>
  docs.reduce((n, d) => n + countChars(d.title ?? '') + countChars(d.subtitle ?? '') + d.paragraphs.reduce((a, p) => a + countChars(p), 0), 0);
const removedChars = (rs: Removal[]) => rs.reduce((n, r) => n + r.chars, 0);

/**
 * The ledger as the runner keeps it: charsOf(unit) (container title + text) = kept + removed. Given a bare text
 * (no container title) it is countChars(text).
 */
function expectAccounted(input: string | ExtractRecord, out: Doc[], removed: Removal[]) {
  const inChars = typeof input === 'string' ? countChars(input) : charsOf(input);
  expect(keptChars(out) + removedChars(removed)).toBe(inChars);
  for (const r of removed) expect(r.chars).toBe(countChars(r.text ?? ''));
}

/** Made-up article body: `n` sentences about `topic` (about 30 characters each). */
function body(topic: string, n = 8): string {
  const s = [
    `${topic}是一项长期任务，需要我们持续用力、久久为功。`,
    `各级党组织要把${topic}摆在突出位置，认真研究部署。`,
    `要坚持问题导向，聚焦群众反映强烈的突出问题，拿出务实管用的举措。`,
    `广大党员干部要以身作则、率先垂范，在${topic}中走在前列、作出表率。`,
  ];
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(s[i % s.length]!);
  return `${out.slice(0, n / 2).join('')}\n${out.slice(n / 2).join('')}`;
}

/* ---------- the real raw files ---------- */

describe('segment on raw/', () => {
  const files = readdirSync(RAW).filter((f) => /^\d{3}_[0-9a-f]+\.txt$/.test(f)).sort();
  const results = new Map(files.map((f) => {
    const text = readFileSync(path.join(RAW, f), 'utf8');
    return [f.slice(0, 3), { f, text, ...run(text, { file: f }) }] as const;
  }));
  const get = (k: string) => results.get(k)!;

  it('gives 12 + 2 + 10 + 1 + 1 = 26 documents', () => {
    expect(files.map((f) => get(f.slice(0, 3)).out.length)).toEqual([12, 2, 10, 1, 1]);
  });

  it.each(files)('%s: accounting, provenance and ids', (f) => {
    const { text, out, removed, rec } = get(f.slice(0, 3));
    expectAccounted(text, out, removed);
    const nLines = text.split('\n').length;
    out.forEach((d, k) => {
      expect(d.segment).toBe(k + 1);
      expect(d.id).toBe(docId(rec.source_file, rec.source_sha256, null, k + 1));
      expect(d.para_lines).toHaveLength(d.paragraphs.length);
      expect(d.line_start).toBeGreaterThanOrEqual(k > 0 ? out[k - 1]!.line_end + 1 : 1);
      expect(d.line_end).toBeLessThanOrEqual(nLines);
      for (const l of d.para_lines) expect(l >= d.line_start && l <= d.line_end).toBe(true);
      expect([...d.para_lines].sort((a, b) => a - b)).toEqual(d.para_lines);
    });
  });

  it('000: titles are its table of contents; TOC lines removed as `toc`', () => {
    const { text, out, removed } = get('000');
    const lines = text.split('\n');
    const toc = lines.slice(2, 14).map((l) => l.replace(/^\d+\.\s*/u, '').trim());
    expect(out.map((d) => d.title)).toEqual(toc);
    expect(removed.filter((r) => r.rule === 'toc').map((r) => r.line)).toEqual([1, ...Array.from({ length: 12 }, (_, k) => k + 3)]);
    expect(removed.filter((r) => r.rule === 'article_number').map((r) => r.text)).toEqual(Array.from({ length: 12 }, (_, k) => `${k + 1}.`));
    expect(out.map((d) => d.line_start)).toEqual([18, 27, 36, 44, 54, 62, 72, 80, 88, 96, 109, 120]);
    expect(out[11]!.line_end).toBe(138);
    expect(out.map((d) => d.genre)).toEqual([...Array(5).fill('研讨发言'), ...Array(5).fill('心得体会'), '讲话', '讲话']);
    // Its two unnumbered section headings (no closing punctuation) are not joined: the file shows no line breaks.
    expect(out[11]!.paragraphs).toContain('百年变局叠加世纪疫情，国际形势继续发生深刻复杂变化，国内统筹疫情防控和经济社会发展工作艰巨繁重，更需要“时时放心不下”的劲头');
  });

  it('001: the lecture (preview snippet kept as paragraph 0, not a title) and the appended column article', () => {
    const { out } = get('001');
    expect(out.map((d) => d.title)).toEqual([
      '“敢担当、有作为、争做干事创业奋发有为的党员干部”党课讲稿',
      '【全国两会地方谈】“人民至上”贯穿党执政的全过程',
    ]);
    expect(out.map((d) => [d.line_start, d.line_end])).toEqual([[1, 125], [126, 132]]);
    expect(out.map((d) => d.genre)).toEqual(['党课讲稿', '评论']);
    const [lecture] = out;
    expect(lecture!.para_lines[0]).toBe(1);
    expect(lecture!.paragraphs[0]!.endsWith('...')).toBe(true);
    expect(lecture!.paragraphs[1]).toBe('（前言）');
  });

  it.each([
    [41, '文员:10:03,，我在网上看到了雷曼兄弟公司向法院申请破产保护的新闻'],
    [68, '“三个担当”:一是引导干部**，强化“四个意识”'],
    [14, '一个领导干部的担当思想境界，一种我们学习的境界。'],
    [77, '中国改革经过40年，已进入深水区'],
  ])('001: broken lines rebuilt into the paragraph starting on line %i', (line, piece) => {
    const lecture = get('001').out[0]!;
    const k = lecture.para_lines.indexOf(line);
    expect(k).toBeGreaterThanOrEqual(0);
    expect(lecture.paragraphs[k]).toContain(piece);
  });

  it('001: headings and list items stay their own paragraphs', () => {
    const p = get('001').out[0]!.paragraphs;
    for (const h of ['(一)担当的内涵（翻页）', '1.担当是一种责任。', '二、担当作为是党员的基本素质', '（1）勇于担当是党员干部必须具备的基本素养', '(3)习总书记如何看待担当', '一要勤于学习。']) {
      expect(p).toContain(h);
    }
  });

  it('002: 10 articles, each with title and subtitle; the recurring banner removed as separator', () => {
    const { out, removed } = get('002');
    expect(out.every((d) => d.title !== null && d.subtitle === '学习习近平总书记考察湖北和武汉新冠肺炎疫情防控工作重要讲话研讨发言')).toBe(true);
    expect(out[0]!.title).toBe('保持政治定力  坚定必胜信心  坚决打赢疫情防控人民战争总体战阻击战');
    expect(out[9]!.title).toBe('要继续集中精力  坚决打好打赢疫情防控攻坚战');
    expect(removed.filter((r) => r.rule === 'article_separator').map((r) => r.line)).toEqual([2, 11, 22, 34, 45, 63, 73, 84, 93, 103]);
    expect(removed.filter((r) => r.rule === 'subtitle_dash')).toHaveLength(10);
    expect(out.every((d) => d.genre === '研讨发言')).toBe(true);
    expect(out.map((d) => d.paragraphs.length)).toEqual([4, 5, 6, 5, 14, 4, 6, 4, 5, 5]);
  });

  it('003: one speech with its title; 004: one document, no title line so title null', () => {
    expect(get('003').out[0]!.title).toBe('在党组理论学习中心组“实干担当促进发展”专题研讨交流会上的发言材料');
    expect(get('003').out[0]!.paragraphs[0]).toBe('同志们：');
    expect(get('003').out[0]!.genre).toBe('研讨发言');
    const d = get('004').out[0]!;
    expect(d.title).toBeNull();
    expect(d.genre).toBeNull();
    expect(d.paragraphs).toHaveLength(13); // the footer lines stay apart for the clean stage
    expect(d.paragraphs[8]).toBe('作者單位:中共延川縣委辦公室');
  });
});

/* ---------- compilations written for these tests ---------- */

const B1 = body('作风建设');
const B2 = body('乡村振兴');
const B3 = body('安全生产');

describe('heading forms that start documents', () => {
  it.each([
    ['TOC + `N.\\u00a0` headings with page numbers',
      `目录\n1.\u00a0学习心得体会……1\n2.\u00a0在全市工作会议上的讲话……3\n\n1.\u00a0学习心得体会\n${B1}\n2.\u00a0在全市工作会议上的讲话\n${B2}`,
      ['学习心得体会', '在全市工作会议上的讲话'], ['toc', 'toc', 'toc', 'article_number', 'article_number']],
    ['TOC + bare title lines repeated from it',
      `目 录\n1、作风建设研讨发言\n2、乡村振兴心得体会\n\n作风建设研讨发言\n${B1}\n乡村振兴心得体会\n${B2}`,
      ['作风建设研讨发言', '乡村振兴心得体会'], ['toc', 'toc', 'toc']],
    ['篇一：标题 after a collection title',
      `作风建设心得体会范文2篇\n篇一：以好作风促发展\n${B1}\n篇二：以严要求抓落实\n${B2}`,
      ['以好作风促发展', '以严要求抓落实'], ['compilation_title', 'article_number', 'article_number']],
    ['【篇二】 alone on its line, title on the next',
      `【篇一】\n以好作风促发展\n${B1}\n【篇二】\n以严要求抓落实\n${B2}`,
      ['以好作风促发展', '以严要求抓落实'], ['article_number', 'article_number']],
    ['【第三篇】标题 and 第N篇 标题',
      `第一篇 以好作风促发展\n${B1}\n第二篇 以严要求抓落实\n${B2}\n【第三篇】守牢安全底线\n${B3}`,
      ['以好作风促发展', '以严要求抓落实', '守牢安全底线'], ['article_number', 'article_number', 'article_number']],
    ['范文N：标题',
      `范文1：以好作风促发展\n${B1}\n范文2：以严要求抓落实\n${B2}`,
      ['以好作风促发展', '以严要求抓落实'], ['article_number', 'article_number']],
    ['N、标题 run from 1 with nothing before it',
      `1、以好作风促发展\n${B1}\n2、以严要求抓落实\n${B2}\n3、守牢安全底线\n${B3}`,
      ['以好作风促发展', '以严要求抓落实', '守牢安全底线'], ['article_number', 'article_number', 'article_number']],
    ['a banner recurring before each article, subtitles with ——',
      `本站文章仅供学习参考，请勿转载！\n以好作风促发展\n——在作风建设推进会上的讲话\n${B1}\n\n本站文章仅供学习参考，请勿转载！\n以严要求抓落实\n${B2}`,
      ['以好作风促发展', '以严要求抓落实'], ['article_separator', 'article_separator', 'subtitle_dash']],
    ['a column article appended at the end keeps its bracketed column name',
      `以好作风促发展\n${B1}\n【理论观察】让人民至上成为行动自觉\n${B2}`,
      ['以好作风促发展', '【理论观察】让人民至上成为行动自觉'], []],
    ['two pieces of the same column appended at the end',
      `以好作风促发展\n${B1}\n【理论观察】让人民至上成为行动自觉\n${B2}\n【理论观察】守牢安全发展底线\n${B3}`,
      ['以好作风促发展', '【理论观察】让人民至上成为行动自觉', '【理论观察】守牢安全发展底线'], []],
    ['a bracketed line inside an article of a compilation, before the next article, does not split it',
      `篇一：以好作风促发展\n${B1}\n【理论观察】让人民至上成为行动自觉\n${B2}\n篇二：以严要求抓落实\n${B3}`,
      ['以好作风促发展', '以严要求抓落实'], ['article_number', 'article_number']],
  ])('%s', (_name, text, titles, rules) => {
    const { out, removed } = run(text);
    expect(out.map((d) => d.title)).toEqual(titles);
    expect(removed.map((r) => r.rule).sort()).toEqual([...rules].sort());
    expectAccounted(text, out, removed);
  });

  it('the TOC fixture: three articles, subtitle, in-article headings kept', () => {
    const text = readFileSync(path.join(FIXTURES, 'toc-compilation.txt'), 'utf8');
    const { out, removed } = run(text);
    expect(out.map((d) => [d.title, d.subtitle, d.genre])).toEqual([
      ['坚持学思践悟 推动工作落实', '学习贯彻全会精神研讨发言', '研讨发言'],
      ['在全县安全生产工作会议上的讲话', null, '讲话'],
      ['学习新思想心得体会', null, '心得体会'],
    ]);
    expect(out.map((d) => d.paragraphs.length)).toEqual([3, 4, 3]);
    expect(out.map((d) => [d.line_start, d.line_end])).toEqual([[6, 11], [13, 17], [18, 21]]);
    expect(removed.filter((r) => r.rule === 'toc').map((r) => r.line)).toEqual([1, 2, 3, 4]);
    expectAccounted(text, out, removed);
  });
});

describe('what must not split', () => {
  it.each([
    ['in-article headings 一、 （二） 1. (3)',
      `以好作风促发展\n一、提高认识\n${B1}\n（二）压实责任\n1.担当是一种责任。\n${B2}\n(3)强化监督\n${B3}`],
    ['numbered title-like sections after an intro paragraph',
      `以好作风促发展\n近年来，我们坚持把作风建设作为重要任务来抓，取得了明显成效。\n1、加强学习\n${B1}\n2、狠抓落实\n${B2}`],
    ['numbered sections right after a title that names no genre',
      `以好作风促发展\n1、加强学习\n${B1}\n2、狠抓落实\n${B2}`],
    ['a single ordinal heading', `篇一：以好作风促发展\n${B1}`],
    ['a bracketed in-article label', `以好作风促发展\n${B1}\n【案例】一名基层干部的坚守\n${B2}`],
    // The reviewer's case: two column-form section labels of one article made 3 documents.
    ['column-form section labels of one article (【专家观点】 … 【典型经验】 …)',
      `以好作风促发展\n${B1}\n【专家观点】把作风建设融入日常工作\n${B2}\n【典型经验】用制度管人管事管权\n${B3}`],
    ['column-form section labels followed by more of the article',
      `以好作风促发展\n近年来，我们坚持把作风建设作为重要任务来抓。\n【专家观点】把作风建设融入日常工作\n${B2}\n【典型经验】用制度管人管事管权\n${B3}\n${B1}`],
    ['a column title after too short a body', `以好作风促发展\n近年来，我们坚持抓作风。\n【理论观察】让人民至上成为行动自觉\n${B2}`],
    ['a bracketed column title with too little after it', `以好作风促发展\n${B1}\n【理论观察】让人民至上成为行动自觉\n短短一句话。`],
    ['a short line repeated inside an article, followed by body text',
      `以好作风促发展\n举一个例子\n${B1}\n举一个例子\n${B2}`],
    ['a TOC-like numbered list without 目录', `以好作风促发展\n${B1}\n1. 学习\n2. 落实\n${B2}`],
  ])('%s', (_name, text) => {
    const { out, removed } = run(text);
    expect(out).toHaveLength(1);
    expect(out[0]!.title).toBe(text.split('\n')[0]!.startsWith('篇一') ? '篇一：以好作风促发展' : '以好作风促发展');
    expect(removed).toEqual([]);
    expectAccounted(text, out, removed);
  });

  it('a duplicated article title followed by the same subtitle is not a banner', () => {
    const art = (t: string, b: string) => `本站文章仅供学习参考，请勿转载！\n${t}\n——学习研讨发言\n${b}\n`;
    const text = art('以好作风促发展', B1) + art('以严要求抓落实', B2) + art('以严要求抓落实', B2);
    const { out, removed } = run(text);
    expect(out.map((d) => d.title)).toEqual(['以好作风促发展', '以严要求抓落实', '以严要求抓落实']);
    expect(removed.filter((r) => r.rule === 'article_separator')).toHaveLength(3);
    expect(out.every((d) => d.subtitle === '学习研讨发言')).toBe(true);
    expectAccounted(text, out, removed);
  });
});

/* ---------- titles, paragraphs ---------- */

describe('titles', () => {
  it.each([
    ['first line is a sentence: no title', `今天我们召开会议。\n${B1}`, null],
    ['first line is a salutation: no title', `同志们：\n${B1}`, null],
    ['first line is an in-article heading: no title', `一、提高认识\n${B1}`, null],
    ['a closing formula is not a title', `会议到此结束，谢谢大家！\n${B1}`, null],
    ['a question title', `什么是担当作为？\n${B1}`, '什么是担当作为？'],
    ['only one line: a paragraph, not a title', '以好作风促发展', null],
  ])('%s', (_name, text, title) => {
    const { out, removed } = run(text);
    expect(out[0]!.title).toBe(title);
    expectAccounted(text, out, removed);
  });

  it('a preview snippet (title + opening + ...) stays a paragraph; the title is the next line', () => {
    const text = `以好作风促发展近年来，我们坚持把作风建设...\n以好作风促发展\n近年来，我们坚持把作风建设作为重要任务来抓。\n${B1}`;
    const { out } = run(text);
    expect(out).toHaveLength(1);
    expect(out[0]!.title).toBe('以好作风促发展');
    expect(out[0]!.paragraphs[0]).toBe('以好作风促发展近年来，我们坚持把作风建设...');
    expect(out[0]!.para_lines.slice(0, 2)).toEqual([1, 3]);
  });

  // The runner counts a unit's container title in its characters (charsOf(ExtractRecord)): when the metadata
  // title is not a document's title it must leave as a `metadata_title` removal, or the ledger shows it unaccounted.
  it.each([
    ['metadata title equal to the first line: the line is the title, the metadata copy removed',
      '以好作风促发展', `以好作风促发展\n${B1}`, ['以好作风促发展'], 0, ['metadata_title']],
    ['metadata title repeating a first line that differs only in spacing',
      '以好作风 促发展', `以好作风促发展\n${B1}`, ['以好作风促发展'], 0, ['metadata_title']],
    ['metadata title with a site suffix: the line is used, the metadata title removed',
      '以好作风促发展_某某范文网', `以好作风促发展\n${B1}`, ['以好作风促发展'], 0, ['metadata_title']],
    ['metadata title absent from the text: it is the title, nothing removed',
      '以好作风促发展', `今天我们召开会议。\n${B1}`, ['以好作风促发展'], 7, []],
    ['an HTML page titled by the site holding a 篇一/篇二 compilation: the metadata title is no document\'s title',
      '作风建设心得体会范文2篇_某某范文网', `篇一：以好作风促发展\n${B1}\n篇二：以严要求抓落实\n${B2}`,
      ['以好作风促发展', '以严要求抓落实'], 0, ['article_number', 'article_number', 'metadata_title']],
    ['a titled unit whose one document starts at a heading repeated from its table of contents',
      '学习资料汇编', `目录\n1. 以好作风促发展\n2. 以严要求抓落实\n\n1. 以好作风促发展\n${B1}`,
      ['以好作风促发展'], 0, ['toc', 'toc', 'toc', 'article_number', 'metadata_title']],
  ])('%s', (_name, meta, text, titles, extra, rules) => {
    const { rec, out, removed, counts } = run(text, { title: meta });
    expect(out.map((d) => d.title)).toEqual(titles);
    expect(counts?.['metadata_title_chars'] ?? 0).toBe(extra);
    expect(removed.map((r) => r.rule).sort()).toEqual([...rules].sort());
    const meta_ = removed.find((r) => r.rule === 'metadata_title');
    if (meta_) expect(meta_).toEqual({ rule: 'metadata_title', chars: countChars(meta), line: null, paragraph: null, text: meta });
    expectAccounted(rec, out, removed);
  });
});

describe('paragraphs', () => {
  it('the slide fixture: broken lines joined, headings, salutation, labels and run-together lines kept apart', () => {
    const text = readFileSync(path.join(FIXTURES, 'slide-broken.txt'), 'utf8');
    const { out, removed, counts } = run(text);
    expect(out).toHaveLength(1);
    const d = out[0]!;
    expect(d.title).toBe('“勇挑重担、善作善成”专题党课讲稿');
    expect(d.genre).toBe('党课讲稿');
    expect(d.paragraphs).toEqual([
      '同志们：',
      '今天，我给大家讲一堂专题党课，题目是勇挑重担、善作善成。（翻页）',
      '一、为什么要勇挑重担',
      '担当是干部的本分。古人讲，在其位、谋其政。党员干部只有勇挑重担，才能不负组织的信任和群众的期待。面对急难险重任务，有的同志冲在前面，有的同志却躲在后面，这就是担当精神的差距。',
      '（一）担当是一种责任',
      '责任重于泰山。每一名党员干部都要牢记肩上的责任，做到在岗一分钟、负责六十秒。会议定在上午10:30准时开始，我提前到了会场，发现还有同志迟到。小事见作风，细节显担当。',
      '经理:我已经安排好了。',
      '秘书:我马上打电话。',
      '要把责任落到实处。只有把责任扛在肩上，工作才能落到实处。',
      '要把作风挺在前面。作风建设永远在路上，必须常抓不懈。',
      '总之，勇挑重担、善作善成，是新时代对党员干部的要求，我们要以实际行动践行初心使命。',
    ]);
    expect(d.para_lines).toEqual([2, 3, 4, 5, 7, 8, 10, 11, 12, 12, 14]);
    expect(counts).toMatchObject({ joined_lines: 2, run_together_splits: 1 });
    expectAccounted(text, out, removed);
  });

  it.each([
    ['unclosed lines are not joined in a unit without line-break evidence',
      `标题\n第一段没有句号\n第二段也没有句号\n第三段。`, ['第一段没有句号', '第二段也没有句号', '第三段。']],
    ['a short label: value line is not continued, and nothing is joined onto a label line',
      `标题\n正文第一句。正文被切断在这\n里。又一句。又被切断在\n这里。\n作者单位：某某县委办公室\n本文系某某网独家稿件`,
      ['正文第一句。正文被切断在这里。又一句。又被切断在这里。', '作者单位：某某县委办公室', '本文系某某网独家稿件']],
    ['a blank line ends a paragraph even after an unclosed line',
      `标题\n正文第一句。被切断在这\n里。又一句。被切断在\n\n这里。`, ['正文第一句。被切断在这里。又一句。被切断在', '这里。']],
    ['empty and indent-only lines are dropped', `标题\n\u3000\u3000\n\u00a0\n正文。\n\t\n正文二。`, ['正文。', '正文二。']],
    ['Latin words joined with a space', `标题\n第一句。学习 the new\nguidance 文件\n说明。然后`, ['第一句。学习 the new guidance 文件说明。然后']],
  ])('%s', (_name, text, paragraphs) => {
    const { out, removed } = run(text);
    expect(out[0]!.paragraphs).toEqual(paragraphs);
    expectAccounted(text, out, removed);
  });

  // Joining is decided per document (minBrokenShare of its body lines), not once for the whole unit.
  const closed = (n: number) => Array.from({ length: n }, (_, k) => `这是第${k + 1}段的内容。`).join('\n');
  it.each([
    ['a slide-broken article in a compilation does not turn on joining in the next one',
      `篇一：以好作风促发展\n正文第一句。被切断在这\n里。又一句。又被切断在\n这里。\n篇二：以严要求抓落实\n坚持把群众满意作为标准\n${B2}`,
      [['正文第一句。被切断在这里。又一句。又被切断在这里。'], ['坚持把群众满意作为标准', ...B2.split('\n')]]],
    ['one cut line in a short document (1 of 4 body lines) is evidence enough',
      `以好作风促发展\n正文第一句。被切断在这\n里。\n${closed(2)}`,
      [['正文第一句。被切断在这里。', '这是第1段的内容。', '这是第2段的内容。']]],
    ['two cut lines in a long document (2 of 30, under 10 %) are taken as written',
      `以好作风促发展\n前一句。后半句在这\n里。\n前一句。后半句在这\n里。\n${closed(26)}`,
      [['前一句。后半句在这', '里。', '前一句。后半句在这', '里。', ...closed(26).split('\n')]]],
  ])('%s', (_name, text, paragraphs) => {
    const { out, removed } = run(text);
    expect(out.map((d) => d.paragraphs)).toEqual(paragraphs);
    expectAccounted(text, out, removed);
  });
});

describe('configuration', () => {
  it('exports the title length default for the clean stage, and the stage uses the exported defaults', () => {
    expect(MAX_TITLE_CHARS).toBe(60);
    expect(SEGMENT_DEFAULTS.maxTitleChars).toBe(MAX_TITLE_CHARS);
    expect(segment.defaults).toBe(SEGMENT_DEFAULTS);
  });

  it.each([
    ['defaults: a heading + one body line is a document', {}, 2],
    ['minLinesTitledStart 4: `篇一：标题` + 2 lines is not', { minLinesTitledStart: 4 }, 1],
    ['minLinesBareStart 5: `【篇一】` + title + 2 lines is not', { minLinesBareStart: 5 }, 1],
  ] as Array<[string, Partial<SegmentConfig>, number]>)('start minimums come from the config: %s', (_name, cfg, n) => {
    const titled = `篇一：以好作风促发展\n${B1}\n篇二：以严要求抓落实\n${B2}`;
    const bare = `【篇一】\n以好作风促发展\n${B1}\n【篇二】\n以严要求抓落实\n${B2}`;
    const text = 'minLinesBareStart' in cfg ? bare : titled;
    expect(run(text, { cfg }).out).toHaveLength(n);
  });
});

describe('genre', () => {
  it.each([
    ['在全市经济工作会议上的讲话', null, '讲话'],
    ['保持定力', '学习总书记重要讲话研讨发言', '研讨发言'],
    ['学习总书记重要讲话心得体会', null, '心得体会'],
    ['专题党课讲稿', null, '党课讲稿'],
    ['2025年政府工作报告', null, '工作报告'],
    ['给某某学校师生的回信', null, '回信'],
    ['【理论观察】让人民至上成为行动自觉', null, '评论'],
    ['在黨組理論學習中心組會上的發言', null, '研讨发言'],
    ['以好作风促发展', null, null],
  ])('%s / %s → %s', (title, subtitle, genre) => {
    expect(guessGenre(title, subtitle, ['正文。'])).toBe(genre);
  });

  it.each([
    [['同志们：今天召开这次会议。'], '讲话'],
    [['今天，我给大家讲一堂党课。'], '党课讲稿'],
    [['结合工作实际，谈几点体会。'], '研讨发言'],
    [['为官一任，造福一方。'], null],
  ])('untitled, opening %j → %s', (paragraphs, genre) => {
    expect(guessGenre(null, null, paragraphs)).toBe(genre);
  });
});

/* ---------- property: accounting and schema hold on any mix of the forms above ---------- */


describe('any compilation', () => {
  const pool = [
    '', '\u3000\u3000', '目录', '1. 以好作风促发展', '2、以严要求抓落实', '篇一：守牢安全底线', '【篇二】', '第三篇 标题',
    '范文4：标题', '本站文章仅供学习参考，请勿转载！', '——学习研讨发言', '【理论观察】让人民至上成为行动自觉',
    '一、提高认识', '（二）压实责任', '1.担当是一种责任。', '同志们：', '作者单位：某某县委', '被切断的半句话',
    '正文一句。又被切断在', '这里。\u3000\u3000另起一段。', ...B1.split('\n'), ...B2.split('\n'), '标题正文...',
  ];
  it('keeps countChars(in) = kept + removed and passes the schema', () => {
    const titles = [null, '', '以好作风促发展', '以好作风促发展_某某范文网', '作风建设心得体会范文2篇'];
    fc.assert(fc.property(fc.array(fc.constantFrom(...pool), { maxLength: 40 }), fc.constantFrom(...titles), (lines, title) => {
      const text = lines.join('\n');
      const { rec, out, removed } = run(text, { title });
      expectAccounted(rec, out, removed);
      out.forEach((d, k) => {
        expect(d.segment).toBe(k + 1);
        expect(d.line_end).toBeGreaterThanOrEqual(d.line_start);
      });
    }), { seed: 20240603, numRuns: 300 });
  });
});

/* ---------- big units (issue 10, R4): work linear in the lines ---------- */

describe('big units', () => {
  it('a table of contents of 3,000 entries whose titles never recur: its lines go, the rest is one document', () => {
    const entries = Array.from({ length: 3000 }, (_, k) => `${(k % 999) + 1}. 第${k}章的标题`);
    const text = `目录\n${entries.join('\n')}\n${B1}`;
    const { out, removed } = run(text);
    expect(removed.filter((r) => r.rule === 'toc')).toHaveLength(1 + 999);
    expect(out).toHaveLength(1);
    expectAccounted(text, out, removed);
  });
  it('a TOC entry recurring twice: each entry takes the first repeat after the previous entry', () => {
    const text = `目录\n1. 作风建设\n2. 乡村振兴\n\n作风建设\n${B1}\n1. 作风建设\n2. 乡村振兴\n${B2}`;
    const { out } = run(text);
    expect(out.map((d) => d.title)).toEqual(['作风建设', '乡村振兴']);
    expect(out.map((d) => d.line_start)).toEqual([5, 9]);
  });
  it('a banner repeated before 2,000 articles is removed as a separator each time', () => {
    const articles = Array.from({ length: 2000 }, (_, k) => `本站文章仅供学习参考\n第${k}篇学习体会\n${B1}`);
    const text = articles.join('\n');
    const { out, removed } = run(text);
    expect(removed.filter((r) => r.rule === 'article_separator')).toHaveLength(2000);
    expect(out).toHaveLength(2000);
    expectAccounted(text, out, removed);
  });
  it('one line repeated 100,000 times is one document', () => {
    const text = '同上。\n'.repeat(100_000);
    const { out, removed } = run(text);
    expect(out).toHaveLength(1);
    expect(out[0]!.paragraphs).toHaveLength(100_000);
    expectAccounted(text, out, removed);
  });
});

describe('subtitle after metadata lines, ASCII dashes and datelines (issue 8: Word reports)', () => {
  // Made-up report headers in the shapes of Word copies of 政府工作报告: the title is a text line or the file's
  // own (metadata) title; `来源：…`, `发布时间：…` or a repeat of the title may sit before the subtitle.
  const HEAD = '2030年某某省政府工作报告';
  const DATED = '2030年1月9日在某某省第九届人民代表大会第二次会议上';
  it.each([
    // [name, text, metadata title, subtitle, paragraph count before the body, removal rules]
    ['a 来源 line between title line and —— subtitle',
      `${HEAD}\n来源：某某日报\n——${DATED}\n${B1}`, null, DATED, ['来源：某某日报'], ['subtitle_dash']],
    ['two metadata lines (来源, 发布时间) before the subtitle',
      `${HEAD}\n来源：某某日报\n发布时间：2030-01-10\n——${DATED}\n${B1}`, null, DATED,
      ['来源：某某日报', '发布时间：2030-01-10'], ['subtitle_dash']],
    ['a spaced colon `来源 : …` and 作者',
      `${HEAD}\n来源 : 某某日报\n作者：某某\n—${DATED}\n${B1}`, null, DATED, ['来源 : 某某日报', '作者：某某'], ['subtitle_dash']],
    ['the metadata title, text starting with 来源 then the subtitle',
      `来源：某某日报\n——${DATED}\n省长 某某某\n${B1}`, HEAD, DATED, ['来源：某某日报', '省长 某某某'], ['subtitle_dash']],
    ['ASCII dash run `----` as the subtitle dash',
      `----${DATED}\n来源：某某日报\n${B1}`, HEAD, DATED, ['来源：某某日报'], ['subtitle_dash']],
    ['two ASCII hyphens after a title line',
      `${HEAD}\n-- ${DATED}\n${B1}`, null, DATED, [], ['subtitle_dash']],
    ['a dateline without a dash is the subtitle, kept whole',
      `来源：某某日报\n${DATED}某某省省长某某作政府工作报告。\n${B1}`, HEAD, `${DATED}某某省省长某某作政府工作报告。`,
      ['来源：某某日报'], []],
    ['a repeat of the title (its tail) between metadata and the dateline',
      `来源：某某日报\n政府工作报告\n${DATED}\n${B1}`, HEAD, DATED, ['来源：某某日报', '政府工作报告'], []],
    ['three lines between: no subtitle',
      `${HEAD}\n来源：某某日报\n作者：某某\n发布时间：2030-01-10\n——${DATED}\n${B1}`, null, null,
      ['来源：某某日报', '作者：某某', '发布时间：2030-01-10', `——${DATED}`], []],
    ['an ordinary line between: no subtitle',
      `${HEAD}\n各位代表：\n——${DATED}\n${B1}`, null, null, ['各位代表：', `——${DATED}`], []],
    ['a body sentence that opens with a date is not a dateline subtitle',
      `${HEAD}\n2030年1月9日在某某会议上，我们研究部署了全年工作。\n${B1}`, null, null,
      ['2030年1月9日在某某会议上，我们研究部署了全年工作。'], []],
  ])('%s', (_name, text, title, subtitle, head, rules) => {
    const rec = unit(text, 'report.docx', title);
    const { out, removed } = run(text, { file: 'report.docx', title });
    expect(out).toHaveLength(1);
    expect(out[0]!.title).toBe(title ?? HEAD);
    expect(out[0]!.subtitle).toBe(subtitle);
    expect(out[0]!.paragraphs.slice(0, head.length)).toEqual(head);
    expect(out[0]!.paragraphs.length).toBe(head.length + B1.split('\n').length);
    expect(removed.map((r) => r.rule)).toEqual(rules);
    if ((rules as string[]).includes('subtitle_dash')) expect(removed[0]!.text).toMatch(/^(?:——|—|-{2,})$/);
    if (title === null) expectAccounted(rec, out, removed);
  });
});

/* ---------- issue 21: one article per page or Word file, banners that look like one, broken titles ---------- */

describe('recurring lines that are not banners (issue 21)', () => {
  const REAL = path.resolve(__dirname, '../fixtures/real');
  const B1 = body('作风建设');
  const B2 = body('乡村振兴');
  const B3 = body('安全生产');
  it.each([
    ['a price line recurring in a list of scenic spots', `五一出游好去处\n门票60元起\n灵山景区\n${B1}\n门票60元起\n鼋头渚\n${B2}\n门票60元起\n蠡园\n${B3}`],
    ['the issuing office heading a letter and signing it, and an annex',
      `国务院办公厅\n关于同意某事的复函\n${B1}\n国务院办公厅\n二〇〇四年四月二十七日\n附件\n${B2}`],
    ['a notice that recurs but not before the first part', `以好作风促发展\n${B1}\n本站文章仅供学习参考，请勿转载！\n以严要求抓落实\n${B2}\n本站文章仅供学习参考，请勿转载！\n守牢安全底线\n${B3}`],
    ['a notice before each part whose last part is too short', `本站文章仅供学习参考，请勿转载！\n以好作风促发展\n${B1}\n本站文章仅供学习参考，请勿转载！\n以严要求抓落实\n短短一句话。`],
  ])('%s: one document, nothing removed', (_name, text) => {
    const { out, removed } = run(text);
    expect(out).toHaveLength(1);
    expect(removed).toEqual([]);
    expectAccounted(text, out, removed);
  });

  it('a web page or Word file is one article even with a banner before each part; its lines are never joined', () => {
    const text = `本站文章仅供学习参考，请勿转载！\n以好作风促发展\n${B1}\n本站文章仅供学习参考，请勿转载！\n以严要求抓落实\n${B2}\n下周一，京沪高速施工就将进入第二阶段\n也是对出行影响最大的一段。`;
    for (const fmt of ['html', 'docx']) {
      const rec = { ...unit(text), source_format: fmt };
      const { out, removed } = segment.process(rec, segment.defaults);
      expect(out, fmt).toHaveLength(1);
      expect(removed).toEqual([]);
      expect(out[0]!.paragraphs).toContain('下周一，京沪高速施工就将进入第二阶段');
      expectAccounted(rec, out, removed);
    }
    // The same text as a plain text file is a compilation of two articles.
    expect(run(text).out).toHaveLength(2);
  });

  it('a web page with a table of contents or ordinal article headings still splits', () => {
    const text = `篇一：以好作风促发展\n${B1}\n篇二：以严要求抓落实\n${B2}`;
    const rec = { ...unit(text), source_format: 'html' };
    expect(segment.process(rec, segment.defaults).out.map((d) => d.title)).toEqual(['以好作风促发展', '以严要求抓落实']);
  });

  it('a container title broken over the first lines is the title, made of those lines', () => {
    const text = `国务院办公厅关于推进\n政务新媒体健康\n有序发展的意见\n国办发〔2018〕123号\n${B1}`;
    const rec = unit(text, 'p.html', '国务院办公厅关于推进政务新媒体健康有序发展的意见');
    const { out, removed } = segment.process(rec, segment.defaults);
    expect(out).toHaveLength(1);
    expect(out[0]!.title).toBe('国务院办公厅关于推进政务新媒体健康有序发展的意见');
    expect(out[0]!.paragraphs[0]).toBe('国办发〔2018〕123号');
    expect(removed.map((r) => r.rule)).toEqual(['metadata_title']);
    expectAccounted(rec, out, removed);
    // Lines that only begin the container title are not its parts.
    const other = unit(`国务院办公厅关于推进\n另一件事\n${B1}`, 'p.html', '国务院办公厅关于推进政务新媒体健康有序发展的意见');
    expect(segment.process(other, segment.defaults).out[0]!.title).toBe('国务院办公厅关于推进');
  });

  it('real gov.cn letter (title broken by <br>, signed by the office that heads it): one document, the whole title', async () => {
    const { extractFile } = await import('../../pipeline/stages/extract.js');
    const r = await extractFile({ path: 'govcn-5351624.html', bytes: readFileSync(path.join(REAL, 'govcn-5351624.html')) });
    const u = r.units[0]!;
    const { out, removed } = segment.process(u, segment.defaults);
    expect(out).toHaveLength(1);
    expect(out[0]!.title).toBe('国务院办公厅关于同意以哈尔滨市名义申办2009年第二十四届世界大学生冬季运动会的复函');
    expect(out[0]!.paragraphs[0]).toBe('国办函〔2004〕36号');
    expect(out[0]!.paragraphs.slice(-2)).toEqual(['国务院办公厅', '二〇〇四年四月二十七日']);
    expect(removed.filter((x) => x.rule === 'article_separator')).toEqual([]);
    expectAccounted(u, out, removed);
  });
});

describe('the contents list of one article (issue 21)', () => {
  const B1 = body('作风建设');
  const B2 = body('乡村振兴');
  it('`目录：` and unnumbered entries that recur as headings: the list goes as `toc`, the headings stay, one document', () => {
    const text = `关于加强作风建设的实施意见\n目录：\n总体要求\n重点任务\n保障措施\n总体要求\n${B1}\n重点任务\n${B2}\n保障措施\n${B1}`;
    const { out, removed } = run(text);
    expect(out).toHaveLength(1);
    expect(removed.map((r) => [r.rule, r.line])).toEqual([['toc', 2], ['toc', 3], ['toc', 4], ['toc', 5]]);
    for (const h of ['总体要求', '重点任务', '保障措施']) expect(out[0]!.paragraphs.filter((p) => p === h)).toHaveLength(1);
    expectAccounted(text, out, removed);
  });
  it('a list after `目录` whose lines do not recur is left alone', () => {
    const text = `关于加强作风建设的实施意见\n目录：\n总体要求\n重点任务\n${B1}`;
    const { out, removed } = run(text);
    expect(removed).toEqual([]);
    expect(out[0]!.paragraphs.slice(0, 3)).toEqual(['目录：', '总体要求', '重点任务']);
  });
});
