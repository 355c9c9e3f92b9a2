/**
 * export: writes the published dataset (`OUT/documents.{jsonl,csv,arrow,parquet}`: the same rows, in the same
 * order, with the same flat columns) and the report (`OUT/report/`) that accounts for every raw file and every
 * removed span. Reads only the stage outputs under `OUT/stages/`.
 */
import { copyFile, readdir, rename, mkdir } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import path from 'node:path';
import { DOCUMENT_COLUMNS, keptKey, type ExportChunk } from '../export/batch.js';

export { DOCUMENT_COLUMNS, exportBatch, rowChars, type ExportChunk } from '../export/batch.js';
import { readJsonl, writeAtomic, stableJson, JsonlWriter, tempName } from '../lib/io.js';
import { CsvFileWriter, ArrowFileWriter, writeParquetFromJsonl } from '../lib/writers.js';
import { fingerprint, maskNames, maskPath, maskPathOrNull, maskPII, piiKey } from '../lib/pii.js';
import { trace } from '../lib/trace.js';
import { DUPLICATES_FROM } from '../lib/duplicates.js';
import { removedFileAndChars } from '../lib/rows.js';
import type { Doc } from '../lib/types.js';
import type { FileRow, StageMeta } from '../lib/runner.js';

export const exportStage = {
  name: 'export',
  describe: 'writes documents.jsonl/.csv/.arrow/.parquet and the report (ledger, rejects, removed, duplicates, stats)',
};

export const OUTPUT_FILES = ['documents.jsonl', 'documents.csv', 'documents.arrow', 'documents.parquet'];

/**
 * Rows per Arrow record batch in documents.arrow (a function of the rows only, so the bytes are too). Rows here
 * are long (about 7 KB of text each), so 2,048 rows make batches of about 14 MB: the writer flushes a batch while
 * the pass runs instead of holding up to 8,192 rows (about 57 MB, twice over while it joins them) until the end.
 * On the 50 MB bench corpus closing the file took 0.3 s with 8,192 (every row in one batch), 0.05 s with 2,048.
 */
export const ARROW_BATCH_ROWS = 2048;

type RemovedRow = ReturnType<typeof removedFileAndChars>;
interface DroppedRow { stage: string; reason: string; detail: string | null; id: string; chars: number; extra: Record<string, unknown> | null; record: Doc }

export interface ExportFacts {
  rows: number;
  /** CSV cells that start like a spreadsheet formula (written verbatim; see writeCsv). */
  csv_formula_like_cells: number;
}

/**
 * The main-thread side of export while the rows stream in: appends each batch's CSV text and Arrow columns,
 * sums the ledger's kept counts; `finish` writes documents.jsonl (a copy of validate.jsonl, which holds the
 * published rows, schema-checked, keys in column order), Parquet (DuckDB, on its own threads) and the report.
 */
/**
 * Removed characters per raw file (`source_file`), `unaccounted` rows aside, summed over the removed files of
 * `stages` while the run wrote them; the ledger reads the removed files of any other stage.
 */
export interface RemovedSums { byFile: Map<string, number>; stages: Set<string> }

/** Streams report/duplicates.jsonl's rows (built in the worker pool) to `each`, in order. */
export type DuplicatesSource = (each: (rows: Uint8Array) => Promise<void>) => Promise<void>;

