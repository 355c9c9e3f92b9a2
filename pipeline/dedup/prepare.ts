/**
 * Everything dedupe computes from one document alone (the stage's `prepare` and `gather`, run in the worker
 * pool), and the packed form in which the main thread holds it for the whole corpus.
 *
 * Per document: the paragraph verdicts, the exact hash and length of the canonical body, LSH band keys of its
 * one-permutation MinHash signature(s), the hashes of its paragraphs for the boilerplate report, and what the
 * keeper rule compares. The global part (pipeline/dedup/plan.ts, boilerplate.ts) only groups, buckets and
 * decides; it asks `gatherDoc` for the few values it needs of chosen documents (shingle sets of candidate
 * pairs, excerpts of boilerplate paragraphs) instead of keeping them for every document.
 */
import * as crypto from 'node:crypto';
import { countChars } from '../lib/stage.js';
import type { Doc } from '../lib/types.js';
import { bandKeys, codePoints, fmix32, ophSignature, optimalBands, shingleFingerprints, shingleHashesOf } from '../lib/minhash.js';
import { excerpt, paragraphVerdicts, type ParagraphConfig } from './paragraphs.js';
import { RECURRING_EDGE, recurringCandidate } from '../rules/recurring.js';

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

/**
 * What dedupe keeps of one document between `prepare` and `plan`: one string of 16-bit units (read it with the
 * accessors below, or `unpackPrepared`). A string because the main thread holds one per document for the whole
 * corpus: 100k synthetic documents cost 993 bytes each (V8 heap + array buffers) as an object with a
 * Float64Array and a Uint32Array, and a lone typed array costs ~190 bytes of object and backing-store overhead
 * over its data; a string costs 16 (pipeline/dedup/bench.ts). It is structured-clonable and flat.
 *
 * Layout (units; a 32-bit number is two units, high first; a 53-bit key four):
 *   0 FORMAT · 1 chars · 3 len · 5 segment · 7 number of shingle sizes · 8 bands · 9 offset of the paragraph
 *   hashes · 11 offset of the strings · 13 exact hash (128 bits, 8 units) · 21 band keys (sizes × bands × 4) ·
 *   verdicts (count, then one 32-bit verdict each) · paragraph hashes (count, then hi, lo each) ·
 *   id, source file, archive member, source key (`sourceKeyOf`), edge lines (each: length, then its units; the edge
 *   lines are the number of kept paragraphs, then per recurring-banner candidate its paragraph index and the two
 *   halves of its key, all 32-bit).
 */
export type Prepared = string;

const FORMAT = 0x4433; // 'D3': bump when the layout or a field's meaning changes
const CHARS = 1, LEN = 3, SEGMENT = 5, NSIZES = 7, BANDS = 8, PARA_AT = 9, STR_AT = 11, EXACT = 13, KEYS = 21;

/** Everything in a prepared value, unpacked (tests, debugging; the plan reads the fields it needs in place). */
export interface PreparedFields {
  id: string;
  file: string;
  /** Archive member, '' when none. */
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
  /** The two 32-bit halves of `paragraphKey` (canonical paragraph) per distinct kept paragraph of at least
   *  `boilerplateMinChars` canonical characters, in paragraph order. */
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

/** 16-bit units of a prepared value under construction. */
class Units {
  readonly u: number[] = [];
  u32(x: number): void { this.u.push(x >>> 16, x & 0xffff); }
  /** A non-negative integer below 2^53 (a band key). */
  f53(x: number): void { this.u32(Math.floor(x / 0x100000000)); this.u32(x >>> 0); }
  str(s: string): void { this.u32(s.length); for (let i = 0; i < s.length; i++) this.u.push(s.charCodeAt(i)); }
  set32(at: number, x: number): void { this.u[at] = x >>> 16; this.u[at + 1] = x & 0xffff; }
  toString(): string {
    let s = '';
    for (let i = 0; i < this.u.length; i += 8192) s += String.fromCharCode(...this.u.slice(i, i + 8192));
    return s;
  }
}

/** The halves of the last `paragraphKey`. */
let keyHi = 0, keyLo = 0;

/** MurmurHash3's mix of one 32-bit block. */
function mix(k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  return Math.imul((k << 15) | (k >>> 17), 0x1b873593);
}

/**
 * The key under which the boilerplate report groups a canonical paragraph: 64 bits, two MurmurHash3 (x86, 32-bit)
 * accumulators with different seeds over the text's UTF-16 units taken two at a time, each finished with fmix32.
 * Sets `keyHi` and `keyLo`. Grouping needs only a well-mixed key (two of ~10^8 paragraphs share one with
 * probability ~3·10⁻⁴); the report's `hash` stays the first 64 bits of sha256, computed by `gatherDoc` for the
 * paragraphs reported. sha256 for every paragraph was 1.2 µs a call: 120 ms for the 98,243 paragraphs of the 50 MB
 * benchmark, in the thread that bounds pass 1 with 2 workers (#9).
 */
function paragraphKey(s: string): void {
  let h1 = 0x2b7e1516, h2 = 0x7f4a7c15;
  const n = s.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const k = mix(s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16));
    h1 ^= k;
    h1 = (Math.imul((h1 << 13) | (h1 >>> 19), 5) + 0xe6546b64) | 0;
    h2 ^= k;
    h2 = (Math.imul((h2 << 13) | (h2 >>> 19), 5) + 0xe6546b64) | 0;
  }
  if (i < n) {
    const k = mix(s.charCodeAt(i));
    h1 ^= k;
    h2 ^= k;
  }
  keyHi = fmix32(h1 ^ (n * 2)) >>> 0;
  keyLo = fmix32(h2 ^ (n * 2)) >>> 0;
}

