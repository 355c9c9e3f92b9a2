/**
 * The runner: owns all the plumbing around the stages — reading and writing `OUT/stages/*.jsonl`, schema checks,
 * removal and drop records, character accounting, counters, timing, memory, progress, worker threads, and the
 * cache that lets a re-run skip every stage whose input, code and configuration are unchanged.
 *
 * Work runs in **passes**. A pass reads its input once — the raw files, or a stage output — in batches, and sends
 * each batch through several consecutive steps in one go in a worker thread (pipeline/lib/worker.ts): extraction,
 * per-record stages, a whole-corpus stage's `apply`, and the next whole-corpus stage's `prepare`. Records go from
 * step to step as objects; each stage still writes its own `stages/<name>.jsonl` (and side files), checked and
 * fingerprinted, so the cache works stage by stage. A fresh run is two passes around the plan of dedupe:
 *   1. extract → segment → normalize → clean → prepare(dedupe)     (all workers; with 2, split after segment)
 *   –  plan(dedupe), with gather passes for candidate pairs          (main thread; gathers on all workers)
 *   2. apply(dedupe) → validate → export's per-batch formatting      (all workers)
 *   then the export's files and report (pipeline/stages/export.ts; Parquet on DuckDB's thread).
 * Stages are fused only when they must run anyway (no cached output with the same code and configuration); a
 * stage that may turn out cached (its code is unchanged) starts a new pass once its input is known.
 *
 * `workers` counts the worker threads doing the work (piscina, each under the per-file budget); the main thread
 * orders, hashes and writes the results and runs no batch. With exactly 2, the threads are two pools of one thread
 * each, and a chain that starts with extraction is split between them (SPLIT_AFTER).
 * Results are written in input order, so outputs are byte-identical whatever the number of workers.
 */
import { mkdir, rm, stat, open, type FileHandle } from 'node:fs/promises';
import { createReadStream, readdirSync, readFileSync, constants as fsConstants } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Piscina } from 'piscina';
import { startPools } from './pool.js';
import { walkRaw, type RawEntry } from './walk.js';
import { JsonlWriter, writeAtomic, exists, readJson, stableJson, settleAll } from './io.js';
import { codeHash } from './codehash.js';
import { configJson, keyTag, piiKey } from './pii.js';
import type { Stage, GlobalStage, GlobalPlan } from './stage.js';
import { trace, tracing } from './trace.js';
import { PipelineError } from './errors.js';
import type { Progress } from './progress.js';
import type { RawFileInfo } from './types.js';
import type { ChainResult, ChainStep, ChainTask, ChunkMessage, DuplicatesTask, FileResult, GatherResult, GatherTask, StepResult, TaskError, WarmTask } from './worker.js';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { mergeChains } from './merge.js';
import { BUDGET_DEFAULTS, overBudget, watch, type FileBudget } from './budget.js';
import { WRITER_WARMUPS } from './writers.js';
import { ExportOutput, OUTPUT_FILES, type RemovedSums } from '../stages/export.js';
import { Tally, refOf } from './rows.js';
import { DUPLICATES_FROM } from './duplicates.js';
import { EXTRACT_DEFAULTS, streamedFormat, type ExtractConfig } from '../stages/extract.js';
import { STAGES } from '../stages/index.js';
import { IndexBuilder, INDEX_FILE, entryKey, loadIndex, type IndexEntry, type LoadedIndex } from './fileindex.js';

export { STAGES };

export interface RunOptions {
  raw: string;
  out: string;
  /** Repository root (to find stage sources for the code fingerprint). */
  root: string;
  progress: Progress;
  /** Worker threads for per-record stages (≥ 1). */
  workers: number;
  /** A pool of `workers` threads already started (pipeline/lib/pool.ts); else the runner starts one. */
  pool?: Piscina;
  /** The pools already started by pool.ts's startPools (pipeline/run.ts): with 2 workers two of one thread each,
   *  between which pass 1's chain is split (SPLIT_AFTER). Takes precedence over `pool`. */
  pools?: Piscina[];
  /** documents.csv starts with a UTF-8 BOM (`--csv-bom`); part of the export's key. */
  csvBom?: boolean;
  /** Extraction's configuration (record columns set on the command line); EXTRACT_DEFAULTS when absent. */
  extract?: ExtractConfig;
  /** Each raw file's time and heap budget (pipeline/lib/budget.ts); default BUDGET_DEFAULTS. */
  budget?: FileBudget;
  /** How many units (and bytes of them) of one raw file go through the stages at once; default worker.ts CHUNK_UNITS, CHUNK_BYTES. */
  chunk?: { chunkUnits?: number; chunkBytes?: number };
}

/** Per-stage facts kept in `OUT/stages/<name>.meta.json`. */
export interface StageMeta {
  stage: string;
  key: string;
  output_sha256: string;
  in: number;
  out: number;
  dropped: Record<string, number>;
  removed: Record<string, { spans: number; chars: number }>;
  counters: Record<string, number>;
  /** Key without the input: the stage's code, the plumbing and the configuration. */
  code_key?: string;
  /** Thread time the stage took (its steps in the worker pool, plus a plan on the main thread), in seconds. */
  seconds: number;
  /** Which pass of the run the stage ran in (1-based), the stages fused with it, and that pass's wall time. */
  pass?: number;
  fused?: string[];
  pass_seconds?: number;
  /** UTF-16 units of the stage's longest output line (validate's sizes DuckDB's read buffer for the Parquet file). */
  longest_line_units?: number;
  /** Peak resident memory of the process (all threads) during the stage's pass. */
  peak_rss_mb?: number;
  input_bytes?: number;
  /** Extraction: raw files read in this run, and those whose rows were copied from the last run (per-file index). */
  files_extracted?: number;
  files_reused?: number;
  workers?: number;
  cached?: boolean;
  /**
   * The files the meta vouches for (relative to OUT) with their size, sha256 and, for a stage's main output, its
   * row count, as written: a cached stage counts only if each is still exactly that (cachedMeta), so a truncated or
   * altered stage file makes the stage run again. The export's outputs carry their size only.
   */
  files?: Record<string, FileFacts>;
}

/**
 * What a meta records of one file it vouches for: its size, sha256 and rows as written, and the stamp of the file
 * as it stood once written (fileStamp), which spares reading it back while it stands unchanged.
 */
export interface FileFacts { bytes: number; sha256?: string; rows?: number; stamp?: string }

/**
 * A file's stamp: device, inode, size, and the modification and status-change times in nanoseconds. Every write to
 * the file, through any program, changes its mtime and its ctime; a program can set the mtime back (touch -d,
 * utimes) but not the ctime, which the kernel sets to the current time on every write, chmod, rename or utimes. So a
 * file whose stamp is the one recorded was not written since, and its recorded sha256 and rows still hold without
 * reading it. What this does not catch: a change made with the system clock set back to the very nanosecond (root),
 * bytes changed under the file system (a raw block device, a disk fault: the sha256 check catches those only when the
 * stamp differs), and file systems whose times are coarse or missing (FAT: 2 s mtime, no ctime; some network file
 * systems), where a same-size edit within the same tick as the pipeline's own write keeps the stamp. A file copied
 * or restored elsewhere (another inode or device) is read and hashed once, then stamped anew.
 */
export function fileStamp(st: { dev: bigint; ino: bigint; size: bigint; mtimeNs: bigint; ctimeNs: bigint }): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}

/** How many vouched files cache checks read and hashed, and how many their stamp vouched for (tests). */
export const CACHE_CHECKS = { hashed: 0, stamped: 0 };

/** `facts` with the stamp of each file that has a sha256 (stat after it was written and renamed into place). */
async function stamped(out: string, facts: Record<string, FileFacts>): Promise<Record<string, FileFacts>> {
  const res: Record<string, FileFacts> = {};
  for (const [f, x] of Object.entries(facts)) {
    const st = x.sha256 === undefined ? null : await stat(path.join(out, f), { bigint: true }).catch(() => null);
    res[f] = st && Number(st.size) === x.bytes ? { ...x, stamp: fileStamp(st) } : x;
  }
  return res;
}

/** Size and sha256 of a file being written, fed with the bytes as they are written. */
export class Digest {
  private readonly h = createHash('sha256');
  bytes = 0;
  private hex: string | null = null;
  update(b: Uint8Array | string): void {
    this.bytes += typeof b === 'string' ? Buffer.byteLength(b) : b.length;
    this.h.update(b);
  }
  sha256(): string {
    this.hex ??= this.h.digest('hex');
    return this.hex;
  }
  facts(rows?: number): FileFacts {
    return { bytes: this.bytes, sha256: this.sha256(), ...(rows !== undefined ? { rows } : {}) };
  }
}

/** Extra ledger facts extraction records per raw file. */
export interface FileRow extends RawFileInfo {
  units: number;
  chars_in: number;
}

/**
 * With 2 workers, a chain from the raw files runs as a two-thread pipeline: one thread extracts each batch and runs
 * it through the steps up to and including the cut, the other takes the output of the step before the cut (the JSONL
 * bytes it writes anyway) through the rest, file by file under the same per-file budget (worker.ts runPerFile: a
 * file's time in both halves counts). Each thread then compiles and loads only its part of the chain: V8 compiles per
 * thread, and a thread's first pass over the chain costs ~2.7 s more CPU than the next (`make bench
 * BENCH_ARGS=--warmup`), which two whole chains paid twice. The cut is after the first of these stages or after the
 * second, batch by batch: the stage between them (normalize) goes to whichever thread has fewer batches queued, so
 * the two stay balanced whatever the corpus (on the 50 MB benchmark extract+segment take ~3.5 s of thread time,
 * normalize ~2 s, clean+prepare ~4 s); only that stage is compiled on both. Before #23 the main thread ran the first
 * half (#9); it now runs no batch.
 */
export const SPLIT_AFTER = ['segment', 'normalize'] as const;

/** Bytes of input JSONL per worker batch (big documents go alone). */
const BATCH_BYTES = 1 << 20;
/** Tasks the pool must have in hand for this thread to load ahead while it waits (Runner.idle). */
const IDLE_BACKLOG = 4;
/** The smallest of the shrinking last batches of a pass (byteBatches). */
const TAIL_MIN_BYTES = 64 << 10;
export const EXTRACT_BATCH_FILES = 16;
const EXTRACT_BATCH_BYTES = 4 << 20;
/**
 * The first batches of raw files are smaller (1, 2, 4… files, up to EXTRACT_BATCH_FILES), so that every pool thread
 * has a batch at once while all are still cold, instead of the first one taking sixteen files. With the chain split
 * between two threads (SPLIT_AFTER) the ramp starts at 2: a batch of one file sends its units on in chunks and so runs
 * whole on the first thread, which then loaded the second half's stages (clean's and dedupe's tables, ~0.25 s of CPU)
 * for that one file, while the second thread waited for it and for the next batch's first half before its first task.
 */