export class ExportOutput {
  private readonly csv: CsvFileWriter;
  private readonly arrow: ArrowFileWriter;
  private readonly kept = new Map<string, { docs: number; chars: number }>();
  private documents = 0;
  private chars = 0;
  private readonly duplicates: JsonlWriter;
  /**
   * `duplicatesInPass`: report/duplicates.jsonl's rows arrive with the batches (`addDuplicates`), built where dedupe
   * dropped the records; otherwise `finish` builds them from dedupe's dropped file. `csvBom`: documents.csv starts
   * with a UTF-8 BOM (`--csv-bom`, for Excel).
   */
  constructor(private readonly out: string, readonly duplicatesInPass = false, csvBom = false) {
    this.csv = new CsvFileWriter(path.join(out, 'documents.csv'), DOCUMENT_COLUMNS, csvBom);
    this.arrow = new ArrowFileWriter(path.join(out, 'documents.arrow'), DOCUMENT_COLUMNS, ARROW_BATCH_ROWS);
    this.duplicates = new JsonlWriter(path.join(out, 'report', 'duplicates.jsonl'));
  }
  /** Appends rows of report/duplicates.jsonl (whole JSON lines), in order. */
  async addDuplicates(rows: Uint8Array): Promise<void> {
    if (!this.duplicatesInPass) throw new Error('ExportOutput: duplicates rows arrive in the pass only when it was made with duplicatesInPass');
    await this.duplicates.writeBytes(rows);
  }
  async add(c: ExportChunk): Promise<void> {
    await this.csv.writeChunk(c.csv.bytes, c.csv.rows, c.csv.formulaLike);
    this.arrow.writeChunk(c.arrow);
    for (const [f, docs, chars] of c.kept) {
      const k = this.kept.get(f) ?? { docs: 0, chars: 0 };
      k.docs += docs;
      k.chars += chars;
      this.kept.set(f, k);
    }
    this.documents += c.csv.rows;
    this.chars += c.chars;
  }
  /**
   * Writes the rest once every stage's outputs are in place. `duplicates` gives report/duplicates.jsonl's bytes
   * (built from dedupe's dropped file in the worker pool) when they did not come with the batches. Returns
   * stats.json's content.
   */
  async finish(stagesDir: string, metas: StageMeta[], duplicates: DuplicatesSource, removedSums: RemovedSums): Promise<Record<string, unknown>> {
    const { out } = this;
    // DuckDB writes the Parquet file on its own thread, from validate.jsonl (the published rows; documents.jsonl is
    // its copy), from the start: the CSV and Arrow files close, documents.jsonl is copied and the report written
    // meanwhile. Its read buffer is sized from the longest row, which validate's meta records (UTF-8 takes at most
    // 3 bytes per UTF-16 unit).
    const published = path.join(stagesDir, 'validate.jsonl');
    const longest = metas.find((m) => m.stage === 'validate')?.longest_line_units;
    const parquet = writeParquetFromJsonl(path.join(out, 'documents.parquet'), published, DOCUMENT_COLUMNS, longest === undefined ? undefined : 3 * longest);
    parquet.catch(() => undefined);
    parquet.then(() => trace('export: parquet written'), () => undefined);
    try {
      const csv = await this.csv.close();
      trace('export: csv closed');
      await this.arrow.close();
      trace('export: arrow closed');
      const jsonl = path.join(out, 'documents.jsonl');
      const tmp = tempName(jsonl);
      await copyFile(published, tmp);
      await rename(tmp, jsonl);
      trace('export: documents.jsonl copied');
      const stats = await writeReport(stagesDir, out, metas, { rows: csv.rows, csv_formula_like_cells: csv.formulaLike }, { kept: this.kept, documents: this.documents, chars: this.chars },
        { writer: this.duplicates, source: this.duplicatesInPass ? null : duplicates }, removedSums);
      await parquet;
      return stats;
    } catch (e) {
      // DuckDB is waited for before the error goes up, so that no write is still running once the run has failed.
      await parquet.catch(() => undefined);
      throw e;
    }
  }
  async abort(): Promise<void> {
    await this.csv.abort();
    await this.arrow.abort();
    await this.duplicates.abort();
  }
}

/**
 * Appends a stage's removed file to report/removed.jsonl as it is (its lines are JSON.stringify output, which
 * parse + stringify would give back byte for byte), calling `each` (when given) with every row for the per-file
 * sums. Without `each` the bytes are not decoded: the sums usually come from the run (RemovedSums), and reading
 * the rows back took ~200 ms of the 50 MB benchmark's finish, where nothing else runs (#9).
 */
async function copyRemoved(file: string, out: JsonlWriter, each?: (r: RemovedRow) => void): Promise<void> {
  const decoder = new StringDecoder('utf8');
  let tail = '';
  let last = 0x0a;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    const buf = chunk as Buffer;
    if (buf.length === 0) continue;
    await out.writeBytes(buf);
    last = buf[buf.length - 1]!;
    if (!each) continue;
    const text = tail + decoder.write(buf);
    const lines = text.split('\n');
    tail = lines.pop()!;
    for (const line of lines) if (line.length > 0) each(removedFileAndChars(line));
  }
  tail += decoder.end();
  if (each && tail.length > 0) each(removedFileAndChars(tail));
  if (last !== 0x0a) await out.writeBytes(Buffer.from('\n'));
}

