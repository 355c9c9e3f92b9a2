/**
 * export: writes the published dataset (`OUT/documents.{jsonl,csv,arrow,parquet}`: the same rows, in the same
 * order, with the same flat columns) and the report (`OUT/report/`) that accounts for every raw file and every
 * removed span. Reads only the stage outputs under `OUT/stages/`.
 */
import { copyFile, readdir, rename, mkdir } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import path from 'node:path';
import { COLUMNS, INT_COLUMNS } from './validate.js';
import { duplicatesJsonl } from '../lib/duplicates.js';
import { readJsonl, writeAtomic, stableJson, JsonlWriter, tempName } from '../lib/io.js';
import { CsvFileWriter, ArrowFileWriter, writeParquetFromJsonl, type ColumnSpec, type Row } from '../lib/writers.js';
import { maskPII } from '../lib/pii.js';
import { countChars } from '../lib/stage.js';
import type { DocumentRow, Doc } from '../lib/types.js';
import type { FileRow, StageMeta } from '../lib/runner.js';

export const exportStage = {
  name: 'export',
  describe: 'writes documents.jsonl/.csv/.arrow/.parquet and the report (ledger, rejects, removed, duplicates, stats)',
};

export const DOCUMENT_COLUMNS: ColumnSpec[] = COLUMNS.map((c) => ({ name: c, type: INT_COLUMNS.has(c) ? 'int' : 'string' }));

export const OUTPUT_FILES = ['documents.jsonl', 'documents.csv', 'documents.arrow', 'documents.parquet'];

/** Characters of a published row, as the ledger counts them (title, subtitle and text). */
export function rowChars(r: DocumentRow): number {
  return countChars(r.title ?? '') + countChars(r.subtitle ?? '') + countChars(r.text);
}

interface RemovedRow { stage: string; rule: string; source_file: string | null; chars: number }
interface DroppedRow { stage: string; reason: string; detail: string | null; id: string; chars: number; extra: Record<string, unknown> | null; record: Doc }

export interface ExportFacts {
  rows: number;
  /** CSV cells that start like a spreadsheet formula (written verbatim; see writeCsv). */
  csv_formula_like_cells: number;
}

/** Writes the four data files from the validate stage's rows. */
export async function writeDocuments(stagesDir: string, out: string): Promise<ExportFacts> {
  const rowsFile = path.join(stagesDir, 'validate.jsonl');
  const jsonl = path.join(out, 'documents.jsonl');
  // validate.jsonl already holds the published rows, schema-checked, keys in column order.
  const tmp = tempName(jsonl);
  await copyFile(rowsFile, tmp);
  await rename(tmp, jsonl);
  // DuckDB writes the Parquet file on its own threads while this one pass feeds the CSV and Arrow writers.
  const parquet = writeParquetFromJsonl(path.join(out, 'documents.parquet'), jsonl, DOCUMENT_COLUMNS);
  parquet.catch(() => undefined);
  const csvWriter = new CsvFileWriter(path.join(out, 'documents.csv'), DOCUMENT_COLUMNS);
  const arrowWriter = new ArrowFileWriter(path.join(out, 'documents.arrow'), DOCUMENT_COLUMNS);
  for await (const r of readJsonl<Row>(rowsFile)) {
    arrowWriter.write(r);
    await csvWriter.write(r);
  }
  const csv = await csvWriter.close();
  await arrowWriter.close();
  await parquet;
  return { rows: csv.rows, csv_formula_like_cells: csv.formulaLike };
}

/**
 * Appends a stage's removed file to report/removed.jsonl as it is (its lines are JSON.stringify output, which
 * parse + stringify would give back byte for byte), calling `each` with every row for the per-file sums.
 */
async function copyRemoved(file: string, out: JsonlWriter, each: (r: RemovedRow) => void): Promise<void> {
  const decoder = new StringDecoder('utf8');
  let tail = '';
  let last = 0x0a;
  for await (const chunk of createReadStream(file)) {
    const buf = chunk as Buffer;
    if (buf.length === 0) continue;
    await out.writeBytes(buf);
    last = buf[buf.length - 1]!;
    const text = tail + decoder.write(buf);
    const lines = text.split('\n');
    tail = lines.pop()!;
    for (const line of lines) if (line.length > 0) each(JSON.parse(line) as RemovedRow);
  }
  tail += decoder.end();
  if (tail.length > 0) each(JSON.parse(tail) as RemovedRow);
  if (last !== 0x0a) await out.writeBytes(Buffer.from('\n'));
}

