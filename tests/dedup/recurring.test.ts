import { describe, expect, it } from 'vitest';
import { dedupe, DEDUPE_DEFAULTS, type DedupeConfig } from '../../pipeline/stages/dedupe.js';
import { prepareDoc, sourceKeyOf } from '../../pipeline/dedup/prepare.js';
import { recurringEdges } from '../../pipeline/dedup/recurring.js';
import { recurringCandidate } from '../../pipeline/rules/recurring.js';
import { canonicalText } from '../../pipeline/lib/minhash.js';
import { runGlobalInMemory } from '../../pipeline/lib/stage.js';
import type { Doc } from '../../pipeline/lib/types.js';
import { collect, makeDoc } from '../fixtures/dedupe/seeds.js';

// Made-up speeches of one site: distinct bodies (no two are near-duplicates), each with the site's banner line on top,
// a slogan quoted inside a paragraph, and some with the same closing sentence or the same salutation.
const TOPICS = ['乡村振兴', '生态保护', '科技创新', '教育公平', '医疗改革', '文化繁荣', '安全生产', '营商环境'];
const BODY = (t: string, k: number) => [
  `关于${t}工作，今年我们围绕重点任务推进了第${k + 1}批试点项目，覆盖${12 + k * 7}个县区，投入资金${3 + k}亿元，群众满意度明显提高。`,
  `在${t}领域，我们始终牢记“绿水青山就是金山银山”，把这一理念贯穿到规划、建设和管理的全过程，第${k + 2}季度新增项目${k * 3 + 5}个。`,
  `下一步，要把${t}同深化改革结合起来，完善考核办法，压实各级责任，确保${2025 + k}年各项指标全面完成，编号${k * 11 + 17}。`,
];

function speech(file: string, k: number, opts: { banner?: string; close?: string; open?: string; tail?: string } = {}): Doc {
  const t = TOPICS[k % TOPICS.length]!;
  const paras = [...(opts.banner ? [opts.banner] : []), ...(opts.open ? [opts.open] : []), ...BODY(t, k), ...(opts.close ? [opts.close] : []), ...(opts.tail ? [opts.tail] : [])];
  return makeDoc(file, 1, `在${t}工作会议上的讲话`, paras);
}

async function run(docs: Doc[], cfg: Partial<DedupeConfig> = {}) {
  const { results, plan } = await runGlobalInMemory(dedupe, docs, { ...DEDUPE_DEFAULTS, ...cfg });
  return collect(docs, results, plan);
}

const BANNER = '某某市政府门户网站·领导讲话频道';

