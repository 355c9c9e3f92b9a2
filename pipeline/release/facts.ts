/**
 * Everything a release's documents say, gathered once from the built dataset: the rows (lengths, genres,
 * sources), report/ledger.jsonl, report/stats.json, the stage descriptions and the column schema.
 * Nothing here depends on the output folder's location or on the clock.
 */
import path from 'node:path';
import { open } from 'node:fs/promises';
import { readJsonl, readJsonlAll, readJson } from '../lib/io.js';
import { fileEntry, type FileEntry } from './files.js';
import { STAGES } from '../lib/runner.js';
import { extractStage } from '../stages/extract.js';
import { exportStage } from '../stages/export.js';
import { documentColumns, type Column } from './columns.js';
import type { DatasetMeta } from './meta.js';
import type { RawOrigin } from './provenance.js';
import type { DocumentRow } from '../lib/types.js';

export type { FileEntry };


export interface LedgerRow {
  path: string; bytes: number; sha256: string; format: string | null; encoding: string | null; status: 'ok' | 'rejected' | 'skipped';
  reason: string | null; detail: string | null; documents: number; chars_in: number; chars_kept: number; chars_removed: number; chars_unaccounted: number;
}

export interface StageStats { in: number; out: number; dropped: Record<string, number>; removed: Record<string, { spans: number; chars: number }>; counters: Record<string, number> }

export interface Stats {
  files: { total: number; ok: number; rejected: number; skipped: number; by_reason: Record<string, number>; bytes: number; chars_in: number; chars_kept: number; chars_removed: number; chars_unaccounted: number };
  documents: number;
  characters: number;
  stages: Record<string, StageStats>;
  removed_by_rule: Record<string, { spans: number; chars: number }>;
}

export interface RowFacts { id: string; title: string | null; genre: string | null; source_file: string; n_chars: number }

export interface ReleaseFacts {
  version: string;
  epoch: number;
  /** YYYY-MM-DD of `epoch`. */
  date: string;
  /** Where the date comes from, as the card says it. */
  dateFrom: string;
  commit: string | null;
  /** Paths with uncommitted changes in the checkout that built it ([] clean; null: no git checkout). */
  uncommitted: string[] | null;
  /** Where the raw files came from. */
  raw: RawOrigin;
  meta: DatasetMeta;
  columns: Column[];
  stages: { name: string; describe: string }[];
  stats: Stats;
  ledger: LedgerRow[];
  rows: RowFacts[];
  /** The four data files, as copied into the release. */
  dataFiles: FileEntry[];
  /** Whether documents.csv starts with a UTF-8 byte-order mark (`--csv-bom`), read off the file itself. */
  csvBom: boolean;
}

export interface FactsInput { version: string; epoch: number; date: string; dateFrom: string; commit: string | null; uncommitted: string[] | null; raw: RawOrigin; meta: DatasetMeta; out: string; releaseDir: string; dataFiles: string[] }

/** Whether `file` starts with the UTF-8 byte-order mark EF BB BF (false when it is missing). */
export async function startsWithBom(file: string): Promise<boolean> {
  const fh = await open(file, 'r').catch(() => null);
  if (!fh) return false;
  try {
    const b = Buffer.alloc(3);
    const { bytesRead } = await fh.read(b, 0, 3, 0);
    return bytesRead === 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
  } finally {
    await fh.close();
  }
}

export async function collectFacts(i: FactsInput): Promise<ReleaseFacts> {
  const rows: RowFacts[] = [];
  for await (const r of readJsonl<DocumentRow>(path.join(i.releaseDir, 'documents.jsonl'))) {
    rows.push({ id: r.id, title: r.title, genre: r.genre, source_file: r.source_file, n_chars: r.n_chars });
  }
  return {
    version: i.version, epoch: i.epoch, date: i.date, dateFrom: i.dateFrom, commit: i.commit, uncommitted: i.uncommitted, raw: i.raw, meta: i.meta,
    columns: documentColumns(),
    stages: [extractStage, ...STAGES, exportStage].map((s) => ({ name: s.name, describe: s.describe })),
    stats: await readJson<Stats>(path.join(i.out, 'report', 'stats.json')),
    ledger: (await readJsonlAll<LedgerRow>(path.join(i.out, 'report', 'ledger.jsonl'))).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    rows,
    dataFiles: await Promise.all(i.dataFiles.map((f) => fileEntry(i.releaseDir, f))),
    csvBom: await startsWithBom(path.join(i.releaseDir, 'documents.csv')),
  };
}
