import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as OpenCC from 'opencc-js';
import iconv from 'iconv-lite';
import { dedupe, DEDUPE_DEFAULTS, type DedupeConfig } from '../../pipeline/stages/dedupe.js';
import { dedupeParagraphs } from '../../pipeline/dedup/paragraphs.js';
import { bucketPairs, KEPT } from '../../pipeline/dedup/plan.js';
import { prepareDoc, unpackPrepared } from '../../pipeline/dedup/prepare.js';
import { canonicalText, jaccardSorted, shingleFingerprints } from '../../pipeline/lib/minhash.js';
import { countChars, runGlobalInMemory } from '../../pipeline/lib/stage.js';
import { splitSentences } from '../../pipeline/lib/text.js';
import { check } from '../../pipeline/lib/schema.js';
import type { Doc } from '../../pipeline/lib/types.js';
import { articles002, collect, essays000, makeDoc, type Collected } from '../fixtures/dedupe/seeds.js';
import { mulberry32 as rng } from '../../pipeline/lib/random.js';

async function run(docs: Doc[], cfg: Partial<DedupeConfig> = {}): Promise<Collected> {
  const { results, plan } = await runGlobalInMemory(dedupe, docs, { ...DEDUPE_DEFAULTS, ...cfg });
  return collect(docs, results, plan);
}

/**
 * As the runner does it: every value that crosses a thread (prepared, gathered, decision, result) is
 * structured-cloned; gather is answered from `gatherFrom` (the input re-read), in input order.
 */
async function runCloned(docs: Doc[], cfg: Partial<DedupeConfig> = {}, gatherFrom: Doc[] = docs) {
  const c = { ...DEDUPE_DEFAULTS, ...cfg };
  const prepared = docs.map((d) => structuredClone(dedupe.prepare(d, c)));
  const plan = await dedupe.plan(prepared, c, {
    async gather(asks, each) {
      for (const i of [...asks.keys()].sort((a, b) => a - b)) each(i, structuredClone(dedupe.gather!(gatherFrom[i]!, structuredClone(asks.get(i)!), c)));
    },
  });
  const results = plan.decisions.map((d, i) => structuredClone(dedupe.apply(docs[i]!, structuredClone(d), c)));
  return collect(docs, results, plan as Parameters<typeof collect>[2]);
}

const jaccard5 = (a: Doc, b: Doc) =>
  jaccardSorted(shingleFingerprints(canonicalText(a.paragraphs.join('')), 5), shingleFingerprints(canonicalText(b.paragraphs.join('')), 5));


/** Apply `f` to a share `rate` of the sentences (at least one), chosen deterministically. */
function perSentence(doc: Doc, rate: number, seed: number, f: (s: string, r: () => number) => string): Doc {
  const r = rng(seed);
  const all = doc.paragraphs.map((p) => splitSentences(p));
  const total = all.reduce((n, s) => n + s.length, 0);
  const pick = new Set<number>();
  while (pick.size < Math.max(1, Math.round(total * rate))) pick.add(Math.floor(r() * total));
  let k = 0;
  const paragraphs = all.map((ss) => ss.map((s) => (pick.has(k++) ? f(s, r) : s)).join('')).map((p, i) => p || doc.paragraphs[i]!);
  return { ...doc, paragraphs };
}

const FILLER = '我们必须坚持实事求是工作方法深入基层调研';
const editSentence = (s: string, r: () => number) => {
  const cps = [...s];
  const at = Math.floor(r() * Math.max(1, cps.length - 4));
  cps.splice(at, 3, ...FILLER.slice(Math.floor(r() * 15), Math.floor(r() * 15) + 4));
  return cps.join('');
};

const s2t = OpenCC.Converter({ from: 'cn', to: 't' });
const t2s = OpenCC.Converter({ from: 't', to: 'cn' });

