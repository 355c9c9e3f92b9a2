/**
 * Crash safety: real runs killed with SIGKILL at several points (while extracting, in a per-record stage, in
 * dedupe, while exporting, while writing the report) leave every output either as the previous run's complete
 * file or the new run's complete file — never a half file that looks whole — and the next run completes with
 * outputs byte-identical to an uninterrupted run.
 *
 * Kill points are events seen in OUT (a stage's temporary file appearing), not delays, so they hold on a loaded
 * machine. The corpus is raw/ copied with variations (bigRaw), v1 then v2 (every file changed).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { cp, readFile, readdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import { pathToFileURL } from 'node:url';
import { bigRaw, cli, digest, tempDir, ROOT } from './util.js';

let tmp = '';
let rawV1 = '';
let rawV2 = '';
let refA: Record<string, string> = {};
let refB: Record<string, string> = {};
let outA = '';
let writes = '';
/** A preload that logs every path the run opens for writing. */
const RECORD = pathToFileURL(path.join(ROOT, 'tests/robustness/record-writes.mjs')).href;
/** A preload that SIGKILLs the run right after a given file is renamed into place. */
const KILL_AFTER = pathToFileURL(path.join(ROOT, 'tests/robustness/kill-after-rename.mjs')).href;
/** A preload that SIGKILLs the run while it writes a temporary file whose name matches a pattern. */
const KILL_AT_WRITE = pathToFileURL(path.join(ROOT, 'tests/robustness/kill-at-write.mjs')).href;

const sha = async (f: string) => createHash('sha256').update(await readFile(f)).digest('hex');