/** The first 64 bits of sha256 of a canonical paragraph, as 16 hex digits (the boilerplate report's `hash`). */
function paragraphSha(c: string): string {
  return sha256(c).toString('hex', 0, 8);
}

/** Kept paragraphs (index, canonical form) eligible for the boilerplate report, with their key (`paragraphKey`),
 *  in order. */
function boilerplateParagraphs(canon: readonly string[], gone: ReadonlySet<number>, cfg: PrepareConfig, f: (i: number, hi: number, lo: number) => void): void {
  for (let i = 0; i < canon.length; i++) {
    if (gone.has(i)) continue;
    const c = canon[i]!;
    if (c.length < cfg.boilerplateMinChars) continue;
    paragraphKey(c);
    f(i, keyHi, keyLo);
  }
}

/**
 * The source a document's recurring banners are counted in: the host of its URL (`host:news.sina.com.cn`, without
 * `www.`) when it has one; else the archive or record file it is a member or row of (`file:…`); else the folder its
 * file was saved in (`dir:…`: a crawl saves a site to a folder; files side by side in one folder are one source).
 */
export function sourceKeyOf(doc: Pick<Doc, 'source_url' | 'source_file' | 'source_member' | 'source_row'>): string {
  if (doc.source_url) {
    try {
      const host = new URL(doc.source_url).hostname.toLowerCase().replace(/^www\./, '');
      if (host) return `host:${host}`;
    } catch { /* not a URL: fall through */ }
  }
  if (doc.source_member !== null || doc.source_row !== null) return `file:${doc.source_file}`;
  const slash = doc.source_file.lastIndexOf('/');
  return `dir:${slash < 0 ? '' : doc.source_file.slice(0, slash)}`;
}

/**
 * The recurring-banner candidates among a document's edges: the first and last RECURRING_EDGE kept paragraphs that
 * pass `recurringCandidate` (rules/recurring.ts), each with its key (`paragraphKey` of the source key and the
 * canonical form, so a line is counted per source), in paragraph order.
 */
function edgeCandidates(paragraphs: readonly string[], canon: readonly string[], gone: ReadonlySet<number>, source: string, f: (i: number, hi: number, lo: number) => void): number {
  const kept: number[] = [];
  for (let i = 0; i < canon.length; i++) if (!gone.has(i)) kept.push(i);
  kept.forEach((i, k) => {
    if (k >= RECURRING_EDGE && k < kept.length - RECURRING_EDGE) return;
    if (!recurringCandidate(paragraphs[i]!, canon[i]!)) return;
    paragraphKey(`${source}\u0000${canon[i]!}`);
    f(i, keyHi, keyLo);
  });
  return kept.length;
}

