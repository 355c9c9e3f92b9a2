/** Shared by the distributed tests: a small generated raw folder with bad files, and output comparison. */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT, runCli, tempDir } from '../helpers.js';
import { generateCorpus } from '../../pipeline/bench/generate.js';
import { runStages } from '../../pipeline/lib/runner.js';
import { makeProgress } from '../../pipeline/lib/progress.js';
import type { RawEntry } from '../../pipeline/lib/walk.js';
import { Store } from '../../pipeline/distributed/store.js';
import { BUDGET_DEFAULTS } from '../../pipeline/lib/budget.js';
import { STAGES } from '../../pipeline/stages/index.js';
import { applyKey, codeKey, planJobs, planShards, runJob, shardKey, toWire, type ApplyJob, type ShardJob } from '../../pipeline/distributed/jobs.js';
import { assemble } from '../../pipeline/distributed/assemble.js';

/**
 * A raw folder of about `bytes` (the benchmark's generator: exact and near copies across files, legacy encodings,
 * Traditional script) plus a corrupt Word file and an empty file, which must become ledger rows.
 */
export async function smallRaw(bytes = 600 << 10, seed = 11): Promise<string> {
  const dir = await tempDir('jw-dist-');
  generateCorpus({ raw: path.join(ROOT, 'raw'), out: path.join(dir, 'gen'), bytes, seed });
  const raw = path.join(dir, 'gen', 'corpus');
  await mkdir(path.join(raw, 'bad'), { recursive: true });
  await writeFile(path.join(raw, 'bad', 'broken.docx'), Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(200, 7)]));
  await writeFile(path.join(raw, 'bad', 'empty.txt'), '');
  return raw;
}

/** A single-machine run (the reference): in this process with one worker, or with more through the CLI
 *  (`tsx pipeline/run.ts`: worker threads need tsx's loader, which this process does not have). */
export async function singleRun(raw: string, workers = 1): Promise<string> {
  const out = await tempDir('jw-single-');
  if (workers === 1) {
    await runStages({ raw, out, root: ROOT, progress: makeProgress(process.stderr, true), workers });
    return out;
  }
  const r = await runCli(['--raw', raw, '--out', out, '--quiet', '--workers', String(workers)]);
  if (r.code !== 0) throw new Error(`single-machine run failed: ${r.stderr}`);
  return out;
}

/** The files of OUT: the published ones (documents.* and report/*, the run's own timings aside) and the stage
 *  outputs (stages/*.jsonl; the metas hold times and keys, and the per-file index of a single-machine run,
 *  stages/files.index.jsonl, is its cache for the next run's reuse, which a distributed run does not write), by path. */
export async function published(out: string): Promise<Map<string, Buffer>> {
  const res = new Map<string, Buffer>();
  for (const f of await readdir(out, { recursive: true, withFileTypes: true })) {
    if (!f.isFile()) continue;
    const rel = path.relative(out, path.join(f.parentPath, f.name));
    if (rel.startsWith('.') || rel.endsWith('.meta.json') || rel === path.join('report', 'timings.json') || rel === path.join('stages', 'files.index.jsonl')) continue;
    res.set(rel, await readFile(path.join(out, rel)));
  }
  return res;
}

/** A stage's rows (`stages/<stage>.jsonl`, not its side files; the last stage's, the published rows, aside): what a
 *  distributed run writes only with --stage-rows. */
export const isStageRows = (rel: string): boolean => ['extract', ...STAGES.slice(0, -1).map((s) => s.name)].some((n) => rel === path.join('stages', `${n}.jsonl`));

/**
 * The paths whose bytes differ between two outputs (missing on either side included). `rows` false: `b` is a
 * distributed run without --stage-rows, so the stage rows of `a` are not compared, and any in `b` is a difference.
 */
export async function differing(a: string, b: string, rows = true): Promise<string[]> {
  const x = await published(a), y = await published(b);
  if (!rows) for (const n of [...x.keys()]) if (isStageRows(n)) x.delete(n);
  const names = new Set([...x.keys(), ...y.keys()]);
  return [...names].filter((n) => !x.get(n) || !y.get(n) || !x.get(n)!.equals(y.get(n)!)).sort();
}

/**
 * A distributed run in this process without Redis: every job of every phase run by runJob, each phase's jobs in
 * reverse order (the order jobs run in changes nothing), then the assembly. Returns OUT and the jobs.
 */
export async function inProcess(raw: string, entries: readonly RawEntry[], nShards: number, store: Store, buckets: number, rows = true): Promise<{ out: string; shards: ShardJob[] }> {
  const code = codeKey();
  const shards: ShardJob[] = planShards(entries, nShards).map((es, index) => {
    const wire = es.map((e) => toWire(raw, e));
    return { kind: 'shard', code, raw, index, buckets, budget: BUDGET_DEFAULTS, rows, key: shardKey(code, wire, buckets, BUDGET_DEFAULTS, rows), entries: wire };
  });
  for (const s of [...shards].reverse()) await runJob(s, store);
  const pj = planJobs(code, shards.map((s) => s.key), buckets);
  for (const j of [...pj.buckets].reverse()) await runJob(j, store);
  for (const j of [...pj.verifies].reverse()) await runJob(j, store);
  await runJob(pj.merge, store);
  for (const j of [...pj.recurs].reverse()) await runJob(j, store);
  const recurs = pj.recurs.map((j) => j.key);
  const applies: ApplyJob[] = shards.map((s) => ({ kind: 'apply', code, index: s.index, shard: s.key, merge: pj.merge.key, recurs, rows, key: applyKey(pj.merge.key, s.key, s.index, rows, recurs) }));
  for (const a of [...applies].reverse()) await runJob(a, store);
  for (const j of [...pj.paras].reverse()) await runJob(j, store);
  await runJob(pj.plan, store);
  const out = await tempDir('jw-dist-out-');
  await assemble({ out, store, shards: shards.map((s) => s.key), plan: pj.plan.key, applies: applies.map((a) => a.key), run: pj.plan.key, workers: 1, rows });
  return { out, shards };
}