/** Builds OUT/report/ from the stage outputs. Returns stats.json's content. */
export async function writeReport(
  stagesDir: string, out: string, metas: StageMeta[], facts: ExportFacts,
  { kept, documents, chars }: { kept: Map<string, { docs: number; chars: number }>; documents: number; chars: number },
  { writer: duplicates, source }: { writer: JsonlWriter; source: DuplicatesSource | null },
  removedSums: RemovedSums,
): Promise<Record<string, unknown>> {
  const rep = path.join(out, 'report');
  await mkdir(rep, { recursive: true });
  // report/duplicates.jsonl: already written during the pass, or (`source`) built in the worker pool from dedupe's
  // dropped file while this thread writes the rest.
  const dups = source && metas.some((m) => m.stage === DUPLICATES_FROM) ? source((rows) => duplicates.writeBytes(rows)) : Promise.resolve();
  dups.catch(() => undefined);

  // removed.jsonl: every span every stage removed, in stage order. Its rows hold published paths (lib/rows.ts), so
  // the sums of stages that did not run now are keyed by published path (`cachedBy`), the run's own by raw path.
  const removedBy = removedSums.byFile;
  const cachedBy = new Map<string, number>();
  const removedOut = new JsonlWriter(path.join(rep, 'removed.jsonl'));
  const dropped = new JsonlWriter(path.join(rep, 'dropped.jsonl'));
  for (const m of metas) {
    await copyRemoved(path.join(stagesDir, `${m.stage}.removed.jsonl`), removedOut, removedSums.stages.has(m.stage) ? undefined : (r) => {
      if (r.rule !== 'unaccounted' && r.source_file) cachedBy.set(r.source_file, (cachedBy.get(r.source_file) ?? 0) + r.chars);
    });
    for await (const d of readJsonl<DroppedRow>(path.join(stagesDir, `${m.stage}.dropped.jsonl`))) {
      const rec = d.record as Partial<Doc>;
      await dropped.write({
        stage: d.stage, reason: d.reason, detail: d.detail === null ? null : maskPath(d.detail), id: d.id,
        source_file: maskPathOrNull(rec.source_file ?? null), source_member: maskPathOrNull(rec.source_member ?? null),
        segment: rec.segment ?? null, title: rec.title ? maskNames(maskPII(rec.title)) : null,
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

  // The ledger: one row per raw file; characters in = kept + removed (+ unaccounted, which must be 0). Paths and
  // details are published ones (maskPath); a masked path gets `path_fingerprint`, the HMAC of the raw path under
  // JINGWEN_PII_KEY (null without a key), never the raw name. Kept and cached-removed counts are keyed by published
  // path: should two raw files share one (names that differ only in personal data, same content), the first takes them.
  const key = piiKey();
  const take = <V>(m: Map<string, V>, k: string): V | undefined => { const v = m.get(k); m.delete(k); return v; };
  const ledger = new JsonlWriter(path.join(rep, 'ledger.jsonl'));
  const rejects = new JsonlWriter(path.join(rep, 'rejects.jsonl'));
  const files = { total: 0, ok: 0, rejected: 0, skipped: 0, by_reason: {} as Record<string, number>, bytes: 0, chars_in: 0, chars_kept: 0, chars_removed: 0, chars_unaccounted: 0 };
  for await (const f of readJsonl<FileRow>(path.join(stagesDir, 'extract.files.jsonl'))) {
    const published = maskPath(f.path);
    const masked = published !== f.path;
    const detail = f.detail === null ? null : maskPath(f.detail);
    const k = take(kept, keptKey(published, f.sha256)) ?? { docs: 0, chars: 0 };
    const removed = (removedBy.get(f.path) ?? 0) + (take(cachedBy, published) ?? 0);
    const row = {
      path: published, ...(masked ? { path_fingerprint: key === null ? null : fingerprint(f.path, key) } : {}),
      bytes: f.bytes, sha256: f.sha256, format: f.format, encoding: f.encoding, encoding_method: f.encoding_method,
      status: f.status, reason: f.reason, detail, units: f.units, documents: k.docs,
      chars_in: f.chars_in, chars_kept: k.chars, chars_removed: removed, chars_unaccounted: f.chars_in - k.chars - removed,
    };
    await ledger.write(row);
    if (f.status === 'rejected') await rejects.write({ path: published, bytes: f.bytes, sha256: f.sha256, format: f.format, reason: f.reason, detail });
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
  trace('export: report written, waiting for duplicates');
  await dups;
  trace('export: duplicates written');
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
