/**
 * The command lines of `jingwen coordinate` and `jingwen work` (pipeline/lib/cli.ts, as run.ts): a bad argument
 * exits 2 with one line saying what is wrong, before any Redis, lock or worker; --help prints the options.
 */
import { describe, it, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT, tempDir } from '../helpers.js';

const exec = promisify(execFile);

async function run(script: 'coordinate' | 'work', args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(process.execPath, ['--import', 'tsx', path.join(ROOT, `pipeline/distributed/${script}.ts`), ...args], { cwd: ROOT, env: { ...process.env, JINGWEN_REDIS: '' } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe.concurrent('coordinate and work command lines', () => {
  it.each([
    ['coordinate', ['--bogus'], /^jingwen coordinate: config: Unknown option '--bogus' \(--help lists the options\)$/],
    ['coordinate', ['--shards', '0'], /^jingwen coordinate: config: --shards must be an integer from 1 to 1000000, got "0"$/],
    ['coordinate', ['--quiet=false'], /^jingwen coordinate: config: --quiet is a flag and takes no value/],
    ['work', ['--concurrency', '-1', '--redis', 'redis://127.0.0.1:1'], /^jingwen work: config: --concurrency must be an integer from 1 to 256, got "-1"$/],
    ['work', [], /^jingwen work: config: --redis URL is required/],
  ] as const)('%s %j: exit 2, one line', async (script, args, line) => {
    const out = await tempDir('jw-cli-');
    const r = await run(script, [...args, ...(script === 'coordinate' ? ['--out', path.join(out, 'o')] : [])]);
    expect(r.code, r.stderr).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(line);
    // Refused before anything was written.
    expect(existsSync(path.join(out, 'o'))).toBe(false);
  }, 60_000);

  it('--help prints every option and exits 0', async () => {
    const c = await run('coordinate', ['--help']);
    expect(c.code).toBe(0);
    for (const o of ['--raw DIR', '--redis URL', '--buckets N', '--keep-store', '--file-seconds S', '--file-heap-mb MB']) expect(c.stdout).toContain(o);
    const w = await run('work', ['--help']);
    expect(w.code).toBe(0);
    for (const o of ['--redis URL', '--concurrency N', '--lock-ms MS']) expect(w.stdout).toContain(o);
  }, 60_000);
});
