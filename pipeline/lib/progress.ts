/**
 * Progress on a terminal (one updating line per stage: items, rate) and plain, quiet lines elsewhere (CI,
 * pipes). Writes to stderr so that stdout carries only the summary.
 */
export interface Progress {
  start(stage: string, total?: number): void;
  tick(n?: number, bytes?: number): void;
  end(): void;
  skip(stage: string): void;
}

export function makeProgress(stream: NodeJS.WriteStream = process.stderr, quiet = false): Progress {
  const live = !quiet && stream.isTTY === true && !process.env.CI;
  let stage = '';
  let total = 0;
  let done = 0;
  let t0 = 0;
  let last = 0;
  const line = (final: boolean) => {
    const s = (performance.now() - t0) / 1000;
    const rate = s > 0 ? Math.round(done / s) : 0;
    const of = total ? `/${total}` : '';
    return `  ${stage.padEnd(10)} ${String(done).padStart(7)}${of} items  ${String(rate).padStart(6)}/s  ${s.toFixed(1)}s${final ? '\n' : ''}`;
  };
  return {
    start(name, n = 0) {
      stage = name;
      total = n;
      done = 0;
      t0 = performance.now();
      last = 0;
      if (live) stream.write(line(false));
    },
    tick(n = 1) {
      done += n;
      if (!live) return;
      const now = performance.now();
      if (now - last > 150) {
        last = now;
        stream.write('\r' + line(false));
      }
    },
    end() {
      if (quiet) return;
      stream.write(live ? '\r' + line(true) : line(true));
    },
    skip(name) {
      if (!quiet) stream.write(`  ${name.padEnd(10)} unchanged (cached)\n`);
    },
  };
}
