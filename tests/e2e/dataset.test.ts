/**
 * End to end: builds the dataset from raw/ with the real CLI into a temporary folder, reads all four outputs back
 * with their own readers (DuckDB for Parquet, JSONL and CSV; apache-arrow for the Arrow file) and checks they agree,
 * that the ledger accounts for every raw file and character, and that a re-run changes nothing.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import { runCli, tempDir, readLines, ROOT } from '../helpers.js';
import { check } from '../../pipeline/lib/schema.js';
import { COLUMNS } from '../../pipeline/stages/validate.js';

let out = '';
let first = { code: -1, stdout: '', stderr: '' };

async function digest(dir: string): Promise<Record<string, string>> {
  const res: Record<string, string> = {};
  const walk = async (d: string) => {
    for (const f of (await readdir(d, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, f.name);
      if (f.isDirectory()) await walk(p);
      else if (!f.name.endsWith('.meta.json') && f.name !== 'timings.json') res[path.relative(dir, p)] = createHash('sha256').update(await readFile(p)).digest('hex');
    }
  };
  await walk(dir);
  return res;
}

async function duck(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try {
    const r = await con.runAndReadAll(sql);
    return r.getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

beforeAll(async () => {
  out = await tempDir('jw-e2e-');
  first = await runCli(['--raw', 'raw', '--out', out, '--quiet']);
});

describe('make dataset on raw/', () => {
  it('finishes with exit 0 and prints a summary', () => {
    expect(first.stderr).not.toMatch(/internal error/);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/documents: \d+/);
    expect(first.stdout).toMatch(/documents\.\{jsonl,csv,arrow,parquet\}/);
  });

  it('writes the same rows, in the same order, in all four formats', async () => {
    const jsonl = await readLines<Record<string, unknown>>(path.join(out, 'documents.jsonl'));
    expect(jsonl.length).toBeGreaterThan(0);
    for (const r of jsonl) expect(check('document', r)).toBeNull();
    expect(new Set(jsonl.map((r) => r.id)).size).toBe(jsonl.length);

    const f = (n: string) => `'${path.join(out, n)}'`;
    const pq = await duck(`SELECT * FROM read_parquet(${f('documents.parquet')})`);
    const js = await duck(`SELECT * FROM read_json(${f('documents.jsonl')}, format='newline_delimited')`);
    const csv = await duck(`SELECT * FROM read_csv(${f('documents.csv')}, header=true, all_varchar=true)`);
    const arrow = tableFromIPC(await readFile(path.join(out, 'documents.arrow')));
    for (const t of [pq, js, csv]) {
      expect(t.length).toBe(jsonl.length);
      expect(Object.keys(t[0]!)).toEqual(COLUMNS);
    }
    expect(arrow.numRows).toBe(jsonl.length);
    expect(arrow.schema.fields.map((x) => x.name)).toEqual(COLUMNS);
    const arrowRows = arrow.toArray().map((r) => r.toJSON());
    jsonl.forEach((r, i) => {
      for (const t of [pq, js, csv, arrowRows]) {
        expect(t[i]!['id']).toBe(r.id);
        expect(t[i]!['text']).toBe(r.text);
        expect(t[i]!['title'] ?? null).toBe(r.title);
      }
      expect(Number(pq[i]!['n_chars'])).toBe(r.n_chars);
      expect(Number(arrowRows[i]!['n_words'])).toBe(r.n_words);
    });
    // Parquet keeps integer types; DuckDB reads them as integers, not strings.
    const types = await duck(`DESCRIBE SELECT * FROM read_parquet(${f('documents.parquet')})`);
    expect(types.find((t) => t['column_name'] === 'n_chars')!['column_type']).toBe('INTEGER');
    expect(types.find((t) => t['column_name'] === 'title')!['column_type']).toBe('VARCHAR');
  });

  it('has a ledger row for every raw file and accounts for every character', async () => {
    const ledger = await readLines<Record<string, unknown>>(path.join(out, 'report/ledger.jsonl'));
    const rawFiles = (await readdir(path.join(ROOT, 'raw'))).sort();
    expect(ledger.map((r) => r.path).sort()).toEqual(rawFiles);
    for (const r of ledger) {
      if (r.status === 'ok') {
        expect(r.chars_in).toBe((r.chars_kept as number) + (r.chars_removed as number));
        expect(r.chars_unaccounted).toBe(0);
      }
    }
    expect(ledger.find((r) => r.path === 'SOURCES.md')).toMatchObject({ status: 'skipped', reason: 'raw_manifest' });
    const removed = await readLines<Record<string, unknown>>(path.join(out, 'report/removed.jsonl'));
    expect(removed.filter((r) => r.rule === 'unaccounted')).toEqual([]);
    // Each file's chars_removed is the sum of its rows in removed.jsonl (read whole here, scanned by the export).
    const sums = new Map<string, number>();
    for (const r of removed) if (r.source_file) sums.set(r.source_file as string, (sums.get(r.source_file as string) ?? 0) + (r.chars as number));
    expect(sums.size).toBeGreaterThan(0);
    for (const r of ledger) expect(r.chars_removed, r.path as string).toBe(sums.get(r.path as string) ?? 0);
    const stats = JSON.parse(await readFile(path.join(out, 'report/stats.json'), 'utf8'));
    expect(stats.files.total).toBe(rawFiles.length);
    expect(stats.files.chars_unaccounted).toBe(0);
  });

  it('writes every stage output valid against its schema', async () => {
    for (const stage of ['extract', 'segment', 'normalize', 'clean', 'dedupe', 'validate']) {
      const rows = await readLines(path.join(out, 'stages', `${stage}.jsonl`));
      expect(rows.length, stage).toBeGreaterThan(0);
      for (const r of rows) expect(check(stage, r), stage).toBeNull();
    }
  });

  it('re-runs with nothing changed from cache, leaving every output byte-identical', async () => {
    const before = await digest(out);
    const mtime = (await stat(path.join(out, 'documents.parquet'))).mtimeMs;
    const again = await runCli(['--raw', 'raw', '--out', out]);
    expect(again.code).toBe(0);
    expect(again.stderr.match(/unchanged \(cached\)/g)?.length).toBe(7);
    expect(await digest(out)).toEqual(before);
    expect((await stat(path.join(out, 'documents.parquet'))).mtimeMs).toBe(mtime);
  });

  it('builds byte-identical outputs in a fresh folder', async () => {
    const other = await tempDir('jw-e2e2-');
    const r = await runCli(['--raw', 'raw', '--out', other, '--quiet']);
    expect(r.code).toBe(0);
    const a = await digest(out);
    const b = await digest(other);
    // Only data and report files are compared (stage metas hold times).
    expect(b).toEqual(a);
  });
});
