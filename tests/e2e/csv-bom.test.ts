/**
 * `--csv-bom` (#25): documents.csv starts with a UTF-8 BOM, so Excel in a Chinese locale opens it as UTF-8 instead
 * of garbling it; by default there is none, so pandas and DuckDB read the same bytes as ever. Toggling it re-runs
 * only the export, and every other output stays byte-identical.
 */
import { describe, it, expect } from 'vitest';
import { cp, readFile } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { runCli, tempDir, ROOT } from '../helpers.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const cachedStages = (stderr: string) => [...stderr.matchAll(/^\s+(\w+)\s+unchanged \(cached\)/gm)].map((m) => m[1]!);

describe('--csv-bom', () => {
  it('adds a BOM to documents.csv only, re-running only the export; DuckDB still reads the header', async () => {
    const raw = await tempDir('jw-bom-raw-');
    const out = await tempDir('jw-bom-out-');
    await cp(path.join(ROOT, 'raw/004_91d04d10e2169a48.txt'), path.join(raw, 'a.txt'));
    const env = { CI: '' };
    const plain = await runCli(['--raw', raw, '--out', out, '--workers', '1'], env);
    expect(plain.code, plain.stderr).toBe(0);
    const files = ['documents.jsonl', 'documents.arrow', 'documents.parquet', 'report/stats.json'];
    const before = await Promise.all(files.map((f) => readFile(path.join(out, f))));
    const csv = await readFile(path.join(out, 'documents.csv'));
    expect(csv.subarray(0, 3).equals(BOM)).toBe(false);
    expect(csv.subarray(0, 5).toString()).toBe('"id",');

    const bom = await runCli(['--raw', raw, '--out', out, '--workers', '1', '--csv-bom'], env);
    expect(bom.code, bom.stderr).toBe(0);
    expect(cachedStages(bom.stderr)).toEqual(['extract', 'segment', 'normalize', 'clean', 'dedupe', 'validate']);
    const withBom = await readFile(path.join(out, 'documents.csv'));
    expect(withBom.equals(Buffer.concat([BOM, csv]))).toBe(true);
    const after = await Promise.all(files.map((f) => readFile(path.join(out, f))));
    after.forEach((b, i) => expect(b.equals(before[i]!), files[i]).toBe(true));

    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    try {
      const rows = (await con.runAndReadAll(`SELECT * FROM read_csv('${path.join(out, 'documents.csv')}', header=true) LIMIT 1`)).getRowObjectsJS();
      expect(Object.keys(rows[0]!)[0]).toBe('id');
    } finally {
      con.closeSync();
      db.closeSync();
    }

    const back = await runCli(['--raw', raw, '--out', out, '--workers', '1'], env);
    expect(back.code).toBe(0);
    expect((await readFile(path.join(out, 'documents.csv'))).equals(csv)).toBe(true);
  });
});