/** Derived copies of a seed document, each under another source file. */
const VARIANTS: [string, (d: Doc, seed: number) => Doc][] = [
  ['8% of sentences edited', (d, s) => perSentence(d, 0.08, s, editSentence)],
  ['10% of sentences edited', (d, s) => perSentence(d, 0.1, s, editSentence)],
  ['6% of sentences deleted', (d, s) => perSentence(d, 0.06, s, () => '')],
  ['10% of sentences deleted', (d, s) => perSentence(d, 0.1, s, () => '')],
  ['another site header and footer', (d) => ({ ...d, paragraphs: ['来源：某某范文网 发布时间：2020-03-15 浏览次数：1024', ...d.paragraphs, '更多精彩范文请关注本站公众号，每日更新讲话稿、心得体会、党课讲稿。', '（责任编辑：王某）'] })],
  ['Traditional copy after t→cn', (d) => ({ ...d, paragraphs: d.paragraphs.map((p) => t2s(s2t(p))) })],
  ['GB18030 round trip', (d) => ({ ...d, paragraphs: d.paragraphs.map((p) => iconv.decode(iconv.encode(p, 'gb18030'), 'gb18030')) })],
  ['spacing and punctuation changed', (d) => ({ ...d, paragraphs: d.paragraphs.map((p) => '  ' + p.replace(/，/g, ',').replace(/。/g, '. ')) })],
];

const SEEDS: [string, () => Doc][] = [
  ...[0, 3, 7, 11].map((i) => [`000 essay ${i + 1}`, () => essays000()[i]!] as [string, () => Doc]),
  ...[0, 4, 8].map((i) => [`002 article ${i + 1}`, () => articles002()[i]!] as [string, () => Doc]),
];

const CASES = SEEDS.flatMap(([sname, seed], si) => VARIANTS.map(([vname, f], vi) => [sname, vname, seed, f, si * 100 + vi] as const));

describe('dedupe: documents from raw/', () => {
  it('keeps the twelve 000 essays (pairwise 5-gram Jaccard < 0.1) and the nine distinct 002 articles; drops the copy', async () => {
    const e = essays000();
    const a = articles002();
    expect(e).toHaveLength(12);
    expect(a).toHaveLength(10);
    for (const set of [e, a.slice(0, 9)]) for (let i = 0; i < set.length; i++) for (let j = i + 1; j < set.length; j++) expect(jaccard5(set[i]!, set[j]!)).toBeLessThan(0.1);
    const got = await run([...e, ...a]);
    expect(got.emitted).toHaveLength(21);
    expect(got.dropped).toHaveLength(1);
    const [d] = got.dropped;
    expect(d!.doc.id).toBe(a[9]!.id);
    expect(d!.drop).toEqual({ reason: 'exact_duplicate', extra: { dup_of: a[8]!.id, method: 'exact', similarity: 1 } });
    expect(got.emitted.find((x) => x.id === a[8]!.id)!.duplicates).toBe(1);
    expect(got.emitted.filter((x) => x.duplicates > 0)).toHaveLength(1);
    expect(got.counts).toMatchObject({ clusters: 1, exact: 1, near: 0, verified_pairs: 0 });
    for (const doc of got.emitted) expect(check('dedupe', doc)).toBeNull();
  });

  it('removes the truncated first paragraph of 000 essay 4, with its exact character count', async () => {
    const e = essays000();
    const got = await run(e);
    expect(got.removed.map((r) => [r.doc.segment, r.removal.rule, r.removal.paragraph, r.removal.line])).toEqual([[4, 'truncated_paragraph', 0, 46]]);
    expect(got.removed[0]!.removal.chars).toBe(countChars(e[3]!.paragraphs[0]!));
    // Ledger: characters in = kept + removed.
    const out = got.emitted.find((d) => d.segment === 4)!;
    expect(countChars(e[3]!.paragraphs.join(''))).toBe(countChars(out.paragraphs.join('')) + got.removed[0]!.removal.chars);
    expect(out.para_lines).toEqual(e[3]!.para_lines.slice(1));
    expect(got.counts).toMatchObject({ truncated_paragraphs: 1, repeated_paragraphs: 0 });
  });
});

