/**
 * A copy of a seed saved in another encoding (GB18030, Big5, UTF-16) or in Traditional script is recognised as the
 * same document by the whole chain — detected, decoded, normalised, and dropped by dedupe with `dup_of` the original.
 */
import { describe, it, expect } from 'vitest';
import { readFile, writeFile, copyFile } from 'node:fs/promises';
import path from 'node:path';
import iconv from 'iconv-lite';
import * as OpenCC from 'opencc-js';
import { runCli, tempDir, readLines, ROOT } from '../helpers.js';

const SEED = '003_db51f0831cc1980b.txt';

describe('copies in other encodings and scripts', () => {
  it('are dropped as duplicates of the UTF-8 original, each encoding recorded in the ledger', async () => {
    const raw = await tempDir('jw-enc-raw-');
    const out = await tempDir('jw-enc-out-');
    const text = await readFile(path.join(ROOT, 'raw', SEED), 'utf8');
    await copyFile(path.join(ROOT, 'raw', SEED), path.join(raw, 'a_original.txt'));
    await writeFile(path.join(raw, 'b_gb18030.txt'), iconv.encode(text, 'gb18030'));
    await writeFile(path.join(raw, 'c_utf16.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')]));
    const hant = OpenCC.Converter({ from: 'cn', to: 'tw' })(text);
    await writeFile(path.join(raw, 'd_big5_traditional.txt'), iconv.encode(hant, 'big5'));
    const r = await runCli(['--raw', raw, '--out', out, '--quiet']);
    expect(r.code, r.stderr).toBe(0);

    const ledger = await readLines<{ path: string; encoding: string }>(path.join(out, 'report/ledger.jsonl'));
    expect(Object.fromEntries(ledger.map((l) => [l.path, l.encoding]))).toEqual({
      'a_original.txt': 'utf-8', 'b_gb18030.txt': 'gb18030', 'c_utf16.txt': 'utf-16le', 'd_big5_traditional.txt': 'big5',
    });
    const docs = await readLines<{ id: string; source_file: string; duplicates: number }>(path.join(out, 'documents.jsonl'));
    expect(docs.map((d) => d.source_file)).toEqual(['a_original.txt']);
    expect(docs[0]!.duplicates).toBe(3);
    const dups = await readLines<{ source_file: string; dup_of: string; similarity: number }>(path.join(out, 'report/duplicates.jsonl'));
    expect(dups.map((d) => d.source_file).sort()).toEqual(['b_gb18030.txt', 'c_utf16.txt', 'd_big5_traditional.txt']);
    for (const d of dups) {
      expect(d.dup_of).toBe(docs[0]!.id);
      expect(d.similarity).toBeGreaterThanOrEqual(0.7);
    }
  });
});
