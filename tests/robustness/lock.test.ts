/**
 * One run per OUT: a second run while one runs stops at once with exit 2 and a clear message; a lock left by a
 * killed holder (or naming a recycled pid) is taken over; two runs started together never both proceed.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync } from 'node:fs';
import { readFile, writeFile, mkdir, readdir } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { acquireLock } from '../../pipeline/lib/lock.js';
import { PipelineError } from '../../pipeline/lib/errors.js';
import { bigRaw, cli, startCli, tempDir, ROOT, type RunResult } from './util.js';

let tmp = '';
let raw = '';

/** A pid that is certainly not running: a child that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

async function until(cond: () => boolean, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

beforeAll(async () => {
  tmp = await tempDir('jw-lock-');
  raw = path.join(tmp, 'raw');
  await bigRaw(raw, 2);
});

describe('lock (in process)', () => {
  it('refuses a lock held by a live process, with a message naming it', async () => {
    const out = path.join(tmp, 'live');
    await mkdir(out);
    await writeFile(path.join(out, '.lock'), `${process.ppid}\n`);
    const err = await acquireLock(out).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipelineError);
    expect((err as PipelineError).code).toBe('locked');
    expect((err as Error).message).toBe(`another run (pid ${process.ppid}) is writing ${out}; wait for it to finish or use another OUT`);
  });

  it.each([
    ['a dead pid', () => `${deadPid()}\n`],
    ['a recycled pid (alive, but started at another time)', () => `${process.ppid} 1\n`],
    ['garbage', () => 'not a pid'],
    ['an empty file', () => ''],
  ])('takes over a lock naming %s, and releases it', async (_n, content) => {
    const out = await tempDir('jw-lock1-');
    await writeFile(path.join(out, '.lock'), content());
    const release = await acquireLock(out);
    expect((await readFile(path.join(out, '.lock'), 'utf8')).split(' ')[0]!.trim()).toBe(String(process.pid));
    await release();
    expect(existsSync(path.join(out, '.lock'))).toBe(false);
    expect(await readdir(out)).toEqual([]);
  });

  it('removes temporary files a killed run left, and only those', async () => {
    const out = await tempDir('jw-lock2-');
    await mkdir(path.join(out, 'stages'));
    for (const f of ['.documents.csv.999999.tmp', 'stages/.clean.jsonl.999999.tmp', 'stages/clean.jsonl', 'keep.tmp']) await writeFile(path.join(out, f), 'x');
    const release = await acquireLock(out);
    await release();
    expect((await readdir(out)).sort()).toEqual(['keep.tmp', 'stages']);
    expect(await readdir(path.join(out, 'stages'))).toEqual(['clean.jsonl']);
  });
});

describe('lock (real runs)', () => {
  it('a second run on the same OUT stops at once with exit 2; the first finishes and releases the lock', async () => {
    const out = path.join(tmp, 'out1');
    const first = startCli(['--raw', raw, '--out', out, '--quiet']);
    await until(() => existsSync(path.join(out, '.lock')));
    const second = await cli(['--raw', raw, '--out', out, '--quiet']);
    const a = await first.done;
    expect(a.code, a.stderr).toBe(0);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`jingwen: locked: another run (pid ${first.child.pid}) is writing ${out}`);
    expect(existsSync(path.join(out, '.lock'))).toBe(false);
  });

  it('make release holds OUT\'s lock from before its pipeline until the release is in place; a run meanwhile is refused', async () => {
    const out = path.join(tmp, 'out-release');
    const release = startCli(['--version', '0.1.0', '--raw', raw, '--out', out, '--quiet'], { script: path.join(ROOT, 'pipeline/release/release.ts'), env: { SOURCE_DATE_EPOCH: '1700000000' } });
    const seen: (string | null)[] = [];
    let exited = false;
    void release.done.then(() => (exited = true));
    let other: Promise<RunResult> | null = null;
    // Every 10 ms, what OUT/.lock holds; as soon as the release holds it, a run starts on the same OUT (it reaches
    // the lock seconds later, while the release's pipeline runs or while the release reads its outputs).
    while (!exited) {
      const c = await readFile(path.join(out, '.lock'), 'utf8').catch(() => null);
      seen.push(c);
      if (!other && c !== null) other = cli(['--raw', raw, '--out', out, '--quiet']);
      await new Promise((r) => setTimeout(r, 10));
    }
    const r = await release.done;
    expect(r.code, r.stderr).toBe(0);
    expect(other).not.toBeNull();
    const o = await other!;
    expect(o.code).toBe(2);
    expect(o.stderr).toContain(`jingwen: locked: another run (pid ${release.child.pid}) is writing ${out}`);
    // One holder, the release, from the first sight of the lock to the end: never the pipeline's own, never absent.
    // (After it releases the lock, the release process takes a moment to exit: the polls then see none.)
    const first = seen.findIndex((c) => c !== null);
    const last = seen.length - 1 - [...seen].reverse().findIndex((c) => c !== null);
    const held = seen.slice(first, last + 1);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(held.length).toBeGreaterThan(0);
    expect(new Set(held).size, [...new Set(held)].join(' | ')).toBe(1);
    expect(held[0]!.split(' ')[0]!.trim()).toBe(String(release.child.pid));
    expect(existsSync(path.join(out, '.lock'))).toBe(false);
  }, 600_000);

  it('a lock left by a run killed with SIGKILL is taken over by the next run', async () => {
    const out = path.join(tmp, 'out2');
    const run = startCli(['--raw', raw, '--out', out, '--quiet']);
    await until(() => existsSync(path.join(out, '.lock')));
    run.child.kill('SIGKILL');
    await run.done;
    expect((await readFile(path.join(out, '.lock'), 'utf8')).split(' ')[0]!.trim()).toBe(String(run.child.pid));
    const next = await cli(['--raw', raw, '--out', out, '--quiet']);
    expect(next.code, next.stderr).toBe(0);
    expect(existsSync(path.join(out, '.lock'))).toBe(false);
  });

  it('of two runs started together on one OUT, exactly one proceeds', async () => {
    const out = path.join(tmp, 'out3');
    const [a, b] = await Promise.all([cli(['--raw', raw, '--out', out, '--quiet']), cli(['--raw', raw, '--out', out, '--quiet'])]);
    expect([a.code, b.code].sort()).toEqual([0, 2]);
  });
});
