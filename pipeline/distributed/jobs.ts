/**
 * The jobs of a distributed run (README, "Several machines"), as plain functions over
 * shared storage (store.ts): BullMQ (work.ts) only decides who runs them, when, and again after a crash. Each job
 * reads its inputs from the store, runs the single-machine code on them (pipeline/lib/worker.ts's runChain, the
 * whole-corpus stage's own prepare, gather and apply; its plan by buckets in dedupe.ts), and publishes its output under a content key; a job whose
 * output exists returns at once. Nothing here decides an output byte that the single-machine run decides
 * differently: the assembly (assemble.ts) writes the same files through the runner's own writers.
 *
 *   shard  (one per shard, any worker): extraction → the per-record stages → the whole-corpus stage's `prepare`,
 *          over the shard's raw files in batches; publishes every batch's rows, the prepared values and the last
 *          per-record stage's output (the input of the rest);
 *   bucket, verify, merge, para, plan (dedupe.ts): the whole-corpus stage's `plan`, split by buckets (band keys,
 *          exact hashes, candidate pairs and paragraph keys partitioned by a hash into B buckets), with one merge job
 *          (clustering) and one report job; they fetch single documents from the shards' outputs, never a corpus;
 *   apply  (one per shard, any worker, after the merge): `apply` with the shard's decisions → the later per-record
 *          stages → the export's per-batch formatting.
 */
import path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { STAGES } from '../stages/index.js';
import { EXTRACT_DEFAULTS } from '../stages/extract.js';
import { codeHash } from '../lib/codehash.js';
import { configJson } from '../lib/pii.js';
import { localInfo, runUnderBudget, schemasHash, unwrapTask, withNameEncoding } from '../lib/runner.js';
import { BUDGET_DEFAULTS, type FileBudget } from '../lib/budget.js';
import type { ChainTask, TaskError } from '../lib/worker.js';
import { runChain, type ChainResult, type ChainStep, type FileResult, type StepResult } from '../lib/worker.js';
import type { RawEntry } from '../lib/walk.js';
import type { GlobalStage } from '../lib/stage.js';
import { PipelineError } from '../lib/errors.js';
import { Store, ser, type Kind, type OutputWriter } from './store.js';
import type { ExportChunk } from '../export/batch.js';
import { bucketFiles, Corpus, dedupeShardFiles, mergeFiles, paraFiles, recurFiles, reportRows, shardDecisions, shardPrepared, verifyFiles, type RecurOutput, type RecurShard, type ShardDecisions } from './dedupe.js';
import type { DedupeConfig } from '../stages/dedupe.js';
import type { Doc } from '../lib/types.js';
import type { Ask, Gathered, Prepared } from '../dedup/prepare.js';

/** The repository root (this file is pipeline/distributed/jobs.ts, or dist/distributed/jobs.js once built). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Raw files per extraction batch inside a shard job, and bytes (as the runner batches; batches change no byte). */
const BATCH_FILES = 16;
const BATCH_BYTES = 4 << 20;
/** Bytes of input JSON lines per batch of an apply job. */
const APPLY_BATCH_BYTES = 1 << 20;

export function sha(parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p + '\0');
  return h.digest('hex');
}

let codeKeyMemo: string | undefined;
/**
 * The fingerprint of the code and configuration every job runs: this file and what it imports (the stages, the
 * worker, the runner's plumbing), the lockfile, Node and ICU (lib/codehash.ts), the schemas and the stages'
 * defaults. A job carries the coordinator's; a worker whose own differs refuses it (`code_mismatch`): its outputs
 * would not be the single-machine run's of the coordinator's code.
 */
