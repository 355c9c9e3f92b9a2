/**
 * The per-record side of the runner. It runs in worker threads (piscina) — or inline on the main thread for a
 * library caller's run with a single worker and no pool — and takes one batch at a time:
 *
 * - a **chain**: a batch of raw files (extraction), of input JSONL bytes (with `perFile`, the output of the first
 *   half of a split chain, runner.ts SPLIT_AFTER), or of records handed on, passed through consecutive steps in one
 *   go: per-record stages
 *   (`map`), a whole-corpus stage's `apply` (with the plan's decisions for the batch), and last, optionally, the
 *   next whole-corpus stage's `prepare`. Records go from step to step as objects; every
 *   step's output, removal and drop rows come back already serialised (each stage still writes its own files);
 * - a **gather**: a whole-corpus stage's per-record values for the records its plan asked about.
 *
 * Besides the chains it runs itself, the main thread only orders, hashes and writes bytes.
 */
import { closeSync, constants as fsConstants, fstatSync, openSync, readSync } from 'node:fs';
import { once } from 'node:events';
import type { MessagePort } from 'node:worker_threads';
import { STAGES } from '../stages/index.js';
import { createHash } from 'node:crypto';
import { extractFile, extractPath, streamedFormat, EXTRACT_DEFAULTS, type ExtractConfig, type ExtractResult } from '../stages/extract.js';
import { assertValid, validator } from './schema.js';
import { charsOf, type GlobalStage, type MapStage, type StageResult } from './stage.js';
import { PipelineError } from './errors.js';
import { Tally, refOf, removalRow, dropRows } from './rows.js';
import type { DocumentRow, ExtractRecord, RawFileInfo } from './types.js';
import { exportBatch, type ExportChunk } from '../export/batch.js';
import { duplicatesLines } from './duplicates.js';
import { mergeChains } from './merge.js';
import { sliceOf, type FileSlice } from './fileindex.js';
import { CHUNK_BYTES, CHUNK_UNITS } from './budget.js';
import { threadId } from 'node:worker_threads';
import { trace, tracing } from './trace.js';

/** One step of a chain, done over a batch: everything the main thread writes for it, plus the batch's tally. */
export interface StepResult {
  /** Ids of the output records, in order (the main thread checks they are unique across the stage); none for a
   *  stage that declares `keepsIds` (lib/stage.ts), whose records were checked here instead. */
  ids: string[];
  /** JSONL bytes of `<stage>.jsonl`, `<stage>.removed.jsonl`, `<stage>.dropped.jsonl` for this batch. */
  out: Uint8Array;
  removed: Uint8Array;
  dropped: Uint8Array;
  tally: Pick<Tally, 'in' | 'out' | 'dropped' | 'removed' | 'counters'>;
  /** Thread time spent in this step for the batch (ms): what the stage costs inside a fused pass. */
  ms: number;
  /** UTF-16 units of the longest output line (a bound on its UTF-8 bytes is three times that). */
  longest: number;
  /**
   * Characters of the `removed` rows per raw file (`source_file`), `unaccounted` rows aside: the ledger's
   * `chars_removed`, summed where the rows are made instead of by re-reading the removed files at the end of the run.
   */
  removedByFile: { files: string[]; chars: number[] };
}

export interface ChainStep {
  stage: string;
  /**
   * `map`: a per-record stage; `apply`: a whole-corpus stage's decisions; `prepare`: its pre-pass; `export`: the
   * published files' formatting (pipeline/stages/export.ts). `prepare` and `export` end a chain.
   */
  op: 'map' | 'apply' | 'prepare' | 'export';
  /** For `apply`: one decision per input record of the batch, in order. */
  decisions?: unknown[];
  /**
   * `false`: the step's output records are checked against their schema and handed on, but not serialised (its
   * `out` comes back empty, `longest` 0): a distributed run without --stage-rows writes no `stages/<stage>.jsonl`
   * for the stages between extraction and the published files, so their rows are never needed as bytes.
   */
  rows?: false;
  /**
   * For `export`: the stage whose dropped records this chain turns into report/duplicates.jsonl rows (dedupe), from
   * the records in memory, instead of re-reading its dropped file after the pass.
   */
  duplicatesOf?: string;
}

/**
 * Input is either raw files (the chain starts with extraction), the JSONL bytes of whole lines of a stage output
 * (transferred, not copied), or the records another thread's chain handed on (`records`, with the characters of
 * each: the second half of a split chain, runner.ts's SPLIT_AFTER). `handOn` asks for the records the last step
 * output, for such a second half.
 */