export function extractBatchFiles(batch: number, split = false): number {
  return Math.min(EXTRACT_BATCH_FILES, 2 ** (split ? batch + 1 : batch));
}

function sha(parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p + '\0');
  return h.digest('hex');
}

/** Samples the process's resident memory while a stage runs. */
function rssSampler(): () => number {
  let peak = process.memoryUsage.rss();
  const t = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  t.unref();
  return () => {
    clearInterval(t);
    return Math.round((Math.max(peak, process.memoryUsage.rss()) / 2 ** 20) * 10) / 10;
  };
}

/** Writes the side files of one stage (removals and drops) and keeps its tally. */
class StageLog {
  readonly removed: JsonlWriter;
  readonly dropped: JsonlWriter;
  readonly tally = new Tally();
  constructor(readonly dir: string, readonly stage: string) {
    this.removed = new JsonlWriter(path.join(dir, `${stage}.removed.jsonl`));
    this.dropped = new JsonlWriter(path.join(dir, `${stage}.dropped.jsonl`));
  }
  /** The stage's meta from its tally. */
  meta(extra: Pick<StageMeta, 'key' | 'output_sha256' | 'seconds'> & Partial<StageMeta>): StageMeta {
    const t = this.tally;
    return { stage: this.stage, in: t.in, out: t.out, dropped: t.dropped, removed: t.removed, counters: t.counters, ...extra };
  }
  async commit(): Promise<void> {
    await settleAll([this.removed.commit(), this.dropped.commit()]);
  }
  async abort(): Promise<void> {
    await this.removed.abort();
    await this.dropped.abort();
  }
}

/** Files (relative to OUT) a stage's cached meta vouches for: all must still be there for the cache to count. */
function vouchedFiles(stage: string): string[] {
  if (stage === 'extract') return ['stages/extract.jsonl', 'stages/extract.files.jsonl', 'stages/extract.removed.jsonl'];
  if (stage === 'export') return [...OUTPUT_FILES, 'report/stats.json', 'report/ledger.jsonl'];
  return [`stages/${stage}.jsonl`, `stages/${stage}.removed.jsonl`, `stages/${stage}.dropped.jsonl`];
}

/**
 * Whether `file` is still what `facts` recorded: its size (one stat); then, when a sha256 is recorded, either the
 * stamp recorded with it (fileStamp: not written since), or else its sha256 and row count (newlines), read once.
 * The reason it is not, else null; `restamp` gets the file's new stamp when its bytes were read and found intact.
 */
export async function fileMismatch(file: string, facts: FileFacts | undefined, restamp?: (stamp: string) => void): Promise<string | null> {
  if (!facts) return 'not recorded';
  const st = await stat(file, { bigint: true }).catch(() => null);
  if (!st) return 'missing';
  if (Number(st.size) !== facts.bytes) return `${st.size} bytes, ${facts.bytes} written`;
  if (facts.sha256 === undefined) return null;
  if (facts.stamp !== undefined && facts.stamp === fileStamp(st)) {
    CACHE_CHECKS.stamped++;
    return null;
  }
  CACHE_CHECKS.hashed++;
  const h = createHash('sha256');
  let rows = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    const b = chunk as Buffer;
    h.update(b);
    for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) rows++;
  }
  if (h.digest('hex') !== facts.sha256) return 'content changed (sha256)';
  if (facts.rows !== undefined && rows !== facts.rows) return `${rows} rows, ${facts.rows} written`;
  // Stamped as it stands now, if it did not change while read.
  const after = await stat(file, { bigint: true }).catch(() => null);
  if (after && fileStamp(after) === fileStamp(st)) restamp?.(fileStamp(st));
  return null;
}

/**
 * The meta of a stage whose output can be reused: same key, and every file it vouches for exactly as written
 * (fileMismatch); a file truncated, altered or gone makes the stage run again, said on stderr by `onStale`.
 */
async function cachedMeta(out: string, stage: string, key: string, onStale?: (why: string) => void): Promise<StageMeta | null> {
  const metaFile = path.join(out, 'stages', `${stage}.meta.json`);
  if (!(await exists(metaFile))) return null;
  const meta = await readJson<StageMeta>(metaFile).catch(() => null);
  if (!meta || meta.key !== key) return null;
  let restamped = false;
  for (const f of vouchedFiles(stage)) {
    const why = await fileMismatch(path.join(out, f), meta.files?.[f], (stamp) => {
      meta.files![f] = { ...meta.files![f]!, stamp };
      restamped = true;
    });
    if (why) {
      onStale?.(`${f}: ${why}`);
      return null;
    }
  }
  // Files read and found intact under another stamp (OUT copied, or written by a run that stamped nothing): the
  // meta records their new stamp, so the next run need not read them again.
  if (restamped) await writeAtomic(metaFile, stableJson(meta));
  return { ...meta, cached: true };
}

/**
 * sha256 of a raw file's bytes, opened as extraction opens it (O_NOFOLLOW, O_NONBLOCK, a regular file, at most
 * `max` + 1 bytes read: a file swapped for a link or a FIFO after the walk is never followed or waited on), or what
 * stood in the way; either way a change shows in the key and extraction decides what to record.
 */
async function contentHash(file: Buffer, max: number): Promise<string> {
  let fh: FileHandle;
  try {
    fh = await open(file, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK);
  } catch (err) {
    return `error:${(err as NodeJS.ErrnoException).code ?? 'EIO'}`;
  }
  try {
    if (!(await fh.stat()).isFile()) return 'not_regular_file';
    const h = createHash('sha256');
    const buf = Buffer.allocUnsafe(1 << 20);
    let n = 0;
    for (let k: number; (k = (await fh.read(buf, 0, buf.length, null)).bytesRead) > 0;) {
      h.update(buf.subarray(0, k));
      n += k;
      if (n > max) return `size:>${max}`;
    }
    return h.digest('hex');
  } catch (err) {
    return `error:${(err as NodeJS.ErrnoException).code ?? 'EIO'}`;
  } finally {
    await fh.close();
  }
}

/** Raw files hashed at once (each read whole: at most the extraction's size limit). */
const HASH_CONCURRENCY = 8;

/**
 * The raw tree and its fingerprint: names, kinds, modes and each regular file's content (sha256 of its bytes, as
 * extraction records it), never modification times — a same-size edit that keeps the mtime changes the key, a touch
 * does not. Files over the extraction's size limit (never read) count by size.
 */
async function rawTree(raw: string): Promise<{ entries: RawEntry[]; keys: string[]; fingerprint: string }> {
  const entries = await walkRaw(raw);
  const content = new Array<string>(entries.length);
  let next = 0;
  const worker = async () => {
    for (let k = next++; k < entries.length; k = next++) {
      const e = entries[k]!;
      // Files read from their path (Parquet, WARC) have no size limit: hashed whole, in 1 MiB reads.
      const max = streamedFormat(e.rel) ? Number.POSITIVE_INFINITY : EXTRACT_DEFAULTS.maxFileBytes;
      if (e.kind !== 'file' || e.size > max) content[k] = `size:${e.size}`;
      else content[k] = await contentHash(e.abs, max);
    }
  };
  await Promise.all(Array.from({ length: HASH_CONCURRENCY }, worker));
  // Each entry's key (the per-file index's, fileindex.ts) covers the legacy encoding of its name, which its ledger
  // row records; the tree's fingerprint is made of the keys.
  const keys = entries.map((e, k) => entryKey(e.rel, e.kind, e.mode, content[k]!, e.nameEncoding));
  return { entries, keys, fingerprint: sha(keys) };
}

/** Files in the raw folder that are not sources by design. */
function skipReason(rel: string): string | null {
  if (rel === 'SOURCES.md' || rel === 'README.md') return 'raw_manifest';
  if (rel.split('/').some((p) => p.startsWith('.'))) return 'hidden_file';
  return null;
}

/**
 * The ledger facts of a raw entry that is answered without reading it (skipped, a symlink, not a regular file, an
 * unlistable folder, over the size limit), or null for a file to extract. Also used by the distributed run's shard
 * jobs (pipeline/distributed/), so that both classify entries alike.
 */
export function localInfo(e: RawEntry): RawFileInfo | null {
  const base: RawFileInfo = { path: e.rel, bytes: e.kind === 'file' ? e.size : 0, sha256: '', format: null, encoding: null, encoding_method: null, status: 'rejected', reason: null, detail: e.nameEncoding ? `file name decoded as ${e.nameEncoding}` : null };
  const skip = skipReason(e.rel);
  if (skip) return { ...base, bytes: e.size, status: 'skipped', reason: skip, detail: 'not a source document' };
  if (e.kind === 'symlink') return { ...base, reason: 'symlink', detail: 'symbolic links are not followed' };
  if (e.kind === 'unreadable') return { ...base, reason: 'unreadable', detail: `${e.failed === 'lstat' ? 'cannot stat' : 'cannot list folder'}: ${e.error ?? 'EIO'}` };
  if (e.kind !== 'file') return { ...base, reason: 'not_regular_file', detail: 'not a regular file' };
  // Files read from their path (Parquet, WARC) are streamed, never held whole: no size limit for them.
  if (e.size > EXTRACT_DEFAULTS.maxFileBytes && !streamedFormat(e.rel)) return { ...base, reason: 'too_large', detail: `${e.size} bytes > limit ${EXTRACT_DEFAULTS.maxFileBytes}` };
  return null;
}

/** An extracted file's ledger facts with the walk's fact that its name was not UTF-8 (`enc`), if so. */
export function withNameEncoding(info: RawFileInfo, enc: string | null): RawFileInfo {
  return enc ? { ...info, detail: [info.detail, `file name decoded as ${enc}`].filter(Boolean).join('; ') } : info;
}

/**
 * Runs tasks with at most `inflight` pending, consuming results strictly in submission order. `idle` is called
 * whenever this thread is about to wait for a result that is not there yet (Runner.idle: loading ahead), with
 * `draining` true once every batch is submitted and only results are left to wait for.
 */
