/**
 * Document-level deduplication, the global part: from one prepared value per document (pipeline/dedup/
 * prepare.ts, computed in the worker pool) to a decision per document: kept, or dropped as a duplicate of a
 * named kept document.
 *
 * Exact groups — documents with the same canonical-body hash; the first of each group stands for it.
 * LSH — groups sharing a band key are candidate pairs (a bucket pairs each member with its first `maxBucket`).
 * Verification — the shingle sets of candidate documents only are gathered from the worker pool, in input
 *   order; each is held only until its last partner has arrived, and every candidate pair is verified with the
 *   exact Jaccard of the sets. Nothing is gathered when there is no candidate.
 * Clustering — on verified edges only, greedily in keeper order: the best document not yet assigned is kept
 *   and claims every unassigned document verified similar to it. A chain A~B, B~C with A≁C does not merge:
 *   A keeps B, C stays (it is not a near-duplicate of anything kept), so each dropped document's `dup_of`
 *   is a kept document it was verified against, at the similarity reported. Single-linkage through chains
 *   is how templated texts snowball into one cluster (marin-community/marin #6851).
 *
 * Memory: besides the prepared values (which the runner holds), a few typed arrays of 4–8 bytes per document or
 * group, one band's bucket table at a time, lists as long as the candidate pairs, and at most VERIFY_CACHE_BYTES of
 * shingle sets (below); no JS object per document.
 */
import type { PlanContext } from '../lib/stage.js';
import { jaccardSorted } from '../lib/minhash.js';
import {
  bandKeyOf, banding, charsOf, checkPrepared, exactHashOf, fileOf, idOf, indexSizes, lenOf, memberOf, pairShingle, sameExact, segmentOf,
  verdictsOf, type Ask, type Gathered, type NearConfig, type Prepared,
} from './prepare.js';

export type { NearConfig } from './prepare.js';

/**
 * What apply does with one document. A kept document carries its paragraph verdicts (`index * 2 + rule code`,
 * paragraphs.ts) when it has any, and the indices of its edge lines that are recurring banners (recurring.ts);
 * most documents get the one shared `KEPT` value.
 */
export type Decision =
  | { keep: true; duplicates: number; removed?: number[]; recurring?: number[] }
  | { keep: false; dup_of: string; method: 'exact' | 'near'; similarity: number };

/** The decision of a kept document without duplicates or removed paragraphs (shared, frozen). */
export const KEPT: Decision = Object.freeze({ keep: true, duplicates: 0 }) as Decision;

export interface PlanCounts {
  clusters: number; exact: number; near: number; candidate_pairs: number; verified_pairs: number; rejected_pairs: number;
  lsh_buckets_capped: number; repeated_paragraphs: number; truncated_paragraphs: number;
}

/** A growable Float64Array. */
class F64List {
  a = new Float64Array(1024);
  n = 0;
  push(x: number): void {
    if (this.n === this.a.length) { const b = new Float64Array(this.a.length * 2); b.set(this.a); this.a = b; }
    this.a[this.n++] = x;
  }
  /** Sorted, without repeats. */
  sortedUnique(): Float64Array {
    const s = this.a.subarray(0, this.n).sort();
    let k = 0;
    for (let i = 0; i < s.length; i++) if (k === 0 || s[i] !== s[k - 1]) s[k++] = s[i]!;
    return s.subarray(0, k);
  }
}

const pow2AtLeast = (n: number): number => 2 ** Math.max(4, Math.ceil(Math.log2(Math.max(1, n))));

/**
 * Candidate pairs of one shingle size's index: entries sharing a key in some band (one Float64Array of keys per
 * band, entry order). A bucket's members are taken in entry order and each is paired with the bucket's first
 * `maxBucket` members. Returns the number of buckets over `maxBucket`. One open-addressing table in typed arrays,
 * reused for every band: 24 bytes per entry, O(entries) per band.
 */