export interface ChainTask {
  kind: 'chain'; files?: RawFileRef[]; bytes?: Uint8Array; records?: unknown[]; counts?: number[]; steps: ChainStep[];
  /** `false`: extraction's units are checked but not serialised (FileResult.units empty), as ChainStep.rows. */
  unitRows?: false;
  /** Extraction's configuration when it is not EXTRACT_DEFAULTS (record columns set on the command line). */
  extract?: ExtractConfig;
  handOn?: boolean;
  /** Two float64s the chain writes as it goes (the file it is on, since when): the runner's watchdog reads them. */
  progress?: SharedArrayBuffer;
  /**
   * For a batch of one raw file: the port its chunks go to (runStreamed), each once CHUNK_UNITS units or CHUNK_BYTES
   * bytes of them have gone through the steps, so that no more than a chunk of the file is in memory at once.
   */
  chunks?: MessagePort;
  /** Chunk thresholds (default CHUNK_UNITS, CHUNK_BYTES); tests make them small. */
  chunkUnits?: number;
  chunkBytes?: number;
  /**
   * The second half of a split chain (runner.ts, SPLIT_AFTER): whose records `bytes` holds, by raw file in the batch's
   * order — how many each, and the thread time the first half already spent on it (ms). The steps then run file by
   * file, as a whole chain would: the watchdog times each file (its budget counts both halves), and each file's
   * slice goes to the per-file index.
   */
  perFile?: { path: string; records: number; spentMs: number }[];
}

/**
 * A part of a raw file's work sent before its end (runStreamed): its units (JSONL bytes and characters of each),
 * and the steps' results over them. The file's ledger facts come with the task's result, after its last chunk.
 */
export interface ChunkMessage { units: Uint8Array; chars: number[]; result: ChainResult }


/** Load ahead what these stages load on first use (lib/runner.ts sends it to a pool thread that would be idle). */
export interface WarmTask { kind: 'warm'; stages: string[] }
/** Rows of report/duplicates.jsonl from a batch of dedupe's dropped rows. */
export interface DuplicatesTask { kind: 'duplicates'; bytes: Uint8Array }
export interface GatherTask { kind: 'gather'; stage: string; bytes: Uint8Array; /** One per record of the batch; undefined = not asked. */ asks: unknown[] }
/**
 * A raw file extracted: its ledger facts, its units as JSONL bytes, and the characters of each unit; with the spans
 * extraction removed (a PDF's page edges), their rows for `extract.removed.jsonl` and each one's rule and characters.
 */
export interface FileResult { info: RawFileInfo; units: Uint8Array; chars: number[]; removed?: { rows: Uint8Array; rules: string[]; chars: number[] } }

/** The rows of the spans extraction removed from a file's unit (ExtractResult.removed), checked against their schema. */
function extractRemovals(r: ExtractResult): FileResult['removed'] {
  if (!r.removed?.length) return undefined;
  const ref = { id: r.units[0]?.unit_id ?? r.info.path, source_file: r.info.path, source_member: r.units[0]?.source_member ?? null, line_start: null };
  const rows = r.removed.map((x) => {
    const row = removalRow('extract', ref, x);
    assertValid('removed', row);
    return JSON.stringify(row);
  });
  return { rows: jsonl(rows), rules: r.removed.map((x) => x.rule), chars: r.removed.map((x) => x.chars) };
}
export interface ChainResult {
  files?: FileResult[];
  /** Extraction's thread time for the batch (ms). */
  extractMs?: number;
  steps: StepResult[];
  /** The `prepare` step's values, one per record reaching it. */
  prepared?: unknown[];
  prepareMs?: number;
  /** The `export` step's formatted batch, and its thread time (ms). */
  export?: ExportChunk;
  /** report/duplicates.jsonl's rows for the batch, when the export step asked for them (`duplicatesOf`). */
  duplicates?: Uint8Array;
  exportMs?: number;
  /** With `handOn`: the last step's output records and their characters. */
  records?: unknown[];
  counts?: number[];
  /**
   * For a chain from raw files: what each step wrote for each file, in order (the per-file index, fileindex.ts).
   * Absent when the chain did not run file by file.
   */
  slices?: FileSlice[];
  /** For a chain from raw files run file by file: the thread time spent on each file (ms), in order. */
  fileMs?: number[];
}
export interface GatherResult { /** Offsets (in the batch) of the records asked about, and their values. */ at: number[]; values: unknown[] }
export type TaskError = { error: { code: string; message: string } };

export { refOf };

const decoder = new TextDecoder();

/** The records of a batch of JSONL bytes. */
export function recordsOf(bytes: Uint8Array): unknown[] {
  const out: unknown[] = [];
  for (const l of decoder.decode(bytes).split('\n')) if (l.length > 0) out.push(JSON.parse(l));
  return out;
}

