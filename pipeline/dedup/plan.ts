/**
 * Document-level deduplication as two streaming passes over the corpus, ending in a decision per document:
 * kept, or dropped as a duplicate of a named kept document.
 *
 * Pass 1 — for every document: its canonical body text (after paragraph-level dedupe), an exact hash of it,
 *   and, for the first document of each exact-hash group only, MinHash band keys. Memory per document: a few
 *   fields plus `bands` 8-byte keys; no signature, no shingle set is kept.
 * LSH — documents sharing a band key are candidate pairs.
 * Pass 2 — the shingle sets of candidate documents are rebuilt while streaming, held only until their last
 *   partner has been seen, and every candidate pair is verified with the exact Jaccard of the sets.
 * Clustering — on verified edges only, greedily in keeper order: the best document not yet assigned is kept
 *   and claims every unassigned document verified similar to it. A chain A~B, B~C with A≁C does not merge:
 *   A keeps B, C stays (it is not a near-duplicate of anything kept), so each dropped document's `dup_of`
 *   is a kept document it was verified against, at the similarity reported. Single-linkage through chains
 *   is how templated texts snowball into one cluster (marin-community/marin #6851).
 */
import { sha256Hex } from '../lib/ids.js';
import { countChars } from '../lib/stage.js';
import type { Doc } from '../lib/types.js';
import { bandKeys, canonicalText, codePoints, jaccardSorted, minhashSignature, optimalBands, permutations, shingleFingerprints, shingleHashes, type Permutations } from '../lib/minhash.js';
import { dedupeParagraphs, type ParagraphConfig } from './paragraphs.js';

export interface NearConfig extends ParagraphConfig {
  /** Jaccard threshold on shingle sets for a near-duplicate (verified exactly). */
  threshold: number;
  /** MinHash permutations. */
  numPerm: number;
  /** Shingle size (characters of the canonical form). */
  shingle: number;
  /** Shingle size for short texts, whose canonical form has fewer than `shortChars` characters. */
  shortShingle: number;
  shortChars: number;
  /** Weights of the false-positive and false-negative areas when deriving the LSH banding. */
  fpWeight: number;
  fnWeight: number;
  /** An LSH bucket with more documents pairs each with its first `maxBucket` members only. */
  maxBucket: number;
  /** Seed of the permutation family. */
  seed: number;
}

export type Decision =
  | { keep: true; duplicates: number }
  | { keep: false; dup_of: string; method: 'exact' | 'near'; similarity: number };

export interface Plan {
  /** One decision per input document, in stream order. */
  decisions: Decision[];
  ids: string[];
  counts: { clusters: number; exact: number; near: number; candidate_pairs: number; verified_pairs: number; rejected_pairs: number; lsh_buckets_capped: number };
  bands: number;
  rows: number;
}

/** What the keeper rule needs to know about a document. */
interface Meta { id: string; file: string; member: string; segment: number; chars: number; group: number }

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

/** The text the hashes see: the body after paragraph dedupe, canonicalised (the title is not included:
 *  the same speech is often reposted under another headline). */
export function canonicalBody(doc: Pick<Doc, 'paragraphs' | 'para_lines'>, cfg: ParagraphConfig): { canon: string; chars: number } {
  const kept = dedupeParagraphs(doc, cfg).paragraphs;
  return { canon: canonicalText(kept.join('\n')), chars: countChars(kept.join('')) };
}

/** Shingle size for a pair: the short size if either text is short, so both sides use the same n. */
function pairShingle(lenA: number, lenB: number, cfg: NearConfig): number {
  return Math.min(lenA, lenB) < cfg.shortChars ? cfg.shortShingle : cfg.shingle;
}

/**
 * Shingle sizes a document is indexed under. Jaccard ≥ t needs the shorter text to have at least t times
 * the shingles of the longer, so a text below shortChars / t can be paired with a short one: it is indexed
 * under both sizes, and every pair is found under the size it will be verified with.
 */
function indexSizes(len: number, cfg: NearConfig): number[] {
  if (len === 0) return [];
  if (len < cfg.shortChars) return [cfg.shortShingle];
  if (len < cfg.shortChars / cfg.threshold) return [cfg.shortShingle, cfg.shingle];
  return [cfg.shingle];
}

const bandCache = new Map<string, { bands: number; rows: number }>();
function banding(cfg: NearConfig): { bands: number; rows: number } {
  const k = `${cfg.threshold}/${cfg.numPerm}/${cfg.fpWeight}/${cfg.fnWeight}`;
  let b = bandCache.get(k);
  if (!b) { const o = optimalBands(cfg.threshold, cfg.numPerm, cfg.fpWeight, cfg.fnWeight); b = { bands: o.bands, rows: o.rows }; bandCache.set(k, b); }
  return b;
}

const PAIR = 2 ** 26; // pair key = lo * PAIR + hi; fine for up to 67M distinct texts

