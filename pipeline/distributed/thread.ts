/**
 * The thread that runs a worker process's jobs (piscina; work.ts): a job is seconds of computation, and on the
 * process's main thread it would block the timers that renew BullMQ's job lock, so a busy worker would look
 * stalled and lose its job. Errors travel back as data with their reason code, as pipeline/lib/worker.ts does.
 */
import type { Piscina } from 'piscina';
import { layout, runJob, setPoolRun, type Job } from './jobs.js';
import { Store } from './store.js';
import { PipelineError } from '../lib/errors.js';
import { startPool } from '../lib/pool.js';
import { BUDGET_DEFAULTS } from '../lib/budget.js';

/**
 * The pool thread of this job thread's shard batches (the per-file budget, jobs.ts runBatch): one thread, its heap
 * capped at the job's budget, started on the first batch and kept for the next jobs (a new one for another heap cap).
 */
let pool: { heapMb: number; pool: Piscina } | null = null;
async function poolFor(heapMb: number): Promise<Piscina> {
  if (pool?.heapMb !== heapMb) {
    await pool?.pool.destroy();
    pool = { heapMb, pool: startPool(1, { ...BUDGET_DEFAULTS, heapMb }) };
  }
  return pool.pool;
}
setPoolRun(async (task, signal, heapMb) => (await poolFor(heapMb)).run(task, { signal }));

export interface ThreadTask { job: Job; store: string; raw?: string }
/** Sent once when the worker starts: the thread loads this module (and every stage) before the first job comes. */
export interface WarmTask { warm: true }
export type ThreadResult = { ok: true; value: unknown; ms: number } | { ok: false; code: string; message: string };

export default async function task(t: ThreadTask | WarmTask): Promise<ThreadResult> {
  if ('warm' in t) {
    // The pool thread of the shard batches (default budget) loads the chain's stages now too, while the worker
    // waits for its first job, not in the first shard job's time. A job with another heap cap starts its own.
    const { before, global } = layout();
    void poolFor(BUDGET_DEFAULTS.heapMb).then((p) => p.run({ kind: 'warm', stages: ['extract', ...before, global.name] })).catch(() => undefined);
    return { ok: true, value: null, ms: 0 };
  }
  const t0 = performance.now();
  try {
    const value = await runJob(t.job, new Store(t.store), t.raw);
    return { ok: true, value, ms: performance.now() - t0 };
  } catch (e) {
    if (e instanceof PipelineError) return { ok: false, code: e.code, message: e.message };
    return { ok: false, code: 'internal', message: (e as Error)?.stack ?? String(e) };
  }
}
