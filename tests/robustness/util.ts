/**
 * Helpers of the robustness tests: spawn the real CLI as one node process (so SIGKILL really kills the run,
 * workers included) with its peak memory recorded, and fingerprint folders before and after.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, lstat, mkdir, writeFile, copyFile } from 'node:fs/promises';
import { readdirSync, existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { ROOT, tempDir } from '../helpers.js';

export { ROOT, tempDir };

let runs = 0;
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const PROBE = pathToFileURL(path.join(ROOT, 'tests/robustness/rss-probe.mjs')).href;
export const RUN = path.join(ROOT, 'pipeline/run.ts');

export interface Run {
  child: ChildProcess;
  done: Promise<RunResult>;
}
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory of the run (all its threads), MiB; null if the process was killed. */
  peakMb: number | null;
  seconds: number;
}

/**
 * `node --import tsx pipeline/run.ts …`, one process. `cwd` defaults to a fresh empty folder, so anything the run
 * writes outside OUT is visible there.
 */
export function startCli(args: string[], opts: { env?: Record<string, string>; cwd?: string; script?: string } = {}): Run {
  const t0 = performance.now();
  const rssFile = path.join(tmpdir(), `jw-rss-${process.pid}-${++runs}`);
  const child = spawn(process.execPath, ['--import', TSX, '--import', PROBE, opts.script ?? RUN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, FORCE_COLOR: '0', ...opts.env, JW_RSS_FILE: rssFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<RunResult>((resolve) => {
    child.on('close', (code, signal) => {
      let peakMb: number | null = null;
      if (existsSync(rssFile)) {
        peakMb = Math.round(Number(readFileSync(rssFile, 'utf8')) / 1024);
        rmSync(rssFile, { force: true });
      }
      resolve({ code, signal, stdout, stderr, peakMb, seconds: (performance.now() - t0) / 1000 });
    });
  });
  return { child, done };
}

/** Run the CLI to the end. */
export function cli(args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}): Promise<RunResult> {
  return startCli(args, opts).done;
}

/** sha256 of every file under `dir` (relative path → hash), skipping what legitimately differs between runs. */
export async function digest(dir: string, skip: (rel: string) => boolean = defaultSkip): Promise<Record<string, string>> {
  const res: Record<string, string> = {};
  const walk = async (d: string) => {
    for (const f of (await readdir(d, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, f.name);
      const rel = path.relative(dir, p);
      if (f.isDirectory()) await walk(p);
      else if (!skip(rel)) res[rel] = createHash('sha256').update(await readFile(p)).digest('hex');
    }
  };
  await walk(dir);
  return res;
}

/**
 * Stage metas hold times and worker counts, timings.json holds times; the lock and the mark of a run in progress
 * (`.incomplete`, checked by the crash tests) are not outputs: everything else must be byte-identical.
 */
export function defaultSkip(rel: string): boolean {
  return rel.endsWith('.meta.json') || rel === path.join('report', 'timings.json') || rel === '.lock' || rel === '.incomplete';
}

/** Every entry under `dir` (lstat: symlinks not followed) with size, mode, mtime and content hash. */
export async function snapshot(dir: string): Promise<Record<string, string>> {
  const res: Record<string, string> = {};
  const root = Buffer.from(path.resolve(dir));
  const walk = async (d: Buffer) => {
    for (const name of ((await readdir(d, { encoding: 'buffer' })) as Buffer[]).sort(Buffer.compare)) {
      const p = Buffer.concat([d, Buffer.from(path.sep), name]);
      const rel = p.subarray(root.length + 1).toString('latin1');
      const st = await lstat(p);
      let h = '';
      if (st.isFile() && (st.mode & 0o444) !== 0 && st.size < 64 << 20) h = createHash('sha256').update(await readFile(p)).digest('hex');
      res[rel] = `${st.mode.toString(8)} ${st.size} ${st.mtimeMs} ${h}`;
      if (st.isDirectory()) await walk(p);
    }
  };
  await walk(root);
  return res;
}

/** Names under `dir`, recursively, for polling during a run (sync, cheap). */
export function listNow(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      out.push(rel ? `${rel}/${n}` : n);
      if (n === 'stages' || n === 'report') walk(path.join(d, n), n);
    }
  };
  walk(dir, '');
  return out;
}

/** Copy the five real raw files into `dir` `copies` times with variations, in subfolders: a corpus big enough to kill mid-run. */
export async function bigRaw(dir: string, copies: number, variant = ''): Promise<void> {
  const src = path.join(ROOT, 'raw');
  const names = (await readdir(src)).filter((n) => n.endsWith('.txt')).sort();
  for (let c = 0; c < copies; c++) {
    const sub = path.join(dir, `batch${String(c).padStart(2, '0')}`);
    await mkdir(sub, { recursive: true });
    for (const n of names) {
      const text = await readFile(path.join(src, n), 'utf8');
      // A different opening line per copy keeps copies from being exact duplicates of one another.
      await writeFile(path.join(sub, n), `第${c + 1}批材料${variant}\n${c % 2 ? text.replace(/同志们/g, '各位同志') : text}`);
    }
  }
  await copyFile(path.join(src, 'SOURCES.md'), path.join(dir, 'SOURCES.md'));
}
