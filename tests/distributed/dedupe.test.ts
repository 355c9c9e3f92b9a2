/**
 * The distributed dedupe plan (pipeline/distributed/dedupe.ts) against the single-machine one (the dedupe stage's
 * plan: planDedupe and boilerplateRows): the same decision for every document, the same counts and the same
 * boilerplate report, for 1 to 7 shards and 1 to 9 buckets, on made-up documents with exact copies, near copies in
 * other shards, a chain A~B~C (A≁C) whose pairs fall in different buckets, short texts across the 4/5-gram
 * boundary, banners across files, and LSH buckets over `maxBucket`.
 */
import { describe, it, expect } from 'vitest';
import { dedupe, DEDUPE_DEFAULTS, type DedupeConfig } from '../../pipeline/stages/dedupe.js';
import { gatherDoc, prepareDoc, type Ask, type Prepared } from '../../pipeline/dedup/prepare.js';
import type { Decision } from '../../pipeline/dedup/plan.js';
import { canonicalText } from '../../pipeline/lib/minhash.js';
import type { Doc } from '../../pipeline/lib/types.js';
import { Store } from '../../pipeline/distributed/store.js';
import {
  bucketFiles, Corpus, dedupeShardFiles, mergeFiles, pairBucket, paraFiles, recurFiles, reportRows, shardDecisions, shardPrepared, verifyFiles, type RecurOutput, type ShardDecisions,
} from '../../pipeline/distributed/dedupe.js';
import { articles002, essays000, makeDoc } from '../fixtures/dedupe/seeds.js';
import { tempDir } from '../helpers.js';

const banner = '欢迎访问某某公文网，联系邮箱 editor@example.com，转载须保留出处。';
const footer = '本文来源于某某日报客户端，版权归原作者所有，如有侵权请联系删除。';

/** The chain: three 1000-character windows 150 apart (A~B, B~C, A≁C: tests/stages/dedupe.test.ts), of the
 *  essays' text backwards (no shingle in common with the essays themselves). */
function chain(): Doc[] {
  const cps = [...essays000().map((d) => canonicalText(d.paragraphs.join(''))).join('')].reverse();
  return [0, 150, 300].map((s, k) => makeDoc(`chain${'abc'[k]}.txt`, 1, null, [cps.slice(s, s + 1000).join('')]));
}

/** Made-up corpus in input order; the chain's three documents far apart (different shards for any cut ≥ 3). */
// Speeches of two sites (folders), distinct bodies, each site's banner line at an edge: recurring banners, decided
// per source by the recur jobs (a bucket of sources each), with the speeches spread over the shards.
const TOPICS = ['乡村振兴', '生态保护', '科技创新', '教育公平', '医疗改革', '文化繁荣', '安全生产', '营商环境'];
function speech(file: string, k: number, top: string | null, end: string | null): Doc {
  const t = TOPICS[k % TOPICS.length]!;
  const body = [
    `关于${t}工作，今年我们围绕重点任务推进了第${k + 1}批试点项目，覆盖${12 + k * 7}个县区，投入资金${3 + k}亿元，群众满意度明显提高。`,
    `在${t}领域，我们把这一理念贯穿到规划、建设和管理的全过程，第${k + 2}季度新增项目${k * 3 + 5}个，完成投资${k * 9 + 40}亿元。`,
    `下一步，要把${t}同深化改革结合起来，完善考核办法，压实各级责任，确保${2025 + k}年各项指标全面完成，编号${k * 11 + 17}。`,
  ];
  return makeDoc(file, 1, `在${t}工作会议上的讲话`, [...(top ? [top] : []), ...body, ...(end ? [end] : [])]);
}
const SITE_A = '某某市政府门户网站·领导讲话频道', SITE_B = '本站文章均来自网络整理，转载请注明出处';