describe('dedupe: derived copies are caught', () => {
  it.each(CASES)('%s, %s', async (_s, _v, seed, variant, n) => {
    const orig = seed();
    const copy = { ...variant(orig, n + 1), id: 'jw_' + 'c'.repeat(20), source_file: 'zz_copy.txt' };
    const got = await run([orig, copy]);
    expect(got.emitted).toHaveLength(1);
    expect(got.dropped).toHaveLength(1);
    const { doc, drop } = got.dropped[0]!;
    const kept = got.emitted[0]!;
    expect(drop.extra!['dup_of']).toBe(kept.id);
    expect(kept.duplicates).toBe(1);
    expect(drop.reason).toBe(drop.extra!['method'] === 'exact' ? 'exact_duplicate' : 'near_duplicate');
    expect(drop.extra!['similarity']).toBeGreaterThanOrEqual(0.7);
    // Keeper rule: the longer clean text, then the earlier source file.
    const longer = countChars(copy.paragraphs.join('')) > countChars(orig.paragraphs.join('')) ? copy : orig;
    expect(kept.id).toBe(longer.id);
    expect(doc.id).toBe(longer === copy ? orig.id : copy.id);
  });

  it.each([
    ['GB18030 round trip', 'exact'],
    ['spacing and punctuation changed', 'exact'],
    ['8% of sentences edited', 'near'],
    ['10% of sentences deleted', 'near'],
  ])('%s is found by the %s method', async (vname, method) => {
    const orig = articles002()[0]!;
    const copy = { ...VARIANTS.find(([v]) => v === vname)![1](orig, 7), id: 'jw_' + 'c'.repeat(20), source_file: 'zz_copy.txt' };
    const got = await run([orig, copy]);
    expect(got.dropped.map((d) => d.drop.extra!['method'])).toEqual([method]);
  });

  it('catches short texts with 4-grams, also across the 4/5-gram boundary', async () => {
    // 84 canonical characters: under shortChars (100), so 4-grams; `longer` (102) is indexed under both sizes.
    const p = '各级领导干部要有时时放心不下的责任感，担当作为求真务实，防止各类黑天鹅灰犀牛事件发生，心中常常牵挂，肩上时时担当。必须深入学习领会、坚决贯彻落实，时时保持朝乾夕惕的工作状态和奋斗姿态。';
    const short = makeDoc('a.txt', 1, null, [p]);
    const edited = makeDoc('b.txt', 1, null, [p.replace('求真务实', '求是务实')]);
    const longer = makeDoc('c.txt', 1, null, [p + '脚下一直务实，保持奋斗姿态，勇于担当作为。']);
    expect(canonicalText(p).length).toBeLessThan(DEDUPE_DEFAULTS.shortChars);
    expect(canonicalText(longer.paragraphs[0]!).length).toBeGreaterThanOrEqual(DEDUPE_DEFAULTS.shortChars);
    const got = await run([short, edited]);
    expect(got.dropped.map((d) => [d.doc.source_file, d.drop.reason, d.drop.extra!['dup_of']])).toEqual([['b.txt', 'near_duplicate', short.id]]);
    const got2 = await run([short, longer]);
    expect(got2.dropped.map((d) => [d.doc.source_file, d.drop.extra!['dup_of']])).toEqual([['a.txt', longer.id]]);
  });
});