async function ordered<B, R>(batches: AsyncIterable<B> | Iterable<B>, run: (b: B) => Promise<R>, inflight: number, consume: (r: R) => Promise<void>, idle?: (draining: boolean) => void): Promise<void> {
  const queue: { p: Promise<R>; done: boolean }[] = [];
  let draining = false;
  const next = async (): Promise<R> => {
    const head = queue.shift()!;
    if (!head.done) idle?.(draining);
    return head.p;
  };
  for await (const b of batches) {
    const entry = { p: run(b), done: false };
    // Awaited below, in order; meanwhile no unhandled rejection, and `done` says whether it is still running.
    entry.p.then(() => { entry.done = true; }, () => { entry.done = true; });
    queue.push(entry);
    if (queue.length >= inflight) await consume(await next());
  }
  draining = true;
  while (queue.length) await consume(await next());
}

/**
 * A chain from raw files under the per-file budget (budget.ts), run by `run` (a pool thread: the runner's pool, or a
 * distributed shard job's, pipeline/distributed/jobs.ts): a watchdog aborts it when the file it is on runs past the
 * time budget; a thread killed for its heap ends it too. That file is then rejected (`timeout`, `resource_limit`)
 * and the batch's other files run again, each under its budget: the result is the batch's, as if the file had been
 * refused when read.
 */
export async function runUnderBudget(run: (task: ChainTask, signal: AbortSignal) => Promise<ChainResult>, task: ChainTask, entries: readonly RawEntry[], budget: FileBudget): Promise<ChainResult> {
  const progress = new SharedArrayBuffer(16);
  const ac = new AbortController();
  const stop = watch(progress, entries.length, budget.seconds, () => ac.abort());
  let failed: { err: unknown; timedOut: number; at: number } | null = null;
  try {
    return await run({ ...task, progress }, ac.signal);
  } catch (err) {
    failed = { err, ...stop() };
  } finally {
    stop();
  }
  const { err, timedOut, at } = failed;
  const i = timedOut >= 0 ? timedOut : at;
  const reason = overBudget(err, timedOut >= 0);
  if (!reason || i < 0 || i >= entries.length) throw err;
  const e = entries[i]!;
  trace(`budget: ${e.rel} ${reason}`);
  const detail = reason === 'timeout' ? `extraction and stages ran past the budget of ${budget.seconds} s` : `extraction and stages passed the heap budget of ${budget.heapMb} MiB`;
  const refused: ChainResult = {
    steps: [],
    files: [{ info: { path: e.rel, bytes: e.size, sha256: '', format: null, encoding: null, encoding_method: null, status: 'rejected', reason, detail }, units: new Uint8Array(0), chars: [] }],
  };
  // The parts run again without the batch's port (`chunks`, transferred with the first attempt: gone with its thread).
  const { chunks: _port, ...whole } = task;
  const part = async (from: number, to: number) => (from < to ? [await runUnderBudget(run, { ...whole, files: task.files!.slice(from, to) }, entries.slice(from, to), budget)] : []);
  return mergeChains([...(await part(0, i)), refused, ...(await part(i + 1, entries.length))]);
}

/** A pool task's result, or its error rethrown with its reason code (pipeline/lib/worker.ts sends errors as data). */
export function unwrapTask<T>(r: T | TaskError): T {
  return unwrap(r);
}

function unwrap<T>(r: T | TaskError): T {
  if (r && typeof r === 'object' && 'error' in r) {
    const e = (r as TaskError).error;
    if (e.code === 'internal') throw new Error(`in a worker: ${e.message}`);
    throw new PipelineError(e.code, e.message);
  }
  return r as T;
}

/**
 * Batches of whole JSONL lines, as bytes, for the worker pool: the main thread never decodes or parses the
 * records of a per-record stage. A line longer than a batch goes alone.
 */
async function* byteBatches(file: string, maxBytes = BATCH_BYTES): AsyncGenerator<Uint8Array> {
  // The last batches shrink (a quarter of what is left, down to TAIL_MIN_BYTES): the threads then finish the pass
  // at nearly the same time, instead of one waiting while the other does a whole last batch.
  let left = (await stat(file)).size;
  const size = () => Math.min(maxBytes, Math.max(TAIL_MIN_BYTES, Math.ceil(left / 4)));
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  let carry: Buffer = Buffer.alloc(0);
  const copy = (b: Buffer) => {
    const u = new Uint8Array(b.length); // its own ArrayBuffer, so it can be transferred
    u.set(b);
    return u;
  };
  try {
    for await (const chunk of input) {
      const buf: Buffer = carry.length ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
      let start = 0;
      for (let want = size(); buf.length - start >= want; want = size()) {
        let end = buf.lastIndexOf(10, start + want - 1);
        if (end < start) end = buf.indexOf(10, start + want);
        if (end < 0) break; // one line longer than the batch, not complete yet
        left -= end + 1 - start;
        yield copy(buf.subarray(start, end + 1));
        start = end + 1;
      }
      carry = Buffer.from(buf.subarray(start));
    }
    if (carry.length) yield copy(carry);
  } finally {
    input.destroy();
  }
}

/** Lines (records) in a batch of whole JSONL lines. */
function lineCount(bytes: Uint8Array): number {
  // Non-empty lines, as the worker's recordsOf reads them (decisions are sliced by this count).
  let n = 0;
  let from = 0;
  for (let i = bytes.indexOf(10); i >= 0; from = i + 1, i = bytes.indexOf(10, from)) if (i > from) n++;
  return bytes.length > from ? n + 1 : n;
}

/**
 * The runner's end of a raw file's chunks (worker.ts runStreamed): messages kept as they arrive and taken, in
 * order, once the batch's turn to be written has come; each one taken is answered, which lets the worker make the
 * next. The worker waits for that answer, so at most one chunk per batch waits here.
 */
class ChunkChannel {
  private readonly channel = new MessageChannel();
  private readonly queue: ChunkMessage[] = [];
  private wake: (() => void) | null = null;
  constructor() {
    this.channel.port1.on('message', (m: ChunkMessage) => {
      this.queue.push(m);
      this.wake?.();
    });
  }
  close(): void {
    this.channel.port1.close();
  }
  /** The worker's end, sent with the task. */
  get port(): MessagePort {
    return this.channel.port2;
  }
  /** Hands each chunk to `each` as it comes, until the task is `done`; then its result. */
  async drain(done: Promise<ChainResult>, each: (m: ChunkMessage) => Promise<void>): Promise<ChainResult> {
    let ended = false;
    const settled = done.then(() => undefined, () => undefined).finally(() => { ended = true; this.wake?.(); });
    try {
      for (;;) {
        const m = this.queue.shift();
        if (m) {
          await each(m);
          this.channel.port1.postMessage(0);
          continue;
        }
        if (ended) break;
        await new Promise<void>((r) => { this.wake = r; });
        this.wake = null;
      }
      await settled;
      return await done;
    } finally {
      this.channel.port1.close();
    }
  }
}

/** One stage's outputs while a pass runs: its files, fingerprint, ids, tally and thread time. The distributed
 *  run's final assembly (pipeline/distributed/) writes through it too, so its files are the same bytes. */
export class StageOutput {
  readonly out: JsonlWriter;
  readonly log: StageLog;
  /** Size and sha256 of each file as written: the main output (its sha256 is the stage's fingerprint), the side files. */
  readonly written = { out: new Digest(), removed: new Digest(), dropped: new Digest() };
  private readonly ids = new Set<string>();
  ms = 0;
  /** UTF-16 units of the longest output line. */
  longest = 0;
  /** Characters of the removed rows per raw file (StepResult.removedByFile), for the ledger. */
  readonly removedByFile = new Map<string, number>();
  /**
   * `rows` false (a distributed run without --stage-rows): no `<name>.jsonl` is written, the steps' `out` comes
   * empty (ChainStep.rows); the side files (removed, dropped) and the tally are written as always.
   */
  constructor(readonly dir: string, readonly name: string, readonly rows = true) {
    this.out = new JsonlWriter(path.join(dir, `${name}.jsonl`));
    this.log = new StageLog(dir, name);
  }
  async add(r: StepResult): Promise<void> {
    for (const id of r.ids) {
      if (this.ids.has(id)) throw new PipelineError('duplicate_id', `stage ${this.name} produced id ${id} twice`);
      this.ids.add(id);
    }
    this.written.out.update(r.out);
    this.written.removed.update(r.removed);
    this.written.dropped.update(r.dropped);
    await this.out.writeBytes(r.out);
    await this.log.removed.writeBytes(r.removed);
    await this.log.dropped.writeBytes(r.dropped);
    this.log.tally.merge(r.tally);
    this.ms += r.ms;
    this.longest = Math.max(this.longest, r.longest);
    const { files, chars } = r.removedByFile;
    for (let k = 0; k < files.length; k++) this.removedByFile.set(files[k]!, (this.removedByFile.get(files[k]!) ?? 0) + chars[k]!);
  }
  /** The output's fingerprint, once everything is written. */
  sha256(): string {
    return this.written.out.sha256();
  }
  /** The facts of the files this stage's meta vouches for (vouchedFiles), once everything is written. */
  fileFacts(): Record<string, FileFacts> {
    const w = this.written;
    return {
      [`stages/${this.name}.jsonl`]: w.out.facts(this.log.tally.out),
      [`stages/${this.name}.removed.jsonl`]: w.removed.facts(),
      [`stages/${this.name}.dropped.jsonl`]: w.dropped.facts(),
    };
  }
  async commit(): Promise<void> {
    if (!this.rows && this.written.out.bytes !== 0) throw new PipelineError('internal', `stage ${this.name}: rows came for a stage written without its rows`);
    await settleAll([...(this.rows ? [this.out.commit()] : []), this.log.commit()]);
  }
  async abort(): Promise<void> {
    await this.out.abort();
    await this.log.abort();
  }
  /** What the stage's meta records besides its tally (extraction: how many raw files it read, how many it reused). */
  metaExtra(): Partial<StageMeta> {
    return {};
  }
  /** Drops the ids: they are only needed while the pass writes this stage. */
  release(): void {
    this.ids.clear();
    this.removedByFile.clear();
  }
}

/**
 * Where a pass reads: the raw files (it starts with extraction) or a stage's output file. From the raw files: each
 * entry's key and the code keys of the pass's stages (the per-file index it writes, fileindex.ts), and the last
 * run's index when the rows of unchanged files can be copied from the last run's stage files (`reuse`).
 */
type PassSource = { entries: RawEntry[]; keys: string[]; codeKeys: Record<string, string>; reuse?: LoadedIndex } | { file: string };
/** A batch of a pass from the raw files: a file answered here, files to extract, or files whose rows are reused. */
type FileBatch = { local: RawFileInfo; key: string } | { remote: RawEntry[]; keys: string[] } | { reuse: { entry: IndexEntry; offsets: number[]; size: number }[] };
/** Bytes of reused rows read per batch (all the stage files together), and of the last stage's rows when a prepare step reads them. */
const REUSE_BATCH_BYTES = 8 << 20;

