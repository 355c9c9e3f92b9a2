/**
 * Everything dedupe computes from one document alone, as a small structured-clonable value: the runner runs
 * `prepareDoc` in the worker pool (the stage's `prepare`), and the global part (pipeline/dedup/plan.ts) only
 * groups, buckets, verifies candidates and decides. Per document: the paragraph verdicts, the exact hash and
 * length of the canonical body, LSH band keys of its one-permutation MinHash signature(s), and the hashes of its
 * paragraphs for the boilerplate report. About 0.5 KB per document whatever its length.
 */
import * as crypto from 'node:crypto';
import { countChars } from '../lib/stage.js';
import type { Doc } from '../lib/types.js';
import { bandKeys, codePoints, ophSignature, optimalBands, shingleHashesOf } from '../lib/minhash.js';
import { paragraphVerdicts, type ParagraphConfig } from './paragraphs.js';

export interface NearConfig extends ParagraphConfig {
  /** Jaccard threshold on shingle sets for a near-duplicate (verified exactly). */
  threshold: number;
  /** MinHash signature length (bins of the one-permutation hash). */
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
  /** Seed of the hash family. */
  seed: number;
}

export interface PrepareConfig extends NearConfig {
  /** Paragraphs (canonical form, UTF-16 units) shorter than this are not boilerplate candidates. */
  boilerplateMinChars: number;
}

/** What dedupe keeps of one document between its per-document and its global part. */
export interface Prepared {
  /** Identity and keeper-rule fields of the document. */
  id: string;
  file: string;
  member: string;
  segment: number;
  /** countChars of the body after paragraph dedupe (the keeper rule's "longest"). */
  chars: number;
  /** sha256 (32 hex digits) of the canonical body after paragraph dedupe; '' when it is empty. */
  exact: string;
  /** Code points of the canonical body. */
  len: number;
  /** LSH band keys: `bands` per shingle size of `indexSizes(len)`, in that order. */
  keys: Float64Array;
  /** Paragraph verdicts (`index * 2 + rule code`, see paragraphs.ts), in paragraph order. */
  removed: number[];
  /**
   * Boilerplate report input, four numbers per distinct kept paragraph of at least `boilerplateMinChars`
   * canonical characters, in paragraph order: the two 32-bit halves of the first 64 bits of sha256(canonical
   * paragraph), the paragraph index, the canonical length.
   */
  para: Uint32Array;
}

// One-shot hashing (node ≥ 20.12, not yet in our @types/node): twice as fast as createHash for short strings.
const oneShot = (crypto as unknown as { hash?: (alg: string, data: string, enc: 'buffer') => Buffer }).hash;
function sha256(s: string): Buffer {
  return oneShot ? oneShot('sha256', s, 'buffer') : crypto.createHash('sha256').update(s).digest();
}

/** Shingle size for a pair: the short size if either text is short, so both sides use the same n. */
export function pairShingle(lenA: number, lenB: number, cfg: NearConfig): number {
  return Math.min(lenA, lenB) < cfg.shortChars ? cfg.shortShingle : cfg.shingle;
}

/**
 * Shingle sizes a document is indexed under. Jaccard ≥ t needs the shorter text to have at least t times
 * the shingles of the longer, so a text below shortChars / t can be paired with a short one: it is indexed
 * under both sizes, and every pair is found under the size it will be verified with.
 */
export function indexSizes(len: number, cfg: NearConfig): number[] {
  if (len === 0) return [];
  if (len < cfg.shortChars) return [cfg.shortShingle];
  if (len < cfg.shortChars / cfg.threshold) return [cfg.shortShingle, cfg.shingle];
  return [cfg.shingle];
}

const bandCache = new Map<string, { bands: number; rows: number }>();
/** LSH banding for the configuration (see `optimalBands`): 32 bands × 8 rows for the defaults. */
export function banding(cfg: NearConfig): { bands: number; rows: number } {
  const k = `${cfg.threshold}/${cfg.numPerm}/${cfg.fpWeight}/${cfg.fnWeight}`;
  let b = bandCache.get(k);
  if (!b) { const o = optimalBands(cfg.threshold, cfg.numPerm, cfg.fpWeight, cfg.fnWeight); b = { bands: o.bands, rows: o.rows }; bandCache.set(k, b); }
  return b;
}

/** The canonical body: the canonical forms of the paragraphs that stay, concatenated. Equal to
 *  canonicalText(kept.join('\n')), since a line break neither composes nor changes case context. */
export function canonicalBody(canon: readonly string[], removed: readonly number[]): string {
  if (removed.length === 0) return canon.join('');
  const gone = new Set(removed.map((v) => v >> 1));
  return canon.filter((_, i) => !gone.has(i)).join('');
}

/** The per-document part of dedupe (the stage's `prepare`). Pure. */
export function prepareDoc(doc: Doc, cfg: PrepareConfig): Prepared {
  const { canon, removed } = paragraphVerdicts(doc.paragraphs, cfg);
  const gone = new Set(removed.map((v) => v >> 1));
  const body = canonicalBody(canon, removed);
  const cps = codePoints(body);
  const { bands, rows } = banding(cfg);
  const sizes = indexSizes(cps.length, cfg);
  const keys = new Float64Array(bands * sizes.length);
  sizes.forEach((n, s) => keys.set(bandKeys(ophSignature(shingleHashesOf(cps, n), cfg.numPerm, cfg.seed), bands, rows), s * bands));

  const para: number[] = [];
  const seen = new Set<string>();
  let chars = 0;
  for (let i = 0; i < canon.length; i++) {
    if (gone.has(i)) continue;
    chars += countChars(doc.paragraphs[i]!);
    const c = canon[i]!;
    if (c.length < cfg.boilerplateMinChars) continue;
    const h = sha256(c);
    const hi = h.readUInt32BE(0), lo = h.readUInt32BE(4);
    const k = paraKey(hi, lo);
    if (seen.has(k)) continue;
    seen.add(k);
    para.push(hi, lo, i, c.length);
  }
  return {
    id: doc.id, file: doc.source_file, member: doc.source_member ?? '', segment: doc.segment, chars,
    exact: body === '' ? '' : sha256(body).toString('hex', 0, 16),
    len: cps.length, keys, removed, para: Uint32Array.from(para),
  };
}

/** A paragraph hash as a Map key: its 64 bits as four UTF-16 units. */
export function paraKey(hi: number, lo: number): string {
  return String.fromCharCode(hi >>> 16, hi & 0xffff, lo >>> 16, lo & 0xffff);
}

/** The 16 hex digits of a boilerplate hash from its two halves (as in the report's `hash`). */
export function paraHashHex(hi: number, lo: number): string {
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}
