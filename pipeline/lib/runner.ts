/**
 * The runner: owns all the plumbing around the stages — reading and writing `OUT/stages/*.jsonl`, schema checks,
 * removal and drop records, character accounting, counters, timing, memory, progress, worker threads, and the
 * cache that lets a re-run skip every stage whose input, code and configuration are unchanged.
 *
 * Per-record stages (and extraction) run in a pool of worker threads (piscina) on batches of records; results are
 * written in input order, so the outputs are byte-identical whatever the number of workers.
 */
import { mkdir, rm } from 'node:fs/promises';
import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { Piscina } from 'piscina';
import { walkRaw, type RawEntry } from './walk.js';
import { JsonlWriter, readJsonl, writeAtomic, exists, readJson, stableJson } from './io.js';
import { assertValid } from './schema.js';
import { codeHash } from './codehash.js';
import { charsOf, type Stage, type GlobalStage } from './stage.js';
import { PipelineError } from './errors.js';
import type { Progress } from './progress.js';
import type { Drop, RawFileInfo, Removal } from './types.js';
import type { FileResult, TaskError, MapTask, PrepareTask, ExtractTask, MapBatchResult } from './worker.js';
import { Tally, refOf, removalRow, dropRows, type RecordRef } from './rows.js';
import { extractStage, EXTRACT_DEFAULTS } from '../stages/extract.js';
import { STAGES } from '../stages/index.js';

export { STAGES };
export const STAGE_NAMES = ['extract', ...STAGES.map((s) => s.name), 'export'];

export interface RunOptions {
  raw: string;
  out: string;
  /** Repository root (to find stage sources for the code fingerprint). */
  root: string;
  progress: Progress;
  /** Worker threads for per-record stages (≥ 1). */
  workers: number;
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
  seconds: number;
  /** Peak resident memory of the process (all threads) while the stage ran. */
  peak_rss_mb?: number;
  input_bytes?: number;
  workers?: number;
  cached?: boolean;
}

/** Extra ledger facts extraction records per raw file. */
export interface FileRow extends RawFileInfo {
  units: number;
  chars_in: number;
}

/** Bytes of input JSONL per worker batch (big documents go alone). */
const BATCH_BYTES = 1 << 20;
const EXTRACT_BATCH_FILES = 16;
const EXTRACT_BATCH_BYTES = 16 << 20;

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
  readonly reports = new Map<string, Record<string, unknown>[]>();
  readonly tally = new Tally();
  constructor(readonly dir: string, readonly stage: string) {
    this.removed = new JsonlWriter(path.join(dir, `${stage}.removed.jsonl`));
    this.dropped = new JsonlWriter(path.join(dir, `${stage}.dropped.jsonl`));
  }
  async remove(ref: RecordRef, r: Removal): Promise<void> {
    this.tally.removal(r.rule, r.chars);
    await this.removed.write(removalRow(this.stage, ref, r));
  }
  async drop(ref: RecordRef, record: unknown, d: Drop, chars: number): Promise<void> {
    this.tally.drop(d.reason, chars);
    const rows = dropRows(this.stage, ref, record, d, chars);
    await this.removed.write(rows.removed);
    await this.dropped.write(rows.dropped);
  }
  count(key: string, n = 1): void {
    this.tally.count(key, n);
  }
  /** The stage's meta from its tally. */
  meta(extra: Pick<StageMeta, 'key' | 'output_sha256' | 'seconds'> & Partial<StageMeta>): StageMeta {
    const t = this.tally;
    return { stage: this.stage, in: t.in, out: t.out, dropped: t.dropped, removed: t.removed, counters: t.counters, ...extra };
  }
  async commit(): Promise<void> {
    await this.removed.commit();
    await this.dropped.commit();
    for (const [name, rows] of [...this.reports.entries()].sort()) {
      await writeAtomic(path.join(this.dir, `${this.stage}.report.${name}.jsonl`), rows.map((r) => JSON.stringify(r) + '\n').join(''));
    }
  }
  async abort(): Promise<void> {
    await this.removed.abort();
    await this.dropped.abort();
  }
}

async function cachedMeta(dir: string, stage: string, key: string): Promise<StageMeta | null> {
  const metaFile = path.join(dir, `${stage}.meta.json`);
  if (!(await exists(metaFile))) return null;
  const meta = await readJson<StageMeta>(metaFile).catch(() => null);
  if (!meta || meta.key !== key) return null;
  const side = stage === 'extract' ? ['extract.jsonl', 'extract.files.jsonl'] : [`${stage}.jsonl`, `${stage}.removed.jsonl`, `${stage}.dropped.jsonl`];
  for (const f of side) if (!(await exists(path.join(dir, f)))) return null;
  return { ...meta, cached: true };
}