/**
 * JSON lines as UTF-8 bytes, each line written straight into a buffer of the exact size: joining the lines
 * first made one long string to flatten and encode again (60 MB of normalize output: 139 ms joined, 56 ms so).
 */
function jsonl(lines: string[]): Uint8Array {
  if (lines.length === 0) return new Uint8Array(0);
  let n = 0;
  for (const l of lines) n += Buffer.byteLength(l, 'utf8') + 1;
  const buf = Buffer.allocUnsafeSlow(n);
  let at = 0;
  for (const l of lines) {
    at += buf.write(l, at, 'utf8');
    buf[at++] = 0x0a;
  }
  return buf;
}

/**
 * What a per-record stage's dropped file keeps of a record: where it came from and its title, not its text
 * (which, before cleaning, may hold personal data). A whole-corpus stage's drops keep the record (dedupe's
 * duplicates.jsonl publishes their columns; they are cleaned by then).
 */
function dropSummary(rec: unknown): Record<string, unknown> {
  const r = rec as Record<string, unknown>;
  const keep = ['id', 'unit_id', 'source_file', 'source_member', 'segment', 'line_start', 'line_end', 'title'];
  return Object.fromEntries(keep.filter((k) => k in r).map((k) => [k, r[k]]));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyGlobal = GlobalStage<any, any, any, any, any, any, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyMap = MapStage<any, any, any>;

function stageNamed(name: string): AnyMap | AnyGlobal {
  const stage = STAGES.find((s) => s.name === name);
  if (!stage) throw new PipelineError('config', `no stage ${name}`);
  return stage;
}

/**
 * Loads what stage `name` loads on its first record (its `warm`: dictionaries, tables) and compiles its output
 * schema's validator, so that a thread with nothing else to do pays for it ahead. Optional: everything also loads
 * on first use. `extract` (no stage object) has only its validator.
 */
export function warmStage(name: string): void {
  if (name !== 'extract') {
    const stage = stageNamed(name);
    stage.warm?.(stage.defaults);
  }
  validator(name);
}

/**
 * Throws unless `outputs` keep their input's id `id`, at most one of them: what a stage declaring `keepsIds`
 * promises (lib/stage.ts), so that its ids need no uniqueness set. Breaking it is a bug in the stage: the run stops.
 */
export function checkKeepsIds(stage: string, id: string, outputs: readonly unknown[]): void {
  if (outputs.length > 1) throw new PipelineError('duplicate_id', `stage ${stage} declares keepsIds but turned record ${id} into ${outputs.length} records`);
  if (outputs.length === 1 && refOf(outputs[0]).id !== id) {
    throw new PipelineError('duplicate_id', `stage ${stage} declares keepsIds but gave record ${id} the id ${refOf(outputs[0]).id}`);
  }
}

/**
 * Runs one step over records: output records schema-checked and serialised, removals and drops as their report
 * rows, and the character accounting of every record (what a stage removed without saying so becomes an
 * `unaccounted` row, visible in the ledger). Returns the rows and the records for the next step.
 */
export function runStep(step: ChainStep, records: unknown[], drops?: unknown[], counts?: number[]): { result: StepResult; next: unknown[]; nextCounts: number[] } {
  const t0 = performance.now();
  const stage = stageNamed(step.stage);
  const apply = step.op === 'apply';
  if (apply ? stage.kind !== 'global' : stage.kind !== 'map') throw new PipelineError('config', `stage ${step.stage} cannot run as ${step.op}`);
  if (apply && step.decisions?.length !== records.length) throw new PipelineError('internal', `stage ${step.stage}: ${step.decisions?.length ?? 0} decisions for ${records.length} records`);
  const tally = new Tally();
  const ids: string[] = [];
  const out: string[] = [];
  const removed: string[] = [];
  const dropped: string[] = [];
  const next: unknown[] = [];
  // Characters of each record, counted once: an output record is the next step's input, so its count travels
  // with it (a WeakMap from record to count cost 0.5 s of the 50 MB benchmark's thread time, GC included).
  const nextCounts: number[] = [];
  const rows = step.rows !== false;
  let longest = 0;
  const byFile = new Map<string, number>();
  const removedFrom = (file: string | null, chars: number) => { if (file) byFile.set(file, (byFile.get(file) ?? 0) + chars); };
  for (let i = 0; i < records.length; i++) {
    const rec = records[i];
    const ref = refOf(rec);
    tally.in++;
    let res: StageResult<unknown>;
    try {
      res = apply ? (stage as AnyGlobal).apply(rec, step.decisions![i], stage.defaults) : (stage as AnyMap).process(rec, stage.defaults);
    } catch (e) {
      // A stage that throws has a bug, but one bad record must not stop a run over millions: the record is dropped
      // as `stage_error` (counted, summarised as a warning) and the run goes on.
      const first = String((e as Error)?.message ?? e).split('\n')[0]!.slice(0, 200);
      res = { out: [], removed: [], dropped: { reason: 'stage_error', detail: `${(e as Error)?.name ?? 'Error'}: ${first}` } };
    }
    let removedChars = 0;
    for (const r of res.removed) {
      removedChars += r.chars;
      tally.removal(r.rule, r.chars);
      if (r.rule !== 'unaccounted') removedFrom(ref.source_file, r.chars);
      removed.push(JSON.stringify(removalRow(stage.name, ref, r)));
    }
    if (stage.keepsIds) checkKeepsIds(stage.name, ref.id, res.out);
    let outChars = 0;
    for (const o of res.out) {
      assertValid(stage.name, o);
      if (rows) {
        const line = JSON.stringify(o);
        if (line.length > longest) longest = line.length;
        out.push(line);
      }
      if (!stage.keepsIds) ids.push(refOf(o).id);
      const n = charsOf(o);
      outChars += n;
      next.push(o);
      nextCounts.push(n);
      tally.out++;
    }
    for (const [k, v] of Object.entries(res.counts ?? {})) tally.count(k, v);
    const residual = (counts ? counts[i]! : charsOf(rec)) - outChars - removedChars;
    if (res.dropped) {
      const rows = dropRows(stage.name, ref, apply ? rec : dropSummary(rec), res.dropped, residual);
      drops?.push(rows.dropped);
      tally.drop(res.dropped.reason, residual);
      removedFrom(ref.source_file, residual);
      removed.push(JSON.stringify(rows.removed));
      dropped.push(JSON.stringify(rows.dropped));
    } else if (residual !== 0) {
      tally.count('unaccounted_records');
      tally.removal('unaccounted', residual);
      removed.push(JSON.stringify(removalRow(stage.name, ref, { rule: 'unaccounted', chars: residual })));
    }
  }
  const result: StepResult = {
    ids, out: jsonl(out), removed: jsonl(removed), dropped: jsonl(dropped),
    tally: { in: tally.in, out: tally.out, dropped: tally.dropped, removed: tally.removed, counters: tally.counters },
    ms: performance.now() - t0,
    longest,
    removedByFile: { files: [...byFile.keys()], chars: [...byFile.values()] },
  };
  return { result, next, nextCounts };
}

/** A raw file refused at opening: its reason code, detail and, if known, its size. */
export interface Refused { reason: string; detail: string; bytes: number }

const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK } = fsConstants;