/**
 * The ids in a stage's output rows (JSONL bytes): a stage that does not declare keepsIds has its ids checked for
 * uniqueness, reused rows too. Read off the bytes at the start of each line when it is `{"id":"…"` (segment writes
 * the id first; ids are ASCII), else from the parsed line; the rows are never decoded whole.
 */
const ID_PREFIX = Buffer.from('{"id":"');
export function idsOfRows(bytes: Uint8Array): string[] {
  const ids: string[] = [];
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let start = 0; start < b.length;) {
    let end = b.indexOf(10, start);
    if (end < 0) end = b.length;
    if (end > start) {
      const prefixed = end - start > ID_PREFIX.length && b.compare(ID_PREFIX, 0, ID_PREFIX.length, start, start + ID_PREFIX.length) === 0;
      const close = prefixed ? b.indexOf(0x22, start + ID_PREFIX.length) : -1;
      const plain = close > 0 && close < end;
      let id = plain ? b.toString('latin1', start + ID_PREFIX.length, close) : '';
      if (!plain || !/^[A-Za-z0-9_-]+$/.test(id)) id = refOf(JSON.parse(b.toString('utf8', start, end))).id;
      ids.push(id);
    }
    start = end + 1;
  }
  return ids;
}
/** A step of a pass, as the main thread sees it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
interface PassStep { stage: Stage<any, any, any> | { name: 'export' }; op: ChainStep['op']; decisions?: unknown[] }
interface PassResult {
  /** Outputs per stage that wrote output in the pass (extraction first when it ran), ready for their metas. */
  stages: { name: string; output: StageOutput; inputBytes?: number }[];
  prepared?: unknown[];
  prepareMs: number;
  /** The export's main-thread side, when the pass ended with the export step (its `finish` is the caller's). */
  exported?: { output: ExportOutput; ms: number };
  wall: number;
  peak: number;
}

/**
 * Time each pool (by index) had at least one task in hand: `idle(since)` gives, per pool, the seconds since `since`
 * (a performance.now()) when it had none — when its thread waited for this one or for the other pool's thread.
 */
export class BusyClock {
  private readonly from: number[] = [];
  private readonly spans: [number, number][][] = [];
  start(k: number, now = performance.now()): void {
    this.from[k] = now;
  }
  stop(k: number, now = performance.now()): void {
    (this.spans[k] ??= []).push([this.from[k] ?? now, now]);
    this.from[k] = NaN;
  }
  idle(since: number, now = performance.now()): number[] {
    const n = Math.max(this.from.length, this.spans.length);
    return Array.from({ length: n }, (_, k) => {
      let busy = 0;
      for (const [a, b] of this.spans[k] ?? []) if (b > since) busy += b - Math.max(a, since);
      const open = this.from[k];
      if (open !== undefined && !Number.isNaN(open)) busy += now - Math.max(open, since);
      return Math.max(0, (now - since - busy) / 1000);
    });
  }
}

class Runner {
  /** The pools tasks go to (one, or two of one thread each: SPLIT_AFTER), and the tasks pending in each. */
  private pools: Piscina[] | null = null;
  private pending: number[] = [];
  private inline: ((t: ChainTask | GatherTask | DuplicatesTask | WarmTask) => Promise<ChainResult | GatherResult | Uint8Array | null | TaskError>) | null = null;
  passes = 0;
  private readonly budget: FileBudget;
  constructor(private readonly opts: RunOptions, private readonly dir: string) {
    this.budget = opts.budget ?? BUDGET_DEFAULTS;
  }

  /**
   * Runs a task in the pool. `workers` counts the threads that do the work: a pool of `workers` threads, each with
   * its heap capped by the per-file budget (budget.ts); this thread only orders, hashes and writes the results (and
   * plans whole-corpus stages). It runs no batch itself, whatever the number of workers: a raw file's work must
   * run where a budget can stop it, and a thread cannot stop itself (with `--workers 1` one pool thread works while
   * this one writes). Until #23 this thread took batches too (a pool of N − 1), and with 2 workers ran the first
   * half of pass 1's chain; with 2 workers the chain is now split between the two pool threads (SPLIT_AFTER), each a
   * pool of its own (`which` picks one; by default the one with fewer tasks pending).
   */
  private async run<R>(t: ChainTask | GatherTask | DuplicatesTask | WarmTask, transfer: ArrayBuffer[] = [], signal?: AbortSignal, which?: number): Promise<R> {
    // A library caller that gives no pool and one worker (tests, the distributed runner's single-machine
    // reference) runs every task on this thread, as before #23, without the budget; pipeline/run.ts always gives one.
    if (this.inlined()) {
      this.inline ??= (await import('./worker.js')).default;
      return unwrap((await this.inline(t)) as R | TaskError);
    }
    const pools = this.openPools();
    // A half of a split chain goes to its pool; any other task to the pool with the fewest pending.
    const k = which !== undefined && which < pools.length ? which : this.pending.indexOf(Math.min(...this.pending));
    const pending = this.pending;
    if (pending[k]!++ === 0 && tracing) this.busy.start(k);
    this.poolPending++;
    try {
      return unwrap((await pools[k]!.run(t, { transferList: transfer, ...(signal ? { signal } : {}) })) as R | TaskError);
    } finally {
      if (--pending[k]! === 0 && tracing) this.busy.stop(k);
      this.poolPending--;
    }
  }
  /** How long each pool had a task in hand, for the trace's idle figures at a pass's end (kept only when tracing). */
  private readonly busy = new BusyClock();
  private poolPending = 0;
  private inlined(): boolean {
    return !this.opts.pool && !this.opts.pools && this.opts.workers === 1;
  }
  /** The pools, given or started on first use. */
  private openPools(): Piscina[] {
    if (!this.pools) {
      const given = this.opts.pools ?? (this.opts.pool ? [this.opts.pool] : null);
      this.pools = (!this.poolStopped && given) || startPools(this.opts.workers, this.budget);
      this.pending = this.pools.map(() => 0);
    }
    return this.pools;
  }

  /**
   * Where a chain from the raw files is split (SPLIT_AFTER): after that step, when there are two pools; else 0 (it
   * runs whole). A batch of one file sending its units in chunks runs whole.
   */
  private split(): boolean {
    return !this.inlined() && this.openPools().length === 2;
  }
  private splitAt(t: ChainTask): number {
    if (!this.split() || t.chunks || !t.files || !t.steps.every((s) => s.op === 'map' || s.op === 'prepare')) return 0;
    const cuts = SPLIT_AFTER.map((name) => t.steps.findIndex((s) => s.op === 'map' && s.stage === name) + 1).filter((k) => k > 0 && k < t.steps.length);
    if (cuts.length === 0) return 0;
    // The later cut unless the first thread has more batches queued than the second.
    return this.pending[0]! > this.pending[1]! ? cuts[0]! : cuts[cuts.length - 1]!;
  }

  /**
   * A chain split in two (SPLIT_AFTER): its first `head` steps, extraction included, in the first pool; the rest in
   * the second, from the head's last output bytes, file by file with the time each file spent in the first half
   * (worker.ts runPerFile). The result is the whole chain's, as one thread would have returned it.
   */
  private async runSplit(t: ChainTask, head: number, signal: AbortSignal): Promise<ChainResult> {
    const a = await this.run<ChainResult>({ ...t, steps: t.steps.slice(0, head) }, [], signal, 0);
    // The watchdog does not time the batch while its second half waits for the other thread.
    if (t.progress) new Float64Array(t.progress)[0] = -1;
    const files = a.files ?? [];
    const slices = a.slices;
    const perFile = slices && a.fileMs && slices.length === files.length && a.steps.length === head
      ? slices.map((s, i) => ({ path: s.path, records: s.steps[head - 1]?.tally.out ?? 0, spentMs: a.fileMs![i] ?? 0 }))
      : undefined;
    // A copy with its own ArrayBuffer to transfer: this thread still writes the original.
    const bytes = new Uint8Array(a.steps[head - 1]?.out ?? new Uint8Array(0));
    const tail: ChainTask = { kind: 'chain', bytes, steps: t.steps.slice(head), ...(perFile ? { perFile } : {}), ...(t.progress ? { progress: t.progress } : {}) };
    const b = await this.run<ChainResult>(tail, [bytes.buffer as ArrayBuffer], signal, 1);
    const res: ChainResult = { files: a.files, steps: [...a.steps, ...b.steps] };
    if (a.extractMs !== undefined) res.extractMs = a.extractMs;
    if (b.prepared) {
      res.prepared = b.prepared;
      res.prepareMs = b.prepareMs ?? 0;
    }
    // Without per-file slices from both halves the index is left incomplete (IndexBuilder.slices), never wrong.
    if (perFile && slices && b.slices?.length === slices.length) res.slices = slices.map((s, i) => ({ path: s.path, steps: [...s.steps, ...b.slices![i]!.steps] }));
    return res;
  }

  /** A chain from raw files under the per-file budget, in the pool (runUnderBudget); `transfer` goes with the first
   *  attempt only (a batch run again goes without its port). */
  private runRaw(task: ChainTask, entries: RawEntry[], transfer: ArrayBuffer[] = []): Promise<ChainResult> {
    const head = this.splitAt(task);
    let first = true;
    return runUnderBudget((t, signal) => {
      const tr = first ? transfer : [];
      first = false;
      // A chain that is not split (a batch of one file, sending its units in chunks) goes whole to the first thread
      // when there are two, so that the second compiles and loads no extraction.
      return head > 0 ? this.runSplit(t, head, signal) : this.run<ChainResult>(t, tr, signal, this.split() ? 0 : undefined);
    }, task, entries, this.budget);
  }

