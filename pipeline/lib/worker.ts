/**
 * Worker-thread side of the runner (piscina): takes a batch of input JSONL bytes for one per-record stage (or for a
 * whole-corpus stage's prepare step), or a batch of raw files for extraction, and returns the output, removal and
 * drop rows already serialised, with the batch's counters. The main thread only reads bytes, orders and writes.
 */
import { readFile } from 'node:fs/promises';
import { STAGES } from '../stages/index.js';
import { extractFile, EXTRACT_DEFAULTS } from '../stages/extract.js';
import { assertValid } from './schema.js';
import { charsOf } from './stage.js';
import { PipelineError } from './errors.js';
import { Tally, refOf, removalRow, dropRows } from './rows.js';
import type { RawFileInfo } from './types.js';

/** A batch of a per-record stage, done: everything the main thread writes, as bytes, plus the batch's tally. */
export interface MapBatchResult {
  /** Ids of the output records, in order (the main thread checks they are unique across the stage). */
  ids: string[];
  /** JSONL bytes of `<stage>.jsonl`, `<stage>.removed.jsonl`, `<stage>.dropped.jsonl` for this batch. */
  out: Uint8Array;
  removed: Uint8Array;
  dropped: Uint8Array;
  tally: Pick<Tally, 'in' | 'out' | 'dropped' | 'removed' | 'counters'>;
}

/** Input travels as the JSONL bytes of whole lines (transferred, not copied), never as JS strings. */
export interface MapTask { kind: 'map'; stage: string; bytes: Uint8Array }
export interface PrepareTask { kind: 'prepare'; stage: string; bytes: Uint8Array }
export interface ExtractTask { kind: 'extract'; files: { rel: string; abs: Uint8Array }[] }
export interface FileResult { info: RawFileInfo; units: string[]; chars: number[] }
export type TaskError = { error: { code: string; message: string } };

export { refOf };

const decoder = new TextDecoder();

/** The JSON lines in a batch of bytes. */
export function linesOf(bytes: Uint8Array): string[] {
  return decoder.decode(bytes).split('\n').filter((l) => l.length > 0);
}

function jsonl(lines: string[]): Uint8Array {
  return lines.length ? Buffer.from(lines.join('\n') + '\n', 'utf8') : new Uint8Array(0);
}

/**
 * What the stage's dropped file keeps of a record a per-record stage dropped: where it came from and its title,
 * not its text (which, before cleaning, may hold personal data).
 */
function dropSummary(rec: unknown): Record<string, unknown> {
  const r = rec as Record<string, unknown>;
  const keep = ['id', 'unit_id', 'source_file', 'source_member', 'segment', 'line_start', 'line_end', 'title'];
  return Object.fromEntries(keep.filter((k) => k in r).map((k) => [k, r[k]]));
}

/**
 * Runs a per-record stage over a batch: output records schema-checked and serialised, removals and drops as their
 * report rows, and the character accounting of every record (what a stage removed without saying so becomes an
 * `unaccounted` row, visible in the ledger).
 */
export function runMapBatch(stageName: string, lines: string[]): MapBatchResult {
  const stage = STAGES.find((s) => s.name === stageName);
  if (!stage || stage.kind !== 'map') throw new PipelineError('config', `no per-record stage ${stageName}`);
  const tally = new Tally();
  const ids: string[] = [];
  const out: string[] = [];
  const removed: string[] = [];
  const dropped: string[] = [];
  for (const line of lines) {
    const rec = JSON.parse(line) as unknown;
    const ref = refOf(rec);
    tally.in++;
    let res: ReturnType<typeof stage.process>;
    try {
      res = stage.process(rec, stage.defaults);
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
      removed.push(JSON.stringify(removalRow(stage.name, ref, r)));
    }
    let outChars = 0;
    for (const o of res.out) {
      assertValid(stage.name, o);
      out.push(JSON.stringify(o));
      ids.push(refOf(o).id);
      outChars += charsOf(o);
      tally.out++;
    }
    for (const [k, v] of Object.entries(res.counts ?? {})) tally.count(k, v);
    const residual = charsOf(rec) - outChars - removedChars;
    if (res.dropped) {
      const rows = dropRows(stage.name, ref, dropSummary(rec), res.dropped, residual);
      tally.drop(res.dropped.reason, residual);
      removed.push(JSON.stringify(rows.removed));
      dropped.push(JSON.stringify(rows.dropped));
    } else if (residual !== 0) {
      tally.count('unaccounted_records');
      tally.removal('unaccounted', residual);
      removed.push(JSON.stringify(removalRow(stage.name, ref, { rule: 'unaccounted', chars: residual })));
    }
  }
  return { ids, out: jsonl(out), removed: jsonl(removed), dropped: jsonl(dropped), tally: { in: tally.in, out: tally.out, dropped: tally.dropped, removed: tally.removed, counters: tally.counters } };
}

/** A global stage's per-record pre-pass (e.g. dedupe's signatures), one value per input line. */
export function runPrepareBatch(stageName: string, lines: string[]): unknown[] {
  const stage = STAGES.find((s) => s.name === stageName);
  if (!stage || stage.kind !== 'global' || !stage.prepare) throw new PipelineError('config', `no prepare step in stage ${stageName}`);
  return lines.map((line) => stage.prepare!(JSON.parse(line), stage.defaults));
}

export async function runExtractBatch(files: { rel: string; abs: Uint8Array }[]): Promise<FileResult[]> {
  const out: FileResult[] = [];
  for (const f of files) {
    let bytes: Buffer;
    try {
      bytes = await readFile(Buffer.from(f.abs));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
      out.push({ info: { path: f.rel, bytes: 0, sha256: '', format: null, encoding: null, encoding_method: null, status: 'rejected', reason: 'unreadable', detail: `cannot read: ${code}` }, units: [], chars: [] });
      continue;
    }
    const r = await extractFile({ path: f.rel, bytes }, EXTRACT_DEFAULTS);
    const units: string[] = [];
    const chars: number[] = [];
    for (const u of r.units) {
      assertValid('extract', u, 'unit_id');
      units.push(JSON.stringify(u));
      chars.push(charsOf(u));
    }
    out.push({ info: r.info, units, chars });
  }
  return out;
}

/** piscina entry: errors travel back as data so the main thread can rethrow them with their code. */
export default async function task(t: MapTask | PrepareTask | ExtractTask): Promise<MapBatchResult | FileResult[] | unknown[] | TaskError> {
  try {
    if (t.kind === 'map') return runMapBatch(t.stage, linesOf(t.bytes));
    if (t.kind === 'prepare') return runPrepareBatch(t.stage, linesOf(t.bytes));
    return await runExtractBatch(t.files);
  } catch (e) {
    if (e instanceof PipelineError) return { error: { code: e.code, message: e.message } };
    return { error: { code: 'internal', message: (e as Error).stack ?? String(e) } };
  }
}
