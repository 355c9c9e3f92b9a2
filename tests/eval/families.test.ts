import { describe, expect, it } from 'vitest';
import {
  boilerplateAuto, boilerplateHand, candidates, dateFamily, dateMatches, htmlFamily, isLineRemoval, publishedText,
  segmentationFamily, titleFamily, type Label, type PageRun, type PubDoc, type Removal,
} from '../../pipeline/eval/families.js';
import { edgeLines, inGold, lineKey, sameTitle } from '../../pipeline/eval/lines.js';
import type { EvalPage } from '../../pipeline/eval/manifest.js';

const page = (id: string, over: Partial<EvalPage> = {}): EvalPage => ({
  id, file: `pages/${id}.html`, site: 'example.cn', kind: 'news', url: '', licence: '', title: '标题',
  source: { repo: 'o/r', path: 'p', commit: 'a'.repeat(40) }, date: '2024-05-10', single_article: true, gold: `gold/${id}.txt`, gold_origin: 'hand', ...over,
});
const run = (id: string, gold: string | null, over: Partial<EvalPage> = {}): PageRun => ({ page: page(id, over), rawFile: `${id}.html`, gold });
const doc = (file: string, segment: number, text: string, over: Partial<PubDoc> = {}): PubDoc => ({
  title: '标题', subtitle: null, text, source_file: file, source_member: null, segment, published: null, ...over,
});
const rm = (file: string, text: string | null, over: Partial<Removal> = {}): Removal => ({ stage: 'clean', rule: 'boilerplate_footer', source_file: file, source_member: null, text, kind: null, ...over });

describe('lines: keys and matching against gold', () => {
  it('lineKey folds width, script, case, punctuation and spaces', () => {
    expect(lineKey('會議　ＡＢ，「測試」 12')).toBe(lineKey('会议 ab,“测试”12'));
    expect(lineKey('责任编辑：王某')).toBe('责任编辑王某');
  });
  it('inGold: substring, fuzzy for long lines, undecided for 1-character keys', () => {
    const g = lineKey('第一段正文，讲了很多事情。第二段正文讲的是城市有轨电车的建设和运营困局，联系电话12345678，国内其他城市此前已暴露数次。');
    expect(inGold(lineKey('第一段正文'), g)).toBe(true);
    expect(inGold(lineKey('责任编辑：王某'), g)).toBe(false);
    expect(inGold(lineKey('第二段正文讲的是城市有轨电车的建设和运营困局，联系电话<PHONE>，国内其他城市此前已暴露数次。'), g)).toBe(true);
    expect(inGold(lineKey('本文讲的是城市有轨电车之外的事情，与正文没有一点关系，点击查看更多。'), g)).toBe(false);
    expect(inGold(lineKey('图'), g)).toBeNull();
  });
  it('edgeLines: first and last non-empty line', () => {
    expect(edgeLines('\n甲\n乙\n丙\n')).toEqual(['甲', '丙']);
    expect(edgeLines('甲')).toEqual(['甲']);
    expect(edgeLines(' \n')).toEqual([]);
  });
  it('sameTitle: up to punctuation and width; title + subtitle counts', () => {
    expect(sameTitle('人民币中间价创逾五年新低 做市商称符合预期', '人民币中间价创逾五年新低做市商称符合预期', null)).toBe(true);
    expect(sameTitle('积极因素不断增多——前4个月外贸向好', '积极因素不断增多', '前4个月外贸向好')).toBe(true);
    expect(sameTitle('国务院办公厅关于同意以哈尔滨市名义申办的复函', '国务院办公厅关于同意以哈尔滨市名义', null)).toBe(false);
    expect(sameTitle('标题', null, null)).toBe(false);
  });
});