export function bucketPairs(bandKeys: Iterable<Float64Array>, maxBucket: number, pair: (a: number, b: number) => void): number {
  let capped = 0;
  let cap = 0, key = new Float64Array(0), head = new Int32Array(0), tail = head, size = head, next = head;
  for (const keys of bandKeys) {
    if (pow2AtLeast(2 * keys.length) > cap) {
      cap = pow2AtLeast(2 * keys.length);
      key = new Float64Array(cap); head = new Int32Array(cap); tail = new Int32Array(cap); size = new Int32Array(cap);
      next = new Int32Array(cap >>> 1);
    }
    head.fill(-1);
    const mask = cap - 1;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      let s = (k >>> 0) & mask; // the low bits of a key are hash bits
      while (head[s]! >= 0 && key[s] !== k) s = (s + 1) & mask;
      if (head[s]! < 0) { key[s] = k; head[s] = i; tail[s] = i; size[s] = 1; next[i] = -1; continue; }
      // Members are chained in entry order; the chain holds the first `maxBucket` of them.
      for (let j = head[s]!; j >= 0; j = next[j]!) pair(j, i);
      if (size[s]! < maxBucket) { next[tail[s]!] = i; next[i] = -1; tail[s] = i; }
      if (++size[s]! === maxBucket + 1) capped++;
    }
  }
  return capped;
}

const PAIR = 2 ** 26; // pair key = lo * PAIR + hi; fine for up to 67M distinct texts

/**
 * Keeper order of two documents: the longest clean body (countChars), then the earliest source file (code-point
 * order), then archive member, then segment, then id. Negative = `a` is kept. `fileRank` ranks the documents'
 * source files in that order.
 */
function keeperCompare(prepared: readonly Prepared[], fileRank: Int32Array, a: number, b: number): number {
  const pa = prepared[a]!, pb = prepared[b]!;
  const ca = charsOf(pa), cb = charsOf(pb);
  if (ca !== cb) return cb - ca;
  if (fileRank[a] !== fileRank[b]) return fileRank[a]! - fileRank[b]!;
  return keeperTieBreak(pa, pb);
}

/** The keeper order past the body's length and the source file (shared with the distributed dedupe's merge). */
export function keeperTieBreak(pa: Prepared, pb: Prepared): number {
  const ma = memberOf(pa), mb = memberOf(pb);
  if (ma !== mb) return ma < mb ? -1 : 1;
  const sa = segmentOf(pa), sb = segmentOf(pb);
  if (sa !== sb) return sa - sb;
  const ia = idOf(pa), ib = idOf(pb);
  return ia < ib ? -1 : ia > ib ? 1 : 0;
}

/** Rank of each document's source file in code-unit order (equal files, equal ranks). */
function fileRanks(prepared: readonly Prepared[]): Int32Array {
  const index = new Map<string, number>();
  const fileOfDoc = new Int32Array(prepared.length);
  prepared.forEach((p, i) => {
    const f = fileOf(p);
    let k = index.get(f);
    if (k === undefined) { k = index.size; index.set(f, k); }
    fileOfDoc[i] = k;
  });
  const rank = new Int32Array(index.size);
  [...index.keys()].sort().forEach((f, r) => { rank[index.get(f)!] = r; });
  return fileOfDoc.map((k) => rank[k]!);
}

/**
 * Bytes of shingle sets the verification holds at once (a candidate's set is 8 bytes per distinct shingle: ~14 KB
 * for a page of 1,800 characters). Without a bound the held sets grow with the candidates whose partners come much
 * later in the input: the benchmark's generated web archives, whose pages are drawn from the 285 paragraphs of raw/,
 * have candidate pairs across the whole archive (15,777 at 200 MB, ~4× that at 400 MB), and held up to 22.6 MB of
 * sets at 200 MB, 62.2 MB at 400 MB. Past the bound the verification takes more rounds (each a gather over the
 * stage file, of the groups whose pairs still wait), never more memory.
 */
export const VERIFY_CACHE_BYTES = 64 * 2 ** 20;

