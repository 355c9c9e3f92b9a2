/**
 * The one compute thread of a worker process (work.ts; piscina, heap capped by the per-file budget): it runs the
 * shard jobs' batches (pipeline/lib/worker.ts's chain tasks, which work.ts sends under the per-file budget, as
 * `make dataset` runs every batch) and whole jobs of the other kinds (the apply jobs, the jobs of the dedupe plan:
 * jobs.ts). One thread for all of them, so that a worker process compiles and warms the stages once, as a
 * single-machine run's worker thread does: a second thread for the other jobs (as before) cost each worker process
 * another copy of every module, of its JIT warm-up and of V8's helper work. The jobs run here, not on the process's
 * main thread, because a job is seconds of computation and the main thread's timers renew BullMQ's job lock.
 * Errors travel back as data with their reason code, as pipeline/lib/worker.ts does.
 */
import chainTask from '../lib/worker.js';
import type { ChainTask, GatherTask, DuplicatesTask, WarmTask } from '../lib/worker.js';
import { layout, runJob, type Job } from './jobs.js';
import { Store } from './store.js';
import { PipelineError } from '../lib/errors.js';

/** Sent once when the worker starts: load and warm every stage (lib/worker.ts warmStage) before the first job. */
export interface WarmAllTask { kind: 'warm-all' }
/** A whole job of any kind but `shard` (whose batches come as chain tasks), with where the shared storage is. */
export interface JobTask { kind: 'job'; job: Job; store: string; raw?: string }
export type JobResult = { ok: true; value: unknown; ms: number } | { ok: false; code: string; message: string };

export default async function task(t: ChainTask | GatherTask | DuplicatesTask | WarmTask | WarmAllTask | JobTask): Promise<unknown> {
  if (t.kind === 'warm-all') {
    const { before, global, after } = layout();
    return chainTask({ kind: 'warm', stages: ['extract', ...before, global.name, ...after] });
  }
  if (t.kind !== 'job') return chainTask(t);
  const t0 = performance.now();
  try {
    const value = await runJob(t.job, new Store(t.store), t.raw);
    return { ok: true, value, ms: performance.now() - t0 } satisfies JobResult;
  } catch (e) {
    if (e instanceof PipelineError) return { ok: false, code: e.code, message: e.message } satisfies JobResult;
    return { ok: false, code: 'internal', message: (e as Error)?.stack ?? String(e) } satisfies JobResult;
  }
}