/** The per-document part of dedupe (the stage's `prepare`). Pure. */
export function prepareDoc(doc: Doc, cfg: PrepareConfig): Prepared {
  const { canon, removed } = paragraphVerdicts(doc.paragraphs, cfg);
  const gone = new Set(removed.map((v) => v >> 1));
  const body = canonicalBody(canon, removed);
  const cps = codePoints(body);
  const { bands, rows } = banding(cfg);
  const sizes = indexSizes(cps.length, cfg);
  let chars = 0;
  for (let i = 0; i < doc.paragraphs.length; i++) if (!gone.has(i)) chars += countChars(doc.paragraphs[i]!);

  const w = new Units();
  w.u.push(FORMAT);
  w.u32(chars);
  w.u32(cps.length);
  w.u32(doc.segment);
  w.u.push(sizes.length, bands);
  w.u32(0); // PARA_AT, set below
  w.u32(0); // STR_AT
  if (body === '') for (let k = 0; k < 8; k++) w.u.push(0);
  else { const h = sha256(body); for (let k = 0; k < 16; k += 4) w.u32(h.readUInt32BE(k)); }
  for (const n of sizes) for (const key of bandKeys(ophSignature(shingleHashesOf(cps, n), cfg.numPerm, cfg.seed), bands, rows)) w.f53(key);
  w.u32(removed.length);
  for (const v of removed) w.u32(v);

  const paraAt = w.u.length;
  w.u32(0);
  const seen = new Set<string>();
  boilerplateParagraphs(canon, gone, cfg, (_i, hi, lo) => {
    const k = paraHashHex(hi, lo);
    if (seen.has(k)) return;
    seen.add(k);
    w.u32(hi);
    w.u32(lo);
  });
  w.set32(paraAt, seen.size);
  w.set32(PARA_AT, paraAt);
  w.set32(STR_AT, w.u.length);
  w.str(doc.id);
  w.str(doc.source_file);
  w.str(doc.source_member ?? '');
  const source = sourceKeyOf(doc);
  w.str(source);
  const edges = new Units();
  edges.u32(0);
  const keptCount = edgeCandidates(doc.paragraphs, canon, gone, source, (i, hi, lo) => { edges.u32(i); edges.u32(hi); edges.u32(lo); });
  edges.set32(0, keptCount);
  w.str(edges.toString());
  return w.toString();
}

// ---- Reading a prepared value in place ---------------------------------------------------------------

/** The 32-bit number at unit offset `o`. */
export function u32At(p: Prepared, o: number): number {
  return ((p.charCodeAt(o) << 16) | p.charCodeAt(o + 1)) >>> 0;
}

/** The `b`-th band key of the `s`-th shingle size (`indexSizes` order). */
export function bandKeyOf(p: Prepared, s: number, b: number, bands: number): number {
  const o = KEYS + (s * bands + b) * 4;
  return u32At(p, o) * 0x100000000 + u32At(p, o + 2);
}

export const charsOf = (p: Prepared): number => u32At(p, CHARS);
export const lenOf = (p: Prepared): number => u32At(p, LEN);
export const segmentOf = (p: Prepared): number => u32At(p, SEGMENT);
/** The first 32 bits of the exact hash (a hash-table slot). */
export const exactHashOf = (p: Prepared): number => u32At(p, EXACT);

/** Whether two documents' canonical bodies have the same (128-bit) hash. */
export function sameExact(p: Prepared, q: Prepared): boolean {
  for (let k = EXACT; k < KEYS; k++) if (p.charCodeAt(k) !== q.charCodeAt(k)) return false;
  return true;
}

/** Paragraph verdicts (see `PreparedFields.removed`). */
export function verdictsOf(p: Prepared): number[] {
  const o = KEYS + p.charCodeAt(NSIZES) * p.charCodeAt(BANDS) * 4;
  const n = u32At(p, o);
  const out = new Array<number>(n);
  for (let k = 0; k < n; k++) out[k] = u32At(p, o + 2 + 2 * k);
  return out;
}

/** Number of paragraph hashes, and the offset of the first (hi at `o`, lo at `o + 2`, then the next at `o + 4`). */
export function paraHashes(p: Prepared): { count: number; at: number } {
  const o = u32At(p, PARA_AT);
  return { count: u32At(p, o), at: o + 2 };
}

/** The `k`-th string of the string section: 0 id, 1 source file, 2 archive member ('' when none). */
function stringOf(p: Prepared, k: number): string {
  let o = u32At(p, STR_AT);
  for (let j = 0; j < k; j++) o += 2 + u32At(p, o);
  return p.slice(o + 2, o + 2 + u32At(p, o));
}
export const idOf = (p: Prepared): string => stringOf(p, 0);
export const fileOf = (p: Prepared): string => stringOf(p, 1);
export const memberOf = (p: Prepared): string => stringOf(p, 2);
export const sourceOf = (p: Prepared): string => stringOf(p, 3);

/** The recurring-banner candidates of a prepared document: its number of kept paragraphs, and per candidate its
 *  paragraph index and the halves of its key. */