function corpus(): { docs: Doc[]; chainAt: number[] } {
  const e = essays000(), a = articles002();
  const docs: Doc[] = [];
  const [A, B, C] = chain();
  docs.push(A!);
  for (let k = 0; k < 3; k++) docs.push(speech(`siteA/speech${k}.html`, k, SITE_A, null));
  e.forEach((d, i) => docs.push({ ...d, source_file: `site${i % 3}.txt`, paragraphs: [...d.paragraphs, banner] }));
  a.forEach((d, i) => docs.push({ ...d, source_file: `news${i % 4}.txt`, paragraphs: i % 2 ? [footer, ...d.paragraphs] : d.paragraphs }));
  docs.push(B!);
  for (let k = 3; k < 5; k++) docs.push(speech(`siteA/speech${k}.html`, k, SITE_A, null));
  for (let k = 0; k < 4; k++) docs.push(speech(`siteB/p${k}.html`, k + 4, null, SITE_B));
  // Exact copies (another file, a later position) and near copies (one sentence changed) of earlier documents.
  a.slice(0, 4).forEach((d, i) => docs.push({ ...d, id: `jw_copy${i}`, source_file: `zz_copy${i}.txt` }));
  e.slice(0, 5).forEach((d, i) => docs.push({ ...d, id: `jw_near${i}`, source_file: `zz_near${i}.txt`, paragraphs: d.paragraphs.map((p, k) => (k === 1 ? p.replace(/。/, '，并且继续努力。') : p)) }));
  // Short texts across the 4/5-gram boundary.
  e.forEach((d, i) => docs.push(makeDoc(`s${i}.txt`, 1, null, [d.paragraphs[1]!.slice(0, 90)]), makeDoc(`t${i}.txt`, 1, null, [d.paragraphs[1]!.slice(2, 120)])));
  // Five near copies of one article (a few characters added to one paragraph): LSH buckets of six documents.
  for (let k = 0; k < 5; k++) docs.push({ ...a[5]!, id: `jw_var${k}`, source_file: `var${k}.txt`, paragraphs: a[5]!.paragraphs.map((p, i) => (i === 2 ? `${p}第${k + 1}次` : p)) });
  // An exact copy of a short text in yet another file; a document with a repeated paragraph.
  docs.push(makeDoc('u.txt', 1, null, [e[0]!.paragraphs[1]!.slice(0, 90)]));
  docs.push(makeDoc('rep.txt', 1, null, [...e[3]!.paragraphs.slice(0, 3), e[3]!.paragraphs[1]!, banner]));
  // Copies of two of site B's speeches in another folder of site B's: dropped, so they do not count as its units.
  for (let k = 0; k < 2; k++) docs.push({ ...speech(`siteB/copies/p${k}.html`, k + 4, null, SITE_B), id: `jw_bcopy${k}` });
  docs.push(C!);
  return { docs, chainAt: [0, docs.indexOf(B!), docs.length - 1] };
}

async function single(docs: Doc[], prepared: Prepared[], cfg: DedupeConfig) {
  return dedupe.plan!(prepared, cfg, {
    gather: async (asks, each) => {
      for (const i of [...asks.keys()].sort((x, y) => x - y)) each(i, gatherDoc(docs[i]!, asks.get(i)! as Ask, cfg));
    },
  });
}

async function distributed(docs: Doc[], prepared: Prepared[], cfg: DedupeConfig, nShards: number, buckets: number) {
  const store = new Store(await tempDir('jw-dd-'));
  const keys: string[] = [];
  const per = Math.ceil(docs.length / nShards);
  for (let k = 0; k * per < docs.length; k++) {
    const part = docs.slice(k * per, (k + 1) * per);
    const input = Buffer.from(part.map((d) => JSON.stringify(d) + '\n').join(''));
    keys.push(`s${k}`);
    await store.publish('shard', `s${k}`, { 'input.jsonl': input, ...dedupeShardFiles(prepared.slice(k * per, (k + 1) * per), input, buckets, cfg) });
  }
  const gather = (d: Doc, a: Ask) => gatherDoc(d, a, cfg);
  const run = async (kind: 'bucket' | 'verify' | 'merge' | 'recur' | 'para', key: string, f: (c: Corpus) => Promise<Record<string, Uint8Array>>) => {
    await store.publish(kind, key, await f(await Corpus.open(store, keys)));
  };
  const B = Array.from({ length: buckets }, (_, b) => b);
  for (const b of B) await run('bucket', `b${b}`, (c) => bucketFiles(c, b, buckets, cfg));
  for (const b of B) await run('verify', `v${b}`, (c) => verifyFiles(c, b, B.map((x) => `b${x}`), gather, cfg));
  await run('merge', 'm', (c) => mergeFiles(c, B.map((x) => `b${x}`), B.map((x) => `v${x}`), cfg));
  for (const b of B) await run('recur', `r${b}`, (c) => recurFiles(c, b, 'm', cfg));
  for (const b of B) await run('para', `p${b}`, (c) => paraFiles(c, b, 'm', cfg));
  const c = await Corpus.open(store, keys);
  const rows = await reportRows(c, B.map((x) => `p${x}`), gather, cfg);
  const recurs = await Promise.all(B.map((b) => store.value<RecurOutput>('recur', `r${b}`, 'rec.bin')));
  const decisions: Decision[] = [];
  for (let k = 0; k < keys.length; k++) {
    // As an apply job: the merge's decisions of the shard, and its recurring banners from every recur job.
    const mine = await store.value<ShardDecisions>('merge', 'm', `decisions-${k}.bin`);
    for (const b of B) mine.recurring.push(...(await store.value<[number, number[]][]>('recur', `r${b}`, `shard-${k}.bin`).catch(() => [])));
    decisions.push(...shardDecisions(await shardPrepared(store, keys[k]!), mine));
  }
  // As the report job: the recur jobs' counts summed into the merge's.
  const counts = await store.value<Record<string, number>>('merge', 'm', 'counts.bin');
  for (const r of recurs) { counts['recurring_banner_lines']! += r.lines; counts['recurring_banner_removed']! += r.removed; }
  return { decisions, counts, rows };
}