/** Builds OUT/report/ from the stage outputs. Returns stats.json's content. */
export async function writeReport(stagesDir: string, out: string, metas: StageMeta[], facts: ExportFacts): Promise<Record<string, unknown>> {
  const rep = path.join(out, 'report');
  await mkdir(rep, { recursive: true });

  // Kept characters and documents per raw file.
  const kept = new Map<string, { docs: number; chars: number }>();
  let documents = 0;
  let chars = 0;
  for await (const r of readJsonl<DocumentRow>(path.join(stagesDir, 'validate.jsonl'))) {
    const k = kept.get(r.source_file) ?? { docs: 0, chars: 0 };
    k.docs++;
    k.chars += rowChars(r);
    kept.set(r.source_file, k);
    documents++;
    chars += r.n_chars;
  }

  // removed.jsonl: every span every stage removed, in stage order.
  const removedBy = new Map<string, number>();
  const removedOut = new JsonlWriter(path.join(rep, 'removed.jsonl'));
  const dropped = new JsonlWriter(path.join(rep, 'dropped.jsonl'));
  const duplicates = new JsonlWriter(path.join(rep, 'duplicates.jsonl'));
  for (const m of metas) {
    if (m.stage === 'extract') continue;
    await copyRemoved(path.join(stagesDir, `${m.stage}.removed.jsonl`), removedOut, (r) => {
      if (r.rule !== 'unaccounted' && r.source_file) removedBy.set(r.source_file, (removedBy.get(r.source_file) ?? 0) + r.chars);
    });
    for await (const d of readJsonl<DroppedRow>(path.join(stagesDir, `${m.stage}.dropped.jsonl`))) {
      const rec = d.record as Partial<Doc>;
      await dropped.write({
        stage: d.stage, reason: d.reason, detail: d.detail, id: d.id, source_file: rec.source_file ?? null,
        source_member: rec.source_member ?? null, segment: rec.segment ?? null, title: rec.title ? maskPII(rec.title) : null,
        chars: d.chars, ...(d.extra ?? {}),
      });
    }
  }
  await removedOut.commit();
  await dropped.commit();

  // Stage reports (e.g. dedupe's boilerplate candidates) are published as report/<name>.jsonl.
  for (const f of (await readdir(stagesDir)).sort()) {
    const m = /^(\w+)\.report\.(\w+)\.jsonl$/.exec(f);
    if (m) {
      const tmp = tempName(path.join(rep, `${m[2]}.jsonl`));
      await copyFile(path.join(stagesDir, f), tmp);
      await rename(tmp, path.join(rep, `${m[2]}.jsonl`));
    }
  }

  // The ledger: one row per raw file; characters in = kept + removed (+ unaccounted, which must be 0).
  const ledger = new JsonlWriter(path.join(rep, 'ledger.jsonl'));
  const rejects = new JsonlWriter(path.join(rep, 'rejects.jsonl'));
  const files = { total: 0, ok: 0, rejected: 0, skipped: 0, by_reason: {} as Record<string, number>, bytes: 0, chars_in: 0, chars_kept: 0, chars_removed: 0, chars_unaccounted: 0 };
  for await (const f of readJsonl<FileRow>(path.join(stagesDir, 'extract.files.jsonl'))) {
    const k = kept.get(f.path) ?? { docs: 0, chars: 0 };
    const removed = removedBy.get(f.path) ?? 0;
    const row = {
      path: f.path, bytes: f.bytes, sha256: f.sha256, format: f.format, encoding: f.encoding, encoding_method: f.encoding_method,
      status: f.status, reason: f.reason, detail: f.detail, units: f.units, documents: k.docs,
      chars_in: f.chars_in, chars_kept: k.chars, chars_removed: removed, chars_unaccounted: f.chars_in - k.chars - removed,
    };
    await ledger.write(row);
    if (f.status === 'rejected') await rejects.write({ path: f.path, bytes: f.bytes, sha256: f.sha256, format: f.format, reason: f.reason, detail: f.detail });
    files.total++;
    files[f.status]++;
    if (f.reason) files.by_reason[f.reason] = (files.by_reason[f.reason] ?? 0) + 1;
    files.bytes += f.bytes;
    files.chars_in += row.chars_in;
    files.chars_kept += row.chars_kept;
    files.chars_removed += row.chars_removed;
    files.chars_unaccounted += row.chars_unaccounted;
  }
  await ledger.commit();
  await rejects.commit();
  if (metas.some((m) => m.stage === 'dedupe')) await duplicates.writeBytes(Buffer.from(await duplicatesJsonl(path.join(stagesDir, 'dedupe.dropped.jsonl')), 'utf8'));
  await duplicates.commit();

  const byRule: Record<string, { spans: number; chars: number }> = {};
  for (const m of metas) for (const [rule, v] of Object.entries(m.removed)) {
    const key = `${m.stage}.${rule}`;
    byRule[key] = { spans: (byRule[key]?.spans ?? 0) + v.spans, chars: (byRule[key]?.chars ?? 0) + v.chars };
  }
  const stats = {
    files,
    documents,
    characters: chars,
    stages: Object.fromEntries(metas.map((m) => [m.stage, { in: m.in, out: m.out, dropped: m.dropped, removed: m.removed, counters: m.counters }])),
    removed_by_rule: byRule,
    export: facts,
  };
  await writeAtomic(path.join(rep, 'stats.json'), stableJson(stats));
  return stats;
}