export function codeKey(): string {
  codeKeyMemo ??= sha([
    codeHash(path.join(ROOT, 'pipeline/distributed/jobs.ts'), ROOT),
    schemasHash(path.join(ROOT, 'schemas')),
    JSON.stringify(EXTRACT_DEFAULTS),
    ...STAGES.map((s) => `${s.name}\t${configJson(s.defaults)}`),
  ]);
  return codeKeyMemo;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyGlobal = GlobalStage<any, any, any, any, any, any, any>;

/**
 * The stages around the one whole-corpus stage: the per-record stages before it (shard jobs), it, and those after
 * it (apply jobs). The distributed run supports exactly one whole-corpus stage (dedupe), as the pipeline has.
 */
export function layout(): { before: string[]; global: AnyGlobal; after: string[] } {
  const g = STAGES.findIndex((s) => s.kind === 'global');
  if (g < 0 || STAGES.slice(g + 1).some((s) => s.kind === 'global')) throw new PipelineError('config', 'the distributed run needs exactly one whole-corpus stage');
  // The bucketed plan (dedupe.ts) is dedupe's: another whole-corpus stage would need its own.
  if (STAGES[g]!.name !== 'dedupe') throw new PipelineError('config', `the distributed run plans the whole-corpus stage dedupe only, not ${STAGES[g]!.name}`);
  return { before: STAGES.slice(0, g).map((s) => s.name), global: STAGES[g] as AnyGlobal, after: STAGES.slice(g + 1).map((s) => s.name) };
}

// ---- Shards -------------------------------------------------------------------------------------------------

/** A raw entry as a job carries it (JSON): the walk's facts, the path's bytes relative to the raw folder. */
export interface WireEntry {
  rel: string;
  /** base64 of the path's bytes under the raw folder (a name that is not UTF-8 still opens). */
  name: string;
  kind: RawEntry['kind'];
  size: number;
  mtimeMs: number;
  mode: number;
  nameEncoding: string | null;
  error: string | null;
}

export interface ShardJob {
  kind: 'shard';
  code: string;
  /** The raw folder (as the coordinator sees it; a worker may map it: work.ts --raw). */
  raw: string;
  index: number;
  key: string;
  /** Buckets of the distributed dedupe (the shard writes its entries of each). */
  buckets: number;
  /** Each raw file's time and heap budget (pipeline/lib/budget.ts), as `make dataset`'s --file-seconds/--file-heap-mb. */
  budget: FileBudget;
  /**
   * Whether the run writes OUT/stages/<stage>.jsonl (coordinate.ts --stage-rows): without, the shard job does not
   * serialise or store the rows of extraction and the stages before the last per-record one (only what the later
   * phases and the report read: the last stage's rows, removals, drops, ledger facts).
   */
  rows: boolean;
  entries: WireEntry[];
}

export function toWire(raw: string, e: RawEntry): WireEntry {
  const root = Buffer.from(path.resolve(raw));
  const rel = e.abs.subarray(0, root.length).equals(root) ? e.abs.subarray(root.length + 1) : Buffer.from(e.rel);
  return { rel: e.rel, name: rel.toString('base64'), kind: e.kind, size: e.size, mtimeMs: e.mtimeMs, mode: e.mode, nameEncoding: e.nameEncoding, error: e.error };
}

function fromWire(raw: string, w: WireEntry): RawEntry {
  const abs = Buffer.concat([Buffer.from(path.resolve(raw)), Buffer.from(path.sep), Buffer.from(w.name, 'base64')]);
  return { rel: w.rel, abs, kind: w.kind, size: w.size, mtimeMs: w.mtimeMs, mode: w.mode, nameEncoding: w.nameEncoding, error: w.error };
}

/**
 * Shards of the raw entries (the walk's order: sorted by path): `count` runs of consecutive entries of about equal
 * bytes (each at least one entry). Consecutive, so that the shards' outputs concatenated in shard order are the
 * single-machine run's, in its order; by bytes, so that shards cost about the same. A function of the sorted
 * entries and `count` only.
 */
export function planShards(entries: readonly RawEntry[], count: number): RawEntry[][] {
  const n = Math.max(1, Math.min(count, entries.length));
  const weight = (e: RawEntry) => (e.kind === 'file' ? e.size : 0) + 1;
  let total = 0;
  for (const e of entries) total += weight(e);
  const shards: RawEntry[][] = [];
  let cur: RawEntry[] = [];
  let acc = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    cur.push(e);
    acc += weight(e);
    const left = entries.length - i - 1;
    const need = n - shards.length - 1; // shards still to fill after this one
    if (need > 0 && (acc >= (total * (shards.length + 1)) / n || left === need)) {
      shards.push(cur);
      cur = [];
    }
  }
  if (cur.length || shards.length === 0) shards.push(cur);
  return shards;
}