/**
 * The bytes of a raw file, opened then checked (the walk's lstat is only a listing: the file can be swapped, grown
 * or replaced between the walk and this read). Opened with O_NOFOLLOW (a file swapped for a symbolic link fails with
 * ELOOP and is refused as `symlink`: text from outside the raw folder is never read) and O_NONBLOCK (a FIFO or a
 * device opens without waiting for a writer); the handle's fstat must then be a regular file (`not_regular_file`),
 * the inode the walk saw if it saw one (`changed_since_walk`: a parent folder swapped for a link, a file replaced),
 * and no larger than `maxBytes` (`too_large`, nothing read). At most `maxBytes` + 1 bytes are read, so a file that
 * grows while it is read is refused too, never read whole.
 *
 * Read into a reusable buffer: readFileSync allocates a new buffer per file, and for the 50 MB benchmark's 2,621
 * files reading took 260–300 ms of thread time that way against 110–160 ms so (the kernel copies into memory already
 * mapped). The buffer is lent: `release` it once the bytes are no longer read; a read while it is out (two batches
 * interleaved at an `await`) gets a buffer of its own. A buffer grown past KEEP_READ for a large file is not kept, so
 * one huge file does not pin its size here.
 */
const KEEP_READ = 4 << 20;
let spare: Buffer | null = Buffer.allocUnsafeSlow(1 << 20);
/**
 * Opens a raw file as readRaw and hashByPath need it: with O_NOFOLLOW and O_NONBLOCK, then its handle's fstat checked
 * (a regular file; the inode the walk saw, when it saw one). The caller closes the descriptor it gets.
 */
