/**
 * The runner: owns all the plumbing around the stages — reading and writing `OUT/stages/*.jsonl`, schema checks,
 * removal and drop records, character accounting, counters, timing, progress and the cache that lets a re-run
 * skip every stage whose input, code and configuration are unchanged.
 */
import { readFile, mkdir, lstat } from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { walkRaw } from './walk.js';
import { JsonlWriter, readJsonl, writeAtomic, exists, readJson, stableJson } from './io.js';
import { assertValid } from './schema.js';
import { codeHash } from './codehash.js';
import { countChars, type Stage } from './stage.js';
import { maskPII } from './pii.js';
import { PipelineError } from './errors.js';
import type { Progress } from './progress.js';
import type { Doc, Drop, ExtractRecord, RawFileInfo, Removal } from './types.js';
import { extractFile, extractStage, EXTRACT_DEFAULTS, type ExtractResult } from '../stages/extract.js';
import { segment } from '../stages/segment.js';
import { normalize } from '../stages/normalize.js';
import { clean } from '../stages/clean.js';
import { dedupe } from '../stages/dedupe.js';
import { validate } from '../stages/validate.js';

/** The stages after extraction, in order. Each reads the previous one's `OUT/stages/<name>.jsonl`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const STAGES: Stage<any, any, any>[] = [segment, normalize, clean, dedupe, validate];
export const STAGE_NAMES = ['extract', ...STAGES.map((s) => s.name), 'export'];

export interface RunOptions {
  raw: string;
  out: string;
  /** Repository root (to find stage sources for the code fingerprint). */
  root: string;
  progress: Progress;
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
  cached?: boolean;
}

/** Extra ledger facts extraction records per raw file. */
export interface FileRow extends RawFileInfo {
  units: number;
  chars_in: number;
}

const EXCERPT = 120;

function sha(parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p + '\0');
  return h.digest('hex');
}

/** Characters a record carries, as the ledger counts them. */
export function charsOf(rec: unknown): number {
  const r = rec as Partial<Doc & ExtractRecord & { text: string }>;
  if (Array.isArray(r.paragraphs)) {
    let n = countChars(r.title ?? '') + countChars(r.subtitle ?? '');
    for (const p of r.paragraphs) n += countChars(p);
    return n;
  }
  // An extracted unit (its title comes from container metadata) or a published row.
  return countChars(r.title ?? '') + countChars(r.subtitle ?? '') + countChars(r.text ?? '');
}

function recId(rec: unknown): string {
  const r = rec as { id?: string; unit_id?: string };
  return r.id ?? r.unit_id ?? '?';
}

