/**
 * Character-level precision, recall and F1 of an extracted text against a gold text.
 *
 * Both texts are compared as sequences of Unicode code points with all whitespace removed (line breaks and
 * indentation are layout, not content). The overlap is the longest common subsequence (LCS): characters that
 * appear in both texts in the same order. precision = LCS / extracted length, recall = LCS / gold length,
 * F1 = their harmonic mean. Order-aware, unlike a bag of characters, so boilerplate in the wrong place or a
 * shuffled page does not score well by sharing common characters.
 *
 * The LCS length uses the bit-parallel algorithm of Hyyrö (2004, "Bit-parallel LCS-length computation
 * revisited"): O(⌈m/32⌉·n) word operations, a few milliseconds for two 10,000-character texts.
 */

export interface Score {
  precision: number;
  recall: number;
  f1: number;
  /** Code points compared (whitespace removed). */
  extracted_chars: number;
  gold_chars: number;
  lcs: number;
}

/** Code points of `s` without whitespace. */
export function codePoints(s: string): number[] {
  return Array.from(s.replace(/\s+/gu, ''), (c) => c.codePointAt(0)!);
}

/** Length of the longest common subsequence of two code-point arrays (bit-parallel, 32-bit words). */
export function lcsLength(a: number[], b: number[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const words = Math.ceil(a.length / 32);
  // Match masks: bit i of peq[c] is set when a[i] === c.
  const peq = new Map<number, Uint32Array>();
  a.forEach((c, i) => {
    let m = peq.get(c);
    if (!m) peq.set(c, (m = new Uint32Array(words)));
    m[i >>> 5]! |= 1 << (i & 31);
  });
  const v = new Uint32Array(words).fill(0xffffffff);
  const zero = new Uint32Array(words);
  for (const c of b) {
    const m = peq.get(c) ?? zero;
    // V' = (V + (V & M)) | (V & ~M), with the addition carried across words.
    let carry = 0;
    for (let w = 0; w < words; w++) {
      const vw = v[w]!;
      const u = (vw & m[w]!) >>> 0;
      const sum = vw + u + carry; // up to 2^33 - 1: exact in a double
      carry = sum > 0xffffffff ? 1 : 0;
      v[w] = (sum >>> 0) | (vw & ~m[w]!);
    }
  }
  // The LCS length is the number of zero bits among the first a.length bits of V.
  let zeros = 0;
  for (let i = 0; i < a.length; i++) if (((v[i >>> 5]! >>> (i & 31)) & 1) === 0) zeros++;
  return zeros;
}

export function score(extracted: string, gold: string): Score {
  const a = codePoints(extracted);
  const b = codePoints(gold);
  const lcs = lcsLength(a, b);
  const precision = a.length === 0 ? (b.length === 0 ? 1 : 0) : lcs / a.length;
  const recall = b.length === 0 ? (a.length === 0 ? 1 : 0) : lcs / b.length;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, extracted_chars: a.length, gold_chars: b.length, lcs };
}
