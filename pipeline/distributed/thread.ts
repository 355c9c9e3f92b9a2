/**
 * The thread that runs a worker process's jobs (piscina; work.ts): a job is seconds of computation, and on the
 * process's main thread it would block the timers that renew BullMQ's job lock, so a busy worker would look
 * stalled and lose its job. Errors travel back as data with their reason code, as pipeline/lib/worker.ts does.
 */
import { runJob, type Job } from './jobs.js';
import { Store } from './store.js';
import { PipelineError } from '../lib/errors.js';

export interface ThreadTask { job: Job; store: string; raw?: string }
/** Sent once when the worker starts: the thread loads this module (and every stage) before the first job comes. */
export interface WarmTask { warm: true }
export type ThreadResult = { ok: true; value: unknown; ms: number } | { ok: false; code: string; message: string };

export default async function task(t: ThreadTask | WarmTask): Promise<ThreadResult> {
  if ('warm' in t) return { ok: true, value: null, ms: 0 };
  const t0 = performance.now();
  try {
    const value = await runJob(t.job, new Store(t.store), t.raw);
    return { ok: true, value, ms: performance.now() - t0 };
  } catch (e) {
    if (e instanceof PipelineError) return { ok: false, code: e.code, message: e.message };
    return { ok: false, code: 'internal', message: (e as Error)?.stack ?? String(e) };
  }
}
