/**
 * Progress (pipeline/lib/progress.ts): in logs, a line per pass with items, bytes and rate, and lines at intervals
 * with an ETA, no control characters; on a terminal a live line (cli-progress) that a note does not break.
 */
import { describe, it, expect, vi, afterEach } from 'vitest';
import { makeProgress } from '../../pipeline/lib/progress.js';

function sink(isTTY = false): NodeJS.WriteStream & { text: () => string } {
  let text = '';
  const s = {
    isTTY,
    columns: 120,
    write(chunk: string) { text += chunk; return true; },
    cursorTo() { return true; }, clearLine() { return true; }, moveCursor() { return true; },
    on() { return s; }, once() { return s; }, removeListener() { return s; },
    text: () => text,
  };
  return s as unknown as NodeJS.WriteStream & { text: () => string };
}

describe('progress in logs', () => {
  it('one final line per pass: items, MB, MB/s, seconds; lines at intervals with an ETA', () => {
    let t = 0;
    const out = sink();
    const p = makeProgress(out, false, { live: false, intervalMs: 10_000, now: () => t });
    p.start('extract+segment', 4, 40 * 1024 * 1024);
    t = 5_000;
    p.tick(1, 10 * 1024 * 1024);
    expect(out.text()).toBe(''); // shorter than the interval: nothing yet
    t = 10_000;
    p.tick(1, 10 * 1024 * 1024);
    t = 20_000;
    p.tick(2, 20 * 1024 * 1024);
    p.end();
    expect(out.text().split('\n').filter(Boolean)).toEqual([
      '  extract+segment… 2/4 items, 20.0/40.0 MB, 2.0 MB/s, ETA 10s',
      '  extract+segment       4/4 items  40.0 MB  2.0 MB/s  20.0s',
    ]);
    expect(out.text()).not.toMatch(/[\r\x1b]/);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('prints at the interval while a long batch runs, with no tick in between; stops at the pass\'s end', () => {
    vi.useFakeTimers();
    let t = 0;
    const out = sink();
    const p = makeProgress(out, false, { live: false, intervalMs: 10_000, now: () => t });
    p.start('extract+segment', 10, 100 * 1024 * 1024);
    t = 4_000;
    p.tick(2, 20 * 1024 * 1024);
    // One batch (a large archive) now runs for half a minute: no tick, yet a line every 10 s.
    for (const at of [10_000, 20_000, 30_000]) {
      t = at;
      vi.advanceTimersByTime(10_000);
    }
    expect(out.text().split('\n').filter(Boolean)).toEqual([
      '  extract+segment… 2/10 items, 20.0/100.0 MB, 2.0 MB/s, ETA 40s',
      '  extract+segment… 2/10 items, 20.0/100.0 MB, 1.0 MB/s, ETA 1m20s',
      '  extract+segment… 2/10 items, 20.0/100.0 MB, 0.7 MB/s, ETA 2m0s',
    ]);
    t = 35_000;
    p.tick(8, 80 * 1024 * 1024);
    p.end();
    const lines = out.text().split('\n').filter(Boolean);
    expect(lines[lines.length - 1]).toBe('  extract+segment      10/10 items  100.0 MB  2.9 MB/s  35.0s');
    // After the pass: nothing more, and no timer left behind.
    t = 60_000;
    vi.advanceTimersByTime(30_000);
    expect(out.text().split('\n').filter(Boolean)).toHaveLength(4);
    expect(vi.getTimerCount()).toBe(0);
    // Quiet: no timer at all.
    const q = makeProgress(sink(), true, { live: false, intervalMs: 10_000, now: () => t });
    q.start('x', 1, 1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('without bytes, a rate in items; cached stages and notes on lines of their own; nothing when quiet', () => {
    let t = 0;
    const out = sink();
    const p = makeProgress(out, false, { live: false, now: () => t });
    p.start('dedupe:plan', 100);
    t = 2_000;
    p.tick(100);
    p.end();
    p.skip('validate');
    p.note('clean: something to say');
    p.info!('extract: 1 of 2 raw files changed');
    expect(out.text()).toBe('  dedupe:plan     100/100 items      50/s  2.0s\n  validate   unchanged (cached)\nclean: something to say\nextract: 1 of 2 raw files changed\n');
    const q = sink();
    const quiet = makeProgress(q, true, { now: () => t });
    quiet.start('x', 1, 1);
    quiet.tick(1, 1);
    quiet.end();
    quiet.skip('y');
    quiet.info!('extract: 1 of 2 raw files changed');
    expect(q.text()).toBe('');
  });
});

describe('progress on a terminal', () => {
  it('draws a live line with items, bytes and ETA, and a note goes above it on a line of its own', () => {
    const out = sink(true);
    const p = makeProgress(out, false, { live: true });
    p.start('extract', 10, 10 * 1024 * 1024);
    p.tick(5, 5 * 1024 * 1024);
    p.note('a warning');
    p.tick(5, 5 * 1024 * 1024);
    p.end();
    const text = out.text();
    expect(text).toMatch(/extract .*\d+\/10 items +\d+\.\d\/10\.0 MB +[\d.]+ MB\/s +ETA/);
    // The note starts on a cleared line and ends its own line.
    expect(text).toContain('\r\x1b[2Ka warning\n');
    expect(text.endsWith('  extract         10/10 items  10.0 MB')).toBe(false);
    expect(text).toMatch(/ {2}extract {4}\s+10\/10 items {2}10\.0 MB {2}[\d.]+ MB\/s {2}[\d.]+s\n$/);
  });
});