/** Every data, report and stage file present is, byte for byte, one of the given complete versions, and parses. */
async function checkWhole(out: string, versions: Record<string, string>[]): Promise<void> {
  const now = await digest(out);
  for (const [rel, h] of Object.entries(now)) {
    if (/(^|\/)\.[^/]+\.\d+\.tmp$/.test(rel)) continue; // a temporary name: never mistaken for an output
    expect(versions.some((v) => v[rel] === h), `${rel} is not a complete version`).toBe(true);
  }
  // And the formats' own readers take what is there.
  for (const rel of Object.keys(now).filter((r) => r.endsWith('.jsonl'))) {
    const text = await readFile(path.join(out, rel), 'utf8');
    expect(text === '' || text.endsWith('\n'), rel).toBe(true);
    for (const line of text.split('\n').filter(Boolean)) JSON.parse(line);
  }
  const names = await readdir(out);
  if (names.includes('documents.arrow')) tableFromIPC(await readFile(path.join(out, 'documents.arrow')));
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try {
    if (names.includes('documents.parquet')) await con.runAndReadAll(`SELECT count(*) FROM read_parquet('${path.join(out, 'documents.parquet')}')`);
    if (names.includes('documents.csv')) await con.runAndReadAll(`SELECT count(*) FROM read_csv('${path.join(out, 'documents.csv')}', header=true, all_varchar=true)`);
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

/**
 * Stage files agree with their metas: the output each meta vouches for is the one on disk. (extract's hash also
 * covers its file rows, interleaved, so it is not a file hash: left out.)
 */
async function metasMatch(out: string): Promise<void> {
  const dir = path.join(out, 'stages');
  for (const f of (await readdir(dir)).filter((n) => n.endsWith('.meta.json') && n !== 'export.meta.json' && n !== 'extract.meta.json')) {
    const meta = JSON.parse(await readFile(path.join(dir, f), 'utf8')) as { stage: string; output_sha256: string };
    expect(await sha(path.join(dir, `${meta.stage}.jsonl`)), f).toBe(meta.output_sha256);
  }
}

beforeAll(async () => {
  tmp = await tempDir('jw-crash-');
  rawV1 = path.join(tmp, 'raw1');
  rawV2 = path.join(tmp, 'raw2');
  await bigRaw(rawV1, 2);
  await bigRaw(rawV2, 2, '（修订）');
  outA = path.join(tmp, 'A');
  const outB = path.join(tmp, 'B');
  writes = path.join(tmp, 'writes.log');
  const [a, b] = await Promise.all([
    cli(['--raw', rawV1, '--out', outA, '--quiet'], { env: { NODE_OPTIONS: `--import ${RECORD}`, JW_WRITES_FILE: writes } }),
    cli(['--raw', rawV2, '--out', outB, '--quiet']),
  ]);
  expect(a.code, a.stderr).toBe(0);
  expect(b.code, b.stderr).toBe(0);
  console.log(`uninterrupted runs: ${a.seconds.toFixed(1)} s and ${b.seconds.toFixed(1)} s (in parallel); peak RSS ${a.peakMb} MiB`);
  refA = await digest(outA);
  refB = await digest(outB);
  expect(refA['documents.jsonl']).not.toBe(refB['documents.jsonl']);
});

describe('SIGKILL at any point', () => {
  it('writes every file under a temporary name (renamed into place), inside OUT only', async () => {
    // tsx's own compile cache (TMPDIR/tsx-<uid>/) is the loader's, not the pipeline's.
    const paths = (await readFile(writes, 'utf8')).split('\n').filter(Boolean).map((l) => l.split('\t')[1]!).filter((p) => !/[\\/]tsx-\d+[\\/]/.test(p));
    expect(paths.length).toBeGreaterThan(20);
    for (const p of paths) {
      expect(p.startsWith(outA + path.sep), p).toBe(true);
      expect(path.basename(p), p).toMatch(/^\..+\.\d+\.tmp$/);
    }
  });

  it('uninterrupted runs leave stage files that match their metas', async () => {
    await metasMatch(outA);
  });

  it('a fresh OUT killed while extracting holds only complete files of the new run', async () => {
    const out = path.join(tmp, 'fresh');
    const res = await cli(['--raw', rawV2, '--out', out, '--quiet'], { env: { NODE_OPTIONS: `--import ${KILL_AT_WRITE}`, JW_KILL_AT_WRITE: '^\\.extract\\.jsonl\\.' } });
    expect(res.signal, res.stderr).toBe('SIGKILL');
    await checkWhole(out, [refB]);
    await rm(out, { recursive: true, force: true });
  });

  it('killed at five points in turn over a previous complete OUT: every file is old-complete or new-complete; the next run matches', async () => {
    const out = path.join(tmp, 'chain');
    await cp(outA, out, { recursive: true });
    // Each run is killed by a preload while it writes the named temporary file (half of it on disk): deterministic,
    // whatever the machine's speed. Each later run redoes what the killed one left unfinished, then dies further on.
    const points: [string, string][] = [
      ['extract', '^\\.extract\\.jsonl\\.'],
      ['normalize', '^\\.normalize\\.jsonl\\.'],
      ['dedupe', '^\\.dedupe\\.'],
      ['export data', '^\\.documents\\.(csv|arrow)\\.'],
      ['export report', '^\\.(ledger|stats|removed)\\.'],
    ];
    for (const [label, pattern] of points) {
      const res = await cli(['--raw', rawV2, '--out', out, '--quiet'], { env: { NODE_OPTIONS: `--import ${KILL_AT_WRITE}`, JW_KILL_AT_WRITE: pattern } });
      expect(res.signal ?? res.code, `${label}: the run was not killed while writing (${res.stderr})`).toBe('SIGKILL');
      await checkWhole(out, [refA, refB]);
      // OUT says it may hold files of two runs.
      expect(existsSync(path.join(out, '.incomplete')), label).toBe(true);
    }
    const last = await cli(['--raw', rawV2, '--out', out, '--quiet']);
    expect(last.code, last.stderr).toBe(0);
    expect(existsSync(path.join(out, '.incomplete'))).toBe(false);
    expect(await digest(out)).toEqual(refB);
    await metasMatch(out);
    // Whoever took the lock next removed the temporary files the killed runs left.
    expect((await readdir(path.join(out, 'stages'))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  // runner-requests.md R5: a kill between `<stage>.jsonl` being renamed into place and `<stage>.meta.json` being
  // written must not leave an old meta vouching for the new file (metas are removed before a stage writes).
  it.concurrent.each([['segment.jsonl'], ['documents.csv'], ['stats.json']])(
    'killed right after %s is renamed into place, then run on the previous raw: the previous outputs exactly',
    async (file) => {
      const out = path.join(tmp, `commit-${file}`);
      await cp(outA, out, { recursive: true });
      const killed = await cli(['--raw', rawV2, '--out', out, '--quiet'], { env: { NODE_OPTIONS: `--import ${KILL_AFTER}`, JW_KILL_AFTER: file } });
      expect(killed.signal).toBe('SIGKILL');
      await checkWhole(out, [refA, refB]);
      // Back to v1 (a reverted edit): nothing of the killed v2 run may be taken for v1's.
      const r = await cli(['--raw', rawV1, '--out', out, '--quiet']);
      expect(r.code, r.stderr).toBe(0);
      await metasMatch(out);
      expect(await digest(out)).toEqual(refA);
    },
  );
});