describe('dedupe: what must not merge', () => {
  it('does not merge through a verified chain A~B, B~C when A≁C', async () => {
    const text = essays000().map((d) => canonicalText(d.paragraphs.join(''))).join('');
    const cps = [...text];
    const win = (s: number) => makeDoc(`${'abc'[s / 150]}.txt`, 1, null, [cps.slice(s, s + 1000).join('')]);
    const [A, B, C] = [win(0), win(150), win(300)];
    expect(jaccard5(A, B)).toBeGreaterThanOrEqual(0.7);
    expect(jaccard5(B, C)).toBeGreaterThanOrEqual(0.7);
    expect(jaccard5(A, C)).toBeLessThan(0.7);
    const got = await run([A, B, C]);
    expect(got.emitted.map((d) => d.source_file)).toEqual(['a.txt', 'c.txt']);
    expect(got.dropped.map((d) => [d.doc.source_file, d.drop.extra!['dup_of']])).toEqual([['b.txt', A.id]]);
    expect(got.counts).toMatchObject({ verified_pairs: 2, clusters: 1, near: 1 });
    expect(got.counts['candidate_pairs']).toBe(got.counts['verified_pairs']! + got.counts['rejected_pairs']!);
  });

  it('keeps templated essays that share opening and closing formulas but not their body', async () => {
    const open = '近日，习近平总书记主持召开会议并发表重要讲话。结合工作实际，谈几点认识和体会。';
    const close = '以上是我的一点粗浅体会，不妥之处请批评指正。';
    const docs = essays000().map((d) => ({ ...d, paragraphs: [open, ...d.paragraphs, close] }));
    const got = await run(docs);
    expect(got.dropped).toHaveLength(0);
    expect(got.emitted).toHaveLength(12);
  });

  it('is deterministic: the same input gives the same decisions in the same order', async () => {
    const docs = [...articles002(), ...essays000()];
    const a = await run(docs);
    const b = await run(docs);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });
});

describe('dedupe: prepare, gather and apply in the worker pool, plan on the main thread', () => {
  const banner = '欢迎访问某某公文网，联系邮箱 editor@example.com，转载须保留出处。';
  const mixed = (): Doc[] => {
    const e = essays000(), a = articles002();
    const copy = { ...perSentence(a[0]!, 0.08, 5, editSentence), id: 'jw_' + 'c'.repeat(20), source_file: 'zz_copy.txt' };
    return [...e.map((d, i) => ({ ...d, source_file: `site${i % 3}.txt`, paragraphs: [...d.paragraphs, banner] })), ...a, copy];
  };

  it.each([
    ['raw/ documents, a near copy, a banner', mixed, {}],
    ['the same with exact matching only', mixed, { threshold: 1 }],
    ['short texts across the 4/5-gram boundary', () => essays000().flatMap((d, i) => [makeDoc(`s${i}.txt`, 1, null, [d.paragraphs[1]!.slice(0, 90)]), makeDoc(`t${i}.txt`, 1, null, [d.paragraphs[1]!.slice(2, 120)])]), {}],
  ] as const)('%s: same output with every value cloned across threads', async (_n, docs, cfg) => {
    const a = await run(docs(), cfg);
    const b = await runCloned(docs(), cfg);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(a.dropped.length).toBeGreaterThan(0);
  });

  it('a prepared value is small and structured-clonable', () => {
    const d = essays000()[3]!;
    const p = prepareDoc(d, DEDUPE_DEFAULTS);
    expect(structuredClone(p)).toBe(p);
    const f = unpackPrepared(p);
    expect(f.keys).toHaveLength(32);
    expect(f.removed).toEqual([0 * 2 + 1]); // its truncated first paragraph
    expect(f.chars).toBe(countChars(d.paragraphs.slice(1).join('')));
    expect(f.exact).toMatch(/^[0-9a-f]{32}$/);
    expect([f.id, f.file, f.member, f.segment, f.len]).toEqual([d.id, d.source_file, '', d.segment, canonicalText(d.paragraphs.slice(1).join('')).length]);
    expect(f.para.length % 2).toBe(0);
    expect(p.length * 2).toBeLessThan(1024);
  });

  it('decisions are small: one shared value for a plain kept document, verdicts only where a paragraph goes', async () => {
    const e = essays000();
    const { plan } = await runGlobalInMemory(dedupe, [...e, { ...e[0]!, id: 'jw_' + 'c'.repeat(20), source_file: 'zz.txt' }]);
    const d = plan.decisions;
    expect(d.filter((x) => x === KEPT)).toHaveLength(10);
    expect(d[0]).toEqual({ keep: true, duplicates: 1 });
    expect(d[3]).toEqual({ keep: true, duplicates: 0, removed: [1] });
    expect(d[12]).toEqual({ keep: false, dup_of: e[0]!.id, method: 'exact', similarity: 1 });
  });

  it('gather refuses a record other than the one prepared at that position (input order changed)', async () => {
    const orig = articles002()[0]!;
    const copy = { ...perSentence(orig, 0.08, 5, editSentence), id: 'jw_' + 'c'.repeat(20), source_file: 'zz_copy.txt' };
    await expect(runCloned([orig, copy], {}, [copy, orig])).rejects.toThrow(/input order changed/);
  });

  it.each([
    ['another configuration', () => essays000().slice(0, 2).map((d) => prepareDoc(d, { ...DEDUPE_DEFAULTS, threshold: 0.5 })), /another configuration/],
    ['an older format (an object)', () => [{ id: 'jw_x', keys: new Float64Array(32) }], /not a prepared value/],
  ])('plan refuses prepared values of %s', async (_n, prepared, msg) => {
    await expect(dedupe.plan(prepared() as string[], DEDUPE_DEFAULTS, { gather: async () => {} })).rejects.toThrow(msg);
  });

  it('checks its configuration', async () => {
    await expect(dedupe.plan([], { ...DEDUPE_DEFAULTS, maxBucket: 1 }, { gather: async () => {} })).rejects.toThrow('dedupe: config maxBucket=1 must be at least 2');
    expect(() => dedupe.prepare(essays000()[0]!, { ...DEDUPE_DEFAULTS, shingle: 0 })).toThrow('dedupe: config shingle=0 must be an integer in 1..30');
  });
});