export interface PlanOptions {
  /** Bound on the shingle sets held at once (default VERIFY_CACHE_BYTES); tests make it small. */
  cacheBytes?: number;
  /** Told how many gather rounds the verification took and the most bytes of sets it held at once. */
  onVerify?: (v: { rounds: number; heldPeak: number }) => void;
}

/**
 * Plan the dedupe of the documents that `prepared` describes (one value per document, in input order); shingle
 * sets of candidate documents come from `ctx.gather`, only when there are candidate pairs to verify.
 */
export async function planDedupe(prepared: readonly Prepared[], cfg: NearConfig, ctx: PlanContext<Ask, Gathered>, opts: PlanOptions = {}): Promise<{ decisions: Decision[]; counts: PlanCounts }> {
  const { bands } = banding(cfg);
  const n = prepared.length;
  for (const p of prepared) checkPrepared(p, cfg, bands);

  // ---- Exact groups (open addressing on the 128-bit hash) -------------------------------------
  const groupOfDoc = new Int32Array(n);
  const firstOf = new Int32Array(n);   // per group: input index of its first document
  let nGroups = 0;
  {
    const cap = pow2AtLeast(2 * n), mask = cap - 1;
    const table = new Int32Array(cap).fill(-1);
    for (let i = 0; i < n; i++) {
      const p = prepared[i]!;
      // A text with no letters at all (cannot happen after clean) is never anybody's duplicate.
      if (lenOf(p) === 0) { firstOf[nGroups] = i; groupOfDoc[i] = nGroups++; continue; }
      let s = exactHashOf(p) & mask;
      while (table[s]! >= 0 && !sameExact(prepared[firstOf[table[s]!]!]!, p)) s = (s + 1) & mask;
      if (table[s]! < 0) { table[s] = nGroups; firstOf[nGroups++] = i; }
      groupOfDoc[i] = table[s]!;
    }
  }
  const groupLen = new Int32Array(nGroups);
  for (let g = 0; g < nGroups; g++) groupLen[g] = lenOf(prepared[firstOf[g]!]!);

  // ---- LSH: candidate pairs, per shingle size (ascending), among the groups' first documents ---
  const pairList = new F64List();
  let capped = 0;
  const bySize = new Map<number, number[]>(); // shingle size → entries (group * 2 + position of the size)
  for (let g = 0; g < nGroups; g++) indexSizes(groupLen[g]!, cfg).forEach((sz, s) => { (bySize.get(sz) ?? bySize.set(sz, []).get(sz)!).push(g * 2 + s); });
  for (const [sz, list] of [...bySize].sort((a, b) => a[0] - b[0])) {
    const entries = Int32Array.from(list);
    list.length = 0;
    const keys = new Float64Array(entries.length);
    function* perBand(): Generator<Float64Array> {
      for (let b = 0; b < bands; b++) {
        for (let j = 0; j < entries.length; j++) keys[j] = bandKeyOf(prepared[firstOf[entries[j]! >> 1]!]!, entries[j]! & 1, b, bands);
        yield keys;
      }
    }
    capped += bucketPairs(perBand(), cfg.maxBucket, (i, j) => {
      const ga = entries[i]! >> 1, gb = entries[j]! >> 1;
      if (pairShingle(groupLen[ga]!, groupLen[gb]!, cfg) !== sz) return; // verified under the other size
      pairList.push(Math.min(ga, gb) * PAIR + Math.max(ga, gb));
    });
  }
  bySize.clear();
  const pairs = pairList.sortedUnique();

  // Partners of each group (the earlier ones, ascending: verified when the later arrives), the last partner
  // (in input order) after which its shingles can go, and the shingle sizes (bit n) it is needed under.
  const partnerStart = new Int32Array(nGroups + 1);
  const partners = new Int32Array(pairs.length);
  const lastPartner = new Int32Array(nGroups).fill(-1);
  const sizes = new Int32Array(nGroups);
  for (const key of pairs) partnerStart[(key % PAIR) + 1] = partnerStart[(key % PAIR) + 1]! + 1;
  for (let g = 0; g < nGroups; g++) partnerStart[g + 1] = partnerStart[g + 1]! + partnerStart[g]!;
  {
    const fill = partnerStart.slice(0, nGroups);
    for (const key of pairs) {
      const lo = Math.floor(key / PAIR), hi = key % PAIR;
      partners[fill[hi]!++] = lo;
      lastPartner[lo] = Math.max(lastPartner[lo]!, hi);
      lastPartner[hi] = Math.max(lastPartner[hi]!, hi);
      const bit = 1 << pairShingle(groupLen[lo]!, groupLen[hi]!, cfg);
      sizes[lo] = sizes[lo]! | bit;
      sizes[hi] = sizes[hi]! | bit;
    }
  }

  // ---- Verify candidates with the exact Jaccard (gathered in input order, in rounds) -----------
  // A set is held from its group's arrival until its last partner's, and at most `cacheBytes` of sets at once: a
  // group that arrives when the held sets fill the budget is not held, and its pairs with later partners wait for
  // the next round, which gathers only the groups of the pairs still waiting. A round always verifies the pairs of
  // its first group that has later partners (nothing is held when it arrives), so the rounds end; the edges are the
  // same whatever the budget (only their order changes, which the clustering does not depend on).
  const edgeA: number[] = [], edgeB: number[] = [], edgeSim: number[] = [];
  let verified = 0, rejected = 0, rounds = 0, heldPeak = 0;
  const done = new Uint8Array(partners.length); // per entry of `partners`: verified (either way)
  let left = partners.length;
  const cacheBytes = opts.cacheBytes ?? VERIFY_CACHE_BYTES;
  while (left > 0) {
    rounds++;
    // The last partner of each group among the pairs still waiting (-1: none), and the groups to gather.
    lastPartner.fill(-1);
    for (let g = 0; g < nGroups; g++) {
      for (let e = partnerStart[g]!; e < partnerStart[g + 1]!; e++) {
        if (done[e]) continue;
        const q = partners[e]!;
        lastPartner[q] = Math.max(lastPartner[q]!, g);
        lastPartner[g] = Math.max(lastPartner[g]!, g);
      }
    }
    const asks = new Map<number, Ask>();
    for (let g = 0; g < nGroups; g++) if (lastPartner[g]! >= 0) asks.set(firstOf[g]!, { id: idOf(prepared[firstOf[g]!]!), shingles: sizes[g]! });
    const cache = new Map<number, Map<number, Float64Array>>(); // group → shingle size → set
    let held = 0;
    const drop = (q: number) => {
      const m = cache.get(q);
      if (!m) return;
      for (const v of m.values()) held -= v.byteLength;
      cache.delete(q);
    };
    let got = 0;
    await ctx.gather(asks, (i, value) => {
      const g = groupOfDoc[i]!;
      if (firstOf[g] !== i || !asks.has(i)) throw new Error(`dedupe: gather answered for document ${i}, which was not asked`);
      got++;
      const byN = new Map<number, Float64Array>();
      let k = 0, bytes = 0;
      for (let sz = 1; sz < 31; sz++) if (sizes[g]! & (1 << sz)) { const v = value.sets[k++]!; byN.set(sz, v); bytes += v.byteLength; }
      for (let e = partnerStart[g]!; e < partnerStart[g + 1]!; e++) {
        if (done[e]) continue;
        const q = partners[e]!;
        const other = cache.get(q);
        if (other) {
          const n = pairShingle(groupLen[g]!, groupLen[q]!, cfg);
          const sim = jaccardSorted(other.get(n)!, byN.get(n)!);
          if (sim >= cfg.threshold) { verified++; edgeA.push(g); edgeB.push(q); edgeSim.push(sim); } else rejected++;
          done[e] = 1;
          left--;
        }
        if (lastPartner[q] === g) drop(q);
      }
      // Held for its later partners, if the budget allows (or nothing else is held).
      if (lastPartner[g]! > g && (held === 0 || held + bytes <= cacheBytes)) {
        cache.set(g, byN);
        held += bytes;
        heldPeak = Math.max(heldPeak, held);
      }
    });
    if (got !== asks.size) throw new Error(`dedupe: gather answered ${got} of ${asks.size} documents`);
  }
  opts.onVerify?.({ rounds, heldPeak });

  // ---- Clustering on verified edges, greedily in keeper order ---------------------------------
  const fileRank = fileRanks(prepared);
  const better = (a: number, b: number) => keeperCompare(prepared, fileRank, a, b);
  const rep = new Int32Array(nGroups).fill(-1); // best member of each exact group
  for (let i = 0; i < n; i++) { const g = groupOfDoc[i]!, r = rep[g]!; if (r < 0 || better(i, r) < 0) rep[g] = i; }

  const edgeStart = new Int32Array(nGroups + 1);
  for (const g of [...edgeA, ...edgeB]) edgeStart[g + 1] = edgeStart[g + 1]! + 1;
  for (let g = 0; g < nGroups; g++) edgeStart[g + 1] = edgeStart[g + 1]! + edgeStart[g]!;
  const edgeOther = new Int32Array(edgeA.length * 2), edgeOf = new Int32Array(edgeA.length * 2);
  {
    const fill = edgeStart.slice(0, nGroups);
    for (let e = 0; e < edgeA.length; e++) {
      edgeOther[fill[edgeA[e]!]!] = edgeB[e]!; edgeOf[fill[edgeA[e]!]!++] = e;
      edgeOther[fill[edgeB[e]!]!] = edgeA[e]!; edgeOf[fill[edgeB[e]!]!++] = e;
    }
  }
  const keeperOf = new Int32Array(nGroups).fill(-1);
  const simTo = new Float64Array(nGroups).fill(1);
  const groupsInOrder = new Int32Array(nGroups).map((_, g) => g).sort((a, b) => better(rep[a]!, rep[b]!));
  for (const g of groupsInOrder) {
    if (keeperOf[g]! >= 0) continue;
    keeperOf[g] = g;
    for (let e = edgeStart[g]!; e < edgeStart[g + 1]!; e++) {
      const o = edgeOther[e]!;
      if (keeperOf[o]! < 0) { keeperOf[o] = g; simTo[o] = edgeSim[edgeOf[e]!]!; }
    }
  }

  // ---- Decisions ------------------------------------------------------------------------------
  const decisions = new Array<Decision>(n);
  const dupCount = new Int32Array(n);
  const keeperId = new Map<number, string>(); // one id string per keeper, shared by its duplicates' decisions
  let exact = 0, near = 0, clusters = 0, repeated = 0, truncated = 0;
  for (let i = 0; i < n; i++) {
    const g = groupOfDoc[i]!;
    const k = keeperOf[g]!;
    const keeper = rep[k]!;
    if (keeper === i) continue;
    if (dupCount[keeper]!++ === 0) clusters++;
    let dupOf = keeperId.get(keeper);
    if (dupOf === undefined) { dupOf = idOf(prepared[keeper]!); keeperId.set(keeper, dupOf); }
    // Exact copies of a near-duplicate point at the kept document, with their text's verified similarity.
    if (k === g) { exact++; decisions[i] = { keep: false, dup_of: dupOf, method: 'exact', similarity: 1 }; continue; }
    near++;
    decisions[i] = { keep: false, dup_of: dupOf, method: 'near', similarity: Math.round(simTo[g]! * 1e4) / 1e4 };
  }
  for (let i = 0; i < n; i++) {
    if (decisions[i]) continue;
    const removed = verdictsOf(prepared[i]!);
    for (const v of removed) if (v & 1) truncated++; else repeated++;
    decisions[i] = removed.length === 0 && dupCount[i] === 0 ? KEPT
      : removed.length === 0 ? { keep: true, duplicates: dupCount[i]! } : { keep: true, duplicates: dupCount[i]!, removed };
  }

  return {
    decisions,
    counts: {
      clusters, exact, near, candidate_pairs: pairs.length, verified_pairs: verified, rejected_pairs: rejected, lsh_buckets_capped: capped,
      repeated_paragraphs: repeated, truncated_paragraphs: truncated,
    },
  };
}
