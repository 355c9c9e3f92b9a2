/**
 * A raw file's units in chunks (worker.ts runStreamed) on real pool threads: with chunks of 3 units, a web archive,
 * a CSV of 58 speeches and a Parquet file each span several chunks, and the outputs are byte-identical to a run
 * with the default chunk (each of these files whole) for 1, 2 and 3 workers.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { cli, digest, tempDir, ROOT, type RunResult } from './util.js';

let raw = '';
let tmp = '';
const runs: Record<string, RunResult> = {};
const digests: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  tmp = await tempDir('jw-chunks-');
  raw = path.join(tmp, 'raw');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(raw);
  await copyFile(path.join(ROOT, 'tests/fixtures/warc/site.warc.gz'), path.join(raw, 'b-site.warc.gz'));
  await copyFile(path.join(ROOT, 'tests/fixtures/records/speeches.csv'), path.join(raw, 'c-speeches.csv'));
  await copyFile(path.join(ROOT, 'tests/fixtures/records/items.parquet'), path.join(raw, 'd-items.parquet'));
  await copyFile(path.join(ROOT, 'raw/003_db51f0831cc1980b.txt'), path.join(raw, 'a.txt'));
  await copyFile(path.join(ROOT, 'raw/004_91d04d10e2169a48.txt'), path.join(raw, 'e.txt'));
  const cases: Record<string, string[]> = { whole: ['--workers', '1'], w1: ['--workers', '1', '--chunk-units', '3'], w2: ['--workers', '2', '--chunk-units', '3'], w3: ['--workers', '3', '--chunk-units', '3'] };
  // One after the other: two cores shared with the rest of the suite.
  for (const [name, args] of Object.entries(cases)) {
    runs[name] = await cli(['--raw', raw, '--out', path.join(tmp, `out-${name}`), '--quiet', ...args], { env: { TZ: 'UTC' } });
    digests[name] = await digest(path.join(tmp, `out-${name}`));
  }
}, 300_000);

describe('a raw file\'s units in chunks, on pool threads', () => {
  it('every run finishes', () => {
    for (const [name, r] of Object.entries(runs)) expect(r.code, `${name}: ${r.stderr}`).toBe(0);
    expect(Object.keys(digests['whole']!)).toContain('documents.parquet');
  });
  it.each(['w1', 'w2', 'w3'])('%s with chunks of 3 units: the outputs of the run without chunks', (name) => {
    expect(digests[name]).toEqual(digests['whole']);
  });
});
