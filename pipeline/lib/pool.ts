/**
 * The worker pool (piscina) of a run with N workers: N threads running pipeline/lib/worker.ts, each with its heap
 * capped by the per-file budget (budget.ts); the main thread orders, hashes and writes (see Runner.run in runner.ts).
 * With exactly 2 workers, two pools of one thread each (startPools): the runner splits pass 1's chain between them,
 * so each thread compiles and loads only its half (runner.ts, SPLIT_AFTER).
 *
 * Its own module, with no stage imports, so that pipeline/run.ts can start the pool before it loads the stages:
 * each thread then loads its modules (about a second of CPU: linkedom, mammoth, opencc-js, jschardet, pinyin-pro) while
 * the main thread loads its own, instead of after. (With 2 workers and a run that finds everything cached, the
 * thread loads for nothing: about a second of CPU on the other core, no wall time.)
 */
import { Piscina } from 'piscina';
import { BUDGET_DEFAULTS, type FileBudget } from './budget.js';

/**
 * `module`: the threads' module, when not pipeline/lib/worker.ts (a distributed worker's, which also runs the jobs
 * of the dedupe plan and the apply jobs: pipeline/distributed/thread.ts); it must answer worker.ts's tasks.
 */
export function startPool(threads: number, budget: FileBudget = BUDGET_DEFAULTS, module?: string): Piscina {
  return new Piscina({
    // The worker module beside this one: worker.ts under tsx (tests), worker.js in the compiled dist/ (make dataset).
    filename: module ?? new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url).href,
    minThreads: threads,
    maxThreads: threads,
    // One task at a time: a thread killed for a file over its budget (budget.ts) must take no other batch with it,
    // and a file's time must be its own. (Two per thread helped while the main thread also computed batches.)
    concurrentTasksPerWorker: 1,
    resourceLimits: { maxOldGenerationSizeMb: budget.heapMb },
    idleTimeout: 60_000,
  });
}

/**
 * The pools of a run with `threads` workers: one pool of them, or with exactly 2 two pools of one thread each, so
 * that the runner can send each half of a split chain to its own thread (piscina picks any free thread of a pool).
 */
export function startPools(threads: number, budget: FileBudget = BUDGET_DEFAULTS): Piscina[] {
  return threads === 2 ? [startPool(1, budget), startPool(1, budget)] : [startPool(threads, budget)];
}
