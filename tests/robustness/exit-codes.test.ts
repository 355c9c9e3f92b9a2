/**
 * Exit codes of `make dataset` (pipeline/run.ts): 0 for a run that finished, whatever it rejected; 2 with a
 * one-line reason for a configuration error or an I/O error (here: the disk failing mid-export, simulated by a
 * preload that makes renaming documents.csv into place fail; a full tmpfs); 3 with --strict
 * when raw files were rejected.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdir, writeFile, copyFile, readFile, readdir } from 'node:fs/promises';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cli, tempDir, ROOT } from './util.js';

let tmp = '';
let raw = '';
let clean = '';

beforeAll(async () => {
  tmp = await tempDir('jw-exit-');
  raw = path.join(tmp, 'raw');
  clean = path.join(tmp, 'clean');
  await mkdir(raw);
  await mkdir(clean);
  await copyFile(path.join(ROOT, 'raw/004_91d04d10e2169a48.txt'), path.join(raw, 'a.txt'));
  await copyFile(path.join(ROOT, 'raw/004_91d04d10e2169a48.txt'), path.join(clean, 'a.txt'));
  await writeFile(path.join(raw, 'empty.txt'), '');
  await writeFile(path.join(tmp, 'a-file'), 'not a folder');
});

/** stderr lines that are not npm/tsx noise. */
const lines = (s: string) => s.split('\n').filter((l) => l.trim() && !/^npm warn/.test(l));

