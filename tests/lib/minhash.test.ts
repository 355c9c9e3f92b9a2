import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  bandKeys, candidateProbability, canonicalText, canonicalTextSlow, codePoints, estimateJaccard, fmix32, jaccardSorted, minhashSignature,
  ophSignature, optimalBands, permutations, shingleFingerprints, shingleHashes, sortedDistinct,
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
    expect(canonicalTextSlow(input)).toBe(expected);
  });

  // The table path must give the definition's string on anything: the cases below need the slow path (or
  // sit at the edge of the table's blocks) and are mixed with table characters by the property test.
  const TRICKY = [
    'e\u0301', '\u0301', 'か\u3099', '\u309b', '\uff9e', 'ｶﾞ', '\u1100\u1161', '한', 'ΣΑΣ', 'ΟΔΟΣ', 'İ', 'ß', 'ﬁ', '\u00a8', '¼',
    '\ud840\udc00', '😀', '\ud800', '\udc00', '\u302a', '\u3029', '\u303f', '\u2028', '\u200d', '\ufeff', '℃', '№', 'Ⅻ', '①', '⑴',
    '㈠', '㍿', '\uf900', '\ufa0e', '︰', '﹏', '（', '～', '\uff65', '\uff66', '￥', '\uffe8', '\uffee', '\u00ad', '\u2060',
    '时时放心不下', 'ABC', '123', ' ', '\n', '\t', '。', '，', '、', '“', '”', '—',
  ];
  it.each(TRICKY.map((t) => [t]))('the table path equals the definition on %j', (t) => {
    expect(canonicalText(t)).toBe(canonicalTextSlow(t));
  });

  it('the table path equals the definition on mixed strings (property)', () => {
    const piece = fc.oneof(fc.constantFrom(...TRICKY), fc.string({ unit: 'binary', maxLength: 3 }), fc.string({ unit: 'grapheme', maxLength: 3 }));
    fc.assert(fc.property(fc.array(piece, { maxLength: 30 }).map((a) => a.join('')), (s) => {
      expect(canonicalText(s)).toBe(canonicalTextSlow(s));
    }), { numRuns: 2000, seed: 9 });
  });

  it('canonical paragraphs concatenated equal the canonical form of the text joined by line breaks', () => {
    const ps = essays000().flatMap((d) => d.paragraphs);
    expect(ps.map(canonicalText).join('')).toBe(canonicalTextSlow(ps.join('\n')));
    fc.assert(fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 8 }), { maxLength: 8 }), (xs) => {
      expect(xs.map(canonicalText).join('')).toBe(canonicalTextSlow(xs.join('\n')));
    }), { numRuns: 500, seed: 3 });
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

  it.each([
    ['abcdeXabcde', 5, 0, 6],
    ['𠀀𠀁𠀂𠀃𠀄x𠀀𠀁𠀂𠀃𠀄', 5, 0, 6],
    ['中华人民共和国中华人民', 4, 0, 7],
  ])('rolling hashes: the same n-gram hashes the same wherever it is (%j)', (text, n, i, j) => {
    const h = shingleHashes(text, n);
    expect(h[i]).toBe(h[j]);
    expect(new Set(h).size).toBe(h.length - 1);
  });

  describe('sortedDistinct equals the built-in sort with repeats removed', () => {
    const reference = (xs: Float64Array) => [...new Set(Array.from(xs).sort((a, b) => a - b))];
    const random = (seed: number) => () => { seed = fmix32(seed + 0x9e3779b9); return seed >>> 0; };
    const key = (r: () => number) => r() * 0x200000 + (r() >>> 11);
    it.each([
      ['empty', () => new Float64Array(0)],
      ['short (the built-in path)', () => { const r = random(1); return Float64Array.from({ length: 40 }, () => key(r)); }],
      ['uniform 53-bit keys, as fingerprints are', () => { const r = random(2); return Float64Array.from({ length: 5000 }, () => key(r)); }],
      ['many repeats of few values', () => { const r = random(3); const v = Float64Array.from({ length: 7 }, () => key(r)); return Float64Array.from({ length: 3000 }, (_, i) => v[(i * 5) % 7]!); }],
      ['one value only', () => new Float64Array(2000).fill(12345)],
      ['clustered in one bucket (the fallback)', () => { const r = random(4); return Float64Array.from({ length: 3000 }, () => r() % 100000); }],
      ['the extremes 0 and 2^53 − 1', () => { const r = random(5); return Float64Array.from({ length: 1000 }, (_, i) => (i % 3 === 0 ? 0 : i % 3 === 1 ? 2 ** 53 - 1 : key(r))); }],
      ['already sorted, and reversed', () => { const r = random(6); const a = Float64Array.from({ length: 2000 }, () => key(r)).sort(); return Float64Array.from([...a, ...a.slice().reverse()]); }],
    ])('%s', (_n, make) => {
      const xs = make();
      expect(Array.from(sortedDistinct(xs.slice()))).toEqual(reference(xs));
    });
    it('on generated arrays', () => {
      fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 53 - 1 }), { maxLength: 400 }), fc.boolean(), (v, dup) => {
        const xs = Float64Array.from(dup ? [...v, ...v] : v);
        expect(Array.from(sortedDistinct(xs.slice()))).toEqual(reference(xs));
      }));
    });
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

  it('one-permutation signatures: deterministic, k values, empty bins densified, repeats ignored', () => {
    const s = shingleHashes(canonicalText(essays000()[0]!.paragraphs.join('')), 5);
    const a = ophSignature(s, 256, 7);
    expect(a).toBeInstanceOf(Uint32Array);
    expect(a).toHaveLength(256);
    expect(ophSignature(s, 256, 7)).toEqual(a);
    expect(ophSignature(Int32Array.from([...s, ...s].reverse()), 256, 7)).toEqual(a);
    // A text of 3 shingles: every bin holds one of their 3 values.
    const few = ophSignature(shingleHashes('abcdefg', 5), 256, 7);
    expect(new Set(few).size).toBe(3);
    expect(ophSignature(shingleHashes('abcde', 5), 100, 1).every((v, _, all) => v === all[0])).toBe(true);
  });

  // Bins of one permutation collide with probability = Jaccard, like independent permutations (Shrivastava
  // 2017), also for texts with far fewer shingles than bins (densification), so the banding derivation holds.
  it.each([
    [1200, 180],
    [1200, 300],
    [150, 20],
    [80, 9],
  ])('one-permutation estimate and LSH candidate rate match the Jaccard (%i-char windows, offset %i)', (len, off) => {
    const text = [...essays000().map((d) => canonicalText(d.paragraphs.join(''))).join('')];
    const n = len < 100 ? 4 : 5;
    let est = 0, cand = 0, J = 0;
    const SEEDS = 60, BASES = [0, 2000, 4000];
    for (const base of BASES) {
      const a = text.slice(base, base + len).join(''), b = text.slice(base + off, base + off + len).join('');
      J += jaccardSorted(shingleFingerprints(a, n), shingleFingerprints(b, n)) / BASES.length;
      const ha = shingleHashes(a, n), hb = shingleHashes(b, n);
      for (let seed = 0; seed < SEEDS; seed++) {
        const sa = ophSignature(ha, 256, seed), sb = ophSignature(hb, 256, seed);
        est += estimateJaccard(sa, sb) / SEEDS / BASES.length;
        const ka = bandKeys(sa, 32, 8), kb = bandKeys(sb, 32, 8);
        if (ka.some((k, i) => k === kb[i])) cand += 1 / SEEDS / BASES.length;
      }
    }
    expect(Math.abs(est - J)).toBeLessThan(0.01);
    // Binomial standard error of 180 trials is at most 0.037; the mean of P over the three pairs ≈ P(mean J).
    expect(Math.abs(cand - candidateProbability(J, 32, 8))).toBeLessThan(0.12);
  });

  it('derives 25 bands × 10 rows for Jaccard 0.7 and 256 permutations (as data-juicer/datasketch)', () => {
    const b = optimalBands(0.7, 256);
    expect([b.bands, b.rows]).toEqual([25, 10]);
    expect(b.fp).toBeCloseTo(0.038, 3);
    expect(b.fn).toBeCloseTo(0.026, 3);
  });

  it('chooses the banding the direct formula chooses, with the same areas (powers per point, Simpson, b then r)', () => {
    // The definition optimalBands computes incrementally: each area a Simpson sum of 1 − (1 − s^r)^b with powers.
    const simpson = (f: (x: number) => number, lo: number, hi: number, n = 200) => {
      const h = (hi - lo) / n;
      let sum = f(lo) + f(hi);
      for (let i = 1; i < n; i++) sum += f(lo + i * h) * (i % 2 === 1 ? 4 : 2);
      return (sum * h) / 3;
    };
    const direct = (t: number, perm: number, wfp: number, wfn: number) => {
      let best = { bands: 1, rows: 1, fp: Infinity, fn: Infinity, err: Infinity };
      for (let b = 1; b <= perm; b++) {
        for (let r = 1; b * r <= perm; r++) {
          const fp = simpson((s) => candidateProbability(s, b, r), 0, t);
          const fn = simpson((s) => 1 - candidateProbability(s, b, r), t, 1);
          const err = wfp * fp + wfn * fn;
          if (err < best.err - 1e-12) best = { bands: b, rows: r, fp, fn, err };
        }
      }
      return best;
    };
    for (const [t, perm, wfp, wfn] of [[0.7, 256, 0.5, 0.5], [0.7, 256, 0.1, 0.9], [0.5, 128, 0.5, 0.5], [0.85, 200, 0.3, 0.7], [0.9, 64, 0.9, 0.1], [0.3, 16, 0.5, 0.5], [0.6, 1, 0.5, 0.5]] as const) {
      const got = optimalBands(t, perm, wfp, wfn), want = direct(t, perm, wfp, wfn);
      expect([t, perm, got.bands, got.rows]).toEqual([t, perm, want.bands, want.rows]);
      expect(Math.abs(got.fp - want.fp)).toBeLessThan(1e-12);
      expect(Math.abs(got.fn - want.fn)).toBeLessThan(1e-12);
    }
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