  /**
   * Loading ahead. A thread that waits costs nothing to use, so what the run will load on first use anyway —
   * stages' dictionaries and tables (their `warm`), schema validators, the Arrow and DuckDB packages — is loaded
   * there instead of at the start of the pass or the finish that needs it, where it held up the run (#9: 50 ms
   * of banding at the plan's start and in the pool thread's first batch, 25 ms of jieba per thread and 50 ms of
   * Arrow at pass 2's start, 80 ms of DuckDB at the finish, profiled with 2 workers). Nothing here changes an
   * output.
   *
   * `idleJobs` are this thread's: `ordered` runs one (a few ms to ~80 ms) each time it would wait for a result,
   * once every batch of the pass is handed out (this thread then only waits for results), or before that while
   * the pool has IDLE_BACKLOG tasks.
   */
  private readonly idleJobs: (() => void)[] = [];
  /** Queues this thread's loading ahead: the whole-corpus stages it will plan (`stages`), then the writers'. */
  planWarmups(stages: string[]): void {
    for (const s of stages) this.idleJobs.push(() => void import('./worker.js').then((w) => w.warmStage(s)));
    this.idleJobs.push(...WRITER_WARMUPS);
  }
  /** Runs one job of loading ahead, if any is left and the pool has enough queued. */
  private readonly idle = (draining: boolean): void => {
    if (draining || this.poolPending >= IDLE_BACKLOG) this.idleJobs.shift()?.();
  };
  /**
   * Sends each pool thread the loading ahead of `stages`, for the time it would otherwise wait: before a pass's
   * first batch arrives, and while the main thread plans. Not awaited; a failure is the first batch's to report.
   */
  warmPool(stages: string[]): void {
    if (stages.length === 0 || this.inlined()) return;
    const pools = this.openPools();
    // A pass from the raw files split in two (SPLIT_AFTER): each thread loads only its part, the stage between the
    // cuts both.
    const cuts = stages.includes('extract') ? SPLIT_AFTER.map((n) => stages.indexOf(n) + 1).filter((k) => k > 0 && k < stages.length) : [];
    if (pools.length === 2 && cuts.length > 0) {
      this.run<null>({ kind: 'warm', stages: stages.slice(0, cuts[cuts.length - 1]) }, [], undefined, 0).catch(() => undefined);
      this.run<null>({ kind: 'warm', stages: stages.slice(cuts[0]) }, [], undefined, 1).catch(() => undefined);
      return;
    }
    for (let k = 0; k < pools.length; k++) {
      const threads = pools.length === 1 ? this.opts.workers : 1;
      for (let j = 0; j < threads; j++) this.run<null>({ kind: 'warm', stages }, [], undefined, k).catch(() => undefined);
    }
  }

  private poolStopped = false;
  /**
   * Stops the worker threads, the pool it was given too (its owner's destroy() then does nothing), when no more
   * batches will run: their heaps go back to the system at once. Before the export's finish, with 2 workers on the
   * 50 MB benchmark, the process went from 522 to 403 MB, so DuckDB's buffers while it writes the Parquet file no
   * longer add to the pool's (the finish was the run's peak: +115 MB over pass 2 at 500 MB). A later task (none
   * is expected) would start a new pool.
   */
  async stopPool(): Promise<void> {
    const pools = this.pools ?? this.opts.pools ?? (this.opts.pool ? [this.opts.pool] : []);
    this.pools = null;
    this.poolStopped = true;
    await Promise.all(pools.map((p) => p.destroy()));
  }

  /** Stops the pools this runner started (pools it was given are their owner's to stop). */
  async close(): Promise<void> {
    const given = new Set([...(this.opts.pools ?? []), ...(this.opts.pool ? [this.opts.pool] : [])]);
    if (this.pools) await Promise.all(this.pools.filter((p) => !given.has(p)).map((p) => p.destroy()));
    this.pools = null;
  }

  /** In-flight batches: enough to keep every worker busy while the main thread writes. */
  private get inflight(): number {
    return this.opts.workers * 2;
  }

  /**
   * Batches of raw files for extraction, in file order: a batch is a run of consecutive regular files;
   * non-regular, skipped and over-sized entries are answered here without reading them.
   */
  private fileBatches(entries: RawEntry[], keys: string[], reuse: LoadedIndex | undefined, lastOf: number): FileBatch[] {
    const batches: FileBatch[] = [];
    const split = this.split();
    let cur: RawEntry[] = [];
    let curKeys: string[] = [];
    let curBytes = 0;
    let remote = 0;
    let re: { entry: IndexEntry; offsets: number[]; size: number }[] = [];
    let reBytes = 0;
    let reLast = 0;
    const flush = () => {
      if (cur.length) {
        batches.push({ remote: cur, keys: curKeys });
        remote++;
      }
      cur = [];
      curKeys = [];
      curBytes = 0;
    };
    const flushReuse = () => {
      if (re.length) batches.push({ reuse: re });
      re = [];
      reBytes = 0;
      reLast = 0;
    };
    entries.forEach((e, i) => {
      const info = localInfo(e);
      if (info) {
        flush();
        flushReuse();
        batches.push({ local: info, key: keys[i]! });
        return;
      }
      const old = reuse?.byPath.get(e.rel);
      if (old && old.entry.key === keys[i]) {
        flush();
        const lengths = old.entry.steps.flatMap((st) => st.bytes);
        const bytes = old.entry.units + old.entry.ledger + lengths.reduce((a, b) => a + b, 0);
        const last = lastOf >= 0 ? old.entry.steps[lastOf]!.bytes[0] : 0;
        if (re.length && (reBytes + bytes > REUSE_BATCH_BYTES || reLast + last > BATCH_BYTES)) flushReuse();
        re.push({ ...old, size: e.size });
        reBytes += bytes;
        reLast += last;
        return;
      }
      flushReuse();
      // A streamed file (WARC, Parquet: any size) or a large one goes alone: its units are sent on in chunks
      // (worker.ts runStreamed), which a batch of one file allows. A record file (CSV, JSON …) is read from its path
      // whatever its size, but a small one shares a batch like any small file (runExtract reads it by path all the same).
      const fmt = streamedFormat(e.rel);
      if ((fmt !== null && fmt !== 'records') || e.size >= EXTRACT_BATCH_BYTES) {
        flush();
        cur.push(e);
        curKeys.push(keys[i]!);
        flush();
        return;
      }
      cur.push(e);
      curKeys.push(keys[i]!);
      curBytes += e.size;
      if (cur.length >= extractBatchFiles(remote, split) || curBytes >= EXTRACT_BATCH_BYTES) flush();
    });
    flush();
    flushReuse();
    return batches;
  }

  /**
   * The rows of a batch of reused files, read from the last run's stage files (`index.files`, open in `handles`):
   * per described file, the batch's rows concatenated (the files are consecutive in the new output, maybe not in
   * the old one: a deleted file's rows are left out).
   */
  private async reusedRows(handles: FileHandle[], batch: { entry: IndexEntry; offsets: number[] }[]): Promise<Uint8Array[]> {
    const parts: Uint8Array[] = [];
    for (let j = 0; j < handles.length; j++) {
      const len = (e: IndexEntry) => (j === 0 ? e.units : j === 1 ? e.ledger : e.steps[Math.floor((j - 2) / 3)]!.bytes[(j - 2) % 3]!);
      const total = batch.reduce((n, b) => n + len(b.entry), 0);
      const buf = new Uint8Array(total);
      let at = 0;
      // Runs of files whose rows are adjacent in the old file are read at once.
      for (let k = 0; k < batch.length;) {
        const from = batch[k]!.offsets[j]!;
        let n = len(batch[k]!.entry);
        for (k++; k < batch.length && batch[k]!.offsets[j] === from + n; k++) n += len(batch[k]!.entry);
        for (let got = 0; got < n;) {
          const { bytesRead } = await handles[j]!.read(buf, at + got, n - got, from + got);
          if (bytesRead === 0) throw new PipelineError('internal', `reused rows: ${j} ended early`);
          got += bytesRead;
        }
        at += n;
      }
      parts.push(buf);
    }
    return parts;
  }

