import { describe, expect, it } from 'vitest';
import { DEDUPE_BYTES_PER_DOCUMENT, memoryGoal } from '../../pipeline/bench/alone.js';

describe('bench: the memory goal of a file alone through the pipeline at two sizes', () => {
  const small = { size: '200MB', peak_rss_mb: 600, documents: 29_059 };
  it('allows 10% of noise and dedupe\'s bytes per document more', () => {
    const more = 57_904 - 29_059;
    const bound = 1.1 * 600 + (more * DEDUPE_BYTES_PER_DOCUMENT) / 2 ** 20; // 682 MB
    expect(memoryGoal(small, { size: '400MB', peak_rss_mb: Math.floor(bound), documents: 57_904 })).toMatch(/: met \(682 MB\)\.$/);
    expect(memoryGoal(small, { size: '400MB', peak_rss_mb: Math.ceil(bound), documents: 57_904 })).toMatch(/: NOT met \(683 MB\)\.$/);
    expect(memoryGoal(small, { size: '400MB', peak_rss_mb: 640, documents: 57_904 })).toBe(
      "Memory goal (flat but for dedupe's 800 bytes per document): peak at 400MB ≤ 1.1 × 600 MB + 28,845 more documents × 800 bytes = 682 MB: met (640 MB).");
  });
  it('memory that grows like the archive does not meet it', () => {
    expect(memoryGoal(small, { size: '400MB', peak_rss_mb: 1200, documents: 57_904 })).toMatch(/NOT met/);
  });
});
