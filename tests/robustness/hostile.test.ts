/**
 * The hostile corpus of issue #23 (tests/fixtures/hostile/generate.ts: huge lines, zips built to exhaust memory,
 * quadratic HTML, file-system tricks, colliding names) through the real pipeline, as `make dataset` runs it, with a
 * small per-file budget so that the files whose cost depends on the machine are stopped quickly: the run completes,
 * every raw entry has exactly one ledger row with an allowed outcome, peak RSS (all threads) stays under 1.5 GB, and
 * no file costs more than its budget (the run's wall time is bounded by the budgets it spent).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import path from 'node:path';
import { generateHostileCorpus, type HostileFile } from '../fixtures/hostile/generate.js';
import { readLines } from '../helpers.js';
import { cli, tempDir, type RunResult } from './util.js';

type Row = { path: string; status: string; reason: string | null; detail: string | null };

/** Budget of the run: small, so that the huge files are stopped after a few seconds each. */
const SECONDS = 10;
const HEAP_MB = 512;
const WORKERS = 2;

let files: HostileFile[] = [];
let run: RunResult;
let ledger: Row[] = [];

beforeAll(async () => {
  const tmp = await tempDir('jw-hostile-');
  const raw = path.join(tmp, 'raw');
  const t0 = performance.now();
  files = await generateHostileCorpus(raw);
  const made = (performance.now() - t0) / 1000;
  run = await cli(['--raw', raw, '--out', path.join(tmp, 'out'), '--workers', String(WORKERS), '--file-seconds', String(SECONDS), '--file-heap-mb', String(HEAP_MB), '--quiet']);
  ledger = await readLines<Row>(path.join(tmp, 'out/report/ledger.jsonl')).catch(() => []);
  console.log(`hostile corpus: ${files.length} files generated in ${made.toFixed(1)} s; run: exit ${run.code}, peak RSS ${run.peakMb} MiB, ${run.seconds.toFixed(1)} s\n` +
    ledger.map((r) => `  ${r.path.slice(0, 60).padEnd(60)} ${r.status} ${r.reason ?? ''} ${(r.detail ?? '').slice(0, 90)}`).join('\n'));
}, 1_200_000);

describe('hostile corpus (issue #23)', () => {
  it('has at least 25 hostile files', () => expect(files.length).toBeGreaterThanOrEqual(25));

  it('runs to completion (exit 0, no internal error)', () => {
    expect(run.stderr).not.toMatch(/internal error/);
    expect(run.code).toBe(0);
  });

  it('gives every raw entry exactly one ledger row, with an allowed outcome', () => {
    expect(ledger.length).toBe(files.length);
    expect(new Set(ledger.map((r) => r.path)).size).toBe(ledger.length);
    for (const f of files) {
      const rows = ledger.filter((r) => (f.rel.endsWith('/') ? r.path.startsWith(f.rel) : r.path === f.rel));
      expect(rows.length, f.rel).toBe(1);
      expect(f.allowed, `${f.rel}: ${rows[0]!.status} ${rows[0]!.reason} (${rows[0]!.detail})`).toContain(`${rows[0]!.status} ${rows[0]!.reason ?? '-'}`);
    }
  });

  it('says why in every rejected row', () => {
    for (const r of ledger.filter((x) => x.status !== 'ok')) expect(r.reason, r.path).toMatch(/^[a-z_]+$/);
  });

  it('keeps peak memory under 1.5 GB (all threads)', () => {
    expect(run.peakMb).not.toBeNull();
    expect(run.peakMb!).toBeLessThan(1536);
  });

  it('spends no more than each file\'s budget: the stopped files cost their budget, not more', () => {
    const stopped = ledger.filter((r) => r.reason === 'timeout' || r.reason === 'resource_limit');
    // Every stopped file costs at most its budget (and the watchdog's 100 ms tick); the rest of the run is the
    // ordinary work of the other files, a minute at most on a loaded CI machine. A file that ran unbounded (the
    // issue's cases took 51–145 s each, or never ended) would break this.
    expect(run.seconds).toBeLessThan(stopped.length * (SECONDS + 1) + 120);
    for (const r of ledger.filter((x) => x.reason === 'timeout')) expect(r.detail).toBe(`extraction and stages ran past the budget of ${SECONDS} s`);
  });
});