describe('dedupe: LSH buckets', () => {
  // Entries 0..n-1 with one band of keys; pairs as [earlier, later].
  it.each([
    ['no shared key', [1, 2, 3], 10, [], 0],
    ['two buckets', [7, 8, 7, 8, 7], 10, [[0, 2], [1, 3], [0, 4], [2, 4]], 0],
    ['a bucket over the cap pairs each member with its first members only', [5, 5, 5, 5], 2, [[0, 1], [0, 2], [1, 2], [0, 3], [1, 3]], 1],
  ] as const)('%s', (_n, keys, cap, pairs, capped) => {
    const got: number[][] = [];
    expect(bucketPairs([Float64Array.from(keys)], cap, (a, b) => got.push([a, b]))).toBe(capped);
    expect(got).toEqual(pairs);
  });
});

describe('dedupe: paragraphs', () => {
  const cfg = { minRepeatChars: 10, minTruncatedChars: 20 };
  const P1 = '要强化理论武装，把系统学习习近平新时代中国特色社会主义思想作为首要政治任务。';
  const P2 = '要坚持问题导向，聚焦群众急难愁盼问题，切实解决好群众最关心最直接最现实的利益问题。';
  it.each([
    ['repeated paragraph', [P1, P2, P1], [P1, P2], [['repeated_paragraph', 2, 12]]],
    ['repeat that differs only in punctuation and width', [P1, P2, P1.replace(/，/g, ',').replace('。', '.')], [P1, P2], [['repeated_paragraph', 2, 12]]],
    ['truncated copy before its full paragraph', [P1.slice(0, 26) + '。', P1, P2], [P1, P2], [['truncated_paragraph', 0, 10]]],
    ['short repeated line is kept', ['同志们：', P1, '同志们：'], ['同志们：', P1, '同志们：'], []],
    ['short prefix (a heading) is kept', ['一、强化理论武装', '一、强化理论武装，把学习作为首要任务。'], ['一、强化理论武装', '一、强化理论武装，把学习作为首要任务。'], []],
    // Issue 21: short headings and table cells recur legitimately and are never repeats.
    ['a repeated short heading is kept', ['三、关于资产和土地处置', P1, '三、关于资产和土地处置', P2], ['三、关于资产和土地处置', P1, '三、关于资产和土地处置', P2], []],
    ['a repeated table cell is kept', ['指标来源：国家统计局年度统计公报', P1, '指标来源：国家统计局年度统计公报'], ['指标来源：国家统计局年度统计公报', P1, '指标来源：国家统计局年度统计公报'], []],
    ['a repeated structure heading that ends in a full stop is kept', ['1.担当是一种责任担当。', P1, '1.担当是一种责任担当。'], ['1.担当是一种责任担当。', P1, '1.担当是一种责任担当。'], []],
    ['a heading that begins the next paragraph is not a truncated copy', ['坚持和加强党的全面领导和党的建设工作总体要求', '坚持和加强党的全面领导和党的建设工作总体要求，是根本保证。'], ['坚持和加强党的全面领导和党的建设工作总体要求', '坚持和加强党的全面领导和党的建设工作总体要求，是根本保证。'], []],
    ['a short sentence repeated is still a repeat', ['我们要坚定信心，迎难而上。', P1, '我们要坚定信心，迎难而上。'], ['我们要坚定信心，迎难而上。', P1], [['repeated_paragraph', 2, 12]]],
    // Issue 21: a script repeats its options in each command (cnblogs-66211fc4 of the eval set lost 25 such lines).
    ['repeated lines of a code block are kept', [P1, '--add-host=host.docker.internal:host-gateway \\', '-v /etc/localtime:/etc/localtime:ro \\', P2, '--add-host=host.docker.internal:host-gateway \\', '-v /etc/localtime:/etc/localtime:ro \\'],
      [P1, '--add-host=host.docker.internal:host-gateway \\', '-v /etc/localtime:/etc/localtime:ro \\', P2, '--add-host=host.docker.internal:host-gateway \\', '-v /etc/localtime:/etc/localtime:ro \\'], []],
    ['a repeated English sentence is still a repeat', ['The plan was approved by the committee on Monday.', P1, 'The plan was approved by the committee on Monday.'], ['The plan was approved by the committee on Monday.', P1], [['repeated_paragraph', 2, 12]]],
  ] as const)('%s', (_name, paragraphs, kept, removed) => {
    const r = dedupeParagraphs({ paragraphs: [...paragraphs], para_lines: paragraphs.map((_, i) => 10 + i) }, cfg);
    expect(r.paragraphs).toEqual(kept);
    expect(r.removed.map((x) => [x.rule, x.paragraph, x.line])).toEqual(removed);
    expect(r.removed.reduce((n, x) => n + x.chars, 0)).toBe(countChars(paragraphs.join('')) - countChars(kept.join('')));
  });

  it('real gov.cn notice: a heading under two of its parts stays both times', () => {
    // tests/fixtures/real/README.md: 国办发〔2018〕124号, six lines of its extracted text.
    const paragraphs = readFileSync(path.resolve(import.meta.dirname, '../fixtures/real/govcn-5352010-repeated-heading.txt'), 'utf8').trim().split('\n');
    const r = dedupeParagraphs({ paragraphs, para_lines: paragraphs.map((_, i) => i + 1) }, cfg);
    expect(r.paragraphs.filter((p) => p === '三、关于资产和土地处置')).toHaveLength(2);
    expect(r.removed).toEqual([]);
  });

  it('lists paragraphs recurring across source files as boilerplate candidates, personal data masked', async () => {
    const banner = '欢迎访问某某公文网，联系邮箱 editor@example.com，转载须保留出处。';
    const e = essays000();
    const docs = e.slice(0, 5).map((d, i) => ({ ...d, source_file: `site${i % 3}.txt`, paragraphs: [...d.paragraphs, banner] }));
    const inOneFile = e.slice(5, 9).map((d) => ({ ...d, paragraphs: [...d.paragraphs, '本汇编仅供内部学习交流使用，请勿外传。谢谢合作。'] }));
    const got = await run([...docs, ...inOneFile]);
    const rows = got.reports['boilerplate_candidates']!;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ docs: 5, source_files: 3 });
    expect(rows[0]!['excerpt']).toBe('欢迎访问某某公文网，联系邮箱 <EMAIL>，转载须保留出处。');
    expect(JSON.stringify(got.reports)).not.toContain('editor@example.com');
  });
});

