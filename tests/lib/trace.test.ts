import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');
const traceTs = path.join(root, 'pipeline/lib/trace.ts');

function stderrOf(env: Record<string, string>, nodeArgs: string[] = [], cwd = root): string {
  const code = `const { trace } = await import(${JSON.stringify(traceTs)}); const keep = new Float64Array(4 << 20); trace('pass 1 end'); trace('dedupe: plan start'); keep[0] = 1; await new Promise((r) => setTimeout(r, 300));`;
  const r = spawnSync(tsx, [...nodeArgs, '--input-type=module', '-e', code], { cwd, env: { ...process.env, ...env }, encoding: 'utf8' });
  return r.stderr;
}

describe('trace', () => {
  it('is silent unless JINGWEN_TRACE is set', () => {
    expect(stderrOf({ JINGWEN_TRACE: '' })).toBe('');
  });

  it('gives time, resident memory and its high-water mark per line', () => {
    const err = stderrOf({ JINGWEN_TRACE: '1' });
    expect(err).toMatch(/^\[\d+\.\d\ds \d+ MB, peak \d+ MB\] pass 1 end$/m);
    expect(err).not.toContain('live heap');
  });

  it('JINGWEN_TRACE=heap with --expose-gc adds what stays alive on the thread after a collection', () => {
    const err = stderrOf({ JINGWEN_TRACE: 'heap' }, ['--expose-gc']);
    const m = /live heap \d+ MB \+ (\d+) MB outside \((\d+) MB array buffers\)\] pass 1 end/.exec(err);
    expect(m).not.toBeNull();
    expect(Number(m![2])).toBeGreaterThanOrEqual(32); // the 32 MB Float64Array it holds
  });

  it('JINGWEN_TRACE_SNAPSHOT writes a heap snapshot at the first line starting with its label', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jw-trace-'));
    try {
      const err = stderrOf({ JINGWEN_TRACE: '1', JINGWEN_TRACE_SNAPSHOT: 'dedupe: plan' }, [], dir);
      expect(err).toMatch(/heap snapshot of this thread at "dedupe: plan start": Heap\..*\.heapsnapshot/);
      expect(readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot'))).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
