/**
 * Progress of a run, on stderr (stdout carries only the summary): items (raw files, or records), bytes, rate and
 * ETA per pass.
 *
 * - On a terminal: one live line per pass, drawn by cli-progress (a kept library: throttled redraws, its own ETA
 *   over a moving window), cleared at the pass's end and replaced by the pass's final line.
 * - Elsewhere (CI logs, pipes, `CI` set): no control characters; a line every `intervalMs` (default 10 s) while a
 *   pass runs — `  extract+segment… 300/773 items, 20.1/50.3 MB, 9.8 MB/s, ETA 3s` — and one final line per pass:
 *   `  extract+segment  773/773 items  50.3 MB  9.8 MB/s  5.1s`. A pass shorter than the interval prints only its
 *   final line. The interval lines come from a timer, not only when a batch ends: a batch that takes minutes (one
 *   large archive) still shows the run is alive, with the counts of the batches done so far.
 *
 * `note` writes a message on a line of its own (on a terminal, above the live line, which is drawn again).
 * Messages from libraries that print on their own (jschardet's console.warn) are routed away where they are
 * called (pipeline/extract/decode.ts: withoutWarnings), since worker threads write to stderr directly.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** A pass (or a plan) starts: `total` items, `totalBytes` bytes of input when known. */
  start(stage: string, total?: number, totalBytes?: number): void;
  /** `n` more items done, `bytes` more bytes of input read. */
  tick(n?: number, bytes?: number): void;
  end(): void;
  skip(stage: string): void;
  /** A warning, on a line of its own, printed even with --quiet (a stale stage file, a budget…). */
  note(message: string): void;
  /** What the run is doing (which raw files it reuses), on a line of its own; nothing with --quiet. */
  info?(message: string): void;
}

export interface ProgressOptions {
  /** Seconds between progress lines in logs (not on a terminal). */
  intervalMs?: number;
  /** Force the live line (true) or the log lines (false); default: live on a TTY unless `CI` is set. */
  live?: boolean;
  /** The clock, in ms (tests). */
  now?: () => number;
}

const MB = 1024 * 1024;

function mb(bytes: number): string {
  return (bytes / MB).toFixed(1);
}

/** `75s` → `1m15s`, as cli-progress's eta_formatted writes it. */
function duration(s: number): string {
  if (!Number.isFinite(s)) return '?';
  s = Math.round(s);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m` : s >= 60 ? `${Math.floor(s / 60)}m${s % 60}s` : `${s}s`;
}

export function makeProgress(stream: NodeJS.WriteStream = process.stderr, quiet = false, options: ProgressOptions = {}): Progress {
  const live = !quiet && (options.live ?? (stream.isTTY === true && !process.env['CI']));
  const now = options.now ?? (() => performance.now());
  const intervalMs = options.intervalMs ?? 10_000;
  let stage = '';
  let total = 0;
  let totalBytes = 0;
  let done = 0;
  let doneBytes = 0;
  let t0 = 0;
  let lastLog = 0;
  let bar: cliProgress.SingleBar | null = null;
  /** The interval lines' timer while a pass runs (not on a terminal), unref'd: it never keeps the process alive. */
  let timer: ReturnType<typeof setInterval> | null = null;
  const stopTimer = () => {
    if (timer) clearInterval(timer);
    timer = null;
  };

  const rate = (s: number) => (s > 0 ? doneBytes / MB / s : 0);
  const finalLine = () => {
    const s = (now() - t0) / 1000;
    const of = total ? `/${total}` : '';
    const bytes = totalBytes ? `  ${mb(doneBytes)} MB  ${rate(s).toFixed(1)} MB/s` : `  ${String(s > 0 ? Math.round(done / s) : 0).padStart(6)}/s`;
    return `  ${stage.padEnd(10)} ${String(done).padStart(7)}${of} items${bytes}  ${s.toFixed(1)}s\n`;
  };
  const logLine = () => {
    const s = (now() - t0) / 1000;
    const parts = [`${done}${total ? `/${total}` : ''} items`];
    if (totalBytes) parts.push(`${mb(doneBytes)}/${mb(totalBytes)} MB`, `${rate(s).toFixed(1)} MB/s`);
    // The ETA from the bytes when known (files differ in size), else from the items.
    const frac = totalBytes ? doneBytes / totalBytes : total ? done / total : 0;
    if (frac > 0 && frac < 1) parts.push(`ETA ${duration((s * (1 - frac)) / frac)}`);
    return `  ${stage}… ${parts.join(', ')}\n`;
  };
  const payload = () => ({ stage, mb: mb(doneBytes), total_mb: mb(totalBytes), rate: rate((now() - t0) / 1000).toFixed(1) });

  return {
    start(name, n = 0, bytes = 0) {
      stage = name;
      total = n;
      totalBytes = bytes;
      done = 0;
      doneBytes = 0;
      t0 = now();
      lastLog = t0;
      stopTimer();
      if (!live) {
        if (quiet) return;
        timer = setInterval(() => {
          const t = now();
          if (t - lastLog >= intervalMs) {
            lastLog = t;
            stream.write(logLine());
          }
        }, intervalMs);
        timer.unref?.();
        return;
      }
      bar = new cliProgress.SingleBar(
        {
          stream,
          format: totalBytes
            ? '  {stage} {bar} {value}/{total} items  {mb}/{total_mb} MB  {rate} MB/s  ETA {eta_formatted}'
            : '  {stage} {bar} {value}/{total} items  ETA {eta_formatted}',
          barsize: 20,
          hideCursor: false,
          clearOnComplete: true,
          gracefulExit: false,
          etaBuffer: 50,
          // Every TTY stream (a pseudo-terminal in tests too): `live` already decided.
          noTTYOutput: true,
          notTTYSchedule: 150,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(Math.max(1, total), 0, payload());
    },
    tick(n = 1, bytes = 0) {
      done += n;
      doneBytes += bytes;
      if (quiet) return;
      if (bar) {
        bar.update(done, payload());
        return;
      }
      const t = now();
      // Not for the last items: the final line follows at once.
      if (t - lastLog >= intervalMs && !(total && done >= total)) {
        lastLog = t;
        stream.write(logLine());
      }
    },
    end() {
      stopTimer();
      if (quiet) return;
      if (bar) {
        bar.update(done, payload());
        bar.stop();
        bar = null;
      }
      stream.write(finalLine());
    },
    skip(name) {
      if (!quiet) stream.write(`  ${name.padEnd(10)} unchanged (cached)\n`);
    },
    info(message) {
      if (!quiet) this.note(message);
    },
    note(message) {
      if (bar) {
        // Clear the live line, write the note, and have the bar drawn again (it redraws only what changed).
        stream.write(`\r\x1b[2K${message}\n`);
        (bar as unknown as { lastDrawnString: string }).lastDrawnString = '';
        bar.update(done, payload());
      } else stream.write(`${message}\n`);
    },
  };
}