  /**
   * One pass: reads the source once in batches, runs every batch through `steps` (in the pool), and writes each
   * stage's outputs in input order. Metas are removed before anything is written and written by the caller last,
   * so a killed run leaves no stale voucher.
   */
  async pass(source: PassSource, steps: PassStep[], label: string, total: number): Promise<PassResult> {
    const { opts, dir } = this;
    this.passes++;
    trace(`pass ${this.passes} start: ${label}`);
    const started = performance.now();
    const peak = rssSampler();
    const writing = steps.filter((s) => s.op === 'map' || s.op === 'apply').map((s) => s.stage.name);
    const names = ['entries' in source ? ['extract'] : [], writing].flat();
    for (const n of names) await rm(path.join(dir, `${n}.meta.json`), { force: true });
    const outputs = new Map(writing.map((n) => [n, new StageOutput(dir, n)]));
    const prepare = steps.find((s) => s.op === 'prepare');
    const prepared: unknown[] | undefined = prepare ? [] : undefined;
    let prepareMs = 0;
    const exporting = steps.some((s) => s.op === 'export');
    // When the pass also applies dedupe, the workers build report/duplicates.jsonl's rows from the records they hold.
    const duplicatesOf = exporting && steps.some((s) => s.op === 'apply' && s.stage.name === DUPLICATES_FROM) ? DUPLICATES_FROM : undefined;
    const exported = exporting ? { output: new ExportOutput(opts.out, duplicatesOf !== undefined, opts.csvBom === true), ms: 0 } : undefined;
    if (exported) await rm(path.join(dir, 'export.meta.json'), { force: true });
    const chainSteps = (decisionsFrom: number, n: number): ChainStep[] =>
      steps.map((s) => ({
        stage: s.stage.name, op: s.op,
        ...(s.decisions ? { decisions: s.decisions.slice(decisionsFrom, decisionsFrom + n) } : {}),
        ...(s.op === 'export' && duplicatesOf ? { duplicatesOf } : {}),
      }));
    const take = async (r: ChainResult) => {
      for (let k = 0; k < r.steps.length; k++) await outputs.get(writing[k]!)!.add(r.steps[k]!);
      if (prepared && r.prepared) for (const v of r.prepared) prepared.push(v);
      prepareMs += r.prepareMs ?? 0;
      if (exported && r.duplicates) await exported.output.addDuplicates(r.duplicates);
      if (exported && r.export) {
        await exported.output.add(r.export);
        exported.ms += r.exportMs ?? 0;
      }
    };
    // Progress in items and input bytes: the raw files' sizes (those extraction reads), or the input file's.
    const inputBytes = 'entries' in source ? source.entries.reduce((t, e) => t + (e.kind === 'file' ? e.size : 0), 0) : await stat(source.file).then((st) => st.size, () => 0);
    opts.progress.start(label, total, inputBytes);
    const ex = 'entries' in source ? new ExtractOutput(dir) : null;
    // The per-file index of a pass from the raw files whose steps are per file (fileindex.ts).
    const index = 'entries' in source && steps.every((s) => s.op === 'map' || s.op === 'prepare') ? new IndexBuilder(writing) : null;
    const reuse = 'entries' in source ? source.reuse : undefined;
    const old: FileHandle[] = [];
    // Chunk channels of batches not yet written, closed if the pass fails (their workers then wait no more).
    const channels = new Set<ChunkChannel>();
    let chunksTaken = 0;
    // The pool's threads wait for the first batch: they load the stages they will run meanwhile.
    this.warmPool([...(ex ? ['extract'] : []), ...steps.filter((s) => s.op !== 'export').map((s) => s.stage.name)]);
    try {
      if ('entries' in source) {
        if (reuse) for (const f of reuse.files) old.push(await open(path.join(opts.out, f), 'r'));
        // The stage a prepare step reads (the last that writes), whose reused rows the pool prepares again.
        const lastOf = prepare ? writing.length - 1 : -1;
        const prepareStep = prepare ? chainSteps(0, 0).filter((s) => s.op === 'prepare') : [];
        let finished: Promise<void> = Promise.resolve();
        await ordered(
          this.fileBatches(source.entries, source.keys, reuse, lastOf),
          async (b): Promise<{ local: RawFileInfo; key: string } | { reused: { batch: Extract<FileBatch, { reuse: unknown }>; rows: Uint8Array[] }; prep: ChainResult } | { remote: RawEntry[]; keys: string[]; chunks: ChunkChannel | null; done: Promise<ChainResult> }> => {
            // Whether every batch handed out before this one has finished its work (see `chunks` below).
            const before = finished;
            let over!: () => void;
            finished = Promise.all([before, new Promise<void>((r) => { over = r; })]).then(() => undefined);
            if ('local' in b) {
              over();
              return { local: b.local, key: b.key };
            }
            if ('reuse' in b) {
              try {
                const rows = await this.reusedRows(old, b.reuse);
                // The whole-corpus stage's prepare of the reused rows (its values are kept in memory, not in a file).
                const prep = lastOf >= 0 && rows[2 + 3 * lastOf]!.length ? await this.run<ChainResult>({ kind: 'chain', bytes: rows[2 + 3 * lastOf]!.slice(), steps: prepareStep }) : { steps: [] };
                return { reused: { batch: b, rows }, prep };
              } finally {
                over();
              }
            }
            const task: ChainTask = { kind: 'chain', files: b.remote.map((e) => ({ rel: e.rel, abs: new Uint8Array(e.abs), ino: e.ino })), steps: chainSteps(0, 0), ...(opts.extract ? { extract: opts.extract } : {}) };
            // A batch of one file sends its units on in chunks, taken as they come once the batch's turn is up.
            const chunks = b.remote.length === 1 ? new ChunkChannel() : null;
            if (chunks) Object.assign(task, { chunks: chunks.port, ...opts.chunk });
            // Its thread waits for its chunks to be taken, so it holds its thread until every batch before it is
            // written. With the chain split between two threads (SPLIT_AFTER), a half of an earlier batch queued behind
            // it there would never run: it starts once every earlier batch has finished.
            if (chunks && this.split()) await before;
            const done = this.runRaw(task, b.remote, chunks ? [chunks.port as unknown as ArrayBuffer] : []);
            done.then(over, over);
            // Awaited when its turn comes (a failure is reported then, not as an unhandled rejection now).
            done.catch(() => undefined);
            if (chunks) channels.add(chunks);
            else await done.catch(() => undefined);
            return { remote: b.remote, keys: b.keys, chunks, done };
          },
          this.inflight,
          async (b) => {
            if ('local' in b) {
              const [u, l] = await ex!.file(b.local, new Uint8Array(0), []);
              index?.begin();
              index?.file(b.local.path, b.key, u, l, { local: true });
              opts.progress.tick(1, b.local.bytes);
              return;
            }
            if ('reused' in b) {
              const { batch, rows } = b.reused;
              await ex!.reuse(rows[0]!, rows[1]!);
              for (let k = 0; k < writing.length; k++) {
                const name = writing[k]!;
                const tally = new Tally();
                const byFile = new Map<string, number>();
                let longest = 0;
                for (const { entry } of batch.reuse) {
                  const st = entry.steps[k]!;
                  tally.merge(st.tally);
                  for (const [f, n] of st.removedByFile) byFile.set(f, (byFile.get(f) ?? 0) + n);
                  longest = Math.max(longest, st.longest);
                }
                const out = rows[2 + 3 * k]!;
                const keeps = STAGES.find((x) => x.name === name)?.keepsIds === true;
                await outputs.get(name)!.add({
                  ids: keeps ? [] : idsOfRows(out), out, removed: rows[3 + 3 * k]!, dropped: rows[4 + 3 * k]!,
                  tally: { in: tally.in, out: tally.out, dropped: tally.dropped, removed: tally.removed, counters: tally.counters },
                  ms: 0, longest, removedByFile: { files: [...byFile.keys()], chars: [...byFile.values()] },
                });
              }
              for (const { entry } of batch.reuse) index?.reused(entry);
              if (prepared && b.prep.prepared) for (const v of b.prep.prepared) prepared.push(v);
              prepareMs += b.prep.prepareMs ?? 0;
              opts.progress.tick(batch.reuse.length, batch.reuse.reduce((t, e) => t + e.size, 0));
              return;
            }
            const wrote = (r: ChainResult) => r.steps.some((st) => st.out.length + st.removed.length + st.dropped.length > 0);
            if (b.chunks) channels.delete(b.chunks);
            const r = await (b.chunks ? b.chunks.drain(b.done, async (m) => {
              // A chunk of the batch's one file: its units and rows, summed into the file's index entry.
              if (tracing && ++chunksTaken % 5 === 0) trace(`pass ${this.passes}: ${chunksTaken} chunks of ${b.remote[0]!.rel} written`);
              const u = await ex!.units(m.units, m.chars);
              index?.begin();
              index?.file(b.remote[0]!.rel, b.keys[0]!, u, 0, {});
              index?.slices(m.result.slices, wrote(m.result));
              ex!.ms += m.result.extractMs ?? 0;
              await take(m.result);
            }) : b.done);
            // The name's legacy encoding is a fact of the walk, not of the bytes.
            r.files!.forEach((f, i) => { f.info = withNameEncoding(f.info, b.remote[i]!.nameEncoding); });
            index?.begin();
            for (const f of r.files!) {
              const [u, l] = await ex!.file(f.info, f.units, f.chars, f.removed);
              const i = b.remote.findIndex((e) => e.rel === f.info.path);
              // A file with extraction's own removals (a PDF's page edges) is not reused: the index does not
              // describe extract.removed.jsonl, so it runs again, and its rows are written as a fresh build writes them.
              index?.file(f.info.path, i >= 0 ? b.keys[i]! : '', u, l, { reason: f.info.reason, ...(f.removed ? { retry: true } : {}) });
            }
            index?.slices(r.slices, wrote(r));
            ex!.extracted += b.remote.length;
            ex!.ms += r.extractMs ?? 0;
            await take(r);
            opts.progress.tick(r.files!.length, b.remote.reduce((t, e) => t + e.size, 0));
          },
          this.idle,
        );
      } else {
        let at = 0;
        await ordered(
          byteBatches(source.file),
          async (bytes) => {
            const n = lineCount(bytes);
            const size = bytes.length; // before the buffer is transferred
            const task: ChainTask = { kind: 'chain', bytes, steps: chainSteps(at, n) };
            at += n;
            return { n, size, r: await this.run<ChainResult>(task, [bytes.buffer as ArrayBuffer]) };
          },
          this.inflight,
          async ({ n, size, r }) => {
            if (tracing && ++chunksTaken % 20 === 0) trace(`pass ${this.passes}: ${chunksTaken} batches written`);
            await take(r);
            opts.progress.tick(n, size);
          },
          this.idle,
        );
      }
      // Side by side (settleAll): each commit waits for its file to reach the disk.
      await settleAll([...(ex ? [ex.commit()] : []), ...[...outputs.values()].map((o) => o.commit())]);
      if (ex && 'entries' in source) {
        // The per-file index of what was just written, or none (the next run then reads every raw file again).
        const facts: Record<string, FileFacts> = { ...ex.fileFacts() };
        for (const o of outputs.values()) Object.assign(facts, o.fileFacts());
        const keys = Object.fromEntries([['extract', source.codeKeys['extract']!], ...writing.map((n) => [n, source.codeKeys[n]!])]);
        const text = index?.text(keys, facts as Record<string, { bytes: number; sha256: string }>) ?? null;
        const file = path.join(dir, INDEX_FILE);
        if (text === null) await rm(file, { force: true });
        else {
          const d = new Digest();
          d.update(text);
          await writeAtomic(file, text);
          ex.index = d.facts();
        }
      }
    } catch (err) {
      for (const c of channels) c.close();
      for (const h of old.splice(0)) await h.close().catch(() => undefined);
      if (ex) await ex.abort();
      for (const o of outputs.values()) await o.abort();
      if (exported) await exported.output.abort();
      throw err;
    }
    for (const h of old.splice(0)) await h.close();
    opts.progress.end();
    const stages: PassResult['stages'] = [];
    if (ex) stages.push({ name: 'extract', output: ex, inputBytes: ex.inputBytes });
    for (const n of writing) stages.push({ name: n, output: outputs.get(n)! });
    if (tracing) trace(`pass ${this.passes} end: ${this.busy.idle(started).map((x, k) => `pool ${k} idle ${x.toFixed(2)} s`).join(', ')}`);
    return { stages, prepared, prepareMs, exported, wall: (performance.now() - started) / 1000, peak: peak() };
  }

  /** report/duplicates.jsonl's rows from dedupe's dropped file, built in the pool, handed to `each` in order. */
  async duplicates(file: string, each: (rows: Uint8Array) => Promise<void>): Promise<void> {
    if (!(await exists(file))) return;
    await ordered(byteBatches(file), (bytes) => this.run<Uint8Array>({ kind: 'duplicates', bytes }, [bytes.buffer as ArrayBuffer]), this.inflight, each);
  }

  /** Runs a whole-corpus stage's `gather` over the records of `file` that `asks` names, in the pool, in input order. */
  async gather(stage: string, file: string, asks: ReadonlyMap<number, unknown>, each: (index: number, value: unknown) => void): Promise<void> {
    if (asks.size === 0) return;
    let at = 0;
    await ordered(
      byteBatches(file),
      async (bytes) => {
        const n = lineCount(bytes);
        const base = at;
        at += n;
        const wanted: unknown[] = new Array(n);
        let any = false;
        for (let i = 0; i < n; i++) {
          const a = asks.get(base + i);
          if (a !== undefined) { wanted[i] = a; any = true; }
        }
        if (!any) return { base, r: null };
        return { base, r: await this.run<GatherResult>({ kind: 'gather', stage, bytes, asks: wanted }, [bytes.buffer as ArrayBuffer]) };
      },
      this.inflight,
      async ({ base, r }) => {
        if (r) for (let k = 0; k < r.at.length; k++) each(base + r.at[k]!, r.values[k]);
      },
      this.idle,
    );
  }
}

