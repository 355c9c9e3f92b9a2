/**
 * The stage cache: a re-run redoes only the stages whose input, code or configuration changed; the raw files count
 * by content, and a stage file that is no longer exactly as written (size, sha256, rows) makes its stage run again.
 */
import { describe, it, expect } from 'vitest';
import { cp, utimes, appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { runCli, tempDir, ROOT, readLines } from '../helpers.js';

function ranStages(stderr: string): string[] {
  return [...stderr.matchAll(/^\s+(\w+)\s+\d+(?:\/\d+)? items/gm)].map((m) => m[1]!);
}
function cachedStages(stderr: string): string[] {
  return [...stderr.matchAll(/^\s+(\w+)\s+unchanged \(cached\)/gm)].map((m) => m[1]!);
}

describe('stage cache', () => {
  it('keys on content: a touched file reruns nothing; a same-size edit that keeps the mtime reruns every stage, in one first pass', async () => {
    const raw = await tempDir('jw-cache-raw-');
    const out = await tempDir('jw-cache-out-');
    for (const f of ['003_db51f0831cc1980b.txt', '004_91d04d10e2169a48.txt']) await cp(path.join(ROOT, 'raw', f), path.join(raw, f));
    const env = { CI: '' };
    const first = await runCli(['--raw', raw, '--out', out, '--workers', '1'], env);
    expect(first.code).toBe(0);
    expect(cachedStages(first.stderr)).toEqual([]);

    const file = path.join(raw, '003_db51f0831cc1980b.txt');
    const t = new Date('2020-01-01T00:00:00Z');
    await utimes(file, t, t);
    const touched = await runCli(['--raw', raw, '--out', out, '--workers', '1'], env);
    expect(touched.code).toBe(0);
    expect(ranStages(touched.stderr)).toEqual([]);
    expect(cachedStages(touched.stderr)).toEqual(['extract', 'segment', 'normalize', 'clean', 'dedupe', 'validate', 'export']);

    // The same number of bytes, the same mtime: only the content says it changed.
    const text = await readFile(file, 'utf8');
    const word = '坚持';
    expect(text).toContain(word);
    const edited = text.replace(word, '深化');
    expect(Buffer.byteLength(edited)).toBe(Buffer.byteLength(text));
    await writeFile(file, edited);
    await utimes(file, t, t);
    const again = await runCli(['--raw', raw, '--out', out, '--workers', '1'], env);
    expect(again.code).toBe(0);
    expect(cachedStages(again.stderr)).toEqual([]);
    // Every stage ran, pass 1 whole (not one pass per stage).
    const timings = JSON.parse(await readFile(path.join(out, 'report/timings.json'), 'utf8')) as { passes: { stages: string[] }[] };
    expect(timings.passes[0]!.stages).toEqual(['extract', 'segment', 'normalize', 'clean']);
    const ledger = await readLines<{ path: string; sha256: string }>(path.join(out, 'report/ledger.jsonl'));
    expect(ledger.find((r) => r.path === '003_db51f0831cc1980b.txt')!.sha256).toBe(createHash('sha256').update(edited).digest('hex'));
    const docs = await readLines<{ text: string; source_sha256: string }>(path.join(out, 'documents.jsonl'));
    expect(docs.some((d) => d.text.includes('深化'))).toBe(true);

    // And a real edit reruns them too.
    await appendFile(file, '\n新增的一段正文，用来检验缓存会重新运行后续各个阶段。\n');
    const appended = await runCli(['--raw', raw, '--out', out, '--workers', '1'], env);
    expect(appended.code).toBe(0);
    expect(cachedStages(appended.stderr)).toEqual([]);
    const docs2 = await readLines<{ text: string }>(path.join(out, 'documents.jsonl'));
    expect(docs2.some((d) => d.text.includes('新增的一段正文'))).toBe(true);
    expect((await readLines(path.join(out, 'report/ledger.jsonl')))).toHaveLength(2);
  });

  it.each([
    ['truncated', (b: Buffer) => b.subarray(0, Math.floor(b.length / 2))],
    ['altered, same size', (b: Buffer) => { const c = Buffer.from(b); const i = c.indexOf('"text":"') + 8; c[i] = c[i] === 0x41 ? 0x42 : 0x41; return c; }],
    ['a row removed', (b: Buffer) => b.subarray(0, b.lastIndexOf(10, b.length - 2) + 1)],
  ])('a stage file %s is never accepted: the stage runs again and the outputs are whole', async (_n, damage) => {
    const raw = await tempDir('jw-stale-raw-');
    const out = await tempDir('jw-stale-out-');
    for (const f of ['002_88c59f0990eab488.txt', '003_db51f0831cc1980b.txt']) await cp(path.join(ROOT, 'raw', f), path.join(raw, f));
    const env = { CI: '' };
    expect((await runCli(['--raw', raw, '--out', out, '--workers', '1'], env)).code).toBe(0);
    const before = await Promise.all(['documents.jsonl', 'report/stats.json', 'report/ledger.jsonl'].map((f) => readFile(path.join(out, f))));
    const file = path.join(out, 'stages/normalize.jsonl');
    await writeFile(file, damage(await readFile(file)));
    const again = await runCli(['--raw', raw, '--out', out, '--workers', '1'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/normalize: cached output no longer as written \(stages\/normalize\.jsonl: /);
    expect(cachedStages(again.stderr)).toEqual(['extract', 'segment', 'clean', 'dedupe', 'validate', 'export']);
    expect(ranStages(again.stderr)).toEqual(['normalize']);
    const after = await Promise.all(['documents.jsonl', 'report/stats.json', 'report/ledger.jsonl'].map((f) => readFile(path.join(out, f))));
    after.forEach((b, i) => expect(b.equals(before[i]!)).toBe(true));
  });

  it('fuses the stages that must run into passes; a stage that must run joins the pass before it, the rest stays cached', async () => {
    const raw = await tempDir('jw-fuse-raw-');
    const out = await tempDir('jw-fuse-out-');
    for (const f of ['002_88c59f0990eab488.txt', '003_db51f0831cc1980b.txt']) await cp(path.join(ROOT, 'raw', f), path.join(raw, f));
    const env = { CI: '' };
    const first = await runCli(['--raw', raw, '--out', out, '--workers', '2'], env);
    expect(first.code).toBe(0);
    const timings = JSON.parse(await readFile(path.join(out, 'report/timings.json'), 'utf8')) as { passes: { stages: string[] }[]; seconds: Record<string, number> };
    expect(timings.passes.map((p) => p.stages)).toEqual([['extract', 'segment', 'normalize', 'clean'], ['dedupe', 'validate', 'export']]);
    expect(Object.keys(timings.seconds).sort()).toEqual(['clean', 'dedupe', 'export', 'extract', 'normalize', 'segment', 'validate']);
    // validate's meta records its longest output line (what sizes DuckDB's read buffer for the Parquet file).
    const rows = (await readFile(path.join(out, 'documents.jsonl'), 'utf8')).split('\n').filter(Boolean);
    const validateMeta = JSON.parse(await readFile(path.join(out, 'stages/validate.meta.json'), 'utf8')) as { longest_line_units: number };
    expect(validateMeta.longest_line_units).toBe(Math.max(...rows.map((l) => l.length)));
    const before = await Promise.all(['documents.jsonl', 'documents.parquet', 'report/stats.json', 'stages/dedupe.jsonl'].map((f) => readFile(path.join(out, f))));

    // As if dedupe's and validate's code had changed: both must run, in one pass; the export's input is unchanged.
    await rm(path.join(out, 'stages/dedupe.meta.json'));
    await rm(path.join(out, 'stages/validate.meta.json'));
    const again = await runCli(['--raw', raw, '--out', out, '--workers', '2'], env);
    expect(again.code).toBe(0);
    expect(cachedStages(again.stderr)).toEqual(['extract', 'segment', 'normalize', 'clean', 'export']);
    expect(again.stderr).toMatch(/^\s+dedupe\+validate\s+\d+\/\d+ items/m);
    const after = await Promise.all(['documents.jsonl', 'documents.parquet', 'report/stats.json', 'stages/dedupe.jsonl'].map((f) => readFile(path.join(out, f))));
    after.forEach((b, i) => expect(b.equals(before[i]!)).toBe(true));
  });

  it('writes the same report when some stages ran and others were cached (removed characters per file)', async () => {
    const raw = await tempDir('jw-mixed-raw-');
    const out = await tempDir('jw-mixed-out-');
    for (const f of ['000_942d9b07ec54e766.txt', '002_88c59f0990eab488.txt']) await cp(path.join(ROOT, 'raw', f), path.join(raw, f));
    const env = { CI: '' };
    expect((await runCli(['--raw', raw, '--out', out, '--workers', '2'], env)).code).toBe(0);
    const files = ['report/ledger.jsonl', 'report/removed.jsonl', 'report/dropped.jsonl', 'report/stats.json'];
    const before = await Promise.all(files.map((f) => readFile(path.join(out, f), 'utf8')));
    // The ledger sums removed characters per file: from the run for the stages that ran (dedupe, validate), from the
    // removed files for the cached ones (segment, normalize, clean), which remove most of them.
    const ledger = before[0]!.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { chars_removed: number; chars_unaccounted: number });
    expect(ledger.every((r) => r.chars_removed > 0 && r.chars_unaccounted === 0)).toBe(true);
    for (const s of ['dedupe', 'validate', 'export']) await rm(path.join(out, `stages/${s}.meta.json`));
    const again = await runCli(['--raw', raw, '--out', out, '--workers', '2'], env);
    expect(again.code).toBe(0);
    expect(cachedStages(again.stderr)).toEqual(['extract', 'segment', 'normalize', 'clean']);
    const after = await Promise.all(files.map((f) => readFile(path.join(out, f), 'utf8')));
    after.forEach((t, i) => expect(t).toBe(before[i]!));
  });
});
