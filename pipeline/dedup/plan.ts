/**
 * Document-level deduplication, the global part: from one `Prepared` value per document (pipeline/dedup/
 * prepare.ts, computed in the worker pool) to a decision per document: kept, or dropped as a duplicate of a
 * named kept document.
 *
 * Exact groups — documents with the same canonical-body hash; the first of each group stands for it.
 * LSH — groups sharing a band key are candidate pairs (a bucket pairs each member with its first `maxBucket`).
 * Verification — one pass over the input rebuilds the shingle sets of candidate documents only (from their
 *   kept paragraphs), holds each only until its last partner has been seen, and verifies every candidate
 *   pair with the exact Jaccard of the sets. No pass at all when there is no candidate.
 * Clustering — on verified edges only, greedily in keeper order: the best document not yet assigned is kept
 *   and claims every unassigned document verified similar to it. A chain A~B, B~C with A≁C does not merge:
 *   A keeps B, C stays (it is not a near-duplicate of anything kept), so each dropped document's `dup_of`
 *   is a kept document it was verified against, at the similarity reported. Single-linkage through chains
 *   is how templated texts snowball into one cluster (marin-community/marin #6851).
 */
import type { Doc } from '../lib/types.js';
import { canonicalText, jaccardSorted, shingleFingerprints } from '../lib/minhash.js';
import { banding, canonicalBody, indexSizes, pairShingle, type NearConfig, type Prepared } from './prepare.js';

export type { NearConfig } from './prepare.js';

export type Decision =
  | { keep: true; duplicates: number }
  | { keep: false; dup_of: string; method: 'exact' | 'near'; similarity: number };

export interface Plan {
  /** One decision per input document, in stream order. */
  decisions: Decision[];
  counts: { clusters: number; exact: number; near: number; candidate_pairs: number; verified_pairs: number; rejected_pairs: number; lsh_buckets_capped: number };
  bands: number;
  rows: number;
}

/** What the keeper rule needs to know about a document. */
interface Meta { id: string; file: string; member: string; segment: number; chars: number }

/**
 * Keeper order: the longest clean body (countChars), then the earliest source file (code-point order), then
 * archive member, then segment, then id. Lower sorts first = kept.
 */
export function keeperOrder(a: Meta, b: Meta): number {
  if (a.chars !== b.chars) return b.chars - a.chars;
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.member !== b.member) return a.member < b.member ? -1 : 1;
  if (a.segment !== b.segment) return a.segment - b.segment;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const PAIR = 2 ** 26; // pair key = lo * PAIR + hi; fine for up to 67M distinct texts

/**
 * Candidate pairs of one shingle size's index: entries sharing a key in some band. A bucket's members are
 * taken in entry order and each is paired with the bucket's first `maxBucket` members. Returns the number of
 * buckets over `maxBucket`. (Hash maps, not a sort per band: O(entries) per band.)
 */
export function bucketPairs(bandKeys: readonly Float64Array[], maxBucket: number, pair: (a: number, b: number) => void): number {
  let capped = 0;
  for (const keys of bandKeys) {
    const single = new Map<number, number>(); // key → its only entry so far
    const multi = new Map<number, { first: number[]; size: number }>();
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      let b = multi.get(k);
      if (!b) {
        const s = single.get(k);
        if (s === undefined) { single.set(k, i); continue; }
        single.delete(k);
        b = { first: [s], size: 1 };
        multi.set(k, b);
      }
      for (const j of b.first) pair(j, i);
      if (b.first.length < maxBucket) b.first.push(i);
      if (++b.size === maxBucket + 1) capped++;
    }
  }
  return capped;
}

/**
 * Plan the dedupe of the documents that `prepared` describes (one value per document, in input order);
 * `input` streams the same documents and is read once, only when there are candidate pairs to verify.
 */
