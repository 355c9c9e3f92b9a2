/**
 * The arithmetic of near-duplicate detection: a canonical form of text, character n-gram shingles,
 * MinHash signatures, LSH banding and the exact Jaccard used to verify candidates.
 *
 * Everything is 32-bit integer math (`Math.imul`), no BigInt, no randomness: the hash family is derived from
 * a fixed seed, so signatures are identical on every machine and run.
 *
 * Cost per canonical character (pipeline/dedup/sigbench.ts, the 10 MB bench corpus): canonicalText 8 ns,
 * shingleHashes 10–13 ns, ophSignature (one hash per shingle, 256 bins) 9 ns; the 256-permutation
 * minhashSignature (one hash per shingle and permutation) 510 ns. The stage uses ophSignature; the
 * k-permutation form stays as the reference the tests compare the one-permutation estimate with.
 *
 * @example
 *   const a = canonicalText(doc.paragraphs.join('\n'));
 *   const sig = ophSignature(shingleHashes(a, 5), 256);   // or minhashSignature(…, permutations(256))
 *   const keys = bandKeys(sig, 32, 8);                  // one 53-bit bucket key per band
 *   jaccardSorted(shingleFingerprints(a, 5), shingleFingerprints(b, 5));   // exact, for candidates only
 */

/**
 * Canonical form for hashing only (the published text is never changed): NFKC (full-width → ASCII,
 * compatibility ideographs → unified), lower-case, and every whitespace, punctuation (\p{P}) and symbol
 * (\p{S}) character removed. Two copies that differ only in spacing, punctuation style or Latin case
 * have the same canonical form.
 */
export function canonicalText(s: string): string {
  const t = table();
  let out = '';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const k = t.kind[s.charCodeAt(i)]!;
    if (k === KEEP) continue;
    if (k === SLOW) return canonicalTextSlow(s);
    out += s.slice(start, i);
    if (k === MAP) out += t.map.get(s.charCodeAt(i))!;
    start = i + 1;
  }
  return start === 0 ? s : out + s.slice(start);
}

const DROP_RE = /[\s\p{P}\p{S}\p{Cc}\p{Cf}]+/gu;

/** The definition of the canonical form; `canonicalText` gives the same string, faster (tests compare them). */
export function canonicalTextSlow(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(DROP_RE, '');
}

/**
 * Per-character table for `canonicalText`. A character of the listed blocks is a starter that no preceding or
 * following character of these blocks composes or reorders with, and whose lower case needs no context (the
 * Greek final sigma does: Σ is not listed), so on a string made only of them the canonical form is the
 * concatenation of each character's own: kept as is, dropped, or replaced. A string with any other character
 * (combining marks, kana, Hangul, surrogates…) takes the definition's path. 7 ns/char instead of 60 on the seeds.
 */
const SLOW = 0, KEEP = 1, DROP = 2, MAP = 3;
const FAST_BLOCKS: [number, number][] = [
  [0x0000, 0x00ff], // Basic Latin, Latin-1 (NBSP, ª, ², ¼, Latin-1 letters)
  [0x2000, 0x206f], // General Punctuation (typographic spaces → space, ‥ → .., zero-width characters)
  [0x2100, 0x23ff], // Letterlike symbols (℃, №), number forms (Ⅱ), arrows, mathematical operators, technical
  [0x2460, 0x27bf], // Enclosed alphanumerics (①, ⑴, ⒈), box drawing, shapes, dingbats
  [0x3000, 0x3029], // CJK symbols and punctuation (U+302A–302F are combining tone marks)
  [0x3030, 0x303f],
  [0x3400, 0x4dbf], // CJK Unified Ideographs Extension A
  [0x4e00, 0x9fff], // CJK Unified Ideographs
  [0xf900, 0xfaff], // CJK Compatibility Ideographs (→ unified)
  [0xfe10, 0xfe1f], // Vertical forms
  [0xfe30, 0xfe6f], // CJK compatibility forms, small form variants
  [0xff01, 0xff65], // Full-width ASCII, full-width brackets, half-width CJK punctuation
  [0xffe0, 0xffee], // Full-width signs (￥), half-width arrows and shapes
];
let TABLE: { kind: Uint8Array; map: Map<number, string> } | null = null;
function table(): { kind: Uint8Array; map: Map<number, string> } {
  if (TABLE) return TABLE;
  const kind = new Uint8Array(0x10000);
  const map = new Map<number, string>();
  for (const [lo, hi] of FAST_BLOCKS) {
    for (let c = lo; c <= hi; c++) {
      const ch = String.fromCharCode(c);
      const n = ch.normalize('NFKC');
      if (/[Σσς]/u.test(n)) continue; // SLOW
      const r = canonicalTextSlow(ch);
      if (r === ch) kind[c] = KEEP;
      else if (r === '') kind[c] = DROP;
      else { kind[c] = MAP; map.set(c, r); }
    }
  }
  TABLE = { kind, map };
  return TABLE;
}

