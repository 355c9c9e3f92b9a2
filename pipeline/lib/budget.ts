/**
 * The per-file budget: every raw file's extraction and its pass-1 stage work (segment … dedupe's prepare) run in a
 * pool thread under a time and a memory limit, so that one file never stops or stalls a run.
 *
 * - Memory: each pool thread's V8 heap is capped (worker `resourceLimits.maxOldGenerationSizeMb`, pool.ts). A file
 *   whose work passes it kills that thread (ERR_WORKER_OUT_OF_MEMORY); piscina starts another, and the file is
 *   rejected as `resource_limit`. Buffers outside the heap are bounded where they are made: a raw file by the size
 *   limit (worker.ts readRaw), archive members by the archive limits (extract/archive.ts).
 * - Time: the chain writes which file of its batch it is on, and since when, into shared memory (worker.ts `mark`);
 *   a watchdog on the main thread aborts the task of a file over `seconds` (piscina terminates the thread and
 *   starts another), and the file is rejected as `timeout`.
 * Either way the batch's other files are run again (those before it would give the same result; those after it had
 * not run), each under its own budget, and the run goes on. Runs are deterministic as long as a file's work ends
 * far from its budget (a file rejected on one machine and kept on a slower one would differ: the default budget is
 * far above what any real document costs, see README).
 */
export interface FileBudget {
  /** Wall seconds a file's extraction and pass-1 stage work may take. */
  seconds: number;
  /** Heap (MiB) of the thread working on a file: its old generation (resourceLimits.maxOldGenerationSizeMb). */
  heapMb: number;
}

/**
 * 120 s and 2 GiB: the slowest real files measured (the eval set's 22 news and government pages, the 31 provincial
 * work reports, the 50 MB benchmark's 2,621 files) take under 3 s and 200 MB of heap each; the hostile cases of
 * issue #23 took 142–145 s and 2.3 GB before the pre-checks that now refuse them.
 */
export const BUDGET_DEFAULTS: FileBudget = { seconds: 120, heapMb: 2048 };

/** Why a pool task ended without a result, if a file's budget says why: `timeout`, `resource_limit`, else null. */
export function overBudget(err: unknown, timedOut: boolean): 'timeout' | 'resource_limit' | null {
  if (timedOut) return 'timeout';
  if ((err as NodeJS.ErrnoException | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY') return 'resource_limit';
  return null;
}

/**
 * Watches a chain's shared progress (two float64s: file index, start time) and calls `abort` once the file it is on
 * has run longer than `seconds`. Returns a function that stops watching and says which file timed out (or -1), and
 * the file the chain was on when it ended.
 */
export function watch(progress: SharedArrayBuffer, files: number, seconds: number, abort: () => void): () => { timedOut: number; at: number } {
  const p = new Float64Array(progress);
  p[0] = -1;
  let timedOut = -1;
  const t = setInterval(() => {
    const i = p[0]!;
    if (timedOut < 0 && i >= 0 && i < files && Date.now() - p[1]! > seconds * 1000) {
      timedOut = i;
      abort();
    }
  }, Math.min(100, Math.max(10, seconds * 100)));
  t.unref();
  return () => {
    clearInterval(t);
    return { timedOut, at: p[0]! };
  };
}

/**
 * A raw file's units go through the stages a chunk at a time (worker.ts runStreamed): 500 units or 4 MiB of them
 * (as JSONL), whichever comes first, so that a 1 GB web archive or Parquet file never has its units, or their stage
 * outputs, in memory together. The time budget counts each chunk's work: 500 web pages take 5-15 s of extraction
 * and stages on the bench machine, far from the 120 s budget even under load. The outputs do not depend on the sizes.
 */
export const CHUNK_UNITS = 500;
export const CHUNK_BYTES = 4 << 20;
