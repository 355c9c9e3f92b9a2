import { describe, expect, it } from 'vitest';
import { median } from '../../pipeline/lib/stats.js';

describe('median', () => {
  it.each([
    [[], null],
    [[7], 7],
    [[10.6, 12.2, 11.1], 11.1],
    [[3, 1, 2, 4], 2.5],
    [[5, 5, 9], 5],
  ])('%j → %j', (xs, m) => {
    expect(median(xs)).toBe(m);
  });

  it('does not reorder its input', () => {
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
  });
});