/** Code points of a string (a surrogate pair is one unit, as in the ledger). */
export function codePoints(s: string): Int32Array {
  const out = new Int32Array(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.codePointAt(i)!;
    if (c > 0xffff) i++;
    out[n++] = c;
  }
  return out.subarray(0, n);
}

/** murmur3's 32-bit finaliser: a bijection on 32-bit integers that mixes every bit into every bit. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** 32-bit hash of `n` code points starting at `i` (FNV-1a over code points, then fmix32). */
function gramHash(cps: Int32Array, i: number, n: number, seed: number): number {
  let h = seed;
  for (let k = 0; k < n; k++) h = Math.imul(h ^ cps[i + k]!, 0x01000193);
  return fmix32(h ^ n);
}

const SEED_A = 0x811c9dc5; // FNV offset basis
const SEED_B = 0x2545f491; // an unrelated odd constant for the second, independent hash

/**
 * 32-bit hashes of the character n-grams of a canonical text (one per position, repeats included:
 * MinHash ignores repeats). A text shorter than `n` is one shingle, the whole text; '' has none.
 * Rolling: a polynomial hash of the window (mod 2^32) updated per character, then mixed (fmix32), so a
 * shingle costs two multiplications whatever `n`. (Verification uses `shingleFingerprints`, not these.)
 */
export function shingleHashes(canonical: string, n: number): Int32Array {
  return shingleHashesOf(codePoints(canonical), n);
}

/** `shingleHashes` of a text already split into code points. */
export function shingleHashesOf(cps: Int32Array, n: number): Int32Array {
  if (cps.length === 0) return new Int32Array(0);
  const m = Math.max(1, cps.length - n + 1);
  const g = Math.min(n, cps.length);
  const B = 0x01000193;
  let pow = 1; // B^(g-1): the weight of the character leaving the window
  for (let k = 1; k < g; k++) pow = Math.imul(pow, B);
  const out = new Int32Array(m);
  let h = 0;
  for (let k = 0; k < g; k++) h = (Math.imul(h, B) + cps[k]!) | 0;
  out[0] = fmix32(h ^ g);
  for (let i = 1; i < m; i++) {
    h = (Math.imul(h - Math.imul(cps[i - 1]!, pow), B) + cps[i + g - 1]!) | 0;
    out[i] = fmix32(h ^ g);
  }
  return out;
}

/**
 * The shingle set for exact verification: sorted, distinct 53-bit fingerprints (two independent 32-bit
 * hashes of each n-gram). Two different shingles share a fingerprint with probability 2^-53 per pair,
 * so for documents of 100k characters the chance that the Jaccard is off by even one shingle is < 1e-5;
 * in exchange a shingle costs 8 bytes instead of a string.
 */
export function shingleFingerprints(canonical: string, n: number): Float64Array {
  const cps = codePoints(canonical);
  if (cps.length === 0) return new Float64Array(0);
  const m = Math.max(1, cps.length - n + 1);
  const g = Math.min(n, cps.length);
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) out[i] = (gramHash(cps, i, g, SEED_A) >>> 0) * 0x200000 + (gramHash(cps, i, g, SEED_B) >>> 11);
  return sortedDistinct(out);
}