export function shardKey(code: string, entries: readonly WireEntry[], buckets: number, budget: FileBudget = BUDGET_DEFAULTS, rows = false): string {
  // The budget decides which files are rejected (timeout, resource_limit): part of the key, as of extraction's.
  return sha([code, 'shard', String(buckets), `${budget.seconds}/${budget.heapMb}`, rows ? 'rows' : 'no-rows', ...entries.map((e) => `${e.rel}\t${e.name}\t${e.kind}\t${e.size}\t${e.mtimeMs}\t${e.mode}\t${e.error ?? ''}`)]);
}

/** Where some bytes of a job's output are: an offset and a length in its `data.bin` (written while the job runs). */
export interface Ref { at: number; length: number }
export type PackedFile = Omit<FileResult, 'units'> & { units: Ref };
export type PackedStep = Omit<StepResult, 'out' | 'removed' | 'dropped'> & { out: Ref; removed: Ref; dropped: Ref };

/** One batch of a shard: the files extracted (in order; a file answered without reading has no units) and the
 *  per-record stages' rows, their bytes in the shard's `data.bin`, in the order they go into OUT. The last stage's
 *  output bytes are not there: they are the shard's `input.jsonl` (`lastOutBytes` of it for this batch), read
 *  again by the plan and the apply job. */
export interface ShardBatch { files: PackedFile[]; steps: PackedStep[]; extractMs: number; lastOutBytes: number }

/** The bytes of a job's `data.bin` a Ref points at. */
export const unref = (data: Buffer, r: Ref): Buffer => data.subarray(r.at, r.at + r.length);
const DATA = 'data.bin';
function packStep(w: OutputWriter, s: StepResult): PackedStep {
  const ref = (b: Uint8Array): Ref => ({ at: w.append(DATA, b), length: b.length });
  return { ...s, out: ref(s.out), removed: ref(s.removed), dropped: ref(s.dropped) };
}
/** A step with its bytes, from its output's data.bin. */
export function unpackStep(data: Buffer, s: PackedStep): StepResult {
  return { ...s, out: unref(data, s.out), removed: unref(data, s.removed), dropped: unref(data, s.dropped) };
}

export interface ShardSummary {
  index: number; files: number; bytes: number; records: number; cached: boolean;
  /** Milliseconds of the job's parts (the benchmark's profile of a shard job): the batches in the pool thread and
   *  their hand-off, the dedupe's files, serialising the rows, publishing to the store. */
  parts?: { chain: number; rest_of_batches: number; dedupe: number; serialise: number; publish: number };
}

/**
 * How a shard job runs a batch of raw files. In a worker process (thread.ts sets it): in a pool thread of its own
 * under the per-file budget, as `make dataset` runs every batch (runUnderBudget: a file over its time or heap budget
 * is a ledger row, `timeout` or `resource_limit`, and the batch's other files run again). Unset (a library caller
 * running jobs on its own thread, the tests without worker threads): on this thread, without the budget, as the
 * runner does for a library caller with no pool.
 */
export type PoolRun = (task: ChainTask, signal: AbortSignal, heapMb: number) => Promise<ChainResult | TaskError>;
let poolRun: PoolRun | null = null;
export function setPoolRun(f: PoolRun | null): void {
  poolRun = f;
}

function runBatch(task: ChainTask, entries: RawEntry[], budget: FileBudget): Promise<ChainResult> {
  const run = poolRun;
  if (!run) return runChain(task);
  return runUnderBudget(async (t, signal) => unwrapTask(await run(t, signal, budget.heapMb)), task, entries, budget);
}