describe('exit codes', () => {
  it('0 for a finished run that rejected files; 3 for the same with --strict, saying why in one line', async () => {
    const out = path.join(tmp, 'o1');
    const ok = await cli(['--raw', raw, '--out', out, '--quiet']);
    expect(ok.code, ok.stderr).toBe(0);
    const strict = await cli(['--raw', raw, '--out', out, '--quiet', '--strict']);
    expect(strict.code).toBe(3);
    expect(lines(strict.stderr)).toEqual([expect.stringMatching(/^jingwen: --strict: 1 raw file\(s\) rejected \(see .*rejects\.jsonl\)$/)]);
  });

  it('0 with --strict when nothing was rejected', async () => {
    const r = await cli(['--raw', clean, '--out', path.join(tmp, 'o2'), '--quiet', '--strict']);
    expect(r.code, r.stderr).toBe(0);
  });

  it.concurrent.each([
    ['a missing raw folder', ['--raw', 'no/such/dir', '--out', 'OUT'], /^jingwen: config: raw folder not found: /],
    ['a raw "folder" that is a file', ['--raw', 'a-file', '--out', 'OUT'], /^jingwen: config: raw folder not found: /],
    ['OUT inside RAW', ['--raw', 'raw', '--out', 'raw/out'], /^jingwen: config: OUT .* must not be inside RAW/],
    ['OUT equal to RAW', ['--raw', 'raw', '--out', 'raw'], /^jingwen: config: OUT .* must not be inside RAW/],
    ['OUT that is a file', ['--raw', 'raw', '--out', 'a-file'], /^jingwen: config: cannot create the output folder .*: EEXIST$/],
    ['OUT below a file', ['--raw', 'raw', '--out', 'a-file/out'], /^jingwen: config: cannot create the output folder .*: ENOTDIR$/],
    ['--workers 0', ['--raw', 'raw', '--out', 'OUT', '--workers', '0'], /^jingwen: config: --workers must be an integer/],
    ['--workers abc', ['--raw', 'raw', '--out', 'OUT', '--workers', 'abc'], /^jingwen: config: --workers must be an integer/],
  ])('2 for %s, with a one-line reason', async (_name, args, msg) => {
    const abs = args.map((a, i) => (args[i - 1] === '--raw' || args[i - 1] === '--out' ? path.join(tmp, a) : a));
    const r = await cli([...abs, '--quiet']);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(msg)]);
    expect(r.stdout).toBe('');
  });

  // What a newcomer typed (issue 25): each wrote somewhere unexpected or was silently misread before.
  it.concurrent.each([
    ['--out with no value', ['--raw', 'RAW', '--out'], /^jingwen: config: --out needs a value/],
    ['--out "" (make dataset OUT=)', ['--raw', 'RAW', '--out', ''], /^jingwen: config: --out must be a folder path, got an empty value$/],
    ['--raw ""', ['--raw', '', '--out', 'OUT'], /^jingwen: config: --raw must be a folder path/],
    ['--quiet=false', ['--raw', 'RAW', '--out', 'OUT', '--quiet=false'], /^jingwen: config: --quiet is a flag and takes no value/],
    ['--strict=maybe', ['--raw', 'RAW', '--out', 'OUT', '--strict=maybe'], /^jingwen: config: --strict is a flag and takes no value/],
    ['--workers -1', ['--raw', 'RAW', '--out', 'OUT', '--workers', '-1'], /^jingwen: config: --workers must be an integer from 1 to 256, got "-1"$/],
    ['an unknown option', ['--raw', 'RAW', '--out', 'OUT', '--wrokers', '2'], /^jingwen: config: Unknown option '--wrokers'/],
  ])('2 for %s, with one line, writing nothing', async (_name, args, msg) => {
    const cwd = await tempDir('jw-cwd-');
    const abs = args.map((a) => (a === 'RAW' ? clean : a === 'OUT' ? path.join(tmp, 'never') : a));
    const r = await cli(abs, { cwd });
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(msg)]);
    expect(await readdir(cwd)).toEqual([]);
    expect(await readdir(tmp)).not.toContain('never');
  });

  it('2 for an I/O error (the disk fails mid-export), one line saying so, previous outputs intact, no lock or temporary file left', async () => {
    const out = path.join(tmp, 'o3');
    expect((await cli(['--raw', clean, '--out', out, '--quiet'])).code).toBe(0);
    const before = await readFile(path.join(out, 'documents.csv'));
    await writeFile(path.join(clean, 'b.txt'), (await readFile(path.join(ROOT, 'raw/003_db51f0831cc1980b.txt'))));
    const preload = path.join(tmp, 'failing-rename.mjs');
    await writeFile(
      preload,
      `import fsp from 'node:fs/promises';\nimport { syncBuiltinESMExports } from 'node:module';\nconst real = fsp.rename;\n` +
        `fsp.rename = async (a, b) => { if (String(b).endsWith('documents.csv')) { const e = new Error('EIO: i/o error, rename'); e.code = 'EIO'; throw e; } return real(a, b); };\nsyncBuiltinESMExports();\n`,
    );
    const r = await cli(['--raw', clean, '--out', out, '--quiet'], { env: { NODE_OPTIONS: `--import ${pathToFileURL(preload).href}` } });
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/^jingwen: io_error: EIO: i\/o error, rename \(OUT is marked incomplete/)]);
    // The CSV that was being replaced is still the previous complete one; no lock, no temporary file; OUT marked.
    expect(await readFile(path.join(out, 'documents.csv'))).toEqual(before);
    for (const d of [out, path.join(out, 'stages'), path.join(out, 'report')]) expect((await readdir(d)).filter((n) => n.endsWith('.tmp') || n === '.lock'), d).toEqual([]);
    expect(await readdir(out)).toContain('.incomplete');
    // A rerun finishes and removes the mark.
    const again = await cli(['--raw', clean, '--out', out, '--quiet']);
    expect(again.code, again.stderr).toBe(0);
    expect(await readdir(out)).not.toContain('.incomplete');
  });

  // A real full disk: OUT on a small tmpfs (mounting needs root; elsewhere the test says why it is skipped).
  const mountable = (() => {
    if (process.getuid?.() !== 0) return 'not root';
    const probe = mkdtempSync(path.join(tmpdir(), 'jw-tmpfs-probe-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
      execFileSync('umount', [probe], { stdio: 'ignore' });
      return null;
    } catch {
      return 'mount -t tmpfs is not permitted here';
    } finally {
      rmSync(probe, { recursive: true, force: true });
    }
  })();
  it.skipIf(mountable !== null)(`2 when the disk fills up (OUT on a 200 KiB tmpfs): one line, no lock, no temporary file${mountable ? ` — skipped: ${mountable}` : ''}`, async () => {
    const mnt = mkdtempSync(path.join(tmpdir(), 'jw-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=200k', 'tmpfs', mnt]);
    try {
      const out = path.join(mnt, 'out');
      const r = await cli(['--raw', clean, '--out', out, '--quiet']);
      expect(r.code, r.stderr).toBe(2);
      expect(lines(r.stderr)).toEqual([expect.stringMatching(/^jingwen: io_error: (ENOSPC|No space left on device)/)]);
      for (const d of [out, path.join(out, 'stages'), path.join(out, 'report')]) {
        expect(existsSync(d) ? (await readdir(d)).filter((n) => n.endsWith('.tmp') || n === '.lock') : [], d).toEqual([]);
      }
    } finally {
      execFileSync('umount', [mnt]);
      rmSync(mnt, { recursive: true, force: true });
    }
  });
});
