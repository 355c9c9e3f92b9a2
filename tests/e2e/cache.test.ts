/**
 * The stage cache: a re-run redoes only the stages whose input, code or configuration changed.
 */
import { describe, it, expect } from 'vitest';
import { cp, utimes, appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, tempDir, ROOT, readLines } from '../helpers.js';

function ranStages(stderr: string): string[] {
  return [...stderr.matchAll(/^\s+(\w+)\s+\d+(?:\/\d+)? items/gm)].map((m) => m[1]!);
}
function cachedStages(stderr: string): string[] {
  return [...stderr.matchAll(/^\s+(\w+)\s+unchanged \(cached\)/gm)].map((m) => m[1]!);
}

describe('stage cache', () => {
  it('re-extracts a touched file but, its text unchanged, reuses every later stage; a real edit reruns them', async () => {
    const raw = await tempDir('jw-cache-raw-');
    const out = await tempDir('jw-cache-out-');
    for (const f of ['003_db51f0831cc1980b.txt', '004_91d04d10e2169a48.txt']) await cp(path.join(ROOT, 'raw', f), path.join(raw, f));
    const env = { CI: '' };
    const first = await runCli(['--raw', raw, '--out', out, '--workers', '1'], env);
    expect(first.code).toBe(0);
    expect(cachedStages(first.stderr)).toEqual([]);

    const t = new Date('2020-01-01T00:00:00Z');
    await utimes(path.join(raw, '003_db51f0831cc1980b.txt'), t, t);
    const touched = await runCli(['--raw', raw, '--out', out, '--workers', '1'], env);
    expect(touched.code).toBe(0);
    expect(ranStages(touched.stderr)).toEqual(['extract']);
    expect(cachedStages(touched.stderr)).toEqual(['segment', 'normalize', 'clean', 'dedupe', 'validate', 'export']);

    await appendFile(path.join(raw, '003_db51f0831cc1980b.txt'), '\n新增的一段正文，用来检验缓存会重新运行后续各个阶段。\n');
    const edited = await runCli(['--raw', raw, '--out', out, '--workers', '1'], env);
    expect(edited.code).toBe(0);
    expect(cachedStages(edited.stderr)).toEqual([]);
    const docs = await readLines<{ text: string }>(path.join(out, 'documents.jsonl'));
    expect(docs.some((d) => d.text.includes('新增的一段正文'))).toBe(true);
    const ledger = await readFile(path.join(out, 'report/ledger.jsonl'), 'utf8');
    expect(ledger.split('\n').filter(Boolean)).toHaveLength(2);
  });
});