describe('families over a made-up run', () => {
  const pages = [
    run('a', '第一段正文内容。\n第二段正文内容。'),
    run('b', '政府文件的正文。', { site: 'gov.cn', title: '国务院办公厅关于某事的复函', date: '2004-04-17', date_also: ['2018-12-24'] }),
    run('c', null, { single_article: false, title: null, date: null, gold: null }),
    run('d', '被丢掉的文章正文。', { date: null }),
  ];
  const docs = [
    doc('a.html', 1, '第一段正文内容。', { published: '2024-05-10' }),
    doc('a.html', 2, '正文内容。', { title: '第二段', published: '2024-05' }),
    doc('b.html', 1, '政府文件的正文。\n扫一扫在手机打开当前页', { title: '国务院办公厅关于', published: '2018-12-24' }),
    doc('c.html', 1, '列表'), doc('c.html', 2, '列表二'),
  ];

  it('html: published text of a page (later titles included) vs gold; a page with nothing published scores 0', () => {
    expect(publishedText(docs.slice(0, 2))).toBe('第一段正文内容。\n第二段\n正文内容。');
    const h = htmlFamily(pages, docs);
    expect(h.pages).toBe(3);
    expect(h.rows.find((r) => r.id === 'a')!.f1).toBe(1);
    expect(h.rows.find((r) => r.id === 'd')!.f1).toBe(0);
    expect(h.f1_min).toBe(0);
    expect(h.below_0_6).toEqual(['b', 'd']); // b: the kept 扫一扫 line is more than the gold itself
    expect(h.worst[0]!.id).toBe('d');
  });

  it('segmentation counts only single-article pages and names those with more than one document or none', () => {
    const s = segmentationFamily(pages, docs);
    expect(s).toEqual({ single_article_pages: 3, documents: 3, more_than_one: [{ id: 'a', documents: 2 }], none: ['d'] });
  });

  it('titles: overall and gov.cn-style; a cut title is wrong', () => {
    const t = titleFamily(pages, docs);
    expect([t.pages, t.right, t.gov_pages, t.gov_right]).toEqual([3, 1, 1, 0]);
    expect(t.wrong.map((w) => w.id)).toEqual(['b', 'd']);
  });

  it('dates: fill rate and accuracy where the page gives a date; date_also and a month count', () => {
    expect(dateMatches('2024-05', ['2024-05-10'])).toBe(true);
    expect(dateMatches('2024-06', ['2024-05-10'])).toBe(false);
    expect(dateMatches(null, ['2024-05-10'])).toBe(false);
    const d = dateFamily(pages, docs);
    expect([d.pages, d.filled, d.right]).toEqual([2, 2, 2]);
    const d2 = dateFamily([run('b', 'x', { date: '2004-04-17' })], docs);
    expect(d2.wrong).toEqual([{ id: 'b', gold: '2004-04-17', published: '2018-12-24' }]);
  });

  it('boilerplate vs gold: a removed line the gold holds more often than the published text is wrong; a kept edge line not in the gold is chrome', () => {
    const pages2 = [
      run('a', '第一段正文内容。\n第二段正文内容。'),
      run('b', '政府文件的正文。', { site: 'gov.cn' }),
      run('e', '一、总体要求\n正文第一部分。\n二、工作职责\n正文第二部分。'),
      run('f', '票价：30元\n景点甲。\n票价：30元\n景点乙。'),
    ];
    const docs2 = [
      doc('a.html', 1, '第一段正文内容。'),
      doc('b.html', 1, '政府文件的正文。\n扫一扫在手机打开当前页'),
      doc('e.html', 1, '一、总体要求\n正文第一部分。\n二、工作职责\n正文第二部分。'),
      doc('f.html', 1, '票价：30元\n景点甲。\n景点乙。'),
    ];
    const removals = [
      rm('a.html', '第二段正文内容。', { stage: 'segment', rule: 'article_separator' }), // lost: wrong
      rm('a.html', '责任编辑：某某'), // not in the gold: right
      rm('a.html', null, { rule: 'pii_line' }),
      rm('a.html', '<PHONE>', { rule: 'pii_mobile', kind: 'phone' }),
      rm('a.html', '　', { stage: 'normalize', rule: 'invisible_char' }),
      rm('c.html', '没有金标准的页面'),
      rm('e.html', '一、总体要求', { stage: 'segment', rule: 'toc' }), // a contents entry; the heading stays: right
      rm('f.html', '票价：30元', { stage: 'dedupe', rule: 'repeated_paragraph' }), // the gold has it twice, one kept: wrong
    ];
    expect(removals.map(isLineRemoval)).toEqual([true, true, false, false, false, true, true, true]);
    const b = boilerplateAuto(pages2, docs2, removals);
    expect([b.removals_judged, b.removals_in_gold, b.precision]).toEqual([4, 2, 0.5]);
    expect(b.by_rule['segment.article_separator']).toEqual({ judged: 1, wrong: 1, undecided: 0 });
    expect(b.by_rule['segment.toc']).toEqual({ judged: 1, wrong: 0, undecided: 0 });
    expect(b.by_rule['dedupe.repeated_paragraph']).toEqual({ judged: 1, wrong: 1, undecided: 0 });
    // edges: a 第一段… (one line), b 政府文件的正文。 + 扫一扫… (chrome), e 一、总体要求 + 正文第二部分。, f 票价 + 景点乙。
    expect([b.edge_lines_judged, b.edge_lines_chrome]).toEqual([7, 1]);
    expect(b.chrome_kept).toEqual([{ file: 'b.html', text: '扫一扫在手机打开当前页' }]);
  });

  it('boilerplate by hand labels: precision, edge share and what no label covers', () => {
    const removals = [rm('a.html', '责任编辑：某某'), rm('c.html', '第二段正文内容。'), rm('c.html', '未标注的行')];
    const labels: Label[] = [
      { key: lineKey('责任编辑：某某'), type: 'removal', label: 'boilerplate', text: '责任编辑：某某' },
      { key: lineKey('第二段正文内容。'), type: 'removal', label: 'content', text: '第二段正文内容。' },
      { key: lineKey('扫一扫在手机打开当前页'), type: 'edge', label: 'boilerplate', text: '扫一扫在手机打开当前页' },
      { key: lineKey('列表'), type: 'removal', label: 'content', text: '列表' },
    ];
    const h = boilerplateHand(docs, removals, labels);
    expect([h.removals, h.removals_labelled, h.removals_boilerplate, h.precision, h.removals_unlabelled]).toEqual([3, 2, 1, 0.5, 1]);
    // Edge lines: 第一段正文内容。, 正文内容。, 政府文件的正文。, 扫一扫… (boilerplate), 列表 (label of the other type), 列表二
    expect([h.edge_lines, h.edge_lines_labelled, h.edge_lines_boilerplate, h.edge_lines_unlabelled]).toEqual([6, 2, 1, 4]);
  });

  it('candidates: each distinct line removal and edge line once', () => {
    const c = candidates(docs, [rm('a.html', '责任编辑：某某'), rm('b.html', '责任编辑: 某某'), rm('a.html', null, { rule: 'pii_line' })]);
    expect([...c.removal.keys()]).toEqual([lineKey('责任编辑：某某')]);
    expect(c.edge.size).toBe(6);
  });
});