/**
 * The distinct values of `xs` (integers in [0, 2^53), as fingerprints are), ascending, in a new array; `xs` is
 * reordered. Hand-written because fingerprints are uniform hashes: a counting pass on the top bits puts them in
 * about one bucket per value, in bucket order, and one insertion-sort pass finishes (each value moves within its
 * bucket only: expected linear time). The built-in `Float64Array.prototype.sort` took ~60 ns per value on the
 * 50 MB benchmark's documents (~2,000 shingles each), most of dedupe's gather; this takes ~16. Values crowding
 * into one bucket (no hash makes them) go to the built-in sort instead. tests/lib/minhash.test.ts compares the
 * result with the built-in sort's on random, repeated and clustered values.
 */
export function sortedDistinct(xs: Float64Array): Float64Array {
  const m = xs.length;
  let sorted = xs;
  if (m < 64) xs.sort();
  else {
    const bits = Math.min(20, 32 - Math.clz32(m - 1)); // about one bucket per value
    const scale = 2 ** (bits - 53);
    const buckets = 1 << bits;
    const next = new Int32Array(buckets + 1);
    for (let i = 0; i < m; i++) next[Math.floor(xs[i]! * scale) + 1]!++;
    let crowded = false;
    for (let b = 1; b <= buckets; b++) {
      if (next[b]! > 32) crowded = true;
      next[b]! += next[b - 1]!;
    }
    if (crowded) xs.sort();
    else {
      sorted = new Float64Array(m);
      for (let i = 0; i < m; i++) { const x = xs[i]!; sorted[next[Math.floor(x * scale)]!++] = x; }
      for (let i = 1; i < m; i++) {
        const x = sorted[i]!;
        let j = i - 1;
        if (sorted[j]! <= x) continue;
        for (; j >= 0 && sorted[j]! > x; j--) sorted[j + 1] = sorted[j]!;
        sorted[j + 1] = x;
      }
    }
  }
  let k = 0;
  for (let i = 0; i < m; i++) if (i === 0 || sorted[i] !== sorted[k - 1]) sorted[k++] = sorted[i]!;
  return sorted.slice(0, k);
}

/** Exact Jaccard |A∩B| / |A∪B| of two sorted, distinct arrays (1 when both are empty). */
export function jaccardSorted(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length === 0 && b.length === 0) return 1;
  let i = 0, j = 0, inter = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!, y = b[j]!;
    if (x === y) { inter++; i++; j++; } else if (x < y) i++; else j++;
  }
  return inter / (a.length + b.length - inter);
}

/** A seeded family of `k` permutations of the 32-bit integers: π_i(x) = fmix32(x ⊕ s_i) + t_i. */
export interface Permutations { k: number; xor: Int32Array; add: Int32Array }

/** The permutation family, derived deterministically from `seed` (splitmix-style counter hashing). */
export function permutations(k: number, seed = 0x6a09e667): Permutations {
  const xor = new Int32Array(k);
  const add = new Int32Array(k);
  for (let i = 0; i < k; i++) {
    xor[i] = fmix32(seed ^ Math.imul(2 * i + 1, 0x9e3779b9));
    add[i] = fmix32(xor[i]! ^ 0x5bd1e995);
  }
  return { k, xor, add };
}

/**
 * MinHash signature: for each permutation the minimum of π_i over the shingle hashes.
 * O(k) memory whatever the text length (never O(shingles × k): data-juicer issue #1034). Minima are taken
 * in signed 32-bit order (a fixed bijection of the unsigned order, so still a permutation); the result is
 * returned as the same bits viewed as a Uint32Array. Callers skip texts with no shingles.
 */
export function minhashSignature(shingles: Int32Array, perm: Permutations): Uint32Array {
  // Repeats change no minimum: sort and drop them first (cheap next to k hashes per shingle).
  const xs = Int32Array.from(shingles).sort();
  let n = 0;
  for (let j = 0; j < xs.length; j++) if (j === 0 || xs[j] !== xs[n - 1]) xs[n++] = xs[j]!;
  const k = perm.k;
  const sig = new Int32Array(k);
  const xor = perm.xor, add = perm.add;
  // Permutation-major: the running minimum stays in a register while the inner loop streams the shingles
  // (with the repeat removal: 1.3× less CPU than shingle-major on the seeds, about 2 ns per hash).
  for (let i = 0; i < k; i++) {
    const s = xor[i]!, t = add[i]!;
    let m = 0x7fffffff;
    for (let j = 0; j < n; j++) {
      let h = xs[j]! ^ s;
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h = ((h ^ (h >>> 16)) + t) | 0;
      if (h < m) m = h;
    }
    sig[i] = m;
  }
  return new Uint32Array(sig.buffer);
}