interface DJCase { test: string; op: string[]; ds_list: { text: string }[]; tgt_list: { text: string }[] }
const DJ = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../fixtures/dedupe/data_juicer_dedup_cases.json'), 'utf8')) as { files: { path: string; tests: DJCase[] }[] };
const djCase = (name: string) => DJ.files.flatMap((f) => f.tests).find((t) => t.test === name)!;

/**
 * data-juicer's deduplicator tests (Apache-2.0), run through our stage. `ours` lists the 1-based input
 * positions we keep; where it differs from data-juicer's target, the note says why.
 */
const DJ_EXPECT: [string, Partial<DedupeConfig>, number[], string][] = [
  ['DocumentDeduplicatorTest.test_english_deduplication', { threshold: 1 }, [1, 2, 4],
    'differs: we always case-fold Latin letters for the hash (their lowercase=True), so "Sunday"/"sunday" merge; they keep 3'],
  ['DocumentDeduplicatorTest.test_english_deduplication_with_params', { threshold: 1 }, [1, 2, 5], 'same'],
  ['DocumentDeduplicatorTest.test_chinese_deduplication', { threshold: 1 }, [1, 2, 3, 5], 'same (exact only)'],
  ['DocumentDeduplicatorTest.test_chinese_deduplication', {}, [1, 2, 5],
    'differs by design: with near-duplicates on, "时间：2003年…" (5) and the plain copy (3) have Jaccard 0.88; 5 is longer, so kept'],
  ['DocumentMinhashDeduplicatorTest.test_english_deduplication', {}, [1, 2, 3, 4, 5, 7], 'same'],
  ['DocumentMinhashDeduplicatorTest.test_chinese_deduplication', {}, [1, 2, 4],
    'same cluster; differs in the member kept: we keep the longer text (4, with "时间："), data-juicer the first (3)'],
  ['DocumentSimhashDeduplicatorTest.test_english_deduplication', {}, [1, 2, 3, 4, 5, 7], 'same (we use MinHash, not SimHash)'],
  ['DocumentSimhashDeduplicatorTest.test_chinese_deduplication', {}, [1, 2, 4], 'same cluster; we keep the longer member'],
  ['DocumentSimhashDeduplicatorTest.test_punctuation_deduplication', {}, [1, 2, 3, 4],
    'differs: SimHash over punctuation-split tokens calls 1 and 2 duplicates; their 5-gram Jaccard is below 0.7, we keep both'],
];

describe('dedupe: data-juicer deduplicator cases', () => {
  it.each(DJ_EXPECT)('%s %j → %j (%s)', async (name, cfg, ours) => {
    const c = djCase(name);
    const docs = c.ds_list.map((x, i) => makeDoc('dj.txt', i + 1, null, x.text.split('\n').map((s) => s.trim()).filter(Boolean)));
    const got = await run(docs, cfg);
    expect(got.emitted.map((d) => d.segment)).toEqual(ours);
    for (const { drop } of got.dropped) expect(drop.extra!['method']).toBe(cfg.threshold === 1 ? 'exact' : drop.extra!['method']);
    // data-juicer keeps the same number of texts wherever only the keeper rule differs.
    if (/^same/.test(DJ_EXPECT.find((e) => e[0] === name && e[1] === cfg)![3])) expect(ours).toHaveLength(c.tgt_list.length);
  });
});