/** Writes the side files of one stage: removals and drops, with counters. */
class StageLog {
  readonly removed: JsonlWriter;
  readonly dropped: JsonlWriter;
  readonly reports = new Map<string, Record<string, unknown>[]>();
  readonly meta: StageMeta;
  constructor(readonly dir: string, stage: string) {
    this.removed = new JsonlWriter(path.join(dir, `${stage}.removed.jsonl`));
    this.dropped = new JsonlWriter(path.join(dir, `${stage}.dropped.jsonl`));
    this.meta = { stage, key: '', output_sha256: '', in: 0, out: 0, dropped: {}, removed: {}, counters: {}, seconds: 0 };
  }
  async remove(stage: string, from: unknown, r: Removal): Promise<void> {
    const f = from as Partial<Doc & ExtractRecord>;
    const m = (this.meta.removed[r.rule] ??= { spans: 0, chars: 0 });
    m.spans++;
    m.chars += r.chars;
    await this.removed.write({
      stage, rule: r.rule, id: recId(from), source_file: f.source_file ?? null, source_member: f.source_member ?? null,
      line: r.line ?? null, paragraph: r.paragraph ?? null, chars: r.chars, kind: r.kind ?? null, hash: r.hash ?? null,
      // Excerpts are for auditing; personal data is masked and long text cut.
      text: r.text ? maskPII(r.text).slice(0, EXCERPT) : null,
    });
  }
  async drop(stage: string, rec: unknown, d: Drop, chars: number): Promise<void> {
    const f = rec as Partial<Doc & ExtractRecord>;
    this.meta.dropped[d.reason] = (this.meta.dropped[d.reason] ?? 0) + 1;
    const rule = `drop_${d.reason}`;
    const m = (this.meta.removed[rule] ??= { spans: 0, chars: 0 });
    m.spans++;
    m.chars += chars;
    await this.removed.write({
      stage, rule, id: recId(rec), source_file: f.source_file ?? null, source_member: f.source_member ?? null,
      line: f.line_start ?? null, paragraph: null, chars, kind: null, hash: null, text: null,
    });
    await this.dropped.write({ stage, reason: d.reason, detail: d.detail ?? null, id: recId(rec), chars, extra: d.extra ?? null, record: rec });
  }
  count(key: string, n = 1): void {
    this.meta.counters[key] = (this.meta.counters[key] ?? 0) + n;
  }
  async commit(): Promise<void> {
    await this.removed.commit();
    await this.dropped.commit();
    for (const [name, rows] of [...this.reports.entries()].sort()) {
      await writeAtomic(path.join(this.dir, `${this.meta.stage}.report.${name}.jsonl`), rows.map((r) => JSON.stringify(r) + '\n').join(''));
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
  const meta = await readJson<StageMeta>(metaFile);
  if (meta.key !== key) return null;
  for (const f of [`${stage}.jsonl`, `${stage}.removed.jsonl`, `${stage}.dropped.jsonl`]) if (!(await exists(path.join(dir, f)))) return null;
  return { ...meta, cached: true };
}

/** What decides whether extraction must run again: the raw tree's names, sizes and modification times. */
async function rawFingerprint(raw: string): Promise<string> {
  const entries = await walkRaw(raw);
  const parts: string[] = [];
  for (const e of entries) {
    const st = await lstat(e.abs);
    parts.push(`${e.rel}\t${e.kind}\t${st.size}\t${st.mtimeMs}\t${st.mode}`);
  }
  return sha(parts);
}

/** Files in the raw folder that are not sources by design. */
function skipReason(rel: string): string | null {
  if (rel === 'SOURCES.md' || rel === 'README.md') return 'raw_manifest';
  if (rel.split('/').some((p) => p.startsWith('.'))) return 'hidden_file';
  return null;
}

async function runExtract(opts: RunOptions, dir: string, key: string): Promise<StageMeta> {
  const started = performance.now();
  const units = new JsonlWriter(path.join(dir, 'extract.jsonl'));
  const files = new JsonlWriter(path.join(dir, 'extract.files.jsonl'));
  const log = new StageLog(dir, 'extract');
  const entries = await walkRaw(opts.raw);
  opts.progress.start('extract', entries.length);
  const outHash = createHash('sha256');
  try {
    for (const e of entries) {
      log.meta.in++;
      let result: ExtractResult;
      const base: RawFileInfo = { path: e.rel, bytes: 0, sha256: '', format: null, encoding: null, encoding_method: null, status: 'rejected', reason: null, detail: null };
      const skip = skipReason(e.rel);
      if (skip) result = { info: { ...base, status: 'skipped', reason: skip, detail: 'not a source document' }, units: [] };
      else if (e.kind !== 'file') result = { info: { ...base, reason: e.kind === 'symlink' ? 'symlink' : 'not_regular_file', detail: e.kind === 'symlink' ? 'symbolic links are not followed' : 'not a regular file' }, units: [] };
      else {
        let bytes: Buffer | null = null;
        try {
          bytes = await readFile(e.abs);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
          result = { info: { ...base, reason: 'unreadable', detail: `cannot read: ${code}` }, units: [] };
        }
        if (bytes) result = await extractFile({ path: e.rel, bytes }, EXTRACT_DEFAULTS);
      }
      result = result!;
      if (e.nameEncoding) result.info.detail = [result.info.detail, `file name decoded as ${e.nameEncoding}`].filter(Boolean).join('; ');
      let charsIn = 0;
      for (const u of result.units) {
        assertValid('extract', u, 'unit_id');
        charsIn += charsOf(u);
        const line = JSON.stringify(u) + '\n';
        outHash.update(line);
        await units.write(u);
        log.meta.out++;
      }
      if (result.info.status !== 'ok') log.meta.dropped[result.info.reason ?? 'rejected'] = (log.meta.dropped[result.info.reason ?? 'rejected'] ?? 0) + 1;
      const row: FileRow = { ...result.info, units: result.units.length, chars_in: charsIn };
      await files.write(row);
      opts.progress.tick(1, result.info.bytes);
    }
    await units.commit();
    await files.commit();
    await log.commit();
  } catch (err) {
    await units.abort();
    await files.abort();
    await log.abort();
    throw err;
  }
  log.meta.key = key;
  log.meta.output_sha256 = outHash.digest('hex');
  log.meta.seconds = (performance.now() - started) / 1000;
  opts.progress.end();
  await writeAtomic(path.join(dir, 'extract.meta.json'), stableJson(log.meta));
  return log.meta;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function runStage(opts: RunOptions, dir: string, stage: Stage<any, any, any>, input: string, key: string, total: number): Promise<StageMeta> {
  const started = performance.now();
  const out = new JsonlWriter(path.join(dir, `${stage.name}.jsonl`));
  const log = new StageLog(dir, stage.name);
  const outHash = createHash('sha256');
  const ids = new Set<string>();
  const emitOut = async (rec: unknown): Promise<void> => {
    assertValid(stage.name, rec);
    const id = recId(rec);
    if (ids.has(id)) throw new PipelineError('duplicate_id', `stage ${stage.name} produced id ${id} twice`);
    ids.add(id);
    outHash.update(JSON.stringify(rec) + '\n');
    await out.write(rec);
    log.meta.out++;
  };
  opts.progress.start(stage.name, total);
  try {
    if (stage.kind === 'map') {
      for await (const rec of readJsonl<unknown>(input)) {
        log.meta.in++;
        const res = stage.process(rec, stage.defaults);
        let removedChars = 0;
        for (const r of res.removed) {
          removedChars += r.chars;
          await log.remove(stage.name, rec, r);
        }
        let outChars = 0;
        for (const o of res.out) {
          outChars += charsOf(o);
          await emitOut(o);
        }
        for (const [k, v] of Object.entries(res.counts ?? {})) log.count(k, v);
        const residual = charsOf(rec) - outChars - removedChars;
        if (res.dropped) await log.drop(stage.name, rec, res.dropped, residual);
        else if (residual !== 0) {
          // A stage changed the character count without saying why: recorded, and visible in the ledger.
          log.count('unaccounted_records');
          await log.remove(stage.name, rec, { rule: 'unaccounted', chars: residual });
        }
        opts.progress.tick(1);
      }
    } else {
      const charsIn = new Map<string, number>();
      // Per input id: characters accounted for so far (emitted + removed + dropped).
      const charsGone = new Map<string, number>();
      const pending: Promise<void>[] = [];
      const gone = (rec: unknown, n: number) => charsGone.set(recId(rec), (charsGone.get(recId(rec)) ?? 0) + n);
      const input$ = async function* () {
        for await (const rec of readJsonl<unknown>(input)) {
          if (!charsIn.has(recId(rec))) {
            charsIn.set(recId(rec), charsOf(rec));
            log.meta.in++;
          }
          yield rec;
        }
      };
      // Sink calls are synchronous for the stage; writes are chained so their order is the call order.
      let chain = Promise.resolve();
      const later = (fn: () => Promise<void>) => {
        chain = chain.then(fn);
        pending.push(chain);
      };
      await stage.run(input$, stage.defaults, {
        emit: (rec: unknown) => {
          gone(rec, charsOf(rec));
          later(() => emitOut(rec));
          opts.progress.tick(1);
        },
        remove: (from: unknown, r: Removal) => {
          gone(from, r.chars);
          later(() => log.remove(stage.name, from, r));
        },
        drop: (rec: unknown, d: Drop) => {
          const before = charsGone.get(recId(rec)) ?? 0;
          const chars = (charsIn.get(recId(rec)) ?? charsOf(rec)) - before;
          gone(rec, chars);
          later(() => log.drop(stage.name, rec, d, chars));
        },
        count: (k: string, n = 1) => log.count(k, n),
        report: (name: string, rows: Record<string, unknown>[]) => {
          log.reports.set(name, [...(log.reports.get(name) ?? []), ...rows]);
        },
      });
      await chain;
      for (const [id, n] of [...charsIn.entries()]) {
        const residual = n - (charsGone.get(id) ?? 0);
        if (residual !== 0) {
          log.count('unaccounted_records');
          later(() => log.remove(stage.name, { id }, { rule: 'unaccounted', chars: residual }));
        }
      }
      await chain;
    }
    await out.commit();
    await log.commit();
  } catch (err) {
    await out.abort();
    await log.abort();
    throw err;
  }
  log.meta.key = key;
  log.meta.output_sha256 = outHash.digest('hex');
  log.meta.seconds = (performance.now() - started) / 1000;
  opts.progress.end();
  await writeAtomic(path.join(dir, `${stage.name}.meta.json`), stableJson(log.meta));
  return log.meta;
}

/** Runs extraction and every stage, skipping those whose cache key is unchanged. Returns each stage's meta. */
export async function runStages(opts: RunOptions): Promise<StageMeta[]> {
  const dir = path.join(opts.out, 'stages');
  await mkdir(dir, { recursive: true });
  const metas: StageMeta[] = [];
  const exKey = sha(['extract', await rawFingerprint(opts.raw), codeHash(path.join(opts.root, 'pipeline/stages/extract.ts'), opts.root), codeHash(path.join(opts.root, 'pipeline/lib/runner.ts'), opts.root), JSON.stringify(EXTRACT_DEFAULTS)]);
  let meta = (await cachedMeta(dir, 'extract', exKey)) ?? (await runExtract(opts, dir, exKey));
  if (meta.cached) opts.progress.skip(extractStage.name);
  metas.push(meta);
  let input = path.join(dir, 'extract.jsonl');
  for (const stage of STAGES) {
    const key = sha([stage.name, meta.output_sha256, codeHash(path.join(opts.root, `pipeline/stages/${stage.name}.ts`), opts.root), codeHash(path.join(opts.root, 'pipeline/lib/runner.ts'), opts.root), JSON.stringify(stage.defaults)]);
    const cached = await cachedMeta(dir, stage.name, key);
    if (cached) opts.progress.skip(stage.name);
    meta = cached ?? (await runStage(opts, dir, stage, input, key, meta.out));
    metas.push(meta);
    input = path.join(dir, `${stage.name}.jsonl`);
  }
  return metas;
}