/** A decision as JSON with the kept decision's `duplicates: 0` and no `removed` written the same way. */
const norm = (ds: Decision[]) => ds.map((d) => JSON.stringify(d));

describe('the distributed dedupe plan decides as planDedupe', () => {
  const { docs, chainAt } = corpus();

  it.each([
    ['defaults', {}],
    ['LSH buckets capped at 3 members', { maxBucket: 3 }],
    ['report cut to 2 rows, boilerplate from 2 documents', { boilerplateMaxRows: 2, boilerplateMinDocs: 2 }],
    ['exact matching only', { threshold: 1 }],
  ] as const)('%s: every shard and bucket count gives the same decisions, counts and report', async (_n, over) => {
    const cfg: DedupeConfig = { ...DEDUPE_DEFAULTS, ...over };
    const prepared = docs.map((d) => prepareDoc(d, cfg));
    const ref = await single(docs, prepared, cfg);
    // The corpus exercises what it is meant to.
    expect(ref.counts['exact']).toBeGreaterThan(0);
    if (cfg.threshold < 1) expect(ref.counts['near']).toBeGreaterThan(2);
    if (cfg.maxBucket === 3) expect(ref.counts['lsh_buckets_capped']).toBeGreaterThan(0);
    // Recurring banners (the recur jobs, a bucket of sources each): the banner and footer lines recur at the edges.
    expect(ref.counts['recurring_banner_removed'], JSON.stringify(ref.counts)).toBeGreaterThan(0);
    const refRows = ref.reports!['boilerplate_candidates']!;
    expect(refRows.length).toBeGreaterThan(0);
    for (const [s, b] of [[1, 1], [1, 4], [3, 2], [4, 1], [5, 3], [7, 9]] as const) {
      const got = await distributed(docs, prepared, cfg, s, b);
      expect(norm(got.decisions), `${s} shards, ${b} buckets`).toEqual(norm(ref.decisions as Decision[]));
      expect(got.counts, `${s} shards, ${b} buckets`).toEqual(ref.counts);
      expect(Object.keys(got.counts)).toEqual(Object.keys(ref.counts));
      expect(got.rows, `${s} shards, ${b} buckets`).toEqual(refRows);
    }
  }, 120_000);

  it('the chain A~B~C across shards and buckets: A keeps B, C stays', async () => {
    const cfg = DEDUPE_DEFAULTS;
    const prepared = docs.map((d) => prepareDoc(d, cfg));
    const [a, b, c] = chainAt as [number, number, number];
    // With 3 buckets the two verified pairs are verified in different buckets.
    expect(pairBucket(a, b, 3)).not.toBe(pairBucket(b, c, 3));
    const got = await distributed(docs, prepared, cfg, 3, 3);
    expect(new Set([a, b, c].map((i) => Math.floor(i / Math.ceil(docs.length / 3)))).size).toBe(3);
    expect(got.decisions[a]).toMatchObject({ keep: true });
    expect(got.decisions[b]).toMatchObject({ keep: false, method: 'near', dup_of: docs[a]!.id });
    expect(got.decisions[c]).toMatchObject({ keep: true });
  }, 60_000);
});