/** The raw tree and its fingerprint (names, kinds, sizes, modification times, modes, from the walk's lstat). */
async function rawTree(raw: string): Promise<{ entries: RawEntry[]; fingerprint: string }> {
  const entries = await walkRaw(raw);
  return { entries, fingerprint: sha(entries.map((e) => `${e.rel}\t${e.kind}\t${e.size}\t${e.mtimeMs}\t${e.mode}`)) };
}

/** Files in the raw folder that are not sources by design. */
function skipReason(rel: string): string | null {
  if (rel === 'SOURCES.md' || rel === 'README.md') return 'raw_manifest';
  if (rel.split('/').some((p) => p.startsWith('.'))) return 'hidden_file';
  return null;
}

/** Runs tasks with at most `inflight` pending, consuming results strictly in submission order. */
async function ordered<B, R>(batches: AsyncIterable<B> | Iterable<B>, run: (b: B) => Promise<R>, inflight: number, consume: (r: R) => Promise<void>): Promise<void> {
  const queue: Promise<R>[] = [];
  for await (const b of batches) {
    const p = run(b);
    p.catch(() => undefined); // awaited below, in order; avoid an unhandled rejection meanwhile
    queue.push(p);
    if (queue.length >= inflight) await consume(await queue.shift()!);
  }
  while (queue.length) await consume(await queue.shift()!);
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
      while (buf.length - start >= maxBytes) {
        let end = buf.lastIndexOf(10, start + maxBytes - 1);
        if (end < start) end = buf.indexOf(10, start + maxBytes);
        if (end < 0) break; // one line longer than the batch, not complete yet
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

class Runner {
  private pool: Piscina | null = null;
  constructor(private readonly opts: RunOptions, private readonly dir: string) {}

  private workers(): Piscina {
    this.pool ??= new Piscina({
      filename: new URL('./worker.ts', import.meta.url).href,
      minThreads: this.opts.workers,
      maxThreads: this.opts.workers,
      idleTimeout: 60_000,
    });
    return this.pool;
  }

  async close(): Promise<void> {
    if (this.pool) await this.pool.destroy();
    this.pool = null;
  }

  async extract(entries: RawEntry[], key: string): Promise<StageMeta> {
    const { opts, dir } = this;
    await rm(path.join(dir, 'extract.meta.json'), { force: true });
    const started = performance.now();
    const peak = rssSampler();
    const units = new JsonlWriter(path.join(dir, 'extract.jsonl'));
    const files = new JsonlWriter(path.join(dir, 'extract.files.jsonl'));
    const log = new StageLog(dir, 'extract');
    const outHash = createHash('sha256');
    opts.progress.start('extract', entries.length);
    let inputBytes = 0;

    const record = async (info: RawFileInfo, lines: string[], chars: number[]): Promise<void> => {
      log.tally.in++;
      let charsIn = 0;
      for (let i = 0; i < lines.length; i++) {
        outHash.update(lines[i] + '\n');
        await units.writeLine(lines[i]!);
        charsIn += chars[i]!;
        log.tally.out++;
      }
      if (info.status !== 'ok') log.tally.dropped[info.reason ?? 'rejected'] = (log.tally.dropped[info.reason ?? 'rejected'] ?? 0) + 1;
      inputBytes += info.bytes;
      const row: FileRow = { ...info, units: lines.length, chars_in: charsIn };
      // The ledger rows are extraction output too: the fingerprint covers both.
      outHash.update(JSON.stringify(row) + '\n');
      await files.write(row);
      opts.progress.tick(1, info.bytes);
    };

    // Batches keep file order: a batch is a run of consecutive entries; non-regular files are answered here.
    type Batch = { local: RawFileInfo[] } | { remote: RawEntry[] };
    const batches: Batch[] = [];
    let cur: RawEntry[] = [];
    let curBytes = 0;
    const flush = () => {
      if (cur.length) batches.push({ remote: cur });
      cur = [];
      curBytes = 0;
    };
    for (const e of entries) {
      const base: RawFileInfo = { path: e.rel, bytes: e.kind === 'file' ? e.size : 0, sha256: '', format: null, encoding: null, encoding_method: null, status: 'rejected', reason: null, detail: e.nameEncoding ? `file name decoded as ${e.nameEncoding}` : null };
      const skip = skipReason(e.rel);
      // Answered without reading: not a source, not a regular file, or too big to read at all.
      let info: RawFileInfo | null = null;
      if (skip) info = { ...base, bytes: e.size, status: 'skipped', reason: skip, detail: 'not a source document' };
      else if (e.kind === 'symlink') info = { ...base, reason: 'symlink', detail: 'symbolic links are not followed' };
      else if (e.kind === 'unreadable') info = { ...base, reason: 'unreadable', detail: `cannot list folder: ${e.error ?? 'EIO'}` };
      else if (e.kind !== 'file') info = { ...base, reason: 'not_regular_file', detail: 'not a regular file' };
      else if (e.size > EXTRACT_DEFAULTS.maxFileBytes) info = { ...base, reason: 'too_large', detail: `${e.size} bytes > limit ${EXTRACT_DEFAULTS.maxFileBytes}` };
      if (info) {
        flush();
        batches.push({ local: [info] });
        continue;
      }
      cur.push(e);
      curBytes += e.size;
      if (cur.length >= EXTRACT_BATCH_FILES || curBytes >= EXTRACT_BATCH_BYTES) flush();
    }
    flush();

    try {
      await ordered(
        batches,
        async (b): Promise<FileResult[]> => {
          if ('local' in b) return b.local.map((info) => ({ info, units: [], chars: [] }));
          const task: ExtractTask = { kind: 'extract', files: b.remote.map((e) => ({ rel: e.rel, abs: new Uint8Array(e.abs) })) };
          const res = unwrap((await this.workers().run(task)) as FileResult[] | TaskError);
          // The name's legacy encoding is a fact of the walk, not of the bytes.
          return res.map((r, i) => (b.remote[i]!.nameEncoding ? { ...r, info: { ...r.info, detail: [r.info.detail, `file name decoded as ${b.remote[i]!.nameEncoding}`].filter(Boolean).join('; ') } } : r));
        },
        this.opts.workers * 2,
        async (results) => {
          for (const r of results) await record(r.info, r.units, r.chars);
        },
      );
      await units.commit();
      await files.commit();
      await log.commit();
    } catch (err) {
      await units.abort();
      await files.abort();
      await log.abort();
      throw err;
    }
    const meta = log.meta({ key, output_sha256: outHash.digest('hex'), seconds: (performance.now() - started) / 1000, peak_rss_mb: peak(), input_bytes: inputBytes, workers: opts.workers });
    opts.progress.end();
    await writeAtomic(path.join(dir, 'extract.meta.json'), stableJson(meta));
    return meta;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async stage(stage: Stage<any, any, any>, input: string, key: string, total: number): Promise<StageMeta> {
    const { opts, dir } = this;
    // The meta vouches for the outputs: it goes first and comes back last, so a killed run leaves no stale voucher.
    await rm(path.join(dir, `${stage.name}.meta.json`), { force: true });
    const started = performance.now();
    const peak = rssSampler();
    const out = new JsonlWriter(path.join(dir, `${stage.name}.jsonl`));
    const log = new StageLog(dir, stage.name);
    const outHash = createHash('sha256');
    const ids = new Set<string>();
    const seen = (id: string) => {
      if (ids.has(id)) throw new PipelineError('duplicate_id', `stage ${stage.name} produced id ${id} twice`);
      ids.add(id);
    };
    const writeOut = async (id: string, line: string): Promise<void> => {
      seen(id);
      outHash.update(line + '\n');
      await out.writeLine(line);
      log.tally.out++;
    };
    opts.progress.start(stage.name, total);
    try {
      if (stage.kind === 'map') {
        await ordered(
          byteBatches(input),
          async (bytes) => unwrap((await this.workers().run({ kind: 'map', stage: stage.name, bytes } satisfies MapTask, { transferList: [bytes.buffer as ArrayBuffer] })) as MapBatchResult | TaskError),
          opts.workers * 2,
          async (r) => {
            for (const id of r.ids) seen(id);
            outHash.update(r.out);
            await out.writeBytes(r.out);
            await log.removed.writeBytes(r.removed);
            await log.dropped.writeBytes(r.dropped);
            log.tally.merge(r.tally);
            opts.progress.tick(r.tally.in);
          },
        );
      } else {
        await this.global(stage, input, log, writeOut);
      }
      await out.commit();
      await log.commit();
    } catch (err) {
      await out.abort();
      await log.abort();
      throw err;
    }
    const meta = log.meta({ key, output_sha256: outHash.digest('hex'), seconds: (performance.now() - started) / 1000, peak_rss_mb: peak(), workers: opts.workers });
    opts.progress.end();
    await writeAtomic(path.join(dir, `${stage.name}.meta.json`), stableJson(meta));
    return meta;
  }

  /** A whole-corpus stage (dedupe) runs on the main thread; its sink calls are written in call order. */
  private async global(stage: GlobalStage<unknown, unknown, unknown>, input: string, log: StageLog, writeOut: (id: string, line: string) => Promise<void>): Promise<void> {
    const { opts } = this;
    // The per-record pre-pass runs in the worker pool, results kept in input order.
    let prepared: unknown[] | undefined;
    if (stage.prepare) {
      const acc: unknown[] = [];
      await ordered(
        byteBatches(input),
        async (bytes) => unwrap((await this.workers().run({ kind: 'prepare', stage: stage.name, bytes } satisfies PrepareTask, { transferList: [bytes.buffer as ArrayBuffer] })) as unknown[] | TaskError),
        opts.workers * 2,
        async (values) => {
          for (const v of values) acc.push(v);
        },
      );
      prepared = acc;
    }
    const charsIn = new Map<string, number>();
    // Per input id: characters accounted for so far (emitted + removed + dropped).
    const accounted = new Map<string, number>();
    const add = (id: string, n: number) => accounted.set(id, (accounted.get(id) ?? 0) + n);
    const input$ = async function* () {
      for await (const rec of readJsonl<unknown>(input)) {
        const id = refOf(rec).id;
        if (!charsIn.has(id)) {
          charsIn.set(id, charsOf(rec));
          log.tally.in++;
        }
        yield rec;
      }
    };
    let chain = Promise.resolve();
    const later = (fn: () => Promise<void>) => {
      chain = chain.then(fn);
    };
    await stage.run(input$, stage.defaults, {
      emit: (rec: unknown) => {
        assertValid(stage.name, rec);
        const ref = refOf(rec);
        add(ref.id, charsOf(rec));
        const line = JSON.stringify(rec);
        later(() => writeOut(ref.id, line));
        opts.progress.tick(1);
      },
      remove: (from: unknown, r: Removal) => {
        const ref = refOf(from);
        add(ref.id, r.chars);
        later(() => log.remove(ref, r));
      },
      drop: (rec: unknown, d: Drop) => {
        const ref = refOf(rec);
        const chars = (charsIn.get(ref.id) ?? charsOf(rec)) - (accounted.get(ref.id) ?? 0);
        add(ref.id, chars);
        // A whole-corpus stage's drops keep the record (dedupe's duplicates.jsonl publishes their columns).
        later(() => log.drop(ref, rec, d, chars));
      },
      count: (k: string, n = 1) => log.count(k, n),
      report: (name: string, rows: Record<string, unknown>[]) => {
        log.reports.set(name, [...(log.reports.get(name) ?? []), ...rows]);
      },
    }, prepared);
    await chain;
    for (const [id, n] of charsIn) {
      const residual = n - (accounted.get(id) ?? 0);
      if (residual !== 0) {
        log.count('unaccounted_records');
        await log.remove({ id, source_file: null, source_member: null, line_start: null }, { rule: 'unaccounted', chars: residual });
      }
    }
  }
}

function schemasHash(dir: string): string {
  return sha(readdirSync(dir).sort().map((f) => `${f}\t${createHash('sha256').update(readFileSync(path.join(dir, f))).digest('hex')}`));
}

/** Runs extraction and every stage, skipping those whose cache key is unchanged. Returns each stage's meta. */
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
  try {
    const metas: StageMeta[] = [];
    const tree = await rawTree(opts.raw);
    const exKey = sha(['extract', tree.fingerprint, codeHash(path.join(opts.root, 'pipeline/stages/extract.ts'), opts.root), plumbing, JSON.stringify(EXTRACT_DEFAULTS)]);
    let meta = await cachedMeta(dir, 'extract', exKey);
    if (meta) opts.progress.skip(extractStage.name);
    else meta = await runner.extract(tree.entries, exKey);
    metas.push(meta);
    let input = path.join(dir, 'extract.jsonl');
    for (const stage of STAGES) {
      const key = sha([stage.name, meta.output_sha256, codeHash(path.join(opts.root, `pipeline/stages/${stage.name}.ts`), opts.root), plumbing, JSON.stringify(stage.defaults)]);
      const cached = await cachedMeta(dir, stage.name, key);
      if (cached) opts.progress.skip(stage.name);
      meta = cached ?? (await runner.stage(stage, input, key, meta.out));
      metas.push(meta);
      input = path.join(dir, `${stage.name}.jsonl`);
    }
    return metas;
  } finally {
    await runner.close();
  }
}