export async function planDedupe(input: () => AsyncIterable<Doc>, cfg: NearConfig): Promise<Plan> {
  const { bands, rows } = banding(cfg);
  const perm: Permutations = permutations(cfg.numPerm, cfg.seed);

  // ---- Pass 1: exact groups and band keys -------------------------------------------------------
  const metas: Meta[] = [];
  const groupOf = new Map<string, number>();
  const groupLen: number[] = [];          // canonical length (code points) per group
  const groupFirst: number[] = [];        // stream index of the group's first document
  const lsh = new Map<number, { keys: number[][]; groups: number[] }>(); // per shingle size
  for await (const doc of input()) {
    const { canon, chars } = canonicalBody(doc, cfg);
    // A text with no letters at all (cannot happen after clean) is never anybody's duplicate.
    const h = canon === '' ? `empty:${metas.length}` : sha256Hex(canon).slice(0, 32);
    let g = groupOf.get(h);
    if (g === undefined) {
      g = groupLen.length;
      groupOf.set(h, g);
      const len = codePoints(canon).length;
      groupLen.push(len);
      groupFirst.push(metas.length);
      for (const n of indexSizes(len, cfg)) {
        let idx = lsh.get(n);
        if (!idx) { idx = { keys: Array.from({ length: bands }, () => []), groups: [] }; lsh.set(n, idx); }
        const keys = bandKeys(minhashSignature(shingleHashes(canon, n), perm), bands, rows);
        for (let b = 0; b < bands; b++) idx.keys[b]!.push(keys[b]!);
        idx.groups.push(g);
      }
    }
    metas.push({ id: doc.id, file: doc.source_file, member: doc.source_member ?? '', segment: doc.segment, chars, group: g });
  }
  const nGroups = groupLen.length;

  // Best member of each exact group (the group's representative in near-duplicate clustering).
  const rep = new Array<number>(nGroups).fill(-1);
  metas.forEach((m, i) => { const r = rep[m.group]!; if (r < 0 || keeperOrder(m, metas[r]!) < 0) rep[m.group] = i; });

  // ---- LSH: candidate pairs ------------------------------------------------------------------
  const pairs = new Set<number>();
  let capped = 0;
  for (const [n, idx] of [...lsh].sort((a, b) => a[0] - b[0])) {
    const m = idx.groups.length;
    const order = new Int32Array(m);
    for (let b = 0; b < bands; b++) {
      const keys = idx.keys[b]!;
      for (let i = 0; i < m; i++) order[i] = i;
      order.sort((x, y) => keys[x]! - keys[y]! || x - y);
      for (let s = 0; s < m; ) {
        let e = s + 1;
        while (e < m && keys[order[e]!] === keys[order[s]!]) e++;
        if (e - s > 1) {
          if (e - s > cfg.maxBucket) capped++;
          for (let j = s + 1; j < e; j++) {
            for (let i = s; i < j && i < s + cfg.maxBucket; i++) {
              const ga = idx.groups[order[i]!]!, gb = idx.groups[order[j]!]!;
              if (pairShingle(groupLen[ga]!, groupLen[gb]!, cfg) !== n) continue; // verified under the other size
              pairs.add(Math.min(ga, gb) * PAIR + Math.max(ga, gb));
            }
          }
        }
        s = e;
      }
    }
    idx.keys.length = 0;
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

  // ---- Pass 2: verify candidates with the exact Jaccard ---------------------------------------
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
      const m = metas[i];
      if (!m || m.id !== doc.id) throw new Error(`dedupe: input order changed between passes at document ${i} (${doc.id})`);
      const g = m.group;
      if (groupFirst[g] === i && lastPartner[g]! >= 0) {
        const { canon } = canonicalBody(doc, cfg);
        // The sets this text needs: for its earlier partners now, kept for later ones until the last comes.
        for (let n = 1; n < 31; n++) if (sizes[g]! & (1 << n)) shingles(g, canon, n);
        for (const p of partners.get(g) ?? []) {
          const n = pairShingle(groupLen[g]!, groupLen[p]!, cfg);
          const sim = jaccardSorted(cache.get(p)!.get(n)!, cache.get(g)!.get(n)!);
          if (sim >= cfg.threshold) {
            verified++;
            (edges.get(g) ?? edges.set(g, []).get(g)!).push({ other: p, sim });
            (edges.get(p) ?? edges.set(p, []).get(p)!).push({ other: g, sim });
          } else rejected++;
          if (lastPartner[p] === g) cache.delete(p);
        }
        if (lastPartner[g] === g) cache.delete(g);
      }
      i++;
    }
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
  const decisions: Decision[] = metas.map((m, i) => {
    const k = keeperOf[m.group]!;
    const keeper = rep[k]!;
    if (keeper === i) return { keep: true, duplicates: 0 };
    dupCount.set(keeper, (dupCount.get(keeper) ?? 0) + 1);
    // Exact copies of a near-duplicate point at the kept document, with their text's verified similarity.
    if (k === m.group) { exact++; return { keep: false, dup_of: metas[keeper]!.id, method: 'exact', similarity: 1 }; }
    near++;
    return { keep: false, dup_of: metas[keeper]!.id, method: 'near', similarity: Math.round(simTo[m.group]! * 1e4) / 1e4 };
  });
  for (const [i, n] of dupCount) (decisions[i] as { keep: true; duplicates: number }).duplicates = n;

  return {
    decisions,
    ids: metas.map((m) => m.id),
    counts: { clusters: dupCount.size, exact, near, candidate_pairs: pairs.size, verified_pairs: verified, rejected_pairs: rejected, lsh_buckets_capped: capped },
    bands, rows,
  };
}