/** Extraction's outputs while a pass runs: the units, the per-file ledger facts and their common fingerprint. */
export class ExtractOutput extends StageOutput {
  readonly files: JsonlWriter;
  readonly writtenRows = new Digest();
  inputBytes = 0;
  /** Raw files extracted in this run, and those whose rows were copied from the last run's (the per-file index). */
  extracted = 0;
  reused = 0;
  /** The per-file index written beside the stage files (fileindex.ts), once written. */
  index: FileFacts | null = null;
  constructor(dir: string, rows = true) {
    super(dir, 'extract', rows);
    this.files = new JsonlWriter(path.join(dir, 'extract.files.jsonl'));
  }
  /** The fingerprint covers the units, the ledger rows and extraction's removal rows. */
  override sha256(): string {
    return sha([this.written.out.sha256(), this.writtenRows.sha256(), this.written.removed.sha256()]);
  }
  override fileFacts(): Record<string, FileFacts> {
    return {
      'stages/extract.jsonl': this.written.out.facts(this.log.tally.out),
      'stages/extract.files.jsonl': this.writtenRows.facts(this.log.tally.in),
      'stages/extract.removed.jsonl': this.written.removed.facts(),
      // Not a file the stage's cache checks (vouchedFiles): what the next run checks before it reuses rows.
      ...(this.index ? { [`stages/${INDEX_FILE}`]: this.index } : {}),
    };
  }
  override metaExtra(): Partial<StageMeta> {
    return { files_extracted: this.extracted, files_reused: this.reused };
  }
  /** Rows of raw files copied from the last run: their units and their ledger rows (whole lines, in order). */
  async reuse(units: Uint8Array, ledger: Uint8Array): Promise<void> {
    const t = this.log.tally;
    this.written.out.update(units);
    await this.out.writeBytes(units);
    this.writtenRows.update(ledger);
    await this.files.writeBytes(ledger);
    for (const line of new TextDecoder().decode(ledger).split('\n')) {
      if (!line) continue;
      const row = JSON.parse(line) as FileRow;
      t.in++;
      t.out += row.units;
      if (row.status !== 'ok') t.dropped[row.reason ?? 'rejected'] = (t.dropped[row.reason ?? 'rejected'] ?? 0) + 1;
      this.inputBytes += row.bytes;
      this.reused++;
    }
  }
  /** Units and characters of the file being written (its chunks before the last), for its ledger row. */
  private open = { units: 0, chars: 0 };
  /** A chunk of a file's units written before its end (worker.ts runStreamed); the file's row comes with its last. */
  async units(units: Uint8Array, chars: number[]): Promise<number> {
    this.written.out.update(units);
    await this.out.writeBytes(units);
    for (const c of chars) this.open.chars += c;
    this.open.units += chars.length;
    this.log.tally.out += chars.length;
    return units.length;
  }
  /** A raw file's ledger row and units; returns the bytes written to each file (units, ledger row). */
  async file(info: RawFileInfo, units: Uint8Array, chars: number[], removed?: FileResult['removed']): Promise<[number, number]> {
    const t = this.log.tally;
    t.in++;
    this.written.out.update(units);
    await this.out.writeBytes(units);
    let charsIn = this.open.chars;
    for (const c of chars) charsIn += c;
    // What extraction removed (a PDF's page edges) was in the file: the ledger counts it in and as removed.
    if (removed) {
      this.written.removed.update(removed.rows);
      await this.log.removed.writeBytes(removed.rows);
      let n = 0;
      removed.rules.forEach((rule, k) => { t.removal(rule, removed.chars[k]!); n += removed.chars[k]!; });
      charsIn += n;
      this.removedByFile.set(info.path, (this.removedByFile.get(info.path) ?? 0) + n);
    }
    t.out += chars.length;
    const nUnits = this.open.units + chars.length;
    const wasOpen = this.open.units > 0;
    this.open = { units: 0, chars: 0 };
    this.inputBytes += info.bytes;
    // A file cut by its budget after some chunks were written (the thread was stopped): they stay published, the
    // row says where it stopped and why (status ok: its documents are in the outputs; the reason says what is missing).
    const cut = wasOpen && info.status === 'rejected';
    const row: FileRow = cut
      ? { ...info, status: 'ok', detail: `stopped after ${nUnits} units: ${info.detail ?? info.reason}`, units: nUnits, chars_in: charsIn }
      : { ...info, units: nUnits, chars_in: charsIn };
    if (row.status !== 'ok') t.dropped[row.reason ?? 'rejected'] = (t.dropped[row.reason ?? 'rejected'] ?? 0) + 1;
    // The ledger rows are extraction output too: the fingerprint covers both.
    const line = JSON.stringify(row);
    const before = this.writtenRows.bytes;
    this.writtenRows.update(line + '\n');
    await this.files.writeLine(line);
    return [units.length, this.writtenRows.bytes - before];
  }
  override async commit(): Promise<void> {
    await settleAll([super.commit(), this.files.commit()]);
  }
  override async abort(): Promise<void> {
    await super.abort();
    await this.files.abort();
  }
}

/** Fingerprint of the JSON Schemas in `dir` (every stage output is checked against one; the distributed run keys on it too). */
export function schemasHash(dir: string): string {
  return sha(readdirSync(dir).sort().map((f) => `${f}\t${createHash('sha256').update(readFileSync(path.join(dir, f))).digest('hex')}`));
}

/**
 * Runs extraction, every stage and the export, skipping those whose cache key is unchanged and fusing into one
 * pass the consecutive ones that must run. Returns each one's meta, in stage order (export last).
 */
/**
 * The export's configuration in its code key: null by default (the key it always had); `--csv-bom` and a
 * JINGWEN_PII_KEY (as its tag, never the key: the ledger's path_fingerprint depends on it) change its output.
 */
export function exportConfig(csvBom: boolean, key: string | null): Record<string, unknown> | null {
  if (!csvBom && key === null) return null;
  return { ...(csvBom ? { csv_bom: true } : {}), ...(key === null ? {} : { pii_key: keyTag(key) }) };
}