function openChecked(file: Uint8Array, ino: number | undefined): { fd: number; size: number } | Refused {
  let fd: number;
  try {
    fd = openSync(Buffer.from(file), O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    if (code === 'ELOOP') return { reason: 'symlink', detail: 'became a symbolic link after the walk; not followed', bytes: 0 };
    return { reason: 'unreadable', detail: `cannot read: ${code}`, bytes: 0 };
  }
  let refused: Refused | null;
  let size = 0;
  try {
    const st = fstatSync(fd);
    size = st.size;
    refused = !st.isFile() ? { reason: 'not_regular_file', detail: 'not a regular file when opened', bytes: 0 }
      : ino !== undefined && st.ino !== ino ? { reason: 'changed_since_walk', detail: 'another file than the walk listed (replaced, or a folder on its path swapped)', bytes: st.size }
      : null;
  } catch (err) {
    refused = { reason: 'unreadable', detail: `cannot read: ${(err as NodeJS.ErrnoException).code ?? 'EIO'}`, bytes: 0 };
  }
  if (refused) {
    closeSync(fd);
    return refused;
  }
  return { fd, size };
}

export function readRaw(file: Uint8Array, maxBytes: number, ino?: number): { bytes: Buffer; release: () => void } | Refused {
  const opened = openChecked(file, ino);
  if ('reason' in opened) return opened;
  const { fd, size } = opened;
  try {
    if (size > maxBytes) return { reason: 'too_large', detail: `${size} bytes > limit ${maxBytes}`, bytes: size };
    let buf = spare ?? Buffer.allocUnsafeSlow(1 << 20);
    spare = null;
    // One byte more than the size, so a file that grew since its fstat is read to its end (up to the limit).
    const want = size + 1;
    if (buf.length < want) buf = Buffer.allocUnsafeSlow(want);
    let n = 0;
    for (let k: number; (k = readSync(fd, buf, n, Math.min(buf.length, maxBytes + 1) - n, null)) > 0;) {
      n += k;
      if (n > maxBytes) {
        if (buf.length <= KEEP_READ) spare = buf;
        return { reason: 'too_large', detail: `grew past the limit of ${maxBytes} bytes while read`, bytes: n };
      }
      if (n === buf.length) {
        const bigger = Buffer.allocUnsafeSlow(Math.min(buf.length * 2, maxBytes + 1));
        buf.copy(bigger);
        buf = bigger;
      }
    }
    return { bytes: buf.subarray(0, n), release: () => { if (buf.length <= KEEP_READ) spare = buf; } };
  } catch (err) {
    return { reason: 'unreadable', detail: `cannot read: ${(err as NodeJS.ErrnoException).code ?? 'EIO'}`, bytes: 0 };
  } finally {
    closeSync(fd);
  }
}

/** A raw file to extract: its display path, the bytes of its real path, and the inode the walk saw. */
export interface RawFileRef { rel: string; abs: Uint8Array; ino?: number }

/**
 * A raw file read from its path (extract.ts `streamedFormat`: Parquet, WARC), checked as readRaw checks (opened
 * with O_NOFOLLOW and O_NONBLOCK; a regular file; the inode the walk saw) and hashed in 1 MiB reads: its size and
 * sha256 for the ledger; its extractor then streams it by path. Never the whole file in memory, and no size limit.
 */
export function hashByPath(file: Uint8Array, ino?: number): { bytes: number; sha256: string } | Refused {
  const opened = openChecked(file, ino);
  if ('reason' in opened) return opened;
  const { fd } = opened;
  try {
    const hash = createHash('sha256');
    const buf = Buffer.allocUnsafe(1 << 20);
    let n = 0;
    for (let k: number; (k = readSync(fd, buf, 0, buf.length, null)) > 0;) {
      hash.update(buf.subarray(0, k));
      n += k;
    }
    return { bytes: n, sha256: hash.digest('hex') };
  } catch (err) {
    return { reason: 'unreadable', detail: `cannot read: ${(err as NodeJS.ErrnoException).code ?? 'EIO'}`, bytes: 0 };
  } finally {
    closeSync(fd);
  }
}

/** Extraction of a batch of raw files: each file's ledger facts and its units, as JSON lines and as records. */
export async function runExtract(files: RawFileRef[], cfg: ExtractConfig = EXTRACT_DEFAULTS, unitRows = true): Promise<{ files: FileResult[]; records: unknown[]; counts: number[] }> {
  const out: FileResult[] = [];
  const records: unknown[] = [];
  const all: number[] = [];
  for (const f of files) {
    if (streamedFormat(f.rel)) {
      const h = hashByPath(f.abs, f.ino);
      if ('reason' in h) {
        out.push({ info: { path: f.rel, bytes: h.bytes, sha256: '', format: null, encoding: null, encoding_method: null, status: 'rejected', reason: h.reason, detail: h.detail }, units: new Uint8Array(0), chars: [] });
        continue;
      }
      pushUnits(await extractPath({ path: f.rel, abs: Buffer.from(f.abs).toString(), bytes: h.bytes, sha256: h.sha256 }, cfg));
      continue;
    }
    // Synchronous on purpose: this thread has nothing else to do meanwhile, and an asynchronous read waits for a
    // libuv thread to be scheduled, which on a machine whose cores are all busy cost more than the reading
    // (50 MB bench corpus, 2,621 files, 2 workers: extraction 9.8 s of thread time with readFile, see #9).
    const raw = readRaw(f.abs, cfg.maxFileBytes, f.ino);
    if ('reason' in raw) {
      out.push({ info: { path: f.rel, bytes: raw.bytes, sha256: '', format: null, encoding: null, encoding_method: null, status: 'rejected', reason: raw.reason, detail: raw.detail }, units: new Uint8Array(0), chars: [] });
      continue;
    }
    let r: Awaited<ReturnType<typeof extractFile>>;
    try {
      r = await extractFile({ path: f.rel, bytes: raw.bytes }, cfg);
    } finally {
      raw.release();
    }
    pushUnits(r);
  }
  return { files: out, records, counts: all };

  function pushUnits(r: Awaited<ReturnType<typeof extractFile>>): void {
    const units: string[] = [];
    const counts: number[] = [];
    for (const u of r.units) {
      assertValid('extract', u, 'unit_id');
      if (unitRows) units.push(JSON.stringify(u));
      const n = charsOf(u);
      counts.push(n);
      all.push(n);
      records.push(u);
    }
    const removed = extractRemovals(r);
    out.push({ info: r.info, units: jsonl(units), chars: counts, ...(removed ? { removed } : {}) });
  }
}

/**
 * Where a chain from raw files is: the file being worked on (its index in the batch; -1 before the first) and since
 * when (Date.now()), in shared memory the runner's watchdog reads (pipeline/lib/budget.ts).
 */
function mark(progress: SharedArrayBuffer | undefined, index: number): void {
  if (!progress) return;
  const p = new Float64Array(progress);
  p[1] = Date.now();
  p[0] = index;
}

export async function runChain(t: ChainTask): Promise<ChainResult> {
  if (t.chunks && t.files?.length === 1 && !t.handOn && t.steps.every((s) => s.op === 'map' || s.op === 'prepare')) return runStreamed(t, t.chunks);
  // A batch of raw files whose steps are all per-record (or end with a prepare) runs file by file, extraction and
  // steps, so that each file's cost is its own: the watchdog times each file (budget.ts), and a file over its budget
  // is the one it names. The results are merged as if the batch had run step by step.
  if (t.files && t.files.length > 1 && t.steps.every((s) => s.op === 'map' || s.op === 'prepare') && !t.handOn) {
    // A thread that replaces one killed for a budget starts cold: what the chain's stages load on first use
    // (dictionaries, tables, validators) is loaded before the first file's clock starts, not charged to it.
    if (t.progress) for (const s of ['extract', ...t.steps.map((x) => x.stage)]) warmStage(s);
    const parts: ChainResult[] = [];
    const fileMs: number[] = [];
    for (let i = 0; i < t.files.length; i++) {
      mark(t.progress, i);
      const t0 = performance.now();
      parts.push(await runChain({ ...t, files: [t.files[i]!], progress: undefined }));
      fileMs.push(performance.now() - t0);
    }
    mark(t.progress, t.files.length);
    return { ...mergeChains(parts), fileMs };
  }
  if (t.perFile && !t.files && !t.handOn) return runPerFile(t, t.perFile);
  if (t.progress) for (const s of ['extract', ...t.steps.filter((x) => x.op !== 'export').map((x) => x.stage)]) warmStage(s);
  mark(t.progress, 0);
  const started = performance.now();
  const res: ChainResult = { steps: [] };
  let records: unknown[];
  let counts: number[] | undefined;
  if (t.files) {
    const t0 = performance.now();
    const ex = await runExtract(t.files, t.extract, t.unitRows !== false);
    res.files = ex.files;
    res.extractMs = performance.now() - t0;
    records = ex.records;
    counts = ex.counts;
  } else if (t.records) {
    records = t.records;
    counts = t.counts;
  } else {
    records = recordsOf(t.bytes ?? new Uint8Array(0));
  }
  stepsOver(res, t.steps, records, counts, t.handOn === true);
  // One raw file: everything the steps wrote is that file's (the per-file index of pass 1, fileindex.ts).
  if (t.files?.length === 1 && res.files?.length === 1) {
    res.slices = [{ path: res.files[0]!.info.path, steps: res.steps.map(sliceOf) }];
    res.fileMs = [performance.now() - started];
  }
  return res;
}

/**
 * The second half of a split chain (ChainTask.perFile): the records of `bytes`, file by file as the first half's
 * files gave them, through the steps; each file timed by the watchdog from where the first half left it (the time
 * it spent there counts), each with its slice for the per-file index. The result is what a whole chain's steps
 * after the split would have returned for the batch.
 */
function runPerFile(t: ChainTask, files: NonNullable<ChainTask['perFile']>): ChainResult {
  if (t.progress) for (const s of t.steps.map((x) => x.stage)) warmStage(s);
  const records = recordsOf(t.bytes ?? new Uint8Array(0));
  const total = files.reduce((n, f) => n + f.records, 0);
  if (total !== records.length) throw new PipelineError('internal', `split chain: ${records.length} records for files that gave ${total}`);
  const parts: ChainResult[] = [];
  let at = 0;
  for (let i = 0; i < files.length; i++) {
    const f = files[i]!;
    if (t.progress) {
      const p = new Float64Array(t.progress);
      p[1] = Date.now() - f.spentMs;
      p[0] = i;
    }
    const part: ChainResult = { steps: [] };
    stepsOver(part, t.steps, records.slice(at, at + f.records), undefined, false);
    at += f.records;
    part.slices = [{ path: f.path, steps: part.steps.map(sliceOf) }];
    parts.push(part);
  }
  mark(t.progress, files.length);
  const res = mergeChains(parts);
  delete res.files;
  delete res.extractMs;
  return res;
}

/** Runs `steps` over `records` (extraction's units, or a batch's), filling `res` as runChain returns it. */
function stepsOver(res: ChainResult, steps: ChainStep[], records: unknown[], counts: number[] | undefined, handOn: boolean): void {
  const duplicatesOf = steps.find((s) => s.op === 'export')?.duplicatesOf;
  let drops: unknown[] | undefined;
  for (const step of steps) {
    if (step.op === 'export') {
      const t0 = performance.now();
      res.export = exportBatch(records as DocumentRow[]);
      if (duplicatesOf !== undefined) res.duplicates = jsonl(duplicatesLines(drops ?? []));
      res.exportMs = performance.now() - t0;
      break;
    }
    if (step.op === 'prepare') {
      const t0 = performance.now();
      const stage = stageNamed(step.stage);
      if (stage.kind !== 'global') throw new PipelineError('config', `stage ${step.stage} has no prepare step`);
      res.prepared = records.map((r) => stage.prepare(r, stage.defaults));
      res.prepareMs = performance.now() - t0;
      break;
    }
    const { result, next, nextCounts } = runStep(step, records, step.stage === duplicatesOf ? (drops = []) : undefined, counts);
    res.steps.push(result);
    records = next;
    counts = nextCounts;
  }
  if (handOn) {
    res.records = records;
    res.counts = counts;
  }
}

/**
 * One raw file whose units go through the steps a chunk at a time: each chunk's results are posted to the runner
 * (`port`), which writes them in order, and the next chunk is made only once the runner has taken the last (it
 * answers each message), so memory holds one chunk whatever the size of the file. Streamed formats (WARC, Parquet)
 * hand their units over as they read them (extractPath's sink); a file read whole is chunked after extraction. The
 * outputs are those of the file run whole: the steps work record by record, and the chunks are written in order.
 *
 * The time budget counts each chunk's work, not the time spent waiting for the runner to take a chunk (the
 * watchdog's clock is stopped while this thread waits: a file queued behind another large file is not timed out).
 */
async function runStreamed(t: ChainTask, port: MessagePort): Promise<ChainResult> {
  const f = t.files![0]!;
  const cfg = t.extract ?? EXTRACT_DEFAULTS;
  const maxUnits = t.chunkUnits ?? CHUNK_UNITS;
  const maxBytes = t.chunkBytes ?? CHUNK_BYTES;
  if (t.progress) for (const s of ['extract', ...t.steps.map((x) => x.stage)]) warmStage(s);
  mark(t.progress, 0);
  const t0 = performance.now();
  let stepsMs = 0;
  let waitMs = 0;
  let lines: string[] = [];
  let bytes = 0;
  let records: unknown[] = [];
  let counts: number[] = [];
  const take = () => {
    const part = { units: jsonl(lines), chars: counts, records, res: { steps: [] } as ChainResult };
    const s0 = performance.now();
    stepsOver(part.res, t.steps, records, counts, false);
    stepsMs += performance.now() - s0;
    lines = [];
    bytes = 0;
    records = [];
    counts = [];
    return part;
  };
  const sink = async (u: ExtractRecord): Promise<void> => {
    assertValid('extract', u, 'unit_id');
    const line = JSON.stringify(u);
    lines.push(line);
    bytes += line.length;
    records.push(u);
    counts.push(charsOf(u));
    if (lines.length < maxUnits && bytes < maxBytes) return;
    const part = take();
    // Each chunk says whose rows it holds: the per-file index (fileindex.ts) sums a file's chunks into its entry.
    const msg: ChunkMessage = { units: part.units, chars: part.chars, result: { ...part.res, extractMs: 0, slices: [{ path: f.rel, steps: part.res.steps.map(sliceOf) }] } };
    // Stopped while the runner takes the chunk; started again for the next chunk's work.
    mark(t.progress, -1);
    const w0 = performance.now();
    port.postMessage(msg, [msg.units.buffer as ArrayBuffer]);
    await once(port, 'message');
    waitMs += performance.now() - w0;
    if (tracing && ++chunksSent % 5 === 0) trace(`worker ${threadId}: ${chunksSent} chunks sent`);
    mark(t.progress, 0);
  };
  let info: RawFileInfo;
  let removed: FileResult['removed'];
  if (streamedFormat(f.rel)) {
    const h = hashByPath(f.abs, f.ino);
    if ('reason' in h) return { files: [refusedFile(f.rel, h)], steps: [] };
    info = (await extractPath({ path: f.rel, abs: Buffer.from(f.abs).toString(), bytes: h.bytes, sha256: h.sha256 }, cfg, sink)).info;
  } else {
    const raw = readRaw(f.abs, cfg.maxFileBytes, f.ino);
    if ('reason' in raw) return { files: [refusedFile(f.rel, raw)], steps: [] };
    let r: Awaited<ReturnType<typeof extractFile>>;
    try {
      r = await extractFile({ path: f.rel, bytes: raw.bytes }, cfg);
    } finally {
      raw.release();
    }
    info = r.info;
    removed = extractRemovals(r);
    for (const u of r.units) await sink(u);
  }
  const last = take();
  const res = last.res;
  res.files = [{ info, units: last.units, chars: last.chars, ...(removed ? { removed } : {}) }];
  res.slices = [{ path: info.path, steps: res.steps.map(sliceOf) }];
  res.extractMs = performance.now() - t0 - stepsMs - waitMs;
  mark(t.progress, 1);
  return res;
}

function refusedFile(rel: string, r: Refused): FileResult {
  return { info: { path: rel, bytes: r.bytes, sha256: '', format: null, encoding: null, encoding_method: null, status: 'rejected', reason: r.reason, detail: r.detail }, units: new Uint8Array(0), chars: [] };
}

export function runGather(t: GatherTask): GatherResult {
  const stage = stageNamed(t.stage);
  if (stage.kind !== 'global' || !stage.gather) throw new PipelineError('config', `stage ${t.stage} has no gather step`);
  // Only the lines asked about are decoded and parsed: a plan asks about a few of the records (dedupe: the
  // candidates of near-duplicate pairs), and parsing every line of the batch was most of this task's time.
  const bytes = t.bytes;
  const at: number[] = [];
  const values: unknown[] = [];
  // Records are the non-empty lines, numbered as recordsOf numbers them (and the runner's lineCount counts them).
  for (let start = 0, i = 0; start < bytes.length;) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    if (end > start) {
      if (t.asks[i] !== undefined) {
        at.push(i);
        values.push(stage.gather(JSON.parse(decoder.decode(bytes.subarray(start, end))), t.asks[i], stage.defaults));
      }
      i++;
    }
    start = end + 1;
  }
  return { at, values };
}

let tasksRun = 0;
let chunksSent = 0;

/** piscina entry (and the inline path): errors travel back as data so the main thread can rethrow them with their code. */
export default async function task(t: ChainTask | GatherTask | DuplicatesTask | WarmTask): Promise<ChainResult | GatherResult | Uint8Array | null | TaskError> {
  try {
    if (t.kind === 'warm') {
      for (const s of t.stages) warmStage(s);
      return null;
    }
    if (t.kind === 'gather') return runGather(t);
    if (t.kind === 'duplicates') return jsonl(duplicatesLines(recordsOf(t.bytes)));
    const r = await runChain(t);
    if (tracing && ++tasksRun % 10 === 0) trace(`worker ${threadId}: ${tasksRun} tasks run`);
    return r;
  } catch (e) {
    if (e instanceof PipelineError) return { error: { code: e.code, message: e.message } };
    return { error: { code: 'internal', message: (e as Error).stack ?? String(e) } };
  }
}
