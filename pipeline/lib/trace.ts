/**
 * A timeline for finding where wall time and memory go: with `JINGWEN_TRACE=1`, `trace('label')` writes
 * `[12.34s 512 MB, peak 530 MB] label` to stderr: the time counted from this process's start (so module loading
 * shows up too), the process's resident memory then (all threads) and, on Linux, its high-water mark so far
 * (VmHWM, which also catches peaks between two lines). Off by default: no output, no cost beyond a call.
 */
import { readFileSync } from 'node:fs';

const on = Boolean(process.env['JINGWEN_TRACE']);

function highWater(): string {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? `, peak ${Math.round(Number(m[1]) / 1024)} MB` : '';
  } catch {
    return '';
  }
}

export function trace(label: string): void {
  if (on) process.stderr.write(`[${(performance.now() / 1000).toFixed(2)}s ${Math.round(process.memoryUsage.rss() / 2 ** 20)} MB${highWater()}] ${label}\n`);
}