describe('recurring banners (dedupe, rule boilerplate_recurring)', () => {
  it('removes a banner line that opens the speeches of one site, and counts it; keeps quoted slogans, closing sentences and salutations', async () => {
    const docs = TOPICS.slice(0, 5).map((_, k) => speech(`site/speech${k}.html`, k, {
      banner: BANNER, open: '同志们：', close: '让我们紧密团结起来，为实现中华民族伟大复兴的中国梦而不懈奋斗！',
    }));
    const got = await run(docs);
    expect(got.emitted).toHaveLength(5);
    const rec = got.removed.filter((r) => r.removal.rule === 'boilerplate_recurring');
    expect(rec).toHaveLength(5);
    expect(rec.every((r) => r.removal.text === BANNER && r.removal.paragraph === 0)).toBe(true);
    expect(got.counts['recurring_banner_lines']).toBe(1);
    expect(got.counts['recurring_banner_removed']).toBe(5);
    for (const d of got.emitted) {
      expect(d.paragraphs).not.toContain(BANNER);
      expect(d.paragraphs[0]).toBe('同志们：');
      expect(d.paragraphs.at(-1)).toContain('而不懈奋斗！');
      expect(d.paragraphs.join('')).toContain('绿水青山就是金山银山');
    }
  });

  it('keeps a line that only two units share (K = 3), and a line under half of its source (share 0.5)', async () => {
    // the only two files of a folder, both with the line (share 1): two units are not a pattern
    const two = [0, 1].map((k) => speech(`site/s${k}.html`, k, { banner: BANNER }));
    expect((await run(two)).removed.filter((r) => r.removal.rule === 'boilerplate_recurring')).toHaveLength(0);
    // 3 of 8 files of one folder carry the line: under half.
    const few = TOPICS.map((_, k) => speech(`mixed/p${k}.html`, k, k < 3 ? { banner: BANNER } : {}));
    expect((await run(few)).removed.filter((r) => r.removal.rule === 'boilerplate_recurring')).toHaveLength(0);
    // the same three with a share of 0.3: removed
    expect((await run(few, { recurringMinShare: 0.3 })).removed.filter((r) => r.removal.rule === 'boilerplate_recurring')).toHaveLength(3);
  });

  it('counts units per source: the same line on pages of different sources does not add up', async () => {
    const docs = [0, 1, 2, 3].map((k) => speech(`site${k}/page.html`, k, { banner: BANNER }));
    expect((await run(docs)).removed.filter((r) => r.removal.rule === 'boilerplate_recurring')).toHaveLength(0);
    // …unless their URLs share a host
    const hosted = docs.map((d, k) => ({ ...d, source_url: `https://www.example.gov.cn/ldjh/${k}.html` }));
    expect((await run(hosted)).removed.filter((r) => r.removal.rule === 'boilerplate_recurring')).toHaveLength(4);
  });

  it('removes a banner only at an edge, never the last paragraph, and never a line in the middle of a text', async () => {
    const docs = TOPICS.slice(0, 4).map((_, k) => speech(`site/m${k}.html`, k, { banner: BANNER }));
    // the banner in the middle of a longer fifth speech (4th of 7 paragraphs): not an edge there, stays
    const mid = makeDoc('site/m4.html', 1, '讲话', [...BODY('甲', 20), BANNER, ...BODY('乙', 21)]);
    const got = await run([...docs, mid]);
    expect(got.removed.filter((r) => r.removal.rule === 'boilerplate_recurring')).toHaveLength(4);
    expect(got.emitted.find((d) => d.source_file === 'site/m4.html')!.paragraphs).toContain(BANNER);
    // a document that is nothing but the banner keeps it (a document never loses its last paragraph)
    const only = [0, 1, 2].map((k) => makeDoc(`site/o${k}.html`, 1, `标题${k}`, [BANNER]));
    const got2 = await run([...docs, ...only]);
    for (const d of got2.emitted.filter((x) => x.source_file.includes('/o'))) expect(d.paragraphs).toEqual([BANNER]);
  });

  it('gives the same result whatever the input order (the plan reads all prepared values)', async () => {
    const docs = TOPICS.map((_, k) => speech(`site/o${k}.html`, k, { banner: BANNER, tail: '点击进入专题页面' }));
    const a = await run(docs);
    const b = await run([...docs].reverse());
    const key = (g: Awaited<ReturnType<typeof run>>) => g.emitted.map((d) => `${d.id}:${d.paragraphs.join('|')}`).sort();
    expect(key(b)).toEqual(key(a));
    expect(a.removed.filter((r) => r.removal.rule === 'boilerplate_recurring')).toHaveLength(16);
  });
});

describe('recurringCandidate (rules/recurring.ts)', () => {
  const cand = (l: string) => recurringCandidate(l, canonicalText(l));
  it.each([BANNER, '新浪财经', '[复制链接]', '返回列表', '本文转自某某网'])('a banner shape: %s', (l) => expect(cand(l)).toBe(true));
  it.each([
    '谢谢大家！', '各位代表：', '同志们：', '附件', '目录', '一、总体要求', '第三章', '（此件公开发布）', '国务院办公厅', '某某省人民政府',
    '为实现中华民族伟大复兴的中国梦而不懈奋斗！', 'x'.repeat(90),
  ])('not a banner shape: %s', (l) => expect(cand(l)).toBe(false));
});

describe('sourceKeyOf', () => {
  const d = (o: Partial<Doc>) => ({ source_url: null, source_file: 'a/b.html', source_member: null, source_row: null, ...o });
  it('host of the URL without www, else the archive or record file, else the folder', () => {
    expect(sourceKeyOf(d({ source_url: 'https://www.Gov.cn/zhengce/1.htm' }))).toBe('host:gov.cn');
    expect(sourceKeyOf(d({ source_file: 'docs.zip', source_member: 'x.docx' }))).toBe('file:docs.zip');
    expect(sourceKeyOf(d({ source_file: 'rows.jsonl', source_row: 3 }))).toBe('file:rows.jsonl');
    expect(sourceKeyOf(d({}))).toBe('dir:a');
    expect(sourceKeyOf(d({ source_file: 'top.html' }))).toBe('dir:');
    expect(sourceKeyOf(d({ source_url: 'not a url' }))).toBe('dir:a');
  });
});

describe('recurringEdges on prepared values', () => {
  it('skips dropped documents: a dropped copy does not make a line recur', () => {
    const docs = [0, 1, 2].map((k) => speech(`site/c${k}.html`, k, { banner: BANNER }));
    const prepared = docs.map((x) => prepareDoc(x, DEDUPE_DEFAULTS));
    const cfg = { recurringMinUnits: 3, recurringMinShare: 0.5 };
    expect(recurringEdges(prepared, () => true, cfg).removed).toBe(3);
    expect(recurringEdges(prepared, (i) => i !== 2, cfg).removed).toBe(0);
  });
});
