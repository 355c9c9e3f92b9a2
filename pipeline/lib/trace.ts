/**
 * A timeline for finding where wall time and memory go: with `JINGWEN_TRACE=1`, `trace('label')` writes
 * `[12.34s 512 MB, peak 530 MB] label` to stderr: the time counted from this process's start (so module loading
 * shows up too), the process's resident memory then (all threads) and, on Linux, its high-water mark so far
 * (VmHWM, which also catches peaks between two lines). Off by default: no output, no cost beyond a call.
 */
import { readFileSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';

const on = Boolean(process.env['JINGWEN_TRACE']);

function highWater(): string {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? `, peak ${Math.round(Number(m[1]) / 1024)} MB` : '';
  } catch {
    return '';
  }
}

/**
 * With `JINGWEN_TRACE=heap` (and node's `--expose-gc`), each line also collects this thread's garbage first and
 * gives what stays alive on it: V8 heap used, and the array buffers and other memory outside the heap it holds.
 */
const heap = process.env['JINGWEN_TRACE'] === 'heap';
/** With `JINGWEN_TRACE_SNAPSHOT=label`, the thread that traces a line starting with `label` writes a V8 heap snapshot
 *  (Heap.….heapsnapshot in the working folder; open it in Chrome's DevTools, Memory tab). */
const snapshotAt = process.env['JINGWEN_TRACE_SNAPSHOT'];
const mb = (n: number) => Math.round(n / 2 ** 20);

function live(): string {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!heap || !gc) return '';
  gc();
  const m = process.memoryUsage();
  return `, live heap ${mb(m.heapUsed)} MB + ${mb(m.external)} MB outside (${mb(m.arrayBuffers)} MB array buffers)`;
}

export function trace(label: string): void {
  if (on && snapshotAt && label.startsWith(snapshotAt)) {
    process.stderr.write(`heap snapshot of this thread at "${label}": ${writeHeapSnapshot()}\n`);
  }
  if (on) {
    const l = live();
    process.stderr.write(`[${(performance.now() / 1000).toFixed(2)}s ${mb(process.memoryUsage.rss())} MB${highWater()}${l}] ${label}\n`);
  }
}

/** Whether `trace` writes anything (a caller may skip building a label). */
export const tracing = on;