/** Runs a shard job: extraction → per-record stages → the whole-corpus stage's prepare. */
export async function runShard(job: ShardJob, store: Store, raw = job.raw): Promise<ShardSummary> {
  checkCode(job.code);
  const bytesIn = job.entries.reduce((s, e) => s + (e.kind === 'file' ? e.size : 0), 0);
  if (await store.has('shard', job.key)) {
    const meta = await store.value<{ records: number }>('shard', job.key, 'meta.bin');
    return { index: job.index, files: job.entries.length, bytes: bytesIn, records: meta.records, cached: true };
  }
  const t0 = performance.now();
  const { before, global } = layout();
  // Without stage rows, only the last per-record stage's rows are serialised (the input of the plan and apply jobs).
  const rows = job.rows !== false;
  const steps: ChainStep[] = [...before.map((s, k) => ({ stage: s, op: 'map' as const, ...(rows || k === before.length - 1 ? {} : { rows: false as const }) })), { stage: global.name, op: 'prepare' }];
  // The rows go to the store as each batch comes back (OutputWriter: written while the next batch computes), in
  // the order the assembly writes them; what the dedupe needs is computed at the end.
  const w = await store.writer('shard', job.key);
  try {
    const batches: ShardBatch[] = [];
    const input: Uint8Array[] = [];
    const prepared: Prepared[] = [];
    let cur: RawEntry[] = [];
    let curBytes = 0;
    let chainMs = 0;
    const flush = async () => {
      if (!cur.length) return;
      const c0 = performance.now();
      const r: ChainResult = await runBatch({ kind: 'chain', files: cur.map((e) => ({ rel: e.rel, abs: new Uint8Array(e.abs) })), steps, ...(rows ? {} : { unitRows: false as const }) }, cur, job.budget ?? BUDGET_DEFAULTS);
      chainMs += performance.now() - c0;
      r.files!.forEach((f, i) => { f.info = withNameEncoding(f.info, cur[i]!.nameEncoding); });
      // No steps when every file of the batch was refused (runUnderBudget): only ledger rows.
      const last = r.steps[r.steps.length - 1];
      if (last) { input.push(last.out); w.append('input.jsonl', last.out); }
      const files = r.files!.map((f) => ({ ...f, units: { at: w.append(DATA, f.units), length: f.units.length } }));
      const packed = r.steps.map((st, k) => (k === r.steps.length - 1 ? packStep(w, { ...st, out: new Uint8Array(0) }) : packStep(w, st)));
      batches.push({ files, steps: packed, extractMs: r.extractMs ?? 0, lastOutBytes: last?.out.length ?? 0 });
      for (const v of r.prepared ?? []) prepared.push(v as Prepared);
      cur = [];
      curBytes = 0;
    };
    for (const wire of job.entries) {
      const e = fromWire(raw, wire);
      const info = localInfo(e);
      if (info) {
        await flush();
        batches.push({ files: [{ info, units: { at: 0, length: 0 }, chars: [] }], steps: [], extractMs: 0, lastOutBytes: 0 });
        continue;
      }
      cur.push(e);
      curBytes += e.size;
      if (cur.length >= BATCH_FILES || curBytes >= BATCH_BYTES) await flush();
    }
    await flush();
    const t1 = performance.now();
    const inputBytes = Buffer.concat(input);
    const dedupeFiles = dedupeShardFiles(prepared, inputBytes, job.buckets, global.defaults as DedupeConfig);
    const t2 = performance.now();
    w.append(DATA, new Uint8Array(0));
    w.append('input.jsonl', new Uint8Array(0));
    w.append('batches.bin', ser(batches));
    w.append('meta.bin', ser({ records: prepared.length }));
    for (const [name, bytes] of Object.entries(dedupeFiles)) w.append(name, bytes);
    const t3 = performance.now();
    await w.commit();
    const t4 = performance.now();
    const ms = (x: number) => Math.round(x);
    return { index: job.index, files: job.entries.length, bytes: bytesIn, records: prepared.length, cached: false, parts: { chain: ms(chainMs), rest_of_batches: ms(t1 - t0 - chainMs), dedupe: ms(t2 - t1), serialise: ms(t3 - t2), publish: ms(t4 - t3) } };
  } finally {
    await w.abort();
  }
}