/**
 * One-permutation MinHash with optimal densification (Li, Owen & Zhang 2012, "One Permutation Hashing";
 * Shrivastava 2017, "Optimal Densification for Fast and Accurate Minwise Hashing", ICML). One hash per
 * distinct shingle instead of `k`: the hash's range is cut into `k` bins, each bin keeps the smallest hash that
 * falls into it. A bin no shingle fell into (a text with fewer shingles than bins) borrows the value of the
 * first non-empty bin on its own probe sequence, a hash of (bin, attempt) that is the same for every text, so
 * for any two texts Pr[bin i equal] = Jaccard, as for k independent permutations. O(shingles + k) per text.
 *
 * The bin of a value is a function of the value (its top bits), so equal values mean the same source bin.
 * Returned as Uint32Array, like `minhashSignature`. Callers skip texts with no shingles (all bins 0).
 */
export function ophSignature(shingles: Int32Array, k: number, seed = 0x6a09e667): Uint32Array {
  const sig = new Uint32Array(k);
  const full = new Uint8Array(k);
  const scale = k / 4294967296;
  let filled = 0;
  for (let j = 0; j < shingles.length; j++) {
    let h = shingles[j]! ^ seed;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    const v = (h ^ (h >>> 16)) >>> 0;
    const bin = Math.floor(v * scale);
    if (full[bin] === 0) { full[bin] = 1; sig[bin] = v; filled++; } else if (v < sig[bin]!) sig[bin] = v;
  }
  if (filled === 0 || filled === k) return sig;
  // Densification: probe (bin, attempt) hashes until an originally non-empty bin comes up. Expected k / filled
  // attempts; after 8k of them (never seen in practice) the next non-empty bin in index order is taken.
  const out = sig.slice();
  for (let i = 0; i < k; i++) {
    if (full[i] === 1) continue;
    let src = -1;
    for (let a = 1; a <= 8 * k && src < 0; a++) {
      const c = Math.floor((fmix32(Math.imul(i + 1, 0x9e3779b9) ^ Math.imul(a, 0x85ebca6b) ^ seed) >>> 0) * scale);
      if (full[c] === 1) src = c;
    }
    for (let c = (i + 1) % k; src < 0; c = (c + 1) % k) if (full[c] === 1) src = c;
    out[i] = sig[src]!;
  }
  return out;
}

/** MinHash estimate of the Jaccard: the share of equal signature positions. */
export function estimateJaccard(a: Uint32Array, b: Uint32Array): number {
  let eq = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) eq++;
  return eq / a.length;
}

/**
 * One bucket key per band: the band's `rows` signature values hashed to 53 bits. Two documents are LSH
 * candidates when any band key is equal. (A 53-bit collision between different bands' contents only adds a
 * candidate pair, which verification rejects.)
 */
export function bandKeys(sig: Uint32Array, bands: number, rows: number): Float64Array {
  const out = new Float64Array(bands);
  for (let b = 0; b < bands; b++) {
    let h1 = Math.imul(b + 1, 0x9e3779b9) ^ SEED_A;
    let h2 = Math.imul(b + 1, 0x85ebca6b) ^ SEED_B;
    for (let r = 0; r < rows; r++) {
      const v = sig[b * rows + r]! | 0;
      h1 = fmix32(Math.imul(h1 ^ v, 0x01000193));
      h2 = fmix32(Math.imul(h2 ^ v, 0x27d4eb2f) + r);
    }
    out[b] = (h1 >>> 0) * 0x200000 + (h2 >>> 11);
  }
  return out;
}

/** Probability that a pair with Jaccard `s` shares at least one of `b` bands of `r` rows: 1 - (1 - s^r)^b. */
export function candidateProbability(s: number, b: number, r: number): number {
  return 1 - (1 - s ** r) ** b;
}

