/**
 * A timeline for finding where wall time goes: with `JINGWEN_TRACE=1`, `trace('label')` writes
 * `[12.34s] label` to stderr, the time counted from this process's start (so module loading shows up too).
 * Off by default: no output, no cost beyond a call.
 */
const on = Boolean(process.env['JINGWEN_TRACE']);

export function trace(label: string): void {
  if (on) process.stderr.write(`[${(performance.now() / 1000).toFixed(2)}s] ${label}\n`);
}
