/** Shared test helpers: run the real CLI into a temporary folder, read outputs back. */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export const ROOT = path.resolve(import.meta.dirname, '..');
const exec = promisify(execFile);

export async function tempDir(prefix = 'jw-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

export interface CliResult { code: number; stdout: string; stderr: string }

/** Runs the pipeline's sources, `tsx pipeline/run.ts` (`make dataset` runs them compiled: tests/e2e/build.test.ts). */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  try {
    const r = await exec(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'pipeline/run.ts'), ...args], { cwd: ROOT, env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

export async function readLines<T = Record<string, unknown>>(file: string): Promise<T[]> {
  const s = await readFile(file, 'utf8');
  return s.split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
}
