/**
 * `make clean` (pipeline/clean.ts, pipeline/lib/outdir.ts): removes only what runs wrote, only in a folder a run
 * marked, never releases/ or the raw folder, never under a running run's lock.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdir, writeFile, readdir, readFile, copyFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { cleanOut, MARKER, RUN_OUTPUTS } from '../../pipeline/lib/outdir.js';
import { OUTPUT_FILES } from '../../pipeline/stages/export.js';
import { PipelineError } from '../../pipeline/lib/errors.js';
import { ROOT, runCli, tempDir } from '../helpers.js';

const exec = promisify(execFile);

/** A folder as a run leaves it, plus releases/ and a user's file. */
async function outFolder(): Promise<string> {
  const out = await tempDir('jw-clean-');
  await writeFile(path.join(out, MARKER), 'x');
  for (const f of OUTPUT_FILES) await writeFile(path.join(out, f), 'x');
  for (const d of ['report', 'stages', 'releases/0.1.0']) await mkdir(path.join(out, d), { recursive: true });
  await writeFile(path.join(out, 'stages/clean.jsonl'), 'x');
  // A distributed run's shared storage, as a failed run or one with --keep-store leaves it.
  await mkdir(path.join(out, '.distributed/shard/abc'), { recursive: true });
  await writeFile(path.join(out, '.distributed/shard/abc/input.jsonl'), 'x');
  await writeFile(path.join(out, 'releases/0.1.0/README.md'), 'published');
  await writeFile(path.join(out, 'notes.txt'), 'mine');
  return out;
}

async function make(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec('make', ['-s', '-C', ROOT, 'clean', ...args]);
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('cleanOut', () => {
  it('removes the run outputs (a distributed run\'s store included) and keeps releases/, other files and the mark', async () => {
    const out = await outFolder();
    const r = await cleanOut(out, path.join(ROOT, 'raw'));
    expect(r.removed).toEqual([...OUTPUT_FILES, 'report', 'stages', '.distributed']);
    expect(r.kept).toEqual(['notes.txt', 'releases']);
    expect((await readdir(out)).sort()).toEqual([MARKER, 'notes.txt', 'releases'].sort());
    expect(await readFile(path.join(out, 'releases/0.1.0/README.md'), 'utf8')).toBe('published');
  });

  it('cleans exactly what the export writes', () => {
    for (const f of OUTPUT_FILES) expect(RUN_OUTPUTS).toContain(f);
  });

  it('refuses a folder without the mark, removing nothing', async () => {
    const out = await outFolder();
    await writeFile(path.join(out, MARKER), '');
    const { rm } = await import('node:fs/promises');
    await rm(path.join(out, MARKER));
    const before = (await readdir(out)).sort();
    await expect(cleanOut(out, '/nonexistent-raw')).rejects.toThrow(/no \.jingwen-out in it/);
    expect((await readdir(out)).sort()).toEqual(before);
  });

  it('refuses the raw folder, a folder holding it and one inside it, even marked', async () => {
    const out = await outFolder();
    const raw = path.join(out, 'raw');
    await mkdir(raw);
    await expect(cleanOut(out, raw)).rejects.toThrow(/holds the raw folder/);
    await expect(cleanOut(raw, raw)).rejects.toThrow(/holds the raw folder/);
    await expect(cleanOut(raw, out)).rejects.toThrow(/inside it/);
    expect(await readdir(path.join(out, 'stages'))).toEqual(['clean.jsonl']);
  });

  it("refuses while a run holds OUT's lock, and leaves the lock", async () => {
    const out = await outFolder();
    // The lock of a live process other than this one (the test runner's parent), as a running run holds it.
    await writeFile(path.join(out, '.lock'), `${process.ppid}\n`);
    const err = await cleanOut(out, '/nonexistent-raw').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PipelineError);
    expect((err as PipelineError).code).toBe('locked');
    expect(await readFile(path.join(out, '.lock'), 'utf8')).toBe(`${process.ppid}\n`);
    expect(await readdir(path.join(out, 'stages'))).toEqual(['clean.jsonl']);
  });
});

describe('make clean', () => {
  let raw = '';
  beforeAll(async () => {
    raw = await tempDir('jw-clean-raw-');
    await copyFile(path.join(ROOT, 'raw/004_91d04d10e2169a48.txt'), path.join(raw, 'a.txt'));
  });

  it('OUT=raw is refused (exit 2, one line) and the raw folder is untouched', async () => {
    const before = (await readdir(raw)).sort();
    const r = await make([`OUT=${raw}`, `RAW=${raw}`]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').filter((l) => !/^make(\[\d+\])?: /.test(l))).toEqual([expect.stringMatching(/^jingwen clean: config: refusing to clean /)]);
    expect((await readdir(raw)).sort()).toEqual(before);
    // Even when RAW names another folder: the raw folder has no mark.
    const r2 = await make([`OUT=${raw}`, 'RAW=raw']);
    expect(r2.code).toBe(2);
    expect((await readdir(raw)).sort()).toEqual(before);
  });

  it('after a run, removes its outputs and keeps releases/', async () => {
    const out = path.join(await tempDir('jw-clean-run-'), 'out');
    const run = await runCli(['--raw', raw, '--out', out, '--quiet', '--workers', '1']);
    expect(run.code, run.stderr).toBe(0);
    expect(await readdir(out)).toContain(MARKER);
    await mkdir(path.join(out, 'releases'));
    // What a failed distributed run leaves (its shared storage, OUT/.distributed): removed too.
    await mkdir(path.join(out, '.distributed/shard/k'), { recursive: true });
    const r = await make([`OUT=${out}`, `RAW=${raw}`]);
    expect(r.code, r.stderr).toBe(0);
    expect((await readdir(out)).sort()).toEqual([MARKER, 'releases']);
  });
});