export async function runStages(opts: RunOptions): Promise<StageMeta[]> {
  const dir = path.join(opts.out, 'stages');
  await mkdir(dir, { recursive: true });
  const runner = new Runner(opts, dir);
  // The runner and worker plumbing, not the stages (each stage's key hashes its own code), plus the schemas.
  const stagesDir = path.join(opts.root, 'pipeline/stages');
  const plumbing = sha([
    codeHash(path.join(opts.root, 'pipeline/lib/runner.ts'), opts.root, [stagesDir]),
    codeHash(path.join(opts.root, 'pipeline/lib/worker.ts'), opts.root, [stagesDir]),
    schemasHash(path.join(opts.root, 'schemas')),
  ]);
  const codeKey = (name: string, defaults: unknown) => sha([name, codeHash(path.join(opts.root, `pipeline/stages/${name}.ts`), opts.root), plumbing, configJson(defaults)]);
  const codeKeys = new Map<string, string>([
    // The per-file budget decides which files are rejected (timeout, resource_limit): part of extraction's key.
    ['extract', codeKey('extract', { ...(opts.extract ?? EXTRACT_DEFAULTS), budget: opts.budget ?? BUDGET_DEFAULTS })],
    ...STAGES.map((s) => [s.name, codeKey(s.name, s.defaults)] as [string, string]),
    // The default configuration keeps the key it always had; `--csv-bom` changes the export's output, so its key.
    // The ledger's path_fingerprint is keyed by JINGWEN_PII_KEY: another key (or none), another export.
    ['export', codeKey('export', exportConfig(opts.csvBom === true, piiKey()))],
  ]);
  // What the previous run left, read before anything is written: a stage whose meta has another code key (or no
  // meta) must run whatever its input, so it can join the pass of the stage before it.
  const before = new Map<string, string | undefined>();
  for (const name of codeKeys.keys()) {
    const f = path.join(dir, `${name}.meta.json`);
    before.set(name, (await exists(f)) ? (await readJson<StageMeta>(f).catch(() => null))?.code_key : undefined);
  }
  // Set when the raw files' content changed (extraction's code did not, its key did): extraction's output records
  // each file's sha256, so it changes, and every later stage must run on it; they join the first pass instead of
  // each reading its input again in a pass of its own (a rerun with one raw file changed took 12.2 s against 8.0 s
  // for a fresh build on 773 files, #25).
  let rawChanged = false;
  const mustRun = (name: string) => rawChanged || before.get(name) !== codeKeys.get(name);
  const keyOf = (name: string, input: string) => sha([codeKeys.get(name)!, input]);
  // The export depends on every stage's outputs (the report reads their side files).
  const exportKey = () => sha([codeKeys.get('export')!, ...metas.map((m) => `${m.stage}\t${m.output_sha256}\t${m.stage === 'extract' ? '' : m.key}`)]);

  const metas: StageMeta[] = [];
  // Removed characters per raw file, summed over the stages that ran in this run (the export's ledger re-reads the
  // removed files of the others, whose outputs were cached).
  const removedSums: RemovedSums = { byFile: new Map(), stages: new Set() };
  const writeMeta = async (meta: StageMeta) => {
    await writeAtomic(path.join(dir, `${meta.stage}.meta.json`), stableJson(meta));
    metas.push(meta);
  };
  /** Metas of a pass's stages (each written after its outputs), then the export's when the pass ended with it. */
  const finish = async (res: PassResult, keys: Map<string, string>, planSeconds = 0): Promise<void> => {
    const fused = [...res.stages.map((s) => s.name), ...(res.exported ? ['export'] : [])];
    const common = { pass: runner.passes, fused, pass_seconds: round3(res.wall), peak_rss_mb: res.peak, workers: opts.workers };
    const stageMetas = res.stages.map((s, k) => s.output.log.meta({
      key: keys.get(s.name)!, code_key: codeKeys.get(s.name)!, output_sha256: s.output.sha256(), files: {},
      seconds: round3((s.output.ms + (k === 0 ? planSeconds * 1000 : 0)) / 1000), ...common, ...s.output.metaExtra(),
      ...(s.inputBytes !== undefined ? { input_bytes: s.inputBytes } : { longest_line_units: s.output.longest }),
    }));
    for (const [k, m] of stageMetas.entries()) m.files = await stamped(opts.out, res.stages[k]!.output.fileFacts());
    await settleAll(stageMetas.map((m) => writeAtomic(path.join(dir, `${m.stage}.meta.json`), stableJson(m))));
    metas.push(...stageMetas);
    for (const s of res.stages) {
      for (const [f, n] of s.output.removedByFile) removedSums.byFile.set(f, (removedSums.byFile.get(f) ?? 0) + n);
      removedSums.stages.add(s.name);
    }
    if (res.exported) await finishExport(res.exported, common);
    // Release what the pass held for the whole corpus. runStages is an async function, and V8 keeps a finished
    // block's `res` in the suspended frame's registers until the function returns: with the 500 MB benchmark
    // corpus, pass 1's id sets (270k strings) and dedupe's prepared values (49 MB) were still alive at the end of
    // pass 2 (heap snapshot).
    for (const st of res.stages) st.output.release();
    res.prepared = undefined;
  };
  const finishExport = async (exported: NonNullable<PassResult['exported']>, common: Partial<StageMeta>): Promise<void> => {
    const t0 = performance.now();
    // The finish needs the workers only to build report/duplicates.jsonl from dedupe's dropped file.
    if (exported.output.duplicatesInPass) await runner.stopPool();
    trace('export: finish start');
    const stats = await exported.output.finish(dir, metas, (each) => runner.duplicates(path.join(dir, `${DUPLICATES_FROM}.dropped.jsonl`), each), removedSums);
    const n = stats['documents'] as number;
    // The export's outputs are vouched for by their size (hashing them back would cost a read of every format).
    const files: Record<string, FileFacts> = {};
    for (const f of vouchedFiles('export')) files[f] = { bytes: (await stat(path.join(opts.out, f))).size };
    await writeMeta({
      stage: 'export', key: exportKey(), code_key: codeKeys.get('export')!, output_sha256: '', in: n, out: n, dropped: {}, removed: {}, counters: {}, files,
      seconds: round3((exported.ms + performance.now() - t0) / 1000), ...common,
    });
  };
  const cached = async (name: string, key: string): Promise<boolean> => {
    const m = await cachedMeta(opts.out, name, key, (why) => opts.progress.note(`${name}: cached output no longer as written (${why}); running it again`));
    if (!m) return false;
    opts.progress.skip(name);
    metas.push(m);
    return true;
  };

  try {
    trace('runStages: start');
    // What this thread will run after the first pass, whose stages it loads as it runs them (it takes batches of
    // later passes itself when the pool is busy): the stages that do not map records in the first pass (dedupe's
    // prepare there runs in the pool, its plan here).
    const first = new Set(fusable(0).filter((s) => s.op === 'map').map((s) => s.stage.name));
    runner.planWarmups(STAGES.map((s) => s.name).filter((n) => !first.has(n)));
    const tree = await rawTree(opts.raw);
    trace(`raw tree: ${tree.entries.length} entries`);
    // Extraction's key covers the raw tree (names, kinds, modes, content: rawTree); later keys cover the outputs' fingerprints.
    let prepared: unknown[] | undefined;
    let i = 0; // next stage of STAGES
    let exported = false;
    const exKey = keyOf('extract', tree.fingerprint);
    if (!(await cached('extract', exKey))) {
      rawChanged = !mustRun('extract');
      const steps = fusable(0);
      // Only some raw files changed, and no code: the others' rows are copied from the last run (fileindex.ts).
      const reuse = rawChanged ? await reusable(steps, tree.entries, tree.keys) : undefined;
      const res = await runner.pass({ entries: tree.entries, keys: tree.keys, codeKeys: Object.fromEntries(codeKeys), ...(reuse ? { reuse } : {}) }, steps, passLabel(['extract'], steps), tree.entries.length);
      prepared = res.prepared;
      exported = Boolean(res.exported);
      await finish(res, chainKeys(res, new Map([['extract', exKey]]), ''));
      i = written(steps);
    }
    while (i < STAGES.length) {
      const stage = STAGES[i]!;
      const { input, inputHash, total } = last();
      const file = path.join(dir, `${input}.jsonl`);
      if (await cached(stage.name, keyOf(stage.name, inputHash))) {
        prepared = undefined;
        i++;
        continue;
      }
      if (stage.kind === 'global') {
        const g = stage as GlobalStage<unknown, unknown, unknown>;
        const t0 = performance.now();
        let prepMs = 0;
        if (!prepared) {
          const res = await runner.pass({ file }, [{ stage: g, op: 'prepare' }], `${g.name}:prepare`, total);
          prepared = res.prepared!;
          prepMs = res.prepareMs;
        }
        const rest = fusable(i + 1);
        // The pool's threads wait while this one plans, but for the gathers: they load the next pass's stages.
        runner.warmPool([g.name, ...rest.filter((s) => s.op !== 'export').map((s) => s.stage.name)]);
        trace(`${g.name}: plan start`);
        opts.progress.start(`${g.name}:plan`, prepared.length);
        const plan: GlobalPlan<unknown> = await g.plan(prepared, g.defaults, {
          gather: (asks, each) => runner.gather(g.name, file, asks, each),
        });
        opts.progress.tick(prepared.length);
        opts.progress.end();
        trace(`${g.name}: plan end`);
        prepared = undefined;
        const planSeconds = (performance.now() - t0 + prepMs) / 1000;
        const steps: PassStep[] = [{ stage: g, op: 'apply', decisions: plan.decisions }, ...rest];
        // The plan's counters and reports are the stage's: written before its meta, which vouches for them.
        for (const [name, rows] of Object.entries(plan.reports)) {
          await writeAtomic(path.join(dir, `${g.name}.report.${name}.jsonl`), rows.map((r) => JSON.stringify(r) + '\n').join(''));
        }
        const res = await runner.pass({ file }, steps, passLabel([], steps), total);
        // The decisions were sliced into the pass's tasks; emptied so the frame (see `finish`) does not keep them.
        plan.decisions.length = 0;
        for (const [k, n] of Object.entries(plan.counts)) res.stages[0]!.output.log.tally.count(k, n);
        prepared = res.prepared;
        exported = Boolean(res.exported);
        await finish(res, chainKeys(res, new Map(), inputHash), planSeconds);
        i += written(steps);
      } else {
        const steps: PassStep[] = [{ stage, op: 'map' }, ...fusable(i + 1)];
        const res = await runner.pass({ file }, steps, passLabel([], steps), total);
        prepared = res.prepared;
        exported = Boolean(res.exported);
        await finish(res, chainKeys(res, new Map(), inputHash));
        i += written(steps);
      }
    }
    if (!exported && !(await cached('export', exportKey()))) {
      const { input, total } = last();
      const res = await runner.pass({ file: path.join(dir, `${input}.jsonl`) }, [{ stage: { name: 'export' }, op: 'export' }], 'export', total);
      await finish(res, new Map());
    }
    trace('export: finish end');
    return metas;
  } finally {
    await runner.close();
  }

  /**
   * The last run's per-file index, when pass 1 (`steps`) can copy the rows of the raw files that did not change from
   * the stage files it wrote: the same code and configuration for every stage of the pass (the index's header), the
   * index and every stage file exactly as the metas vouch for them. Else undefined, and every file runs.
   */
  async function reusable(steps: PassStep[], entries: RawEntry[], keys: string[]): Promise<LoadedIndex | undefined> {
    if (!steps.every((s) => s.op === 'map' || s.op === 'prepare')) return undefined;
    const stages = steps.filter((s) => s.op === 'map').map((s) => s.stage.name);
    const metaOf = async (n: string) => readJson<StageMeta>(path.join(dir, `${n}.meta.json`)).catch(() => null);
    const olds = await Promise.all(['extract', ...stages].map(metaOf));
    if (olds.some((m) => !m)) return undefined;
    const facts: Record<string, FileFacts | undefined> = {};
    for (const m of olds) Object.assign(facts, m!.files ?? {});
    const keysOf = Object.fromEntries(['extract', ...stages].map((n) => [n, codeKeys.get(n)!]));
    const loaded = await loadIndex(dir, stages, keysOf, facts[`stages/${INDEX_FILE}`], facts);
    if ('why' in loaded) {
      trace(`per-file reuse: ${loaded.why}`);
      return undefined;
    }
    for (const f of loaded.index.files) {
      const why = await fileMismatch(path.join(opts.out, f), facts[f]);
      if (why) {
        opts.progress.note(`extract: the last run's ${f} is no longer as written (${why}); every raw file runs again`);
        return undefined;
      }
    }
    const same = entries.filter((e, i) => loaded.index.byPath.get(e.rel)?.entry.key === keys[i]).length;
    opts.progress.info?.(`extract: ${entries.length - same} of ${entries.length} raw files new, changed or to retry; the rows of the other ${same} are reused from the last run`);
    return loaded.index;
  }

  /**
   * The steps from stage index `from` on that must run anyway and can join a pass: per-record stages, then
   * either the `prepare` of a whole-corpus stage or, after the last stage, the export (either ends the pass).
   */
  function fusable(from: number): PassStep[] {
    const steps: PassStep[] = [];
    let j = from;
    for (; j < STAGES.length && mustRun(STAGES[j]!.name); j++) {
      const s = STAGES[j]!;
      if (s.kind === 'global') return [...steps, { stage: s, op: 'prepare' }];
      steps.push({ stage: s, op: 'map' });
    }
    if (j === STAGES.length && mustRun('export')) steps.push({ stage: { name: 'export' }, op: 'export' });
    return steps;
  }
  /** How many stages write output in these steps. */
  function written(steps: PassStep[]): number {
    return steps.filter((s) => s.op === 'map' || s.op === 'apply').length;
  }
  /** Keys of a pass's stages: each from the fingerprint of the output before it. */
  function chainKeys(res: PassResult, keys: Map<string, string>, firstInput: string): Map<string, string> {
    let prev = firstInput;
    for (const s of res.stages) {
      if (!keys.has(s.name)) keys.set(s.name, keyOf(s.name, prev));
      prev = s.output.sha256();
    }
    return keys;
  }
  function passLabel(first: string[], steps: PassStep[]): string {
    return [...first, ...steps.map((s) => (s.op === 'prepare' ? `${s.stage.name}:prepare` : s.stage.name))].join('+');
  }
  function last(): { input: string; inputHash: string; total: number } {
    const m = metas[metas.length - 1]!;
    return { input: m.stage, inputHash: m.output_sha256, total: m.out };
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