export async function planDedupe(prepared: readonly Prepared[], input: () => AsyncIterable<Doc>, cfg: NearConfig): Promise<Plan> {
  const { bands, rows } = banding(cfg);

  // ---- Exact groups, and the LSH index of each group's first document --------------------------
  const groupOf = new Map<string, number>();
  const groupOfDoc = new Int32Array(prepared.length);
  const groupLen: number[] = [];          // canonical length (code points) per group
  const groupFirst: number[] = [];        // stream index of the group's first document
  // Per shingle size: the indexed groups, and where their band keys are (document index, offset in its keys).
  const lsh = new Map<number, { groups: number[]; docs: number[]; offsets: number[] }>();
  prepared.forEach((p, i) => {
    // A text with no letters at all (cannot happen after clean) is never anybody's duplicate.
    const h = p.exact === '' ? `empty:${i}` : p.exact;
    let g = groupOf.get(h);
    if (g === undefined) {
      g = groupLen.length;
      groupOf.set(h, g);
      groupLen.push(p.len);
      groupFirst.push(i);
      const sizes = indexSizes(p.len, cfg);
      if (p.keys.length !== sizes.length * bands) {
        throw new Error(`dedupe: the prepared value of ${p.id} has ${p.keys.length} band keys, ${sizes.length * bands} expected (prepared with another configuration?)`);
      }
      sizes.forEach((n, s) => {
        let idx = lsh.get(n);
        if (!idx) { idx = { groups: [], docs: [], offsets: [] }; lsh.set(n, idx); }
        idx.groups.push(g!);
        idx.docs.push(i);
        idx.offsets.push(s * bands);
      });
    }
    groupOfDoc[i] = g;
  });
  const nGroups = groupLen.length;

  // Best member of each exact group (the group's representative in near-duplicate clustering).
  const metas: readonly Meta[] = prepared;
  const rep = new Array<number>(nGroups).fill(-1);
  metas.forEach((m, i) => { const g = groupOfDoc[i]!, r = rep[g]!; if (r < 0 || keeperOrder(m, metas[r]!) < 0) rep[g] = i; });

  // ---- LSH: candidate pairs ------------------------------------------------------------------
  const pairs = new Set<number>();
  let capped = 0;
  for (const [n, idx] of [...lsh].sort((a, b) => a[0] - b[0])) {
    const byBand = Array.from({ length: bands }, (_, b) => Float64Array.from(idx.docs, (d, j) => prepared[d]!.keys[idx.offsets[j]! + b]!));
    capped += bucketPairs(byBand, cfg.maxBucket, (i, j) => {
      const ga = idx.groups[i]!, gb = idx.groups[j]!;
      if (pairShingle(groupLen[ga]!, groupLen[gb]!, cfg) !== n) return; // verified under the other size
      pairs.add(Math.min(ga, gb) * PAIR + Math.max(ga, gb));
    });
  }
  lsh.clear();

  // Partners of each group, and the last (in stream order) partner, after which its shingles can go.
  // `sizes` marks the shingle sizes (bit n) each group's set is needed under.
  const partners = new Map<number, number[]>();
  const lastPartner = new Int32Array(nGroups).fill(-1);
  const sizes = new Int32Array(nGroups);
  for (const key of [...pairs].sort((a, b) => a - b)) {
    const lo = Math.floor(key / PAIR), hi = key % PAIR;
    (partners.get(hi) ?? partners.set(hi, []).get(hi)!).push(lo); // verified when `hi` arrives
    lastPartner[lo] = Math.max(lastPartner[lo]!, hi);
    lastPartner[hi] = Math.max(lastPartner[hi]!, hi);
    const bit = 1 << pairShingle(groupLen[lo]!, groupLen[hi]!, cfg);
    sizes[lo] = sizes[lo]! | bit;
    sizes[hi] = sizes[hi]! | bit;
  }

  // ---- Verify candidates with the exact Jaccard (one pass over the input) ---------------------
  const edges = new Map<number, { other: number; sim: number }[]>();
  let verified = 0, rejected = 0;
  if (pairs.size > 0) {
    const cache = new Map<number, Map<number, Float64Array>>();
    const shingles = (g: number, canon: string, n: number): Float64Array => {
      let byN = cache.get(g);
      if (!byN) { byN = new Map(); cache.set(g, byN); }
      let s = byN.get(n);
      if (!s) { s = shingleFingerprints(canon, n); byN.set(n, s); }
      return s;
    };
    let i = 0;
    for await (const doc of input()) {
      const p = prepared[i];
      if (!p || p.id !== doc.id) throw new Error(`dedupe: input order changed between passes at document ${i} (${doc.id})`);
      const g = groupOfDoc[i]!;
      if (groupFirst[g] === i && lastPartner[g]! >= 0) {
        const canon = canonicalBody(doc.paragraphs.map(canonicalText), p.removed);
        // The sets this text needs: for its earlier partners now, kept for later ones until the last comes.
        for (let n = 1; n < 31; n++) if (sizes[g]! & (1 << n)) shingles(g, canon, n);
        for (const q of partners.get(g) ?? []) {
          const n = pairShingle(groupLen[g]!, groupLen[q]!, cfg);
          const sim = jaccardSorted(cache.get(q)!.get(n)!, cache.get(g)!.get(n)!);
          if (sim >= cfg.threshold) {
            verified++;
            (edges.get(g) ?? edges.set(g, []).get(g)!).push({ other: q, sim });
            (edges.get(q) ?? edges.set(q, []).get(q)!).push({ other: g, sim });
          } else rejected++;
          if (lastPartner[q] === g) cache.delete(q);
        }
        if (lastPartner[g] === g) cache.delete(g);
      }
      i++;
    }
    if (i !== prepared.length) throw new Error(`dedupe: ${prepared.length} prepared values for ${i} input documents`);
  }

  // ---- Clustering on verified edges, greedily in keeper order ---------------------------------
  const keeperOf = new Int32Array(nGroups).fill(-1);
  const simTo = new Float64Array(nGroups).fill(1);
  const groupsInOrder = [...Array(nGroups).keys()].sort((a, b) => keeperOrder(metas[rep[a]!]!, metas[rep[b]!]!));
  for (const g of groupsInOrder) {
    if (keeperOf[g]! >= 0) continue;
    keeperOf[g] = g;
    for (const e of edges.get(g) ?? []) if (keeperOf[e.other]! < 0) { keeperOf[e.other] = g; simTo[e.other] = e.sim; }
  }

  // ---- Decisions ------------------------------------------------------------------------------
  const dupCount = new Map<number, number>();
  let exact = 0, near = 0;
  const decisions: Decision[] = metas.map((_, i) => {
    const g = groupOfDoc[i]!;
    const k = keeperOf[g]!;
    const keeper = rep[k]!;
    if (keeper === i) return { keep: true, duplicates: 0 };
    dupCount.set(keeper, (dupCount.get(keeper) ?? 0) + 1);
    // Exact copies of a near-duplicate point at the kept document, with their text's verified similarity.
    if (k === g) { exact++; return { keep: false, dup_of: metas[keeper]!.id, method: 'exact', similarity: 1 }; }
    near++;
    return { keep: false, dup_of: metas[keeper]!.id, method: 'near', similarity: Math.round(simTo[g]! * 1e4) / 1e4 };
  });
  for (const [i, n] of dupCount) (decisions[i] as { keep: true; duplicates: number }).duplicates = n;

  return {
    decisions,
    counts: { clusters: dupCount.size, exact, near, candidate_pairs: pairs.size, verified_pairs: verified, rejected_pairs: rejected, lsh_buckets_capped: capped },
    bands, rows,
  };
}