// ---- The dedupe plan, by buckets (dedupe.ts) -----------------------------------------------------------------

interface Base { code: string; key: string; shards: string[] }
export interface BucketJob extends Base { kind: 'bucket'; index: number; buckets: number }
export interface VerifyJob extends Base { kind: 'verify'; index: number; bucketKeys: string[] }
export interface MergeJob extends Base { kind: 'merge'; bucketKeys: string[]; verifyKeys: string[] }
export interface ParaJob extends Base { kind: 'para'; index: number; merge: string }
/** The recurring banners of one bucket of sources (dedupe.ts recurFiles), after the merge. */
export interface RecurJob extends Base { kind: 'recur'; index: number; merge: string }
/** The report job: publishes plan.bin (counts and reports) as the one-job plan did. */
export interface PlanJob extends Base { kind: 'plan'; merge: string; paraKeys: string[]; recurKeys: string[] }
export interface PlanOutput { counts: Record<string, number>; reports: Record<string, Record<string, unknown>[]>; records: number[] }

/** Every job of the dedupe plan of a run, with their content keys (a function of the code, shards and B). */
export function planJobs(code: string, shards: readonly string[], buckets: number): { buckets: BucketJob[]; verifies: VerifyJob[]; merge: MergeJob; recurs: RecurJob[]; paras: ParaJob[]; plan: PlanJob } {
  const sh = [...shards];
  const range = Array.from({ length: buckets }, (_, b) => b);
  const bucketJobs: BucketJob[] = range.map((b) => ({ kind: 'bucket', code, shards: sh, index: b, buckets, key: sha([code, 'bucket', String(b), String(buckets), ...sh]) }));
  const bucketKeys = bucketJobs.map((j) => j.key);
  const verifies: VerifyJob[] = range.map((b) => ({ kind: 'verify', code, shards: sh, index: b, bucketKeys, key: sha([code, 'verify', String(b), ...bucketKeys]) }));
  const verifyKeys = verifies.map((j) => j.key);
  const merge: MergeJob = { kind: 'merge', code, shards: sh, bucketKeys, verifyKeys, key: sha([code, 'merge', ...bucketKeys, ...verifyKeys]) };
  const paras: ParaJob[] = range.map((b) => ({ kind: 'para', code, shards: sh, index: b, merge: merge.key, key: sha([code, 'para', String(b), String(buckets), merge.key]) }));
  const paraKeys = paras.map((j) => j.key);
  const recurs: RecurJob[] = range.map((b) => ({ kind: 'recur', code, shards: sh, index: b, merge: merge.key, key: sha([code, 'recur', String(b), String(buckets), merge.key]) }));
  const recurKeys = recurs.map((j) => j.key);
  const plan: PlanJob = { kind: 'plan', code, shards: sh, merge: merge.key, paraKeys, recurKeys, key: sha([code, 'plan', merge.key, ...paraKeys, ...recurKeys]) };
  return { buckets: bucketJobs, verifies, merge, recurs, paras, plan };
}

function dedupeStage(): { cfg: DedupeConfig; gather: (doc: Doc, ask: Ask) => Gathered } {
  const g = layout().global;
  return { cfg: g.defaults as DedupeConfig, gather: (doc, ask) => g.gather!(doc, ask, g.defaults) as Gathered };
}

