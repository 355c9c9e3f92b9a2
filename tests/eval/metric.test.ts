import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { codePoints, lcsLength, score } from '../../pipeline/eval/metric.js';

/** Textbook O(n·m) dynamic programme, the reference for the bit-parallel version. */
function lcsDp(a: number[], b: number[]): number {
  let prev: number[] = new Array(b.length + 1).fill(0);
  for (const x of a) {
    const cur = [0];
    b.forEach((y, j) => cur.push(x === y ? prev[j]! + 1 : Math.max(prev[j + 1]!, cur[j]!)));
    prev = cur;
  }
  return prev[b.length]!;
}

describe('score: LCS precision, recall, F1 over code points without whitespace', () => {
  it.each([
    ['identical up to whitespace', '第一段。\n第二段。', '第一段。 第二段。', 1, 1],
    ['extra boilerplate lowers precision only', '首页 导航\n正文内容', '正文内容', 4 / 8, 1],
    ['missing text lowers recall only', '正文', '正文内容', 1, 2 / 4],
    ['order matters', '乙甲', '甲乙', 1 / 2, 1 / 2],
    ['both empty', '', ' ', 1, 1],
    ['nothing extracted', '', '正文', 0, 0],
    ['astral characters count once', '𠀀字', '𠀀字', 1, 1],
  ])('%s', (_name, extracted, gold, p, r) => {
    const s = score(extracted, gold);
    expect([s.precision, s.recall]).toEqual([p, r]);
  });

  it('bit-parallel LCS equals the dynamic programme (random texts over small alphabets, > 32 and > 64 long)', () => {
    const arr = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 140 });
    fc.assert(fc.property(arr, arr, (a, b) => lcsLength(a, b) === lcsDp(a, b)), { numRuns: 300, seed: 8 });
    expect(codePoints('a b\nc')).toEqual([97, 98, 99]);
  });
});
