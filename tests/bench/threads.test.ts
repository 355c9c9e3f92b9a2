/**
 * The benchmark's CPU-by-thread figures (pipeline/bench/threads.ts) on a real Node process: a worker thread that
 * computes while the main thread waits must be counted as the pool's, not as the main thread's or V8's.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { threadSampler } from '../../pipeline/bench/threads.js';

const SCRIPT = `
const { Worker } = require('node:worker_threads');
const w = new Worker('const t = Date.now(); let x = 0; while (Date.now() - t < 1500) x += Math.sqrt(x + 1); require("node:worker_threads").parentPort.postMessage(x);', { eval: true });
w.on('message', () => w.terminate());
`;

describe('bench: CPU seconds by thread', () => {
  it.runIf(process.platform === 'linux')('counts a busy worker thread as the pool\'s, the waiting main thread apart', async () => {
    const child = spawn(process.execPath, ['-e', SCRIPT], { stdio: 'ignore' });
    const s = threadSampler(child.pid!);
    const timer = setInterval(s.read, 50);
    await once(child, 'exit');
    clearInterval(timer);
    const t = s.result(1)!;
    expect(t).not.toBeNull();
    expect(t.pool_s).toHaveLength(1);
    // However loaded the machine, the worker got some CPU and more than the main thread or V8's threads.
    expect(t.pool_s[0]!).toBeGreaterThan(0.1);
    expect(t.pool_s[0]!).toBeGreaterThan(t.main_s);
    expect(t.pool_s[0]!).toBeGreaterThan(t.v8_platform_s);
  }, 30_000);
});
