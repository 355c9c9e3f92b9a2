/**
 * The worker pool (piscina) of a run with N workers: N − 1 threads running pipeline/lib/worker.ts; the main
 * thread is the N-th (see Runner.run in runner.ts).
 *
 * Its own module, with no stage imports, so that pipeline/run.ts can start the pool before it loads the stages:
 * each thread then loads its modules (about a second of CPU: linkedom, mammoth, opencc-js, jschardet, pinyin-pro) while
 * the main thread loads its own, instead of after. (With 2 workers and a run that finds everything cached, the
 * thread loads for nothing: about a second of CPU on the other core, no wall time.)
 */
import { Piscina } from 'piscina';

export function startPool(threads: number): Piscina {
  return new Piscina({
    // The worker module beside this one: worker.ts under tsx (tests), worker.js in the compiled dist/ (make dataset).
    filename: new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    // Two tasks in each worker's port: piscina hands a worker its next task from the main thread's event loop,
    // which is busy while the main thread computes a batch itself; with one task at a time the worker waited.
    concurrentTasksPerWorker: 2,
    idleTimeout: 60_000,
  });
}
