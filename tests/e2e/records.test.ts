/**
 * A record file gives the documents its records would give as separate files: the 58-row CSV of speeches
 * (tests/fixtures/records/speeches.csv, `Date,Text`) against the same 58 texts written as .txt files (read out of
 * the CSV with DuckDB's CSV reader, not ours), through the whole pipeline, dedupe included.
 */
import { describe, it, expect } from 'vitest';
import { copyFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { runCli, tempDir, readLines, ROOT } from '../helpers.js';

const CSV = path.join(ROOT, 'tests/fixtures/records/speeches.csv');

interface Row { id: string; title: string | null; subtitle: string | null; text: string; genre: string | null; source_file: string; source_row: number | null; source_format: string; published: string | null; duplicates: number }
const body = (d: Row) => JSON.stringify([d.title, d.subtitle, d.genre, d.text, d.duplicates]);

describe('58 speeches as one CSV and as 58 .txt files', () => {
  it('give the same documents after dedupe, each CSV row with its source_row and date', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    const rows = (await (await con.run(`SELECT "Date", "Text" FROM read_csv('${CSV}', header = true, all_varchar = true)`)).getRows()) as (string | null)[][];
    con.closeSync();
    db.closeSync();
    expect(rows.length).toBe(58);

    const rawCsv = await tempDir('jw-rec-csv-');
    const rawTxt = await tempDir('jw-rec-txt-');
    await copyFile(CSV, path.join(rawCsv, 'speeches.csv'));
    for (let i = 0; i < rows.length; i++) await writeFile(path.join(rawTxt, `speech_${String(i + 1).padStart(2, '0')}.txt`), rows[i]![1]!);
    const outCsv = await tempDir('jw-rec-csv-out-');
    const outTxt = await tempDir('jw-rec-txt-out-');
    const [a, b] = await Promise.all([runCli(['--raw', rawCsv, '--out', outCsv, '--quiet', '--workers', '2']), runCli(['--raw', rawTxt, '--out', outTxt, '--quiet', '--workers', '2'])]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);

    const fromCsv = await readLines<Row>(path.join(outCsv, 'documents.jsonl'));
    const fromTxt = await readLines<Row>(path.join(outTxt, 'documents.jsonl'));
    // Two of the 58 rows repeat earlier speeches: dedupe drops them from both.
    expect(fromCsv.length).toBe(56);
    expect(fromCsv.map(body).sort()).toEqual(fromTxt.map(body).sort());
    expect(fromCsv.every((d) => d.source_file === 'speeches.csv' && d.source_format === 'csv')).toBe(true);
    expect(fromTxt.every((d) => d.source_row === null)).toBe(true);
    // Each document points at its row, and a row's date became its `published`.
    for (const d of fromCsv) {
      const [date, text] = rows[d.source_row! - 1]!;
      expect(text).toContain(d.text.split('\n')[0]!.slice(0, 20));
      if (date) expect(d.published).toBe(date);
    }
    expect(new Set(fromCsv.map((d) => d.id)).size).toBe(56);
    const ledger = await readLines<{ path: string; format: string; detail: string; units: number }>(path.join(outCsv, 'report/ledger.jsonl'));
    expect(ledger).toMatchObject([{ path: 'speeches.csv', format: 'csv', units: 58 }]);
    expect(ledger[0]!.detail).toContain('58 of 58 records used (columns text=Text, date=Date)');
  }, 240_000);
});

