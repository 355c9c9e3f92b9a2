import { describe, expect, it } from 'vitest';
import {
  bandKeys, candidateProbability, canonicalText, codePoints, estimateJaccard, fmix32, jaccardSorted, minhashSignature,
  optimalBands, permutations, shingleFingerprints, shingleHashes,
} from '../../pipeline/lib/minhash.js';
import { essays000 } from '../fixtures/dedupe/seeds.js';

describe('canonicalText', () => {
  it.each([
    ['punctuation and whitespace go', '时时放心不下，\n担当作为。', '时时放心不下担当作为'],
    ['full-width Latin and digits become ASCII, lower-cased', 'ＡＢＣ１２３', 'abc123'],
    ['ASCII and Chinese punctuation are the same', '“两个维护”, 四个意识.', '两个维护四个意识'],
    ['symbols go too', '★党建★ ①②', '党建12'],
    ['compatibility ideographs are unified (NFKC)', '\uf900', '\u8c48'],
    ['zero-width characters go', '担\u200b当', '担当'],
  ])('%s', (_n, input, expected) => {
    expect(canonicalText(input)).toBe(expected);
  });
});

describe('shingles', () => {
  it.each([
    ['abcdefg', 5, 3],
    ['abcd', 5, 1], // shorter than n: one shingle, the whole text
    ['', 5, 0],
    ['𠀀𠀁𠀂𠀃𠀄𠀅', 5, 2], // astral code points count once
  ])('%j with n=%i has %i shingles', (text, n, count) => {
    expect(shingleHashes(text, n)).toHaveLength(count);
    expect(codePoints('𠀀a')).toEqual(new Int32Array([0x20000, 0x61]));
  });

  it('fingerprints are sorted and distinct', () => {
    const f = shingleFingerprints('abcabcabcabc', 3);
    expect(f).toHaveLength(3);
    for (let i = 1; i < f.length; i++) expect(f[i]!).toBeGreaterThan(f[i - 1]!);
  });

  it.each([
    [[1, 2, 3], [1, 2, 3], 1],
    [[1, 2, 3], [4, 5], 0],
    [[1, 2, 3, 4], [3, 4, 5, 6], 2 / 6],
    [[], [], 1],
  ])('jaccard(%j, %j) = %d', (a, b, j) => {
    expect(jaccardSorted(a, b)).toBeCloseTo(j, 12);
  });
});

describe('MinHash and LSH', () => {
  it('fmix32 is a bijection on a sample (no collisions among 2^16 inputs)', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 65536; i++) seen.add(fmix32(i * 65537));
    expect(seen.size).toBe(65536);
  });

  it('signatures are deterministic and have one value per permutation', () => {
    const p = permutations(256);
    const s = shingleHashes(canonicalText(essays000()[0]!.paragraphs.join('')), 5);
    const a = minhashSignature(s, p);
    expect(a).toBeInstanceOf(Uint32Array);
    expect(a).toHaveLength(256);
    expect(minhashSignature(s, permutations(256))).toEqual(a);
    expect(bandKeys(a, 25, 10)).toEqual(bandKeys(minhashSignature(s, p), 25, 10));
  });

  it('the MinHash estimate tracks the exact Jaccard (within 4 standard errors) on overlapping windows', () => {
    const text = [...essays000().map((d) => canonicalText(d.paragraphs.join(''))).join('')];
    const p = permutations(256);
    for (const off of [0, 100, 250, 400, 700, 1000]) {
      const a = text.slice(0, 1200).join('');
      const b = text.slice(off, off + 1200).join('');
      const exact = jaccardSorted(shingleFingerprints(a, 5), shingleFingerprints(b, 5));
      const est = estimateJaccard(minhashSignature(shingleHashes(a, 5), p), minhashSignature(shingleHashes(b, 5), p));
      const se = Math.sqrt(Math.max(exact * (1 - exact), 0.01) / 256);
      expect(Math.abs(est - exact)).toBeLessThan(4 * se);
    }
  });

  it('derives 25 bands × 10 rows for Jaccard 0.7 and 256 permutations (as data-juicer/datasketch)', () => {
    const b = optimalBands(0.7, 256);
    expect([b.bands, b.rows]).toEqual([25, 10]);
    expect(b.fp).toBeCloseTo(0.038, 3);
    expect(b.fn).toBeCloseTo(0.026, 3);
  });

  it('derives 32 bands × 8 rows when false negatives weigh 9 times false positives (our default)', () => {
    const b = optimalBands(0.7, 256, 0.1, 0.9);
    expect([b.bands, b.rows]).toEqual([32, 8]);
    expect(candidateProbability(0.7, 32, 8)).toBeCloseTo(0.85, 2);
    expect(candidateProbability(0.3, 32, 8)).toBeLessThan(0.003);
  });

  it.each([
    [0.1, 0, 1e-8],
    [0.5, 0.024, 0.001],
    [0.7, 0.511, 0.001],
    [0.9, 1, 1e-4],
  ])('a pair with Jaccard %d becomes a candidate with probability ≈ %d', (s, p, tol) => {
    expect(Math.abs(candidateProbability(s, 25, 10) - p)).toBeLessThan(tol);
  });
});