/** Intervals of the composite Simpson's rule the areas below are integrated with (the curves are smooth). */
const SIMPSON_INTERVALS = 200;

/** Simpson weights (1, 4, 2, 4, …, 4, 1) of the SIMPSON_INTERVALS + 1 grid points. */
const SIMPSON_WEIGHTS = Float64Array.from({ length: SIMPSON_INTERVALS + 1 }, (_, i) => (i === 0 || i === SIMPSON_INTERVALS ? 1 : i % 2 === 1 ? 4 : 2));

/**
 * LSH banding for a Jaccard threshold: the (bands, rows) with bands × rows ≤ numPerm that minimises
 * fpWeight × (false-positive area) + fnWeight × (false-negative area), where the false-positive area is
 * ∫₀^t P(candidate | s) ds and the false-negative area ∫_t^1 (1 - P(candidate | s)) ds. This is the
 * derivation of datasketch's `_optimal_param`, which data-juicer uses; for t = 0.7, 256 permutations and
 * equal weights it gives 25 bands × 10 rows (false-positive area 0.038, false-negative area 0.026).
 *
 * The areas are Simpson sums over a fixed grid of s. For each row count r, (1 − s^r)^b is built up by one
 * multiplication per band count instead of a power per (b, r, s). For 256 permutations (1,624 pairs), in a fresh
 * process: 63 ms with `**`, 22 ms so. It is on the critical path of a run twice: the first document a thread
 * prepares, and the plan's first step on the main thread (#9, profiled). The pairs are still compared in the order b, then r, so ties resolve as before
 * (tests/lib/minhash.test.ts checks the choice and the areas against the direct formula).
 */
export function optimalBands(threshold: number, numPerm: number, fpWeight = 0.5, fnWeight = 0.5): { bands: number; rows: number; fp: number; fn: number } {
  const n = SIMPSON_INTERVALS;
  const hLo = threshold / n, hHi = (1 - threshold) / n;
  // fp[b][r] and fn[b][r], filled by r, read by b.
  const fpOf: Float64Array[] = [], fnOf: Float64Array[] = [];
  for (let b = 1; b <= numPerm; b++) { fpOf[b] = new Float64Array(Math.floor(numPerm / b) + 1); fnOf[b] = new Float64Array(Math.floor(numPerm / b) + 1); }
  const qLo = new Float64Array(n + 1), qHi = new Float64Array(n + 1); // 1 − s^r at the grid points
  const pLo = new Float64Array(n + 1), pHi = new Float64Array(n + 1); // (1 − s^r)^b
  for (let r = 1; r <= numPerm; r++) {
    for (let i = 0; i <= n; i++) {
      qLo[i] = 1 - (i * hLo) ** r;
      qHi[i] = 1 - (threshold + i * hHi) ** r;
      pLo[i] = 1;
      pHi[i] = 1;
    }
    for (let b = 1; b * r <= numPerm; b++) {
      let fp = 0, fn = 0;
      for (let i = 0; i <= n; i++) {
        pLo[i] = pLo[i]! * qLo[i]!;
        pHi[i] = pHi[i]! * qHi[i]!;
        fp += SIMPSON_WEIGHTS[i]! * (1 - pLo[i]!); // P(candidate | s) below the threshold
        fn += SIMPSON_WEIGHTS[i]! * pHi[i]!;       // 1 − P(candidate | s) above it
      }
      fpOf[b]![r] = (fp * hLo) / 3;
      fnOf[b]![r] = (fn * hHi) / 3;
    }
  }
  let best = { bands: 1, rows: 1, fp: Infinity, fn: Infinity, err: Infinity };
  for (let b = 1; b <= numPerm; b++) {
    for (let r = 1; b * r <= numPerm; r++) {
      const fp = fpOf[b]![r]!, fn = fnOf[b]![r]!;
      const err = fpWeight * fp + fnWeight * fn;
      if (err < best.err - 1e-12) best = { bands: b, rows: r, fp, fn, err };
    }
  }
  return { bands: best.bands, rows: best.rows, fp: best.fp, fn: best.fn };
}