describe('record files through the CLI', () => {
  it('Parquet and JSONL (by path), gzipped JSONL and broken record files: documents with source_row/source_url, rejects with reasons; --text-column', async () => {
    const raw = await tempDir('jw-rec-raw-');
    for (const f of ['items.parquet', 'items.jsonl', 'items.jsonl.gz', 'no-text-column.csv', 'truncated.parquet']) await copyFile(path.join(ROOT, 'tests/fixtures/records', f), path.join(raw, f));
    const out = await tempDir('jw-rec-out-');
    const r = await runCli(['--raw', raw, '--out', out, '--quiet', '--workers', '1']);
    expect(r.code, r.stderr).toBe(0);
    const ledger = await readLines<{ path: string; status: string; reason: string | null }>(path.join(out, 'report/ledger.jsonl'));
    expect(ledger.map((l) => [l.path, l.status, l.reason])).toEqual([
      ['items.jsonl', 'ok', null], ['items.jsonl.gz', 'ok', null], ['items.parquet', 'ok', null], ['no-text-column.csv', 'rejected', 'no_text_column'], ['truncated.parquet', 'rejected', 'corrupt_records'],
    ]);
    // The records are too short to publish (clean drops them as too_short): their units carry the new columns.
    const units = await readLines<{ source_file: string; source_row: number; source_url: string | null }>(path.join(out, 'stages/extract.jsonl'));
    // items.jsonl is read from its path line by line, items.jsonl.gz whole: the same records.
    expect(units.map((u) => [u.source_file, u.source_row, u.source_url])).toEqual([
      ['items.jsonl', 1, 'https://example.gov.cn/a1.html'], ['items.jsonl', 4, 'http://example.org/a3'],
      ['items.jsonl.gz', 1, 'https://example.gov.cn/a1.html'], ['items.jsonl.gz', 4, 'http://example.org/a3'],
      ['items.parquet', 1, 'https://example.gov.cn/a1.html'], ['items.parquet', 3, 'http://example.org/a3'],
    ]);
    const dropped = await readLines<{ source_file: string; reason: string }>(path.join(out, 'report/dropped.jsonl'));
    expect(dropped.filter((d) => d.source_file === 'items.parquet').map((d) => d.reason)).toEqual(['too_short', 'too_short']);
    // The column set on the command line: `name` holds the text; the option enters extraction's cache key.
    const again = await runCli(['--raw', raw, '--out', out, '--quiet', '--workers', '1', '--text-column', 'name']);
    expect(again.code, again.stderr).toBe(0);
    const ledger2 = await readLines<{ path: string; status: string; reason: string | null; detail: string }>(path.join(out, 'report/ledger.jsonl'));
    expect(ledger2.find((l) => l.path === 'no-text-column.csv')).toMatchObject({ status: 'ok', detail: '1 of 1 records used (columns text=name)' });
    expect(ledger2.find((l) => l.path === 'items.parquet')).toMatchObject({ status: 'rejected', reason: 'no_text_column' });
    // --id-column: each record's own id as its source_member; a file without that column is rejected, naming it.
    const ids = await runCli(['--raw', raw, '--out', out, '--quiet', '--workers', '1', '--id-column', 'id']);
    expect(ids.code, ids.stderr).toBe(0);
    const units3 = await readLines<{ source_file: string; source_row: number; source_member: string | null }>(path.join(out, 'stages/extract.jsonl'));
    expect(units3.map((u) => [u.source_file, u.source_row, u.source_member])).toEqual([['items.jsonl', 1, 'a1'], ['items.jsonl', 4, 'a3'], ['items.jsonl.gz', 1, 'a1'], ['items.jsonl.gz', 4, 'a3'], ['items.parquet', 1, '1'], ['items.parquet', 3, '3']]);
    const ledger3 = await readLines<{ path: string; status: string; reason: string | null; detail: string }>(path.join(out, 'report/ledger.jsonl'));
    expect(ledger3.find((l) => l.path === 'no-text-column.csv')).toMatchObject({ status: 'rejected', reason: 'missing_column', detail: 'no id column "id"; columns found: "name", "score"' });
    // An empty name is a bad command line: exit 2, nothing run.
    const bad = await runCli(['--raw', raw, '--out', out, '--quiet', '--id-column', '']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--id-column');
  }, 180_000);
});

describe('a WARC through the CLI', () => {
  it('its pages are published with source_url in all four formats; the ledger counts the other records', async () => {
    const raw = await tempDir('jw-warc-raw-');
    await copyFile(path.join(ROOT, 'tests/fixtures/warc/site.warc.gz'), path.join(raw, 'crawl.warc.gz'));
    const out = await tempDir('jw-warc-out-');
    const r = await runCli(['--raw', raw, '--out', out, '--quiet', '--workers', '1']);
    expect(r.code, r.stderr).toBe(0);
    const docs = await readLines<Row & { source_url: string | null; source_member: string | null }>(path.join(out, 'documents.jsonl'));
    const urls = docs.map((d) => d.source_url).sort();
    // Published addresses are masked like paths (lib/pii.ts maskPath): the crawl's host is an IP address.
    expect(urls).toEqual(['http://<IP>:8765/a0.html', 'http://<IP>:8765/a1.html', 'http://<IP>:8765/a2.html', 'http://<IP>:8765/a3.html']);
    expect(docs.every((d) => d.source_file === 'crawl.warc.gz' && d.source_format === 'html' && d.source_row === null)).toBe(true);
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    for (const f of ['documents.parquet', 'documents.csv']) {
      const rows = (await (await con.run(`SELECT source_url, source_row FROM '${path.join(out, f)}' ORDER BY source_url`)).getRows()) as unknown[][];
      expect(rows.map((x) => x[0]), f).toEqual(urls);
      expect(rows.every((x) => x[1] === null), f).toBe(true);
    }
    con.closeSync();
    db.closeSync();
    const arrow = await import('apache-arrow');
    const { readFile } = await import('node:fs/promises');
    const table = arrow.tableFromIPC(await readFile(path.join(out, 'documents.arrow')));
    expect([...table.getChild('source_url')!].map(String).sort()).toEqual(urls);
    const ledger = await readLines<{ path: string; format: string; detail: string }>(path.join(out, 'report/ledger.jsonl'));
    expect(ledger[0]).toMatchObject({ path: 'crawl.warc.gz', format: 'warc' });
    expect(ledger[0]!.detail).toContain('5 HTML pages from 18 records; not used: 7 request');
  }, 120_000);
});
