/**
 * Worker-thread side of the runner (piscina): takes a batch of input JSONL lines for one per-record stage, or a
 * batch of raw files for extraction, and returns, per input, the output lines (already schema-checked and
 * serialised), the removals, the drop and the counters. The main thread only reads, orders and writes.
 */
import { readFile } from 'node:fs/promises';
import { STAGES } from '../stages/index.js';
import { extractFile, EXTRACT_DEFAULTS } from '../stages/extract.js';
import { assertValid } from './schema.js';
import { charsOf } from './stage.js';
import { PipelineError } from './errors.js';
import type { Drop, RawFileInfo, Removal } from './types.js';

/** What the main thread needs to know of an input record to write its removals and drops. */
export interface RecordRef {
  id: string;
  source_file: string | null;
  source_member: string | null;
  line_start: number | null;
}

export interface RecordResult {
  ref: RecordRef;
  charsIn: number;
  out: string[];
  outIds: string[];
  outChars: number;
  removed: Removal[];
  dropped: Drop | null;
  /** For dropped records, a summary of the record (provenance and title, no text) for `<stage>.dropped.jsonl`. */
  droppedLine: string | null;
  counts: Record<string, number>;
}

export interface MapTask { kind: 'map'; stage: string; lines: string[] }
export interface PrepareTask { kind: 'prepare'; stage: string; lines: string[] }
export interface ExtractTask { kind: 'extract'; files: { rel: string; abs: Uint8Array }[] }
export interface FileResult { info: RawFileInfo; units: string[]; chars: number[] }
export type TaskError = { error: { code: string; message: string } };

export function refOf(rec: unknown): RecordRef {
  const r = rec as { id?: string; unit_id?: string; source_file?: string; source_member?: string | null; line_start?: number };
  return { id: r.id ?? r.unit_id ?? '?', source_file: r.source_file ?? null, source_member: r.source_member ?? null, line_start: r.line_start ?? null };
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

export function runMapBatch(stageName: string, lines: string[]): RecordResult[] {
  const stage = STAGES.find((s) => s.name === stageName);
  if (!stage || stage.kind !== 'map') throw new PipelineError('config', `no per-record stage ${stageName}`);
  return lines.map((line) => {
    const rec = JSON.parse(line) as unknown;
    let res: ReturnType<typeof stage.process>;
    try {
      res = stage.process(rec, stage.defaults);
    } catch (e) {
      // A stage that throws has a bug, but one bad record must not stop a run over millions: the record is dropped
      // as `stage_error` (counted, summarised as a warning) and the run goes on.
      const first = String((e as Error)?.message ?? e).split('\n')[0]!.slice(0, 200);
      res = { out: [], removed: [], dropped: { reason: 'stage_error', detail: `${(e as Error)?.name ?? 'Error'}: ${first}` } };
    }
    const out: string[] = [];
    const outIds: string[] = [];
    let outChars = 0;
    for (const o of res.out) {
      assertValid(stage.name, o);
      out.push(JSON.stringify(o));
      outIds.push(refOf(o).id);
      outChars += charsOf(o);
    }
    return {
      ref: refOf(rec), charsIn: charsOf(rec), out, outIds, outChars, removed: res.removed, dropped: res.dropped ?? null,
      droppedLine: res.dropped ? JSON.stringify(dropSummary(rec)) : null, counts: res.counts ?? {},
    };
  });
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
export default async function task(t: MapTask | PrepareTask | ExtractTask): Promise<RecordResult[] | FileResult[] | unknown[] | TaskError> {
  try {
    if (t.kind === 'map') return runMapBatch(t.stage, t.lines);
    if (t.kind === 'prepare') return runPrepareBatch(t.stage, t.lines);
    return await runExtractBatch(t.files);
  } catch (e) {
    if (e instanceof PipelineError) return { error: { code: e.code, message: e.message } };
    return { error: { code: 'internal', message: (e as Error).stack ?? String(e) } };
  }
}