export function edgesOf(p: Prepared): { kept: number; index: number[]; hi: number[]; lo: number[] } {
  const e = stringOf(p, 4);
  const out = { kept: u32At(e, 0), index: [] as number[], hi: [] as number[], lo: [] as number[] };
  for (let o = 2; o + 6 <= e.length; o += 6) { out.index.push(u32At(e, o)); out.hi.push(u32At(e, o + 2)); out.lo.push(u32At(e, o + 4)); }
  return out;
}

/**
 * Throws unless `p` is a prepared value of this version made with the banding of `cfg` (values made with another
 * configuration would bucket against different keys).
 */
export function checkPrepared(p: unknown, cfg: NearConfig, bands = banding(cfg).bands): asserts p is Prepared {
  if (typeof p !== 'string' || p.charCodeAt(0) !== FORMAT || p.length < KEYS) throw new Error(`dedupe: not a prepared value of this version: ${JSON.stringify(p)?.slice(0, 40)}`);
  const expected = indexSizes(lenOf(p), cfg).length * bands, got = p.charCodeAt(NSIZES) * p.charCodeAt(BANDS);
  if (got !== expected || (got > 0 && p.charCodeAt(BANDS) !== bands)) {
    throw new Error(`dedupe: the prepared value of ${idOf(p)} has ${got} band keys, ${expected} expected (prepared with another configuration?)`);
  }
}

/** All fields of a prepared value. */
export function unpackPrepared(p: Prepared): PreparedFields {
  const nKeys = p.charCodeAt(NSIZES) * p.charCodeAt(BANDS);
  const keys = new Float64Array(nKeys);
  for (let k = 0; k < nKeys; k++) keys[k] = bandKeyOf(p, 0, k, 1);
  const { count, at } = paraHashes(p);
  const para = new Uint32Array(count * 2);
  for (let k = 0; k < para.length; k++) para[k] = u32At(p, at + 2 * k);
  const len = lenOf(p);
  let exact = '';
  if (len > 0) for (let k = EXACT; k < KEYS; k += 2) exact += u32At(p, k).toString(16).padStart(8, '0');
  return { id: idOf(p), file: fileOf(p), member: memberOf(p), segment: segmentOf(p), chars: charsOf(p), exact, len, keys, removed: verdictsOf(p), para };
}

/** The 16 hex digits of a paragraph key (`paragraphKey`) from its two halves. */
export function paraHashHex(hi: number, lo: number): string {
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

// ---- gather: values the plan asks for, for chosen documents only -------------------------------------

/** What the plan asks of one document (its id guards against a change of input order since prepare). */
export interface Ask {
  id: string;
  /** Shingle sets wanted: bit n set for n-grams. */
  shingles?: number;
  /** Boilerplate paragraphs wanted, by key (`paraHashHex` of `paragraphKey`). */
  paragraphs?: string[];
}

/** The answer: one sorted fingerprint set per shingle size asked (ascending n); per paragraph asked, in the
 *  order asked, the report's excerpt of its first kept occurrence, its canonical length and its `hash`
 *  (`paragraphSha`). */
export interface Gathered {
  sets: Float64Array[];
  paragraphs: { excerpt: string; chars: number; hash: string }[];
}

/** The stage's `gather`. Pure. */
export function gatherDoc(doc: Doc, ask: Ask, cfg: PrepareConfig): Gathered {
  if (doc.id !== ask.id) throw new Error(`dedupe: input order changed between passes: got ${doc.id} where ${ask.id} was prepared`);
  const { canon, removed } = paragraphVerdicts(doc.paragraphs, cfg);
  const out: Gathered = { sets: [], paragraphs: [] };
  if (ask.shingles) {
    const body = canonicalBody(canon, removed);
    for (let n = 1; n < 31; n++) if (ask.shingles & (1 << n)) out.sets.push(shingleFingerprints(body, n));
  }
  if (ask.paragraphs?.length) {
    const found = new Map<string, { excerpt: string; chars: number; hash: string }>();
    const wanted = new Set(ask.paragraphs);
    boilerplateParagraphs(canon, new Set(removed.map((v) => v >> 1)), cfg, (i, hi, lo) => {
      const h = paraHashHex(hi, lo);
      if (wanted.has(h) && !found.has(h)) found.set(h, { excerpt: excerpt(doc.paragraphs[i]!, 60), chars: canon[i]!.length, hash: paragraphSha(canon[i]!) });
    });
    for (const h of ask.paragraphs) {
      const f = found.get(h);
      if (!f) throw new Error(`dedupe: ${doc.id} has no paragraph with key ${h} (input changed since prepare?)`);
      out.paragraphs.push(f);
    }
  }
  return out;
}