/** Runs a job of the dedupe plan: reads what it needs from the store, publishes its output under its key. */
export async function runPlanJob(job: BucketJob | VerifyJob | MergeJob | RecurJob | ParaJob | PlanJob, store: Store): Promise<{ cached: boolean; moved?: Corpus['moved'] }> {
  checkCode(job.code);
  if (await store.has(job.kind, job.key)) return { cached: true };
  const { cfg, gather } = dedupeStage();
  const c = await Corpus.open(store, job.shards);
  let files: Record<string, Uint8Array>;
  if (job.kind === 'bucket') files = await bucketFiles(c, job.index, job.buckets, cfg);
  else if (job.kind === 'verify') files = await verifyFiles(c, job.index, job.bucketKeys, gather, cfg);
  else if (job.kind === 'merge') files = await mergeFiles(c, job.bucketKeys, job.verifyKeys, cfg);
  else if (job.kind === 'para') files = await paraFiles(c, job.index, job.merge, cfg);
  else if (job.kind === 'recur') files = await recurFiles(c, job.index, job.merge, cfg);
  else {
    const counts = await c.output<Record<string, number>>('merge', job.merge, 'counts.bin');
    for (const k of job.recurKeys) {
      const r = await c.output<RecurOutput>('recur', k, 'rec.bin');
      counts['recurring_banner_lines'] = (counts['recurring_banner_lines'] ?? 0) + r.lines;
      counts['recurring_banner_removed'] = (counts['recurring_banner_removed'] ?? 0) + r.removed;
    }
    const rows = await reportRows(c, job.paraKeys, gather, cfg);
    files = { 'plan.bin': ser({ counts, reports: { boilerplate_candidates: rows as unknown as Record<string, unknown>[] }, records: c.meta.map((m) => m.records) } satisfies PlanOutput) };
  }
  c.moved.outputs += Object.values(files).reduce((a, f) => a + f.length, 0);
  await store.publish(job.kind, job.key, files);
  return { cached: false, moved: c.moved };
}

/**
 * Records (non-empty lines) of a buffer of JSON lines, as the worker's recordsOf and the runner's lineCount count
 * them: the offset of each line's start and end.
 */
function lineSpans(bytes: Uint8Array): { starts: number[]; ends: number[] } {
  const starts: number[] = [], ends: number[] = [];
  for (let s = 0; s < bytes.length;) {
    let e = bytes.indexOf(0x0a, s);
    if (e < 0) e = bytes.length;
    if (e > s) { starts.push(s); ends.push(e); }
    s = e + 1;
  }
  return { starts, ends };
}

// ---- Apply --------------------------------------------------------------------------------------------------

/** `merge`: the merge job's key (its output holds the shard's decisions), `recurs` the recur jobs' (its recurring
 *  banners); `rows`: as ShardJob's. */
export interface ApplyJob { kind: 'apply'; code: string; key: string; index: number; shard: string; merge: string; recurs: string[]; rows: boolean }
/** One batch of an apply job: the later stages' rows, the export's formatted rows and report/duplicates.jsonl's. */
export interface ApplyBatch {
  steps: PackedStep[];
  export: Omit<ExportChunk, 'csv'> & { csv: Omit<ExportChunk['csv'], 'bytes'> & { bytes: Ref } };
  duplicates: Ref;
}
/** An apply batch's export chunk with its CSV bytes, from its output's data.bin. */
export function unpackExport(data: Buffer, e: ApplyBatch['export']): ExportChunk {
  return { ...e, csv: { ...e.csv, bytes: unref(data, e.csv.bytes) } };
}

export function applyKey(merge: string, shard: string, index: number, rows = false, recurs: readonly string[] = []): string {
  return sha([merge, 'apply', shard, String(index), rows ? 'rows' : 'no-rows', ...recurs]);
}

