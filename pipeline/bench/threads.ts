/**
 * Per-thread CPU time of a running process, read from Linux's /proc (the benchmark's "CPU seconds by thread" table,
 * pipeline/bench/run.ts): where a run's CPU goes — its main thread, the pool's workers, V8's own threads.
 */
import { readdirSync, readFileSync } from 'node:fs';

const r2 = (x: number) => Number(x.toFixed(2));

/**
 * CPU seconds of a pipeline process by thread (from /proc/<pid>/task, last reading before exit): the main thread;
 * the pool's worker threads (the `workers` busiest of those started after V8's); V8's platform threads (its first
 * five after the main one: the delayed-task scheduler and the four workers of its pool, which run concurrent
 * marking and sweeping, parallel scavenges and optimising compilation); and the rest (libuv's pool, DuckDB's).
 * Threads have no names in Node 20, so they are told apart by start order, which Node fixes: the platform starts
 * before any JavaScript runs.
 */
export interface ThreadCpu { main_s: number; pool_s: number[]; v8_platform_s: number; other_s: number }

/** Per-thread CPU samples of a process: tid → [start time in ticks, CPU seconds], updated by `read`. */
export function threadSampler(pid: number): { read: () => void; result: (workers: number) => ThreadCpu | null } {
  const seen = new Map<number, [number, number]>();
  const read = () => {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      return;
    }
    for (const t of tids) {
      try {
        const f = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
        // Fields 14, 15 (utime, stime) and 22 (starttime) of stat, counted from field 3 here; ticks of 1/100 s.
        seen.set(Number(t), [Number(f[19]), (Number(f[11]) + Number(f[12])) / 100]);
      } catch { /* the thread has ended */ }
    }
  };
  const result = (workers: number): ThreadCpu | null => {
    const main = seen.get(pid);
    if (!main) return null;
    const order = [...seen.entries()].filter(([t]) => t !== pid).sort((a, b) => a[1][0] - b[1][0] || a[0] - b[0]);
    const platform = order.slice(0, 5), rest = order.slice(5).sort((a, b) => b[1][1] - a[1][1]);
    const sum = (xs: [number, [number, number]][]) => r2(xs.reduce((a, x) => a + x[1][1], 0));
    return { main_s: r2(main[1]), pool_s: rest.slice(0, workers).map((x) => r2(x[1][1])), v8_platform_s: sum(platform), other_s: sum(rest.slice(workers)) };
  };
  return { read, result };
}