/** Runs an apply job: the shard's decisions applied, the later per-record stages, the export's batch formatting. */
export async function runApply(job: ApplyJob, store: Store): Promise<{ index: number; records: number; cached: boolean; parts?: Record<string, number> }> {
  checkCode(job.code);
  const t0 = performance.now();
  if (await store.has('apply', job.key)) return { index: job.index, records: -1, cached: true };
  const { global: g, after } = layout();
  const input = await store.bytes('shard', job.shard, 'input.jsonl');
  const mine = await store.value<ShardDecisions>('merge', job.merge, `decisions-${job.index}.bin`);
  // Its shard's recurring banners from each recur job (no file: none in that bucket of sources).
  for (const k of job.recurs ?? []) {
    const list = await store.value<RecurShard>('recur', k, `shard-${job.index}.bin`).catch((e: NodeJS.ErrnoException) => { if (e.code === 'ENOENT') return []; throw e; });
    mine.recurring.push(...list);
  }
  const decisions = shardDecisions(await shardPrepared(store, job.shard), mine);
  const { starts, ends } = lineSpans(input);
  if (starts.length !== decisions.length) throw new PipelineError('internal', `apply ${job.index}: ${decisions.length} decisions for ${starts.length} records`);
  const t1 = performance.now();
  const w = await store.writer('apply', job.key);
  try {
    const batches: ApplyBatch[] = [];
    for (let i = 0; i < starts.length;) {
      let j = i + 1;
      while (j < starts.length && ends[j]! + 1 - starts[i]! <= APPLY_BATCH_BYTES) j++;
      // Without stage rows only the last stage's rows are serialised: they are the published rows (documents.jsonl
      // is a copy of them, the Parquet file is read from them: export.ts).
      const keep = (k: number) => (job.rows !== false || k === after.length ? {} : { rows: false as const });
      const steps: ChainStep[] = [
        { stage: g.name, op: 'apply', decisions: decisions.slice(i, j), ...keep(0) },
        ...after.map((s, k) => ({ stage: s, op: 'map' as const, ...keep(k + 1) })),
        { stage: 'export', op: 'export', duplicatesOf: g.name },
      ];
      const r = await runChain({ kind: 'chain', bytes: input.subarray(starts[i]!, ends[j - 1]! + 1), steps });
      // Each batch's bytes go to the store while the next batch computes (OutputWriter).
      const packed = r.steps.map((st) => packStep(w, st));
      const dups = r.duplicates ?? new Uint8Array(0);
      const duplicates = { at: w.append(DATA, dups), length: dups.length };
      const e = r.export!;
      batches.push({ steps: packed, duplicates, export: { ...e, csv: { ...e.csv, bytes: { at: w.append(DATA, e.csv.bytes), length: e.csv.bytes.length } } } });
      i = j;
    }
    const t2 = performance.now();
    w.append(DATA, new Uint8Array(0));
    w.append('batches.bin', ser(batches));
    const t3 = performance.now();
    await w.commit();
    const t4 = performance.now();
    const ms = (x: number) => Math.round(x);
    return { index: job.index, records: starts.length, cached: false, parts: { read: ms(t1 - t0), chain: ms(t2 - t1), serialise: ms(t3 - t2), publish: ms(t4 - t3) } };
  } finally {
    await w.abort();
  }
}

function checkCode(code: string): void {
  if (code !== codeKey()) {
    throw new PipelineError('code_mismatch', `this worker runs other code or configuration than the coordinator (code key ${codeKey().slice(0, 12)} ≠ ${code.slice(0, 12)}): run the same commit, lockfile and Node on every machine`);
  }
}

/** The parent of a phase's jobs in their flow: runs once they all completed, and checks their outputs are there. */
export interface BarrierJob { kind: 'barrier'; code: string; outputs: [Kind, string][] }

export type Job = ShardJob | BucketJob | VerifyJob | MergeJob | RecurJob | ParaJob | PlanJob | ApplyJob | BarrierJob;

/** Runs any job (work.ts's processor, and the in-process runs of the tests). */
export async function runJob(job: Job, store: Store, raw?: string): Promise<unknown> {
  if (job.kind === 'shard') return runShard(job, store, raw ?? job.raw);
  if (job.kind === 'apply') return runApply(job, store);
  if (job.kind !== 'barrier') return runPlanJob(job, store);
  checkCode(job.code);
  for (const [kind, k] of job.outputs) if (!(await store.has(kind, k))) throw new PipelineError('internal', `${kind} output ${k.slice(0, 12)} missing in the shared storage after its job completed`);
  return { outputs: job.outputs.length };
}
