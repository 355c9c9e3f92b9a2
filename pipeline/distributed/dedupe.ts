/**
 * The distributed dedupe plan: the decisions of pipeline/dedup/plan.ts (planDedupe) and the boilerplate report of
 * pipeline/dedup/boilerplate.ts, computed by jobs that each hold a part of the corpus: B buckets, deterministic
 * (a hash of the bucketed value, modulo B), so every decision is the single-machine one for any B and any shards.
 *
 *   shard   (jobs.ts runShard) also writes, per bucket, the entries that hash to it: LSH band entries (shingle
 *           size, band, key, document), exact-hash entries and boilerplate paragraph keys; and the prepared values
 *           and the JSON-line offsets of its documents, which later jobs fetch one document at a time;
 *   bucket  (one per bucket) owns every LSH bucket (size, band, key) and every exact hash that hashes to it:
 *             - exact groups: the documents with the same 128-bit hash; their first (input order) and their best
 *               member by the keeper rule (the prepared values of the members only are fetched);
 *             - candidate pairs: in each LSH bucket, its members in input order less the later members of an exact
 *               group (all members of a group have the same band keys, so the group's first is in every bucket its
 *               copies are in: what is left are planDedupe's LSH entries, the first document of each group), each
 *               paired with the bucket's first `maxBucket` as bucketPairs does; the pair kept only under the
 *               shingle size it is verified with. Pairs go to verify partition hash(pair) mod B;
 *   verify  (one per bucket) takes the pairs of its partition from every bucket job (a pair found in several
 *           bands is verified once), fetches the JSON lines of its candidate documents only, computes their
 *           shingle sets (the stage's own gather) and verifies each pair with the exact Jaccard;
 *   merge   (one; the parent of the verify jobs) clustering on the verified edges greedily in keeper order, exactly
 *           planDedupe's rule; it is a single job because the greedy order is global: a group's keeper depends on
 *           every better group it is linked to, transitively through chains A~B~C of any length across buckets,
 *           and a union-find cannot be used instead: planDedupe does not merge through chains (A keeps B, C stays).
 *           Its input is only the verified edges and the exact groups (a few bytes per duplicate), not the corpus.
 *           Writes each shard's dropped documents and duplicate counts, a bitmap of the dropped documents, the counts;
 *   para    (one per bucket, after merge) the boilerplate candidates among the paragraph keys of its bucket: docs
 *           and distinct source files among kept documents, the document where each recurs, cut to the report's
 *           `boilerplateMaxRows` with ties (a row of the final report is within its bucket's cut);
 *   report  (one; the parent of the para jobs) the final choice of rows, their excerpts and sha256 (fetched from the
 *           documents where they recur), the order: boilerplateRows' rule; publishes plan.bin as the one-job plan did.
 *
 * What is not split by bucket, and why: the merge (above), and the report's final top-N (its input is at most
 * `boilerplateMaxRows` plus ties per bucket). Both are small whatever the corpus size.
 *
 * Limits: document indexes are 32-bit (4·10⁹ documents). Hash collisions of the 128-bit exact hash are treated as
 * planDedupe treats them (as the same text).
 */
import { open } from 'node:fs/promises';
import path from 'node:path';
import { deserialize } from 'node:v8';
import { jaccardSorted, fmix32 } from '../lib/minhash.js';
import { PipelineError } from '../lib/errors.js';
import {
  bandKeyOf, banding, charsOf, exactHashOf, fileOf, idOf, indexSizes, lenOf, pairShingle, paraHashes, paraHashHex, sameExact,
  sourceOf, u32At, verdictsOf, type Ask, type Gathered, type Prepared,
} from '../dedup/prepare.js';
import { keeperTieBreak, type Decision, type PlanCounts } from '../dedup/plan.js';
import type { BoilerplateRow } from '../dedup/boilerplate.js';
import type { DedupeConfig } from '../stages/dedupe.js';
import { recurringEdges } from '../dedup/recurring.js';
import type { Doc } from '../lib/types.js';
import { Store, ser, type Kind } from './store.js';

const EXACT = 13; // unit offset of the exact hash in a prepared value (prepare.ts)

// ---- Bucket functions (deterministic: a function of the value and B only) ------------------------------------

/** Bucket of an LSH bucket (shingle size, band, key). The key's low 32 bits are hash bits. */
export function lshBucket(size: number, band: number, key: number, buckets: number): number {
  return (fmix32((key >>> 0) ^ Math.imul(band + 1, 0x9e3779b1) ^ Math.imul(size, 0x85ebca77) ^ (Math.floor(key / 0x100000000) | 0)) >>> 0) % buckets;
}
/** Bucket of an exact hash (its first 32 bits). */
export const exactBucket = (p: Prepared, buckets: number): number => (fmix32(exactHashOf(p)) >>> 0) % buckets;
/** Bucket of a paragraph key. */
export const paraBucket = (hi: number, lo: number, buckets: number): number => (fmix32(hi ^ Math.imul(lo, 0xcc9e2d51)) >>> 0) % buckets;
/**
 * Bucket of a source (dedup/prepare.ts sourceOf): the recurring banners are decided per source (a line's key
 * includes its source, and its share is counted against the source's units), so all of a source's documents go to
 * one `recur` job. FNV-1a over the UTF-16 units, mixed.
 */
export function sourceBucket(source: string, buckets: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < source.length; i++) h = Math.imul(h ^ source.charCodeAt(i), 0x01000193);
  return (fmix32(h) >>> 0) % buckets;
}
/** Verify partition of a candidate pair (document indexes). */
export const pairBucket = (lo: number, hi: number, buckets: number): number => (fmix32(lo ^ Math.imul(hi, 0x1b873593)) >>> 0) % buckets;

// ---- Shard side ---------------------------------------------------------------------------------------------

/** One shard's LSH and exact entries of one bucket (shard-local document indexes). */
export interface LshPart {
  /** LSH: shingle size << 8 | band, document, band key. */
  lshSb: Uint16Array; lshDoc: Uint32Array; lshKey: Float64Array;
  /** Exact hashes: document, then its 128 bits as four words. */
  exactDoc: Uint32Array; exactHash: Uint32Array;
}
/** One shard's paragraph keys of one bucket: documents (hi, lo), with the document's source file (its index in the
 *  shard's files.bin). */
export interface ParaPart { paraDoc: Uint32Array; paraHi: Uint32Array; paraLo: Uint32Array; paraFile: Uint32Array }

export interface ShardDedupeMeta { records: number; repeated: number; truncated: number }

class U32s { a = new Uint32Array(64); n = 0; push(x: number) { if (this.n === this.a.length) { const b = new Uint32Array(this.n * 2); b.set(this.a); this.a = b; } this.a[this.n++] = x; } get() { return this.a.slice(0, this.n); } }
class F64s { a = new Float64Array(64); n = 0; push(x: number) { if (this.n === this.a.length) { const b = new Float64Array(this.n * 2); b.set(this.a); this.a = b; } this.a[this.n++] = x; } get() { return this.a.slice(0, this.n); } }

/**
 * The files a shard job publishes for the distributed dedupe: `prepared.u16` (the prepared values, UTF-16LE, one
 * after another) with `prepared.idx` (Float64 unit offsets, n + 1), `lines.idx` (Float64 start and end of each
 * record's line in input.jsonl), `files.bin` (the documents' distinct source files), per bucket `lsh-<b>.bin` (LSH
 * and exact entries, read by the bucket job) and `para-<b>.bin` (paragraph keys, read by the para job),
 * and `dedupe.bin` (ShardDedupeMeta).
 */
export function dedupeShardFiles(prepared: readonly Prepared[], input: Uint8Array, buckets: number, cfg: DedupeConfig): Record<string, Uint8Array> {
  const { bands } = banding(cfg);
  const n = prepared.length;
  const idx = new Float64Array(n + 1);
  let units = 0;
  for (let i = 0; i < n; i++) { idx[i] = units; units += prepared[i]!.length; }
  idx[n] = units;
  const u16 = Buffer.alloc(units * 2);
  for (let i = 0; i < n; i++) u16.write(prepared[i]!, idx[i]! * 2, 'utf16le');

  const lines = new Float64Array(2 * n);
  let r = 0;
  for (let s = 0; s < input.length;) {
    let e = input.indexOf(0x0a, s);
    if (e < 0) e = input.length;
    if (e > s) { if (r < n) { lines[2 * r] = s; lines[2 * r + 1] = e; } r++; }
    s = e + 1;
  }
  if (r !== n) throw new PipelineError('internal', `dedupe: ${n} prepared values for ${r} records`);

  const parts = Array.from({ length: buckets }, () => ({ sb: new U32s(), ld: new U32s(), lk: new F64s(), ed: new U32s(), eh: new U32s(), pd: new U32s(), ph: new U32s(), pl: new U32s(), pf: new U32s(), rd: new U32s() }));
  const files = new Map<string, number>();
  let repeated = 0, truncated = 0;
  for (let i = 0; i < n; i++) {
    const p = prepared[i]!;
    parts[sourceBucket(sourceOf(p), buckets)]!.rd.push(i);
    for (const v of verdictsOf(p)) if (v & 1) truncated++; else repeated++;
    const len = lenOf(p);
    if (len > 0) {
      const e = parts[exactBucket(p, buckets)]!;
      e.ed.push(i);
      for (let k = EXACT; k < EXACT + 8; k += 2) e.eh.push(u32At(p, k));
      indexSizes(len, cfg).forEach((sz, s) => {
        for (let b = 0; b < bands; b++) {
          const key = bandKeyOf(p, s, b, bands);
          const q = parts[lshBucket(sz, b, key, buckets)]!;
          q.sb.push((sz << 8) | b); q.ld.push(i); q.lk.push(key);
        }
      });
    }
    const { count, at } = paraHashes(p);
    if (count > 0) {
      const f = fileOf(p);
      let fid = files.get(f);
      if (fid === undefined) { fid = files.size; files.set(f, fid); }
      for (let k = 0; k < count; k++) {
        const hi = u32At(p, at + 4 * k), lo = u32At(p, at + 4 * k + 2);
        const q = parts[paraBucket(hi, lo, buckets)]!;
        q.pd.push(i); q.ph.push(hi); q.pl.push(lo); q.pf.push(fid);
      }
    }
  }
  const out: Record<string, Uint8Array> = {
    'prepared.u16': u16,
    'prepared.idx': new Uint8Array(idx.buffer),
    'lines.idx': new Uint8Array(lines.buffer),
    'files.bin': ser([...files.keys()]),
    'dedupe.bin': ser({ records: n, repeated, truncated } satisfies ShardDedupeMeta),
  };
  parts.forEach((q, b) => {
    out[`lsh-${b}.bin`] = ser({ lshSb: Uint16Array.from(q.sb.get()), lshDoc: q.ld.get(), lshKey: q.lk.get(), exactDoc: q.ed.get(), exactHash: q.eh.get() } satisfies LshPart);
    out[`para-${b}.bin`] = ser({ paraDoc: q.pd.get(), paraHi: q.ph.get(), paraLo: q.pl.get(), paraFile: q.pf.get() } satisfies ParaPart);
    out[`rec-${b}.bin`] = new Uint8Array(q.rd.get().buffer);
  });
  return out;
}

/** The prepared values of a whole shard (apply jobs: their own shard). */
export async function shardPrepared(store: Store, shard: string): Promise<Prepared[]> {
  const idx = new Float64Array(toAB(await store.bytes('shard', shard, 'prepared.idx')));
  const s = (await store.bytes('shard', shard, 'prepared.u16')).toString('utf16le');
  const out: Prepared[] = new Array(Math.max(0, idx.length - 1));
  for (let i = 0; i + 1 < idx.length; i++) out[i] = s.slice(idx[i]!, idx[i + 1]!);
  return out;
}

/** Runs `f(0 … n − 1)`, 32 at a time (positioned reads in the thread pool of libuv). */
async function inBatches(n: number, f: (i: number) => Promise<void>): Promise<void> {
  for (let k = 0; k < n; k += 32) {
    const p: Promise<void>[] = [];
    for (let i = k; i < Math.min(n, k + 32); i++) p.push(f(i));
    await Promise.all(p);
  }
}

function toAB(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

// ---- Reading documents of any shard by global index -----------------------------------------------------------

/** Bytes moved from the store by the dedupe jobs (for the README's figures; report/timings.json). */
export interface Moved { partitions: number; fetched: number; outputs: number }

/**
 * The shards of a run as the dedupe jobs see them: record counts (global index = the shard's base + local index)
 * and reads of single documents' prepared values and JSON lines (ranges of the shard's files, not whole files).
 */
export class Corpus {
  readonly base: number[] = [];
  total = 0;
  readonly moved: Moved = { partitions: 0, fetched: 0, outputs: 0 };
  readonly meta: ShardDedupeMeta[] = [];
  private constructor(readonly store: Store, readonly shards: readonly string[]) {}

  static async open(store: Store, shards: readonly string[]): Promise<Corpus> {
    const c = new Corpus(store, shards);
    for (const s of shards) {
      const m = await store.value<ShardDedupeMeta>('shard', s, 'dedupe.bin');
      c.meta.push(m);
      c.base.push(c.total);
      c.total += m.records;
    }
    return c;
  }

  /** Shard index and local index of a global index. */
  locate(g: number): [number, number] {
    let a = 0, b = this.base.length - 1;
    while (a < b) { const m = (a + b + 1) >> 1; if (this.base[m]! <= g) a = m; else b = m - 1; }
    return [a, g - this.base[a]!];
  }

  async partition<P extends 'lsh' | 'para'>(shard: number, bucket: number, which: P): Promise<P extends 'lsh' ? LshPart : ParaPart> {
    const b = await this.store.bytes('shard', this.shards[shard]!, `${which}-${bucket}.bin`);
    this.moved.partitions += b.length;
    return deserialize(b) as P extends 'lsh' ? LshPart : ParaPart;
  }

  async output<T>(kind: Kind, key: string, name: string): Promise<T> {
    const b = await this.store.bytes(kind, key, name);
    this.moved.outputs += b.length;
    return deserialize(b) as T;
  }

  /** Byte ranges of one shard file, read with positioned reads. */
  /**
   * Byte ranges of one shard file (the documents `locals`, ascending), read with positioned reads: the offsets from
   * the index file (read whole when a sixteenth of its entries or more are wanted, else entry by entry), adjacent
   * ranges read as one, 32 reads at a time.
   */
  private async ranges(shard: number, name: string, idxName: string, unit: number, locals: number[], per: 1 | 2): Promise<Buffer[]> {
    const dir = this.store.dir('shard', this.shards[shard]!);
    const ih = await open(path.join(dir, idxName), 'r');
    const fh = await open(path.join(dir, name), 'r');
    try {
      // prepared.idx: offsets i and i + 1; lines.idx: start and end at 2i, 2i + 1.
      const at = (i: number) => (per === 1 ? i : 2 * i) * 8;
      const starts = new Float64Array(locals.length), ends = new Float64Array(locals.length);
      const idxBytes = (await ih.stat()).size;
      if (locals.length * 16 * 16 >= idxBytes) {
        const all = await ih.readFile();
        this.moved.fetched += all.length;
        locals.forEach((i, j) => { starts[j] = all.readDoubleLE(at(i)) * unit; ends[j] = all.readDoubleLE(at(i) + 8) * unit; });
      } else {
        await inBatches(locals.length, async (j) => {
          const pos = Buffer.alloc(16);
          await ih.read(pos, 0, 16, at(locals[j]!));
          starts[j] = pos.readDoubleLE(0) * unit; ends[j] = pos.readDoubleLE(8) * unit;
        });
        this.moved.fetched += 16 * locals.length;
      }
      // Runs of adjacent ranges, each read once.
      const runs: [number, number][] = [];
      for (let j = 0; j < locals.length; j++) {
        const r = runs[runs.length - 1];
        if (r && ends[r[1] - 1] === starts[j]) r[1] = j + 1; else runs.push([j, j + 1]);
      }
      const out: Buffer[] = new Array(locals.length);
      await inBatches(runs.length, async (k) => {
        const [a, b] = runs[k]!;
        const s = starts[a]!, e = ends[b - 1]!;
        const buf = Buffer.alloc(e - s);
        if (e > s) await fh.read(buf, 0, e - s, s);
        for (let j = a; j < b; j++) out[j] = buf.subarray(starts[j]! - s, ends[j]! - s);
      });
      for (let j = 0; j < locals.length; j++) this.moved.fetched += ends[j]! - starts[j]!;
      return out;
    } finally {
      await ih.close();
      await fh.close();
    }
  }

  private async fetch<T>(globals: Iterable<number>, get: (shard: number, locals: number[]) => Promise<Buffer[]>, make: (b: Buffer) => T): Promise<Map<number, T>> {
    const by = new Map<number, number[]>();
    for (const g of new Set(globals)) { const [k, i] = this.locate(g); (by.get(k) ?? by.set(k, []).get(k)!).push(i); }
    const out = new Map<number, T>();
    for (const [k, locals] of [...by].sort((x, y) => x[0] - y[0])) {
      locals.sort((x, y) => x - y);
      const bufs = await get(k, locals);
      locals.forEach((i, j) => out.set(this.base[k]! + i, make(bufs[j]!)));
    }
    return out;
  }

  /** Prepared values of the documents `globals`. */
  prepared(globals: Iterable<number>): Promise<Map<number, Prepared>> {
    return this.fetch(globals, (k, l) => this.ranges(k, 'prepared.u16', 'prepared.idx', 2, l, 1), (b) => b.toString('utf16le'));
  }

  /** The records (parsed JSON lines of the shard's input.jsonl) of the documents `globals`. */
  docs(globals: Iterable<number>): Promise<Map<number, Doc>> {
    return this.fetch(globals, (k, l) => this.ranges(k, 'input.jsonl', 'lines.idx', 1, l, 2), (b) => JSON.parse(b.toString('utf8')) as Doc);
  }
}

/**
 * Keeper order of two documents, planDedupe's keeperCompare: the longest clean body, then the earliest source file
 * (its file rank is the rank of the name in code-unit order, which `<` on the names is), then archive member, then
 * segment, then id. Negative = `a` is kept.
 */
export function keeperCompare(pa: Prepared, pb: Prepared): number {
  const ca = charsOf(pa), cb = charsOf(pb);
  if (ca !== cb) return cb - ca;
  const fa = fileOf(pa), fb = fileOf(pb);
  if (fa !== fb) return fa < fb ? -1 : 1;
  return keeperTieBreak(pa, pb);
}

// ---- bucket ---------------------------------------------------------------------------------------------------

/** An exact group of at least two documents (global indexes). */
export interface ExactGroup { first: number; rep: number; repId: string; members: number[] }
export interface BucketOutput {
  groups: ExactGroup[];
  /** Paragraph verdicts of the groups' members other than their best one (always dropped). */
  nonRepRepeated: number; nonRepTruncated: number;
  capped: number;
}
/** Candidate pairs of one verify partition: first documents of exact groups, lo < hi, and the shingle size. */
export interface Pairs { lo: Uint32Array; hi: Uint32Array; size: Uint8Array }

/** Runs bucket `b`: exact groups and candidate pairs. Returns the files to publish. */
export async function bucketFiles(c: Corpus, b: number, buckets: number, cfg: DedupeConfig): Promise<Record<string, Uint8Array>> {
  // Exact groups: entries sorted by hash then document.
  const exDoc: number[] = [];
  const exHash: number[] = [];
  const lsh: { sb: number[]; doc: number[]; key: number[] } = { sb: [], doc: [], key: [] };
  for (let k = 0; k < c.shards.length; k++) {
    const p = await c.partition(k, b, 'lsh');
    const base = c.base[k]!;
    for (let j = 0; j < p.exactDoc.length; j++) { exDoc.push(base + p.exactDoc[j]!); for (let w = 0; w < 4; w++) exHash.push(p.exactHash[4 * j + w]!); }
    for (let j = 0; j < p.lshDoc.length; j++) { lsh.sb.push(p.lshSb[j]!); lsh.doc.push(base + p.lshDoc[j]!); lsh.key.push(p.lshKey[j]!); }
  }
  const cmpHash = (x: number, y: number) => {
    for (let w = 0; w < 4; w++) { const d = exHash[4 * x + w]! - exHash[4 * y + w]!; if (d) return d; }
    return exDoc[x]! - exDoc[y]!;
  };
  const order = exDoc.map((_, i) => i).sort(cmpHash);
  const runs: number[][] = [];
  for (let s = 0; s < order.length;) {
    let e = s + 1;
    const same = (x: number, y: number) => exHash[4 * x] === exHash[4 * y] && exHash[4 * x + 1] === exHash[4 * y + 1] && exHash[4 * x + 2] === exHash[4 * y + 2] && exHash[4 * x + 3] === exHash[4 * y + 3];
    while (e < order.length && same(order[s]!, order[e]!)) e++;
    if (e - s > 1) runs.push(order.slice(s, e).map((i) => exDoc[i]!));
    s = e;
  }
  const memberPrep = await c.prepared(runs.flat());
  const groups: ExactGroup[] = [];
  let nonRepRepeated = 0, nonRepTruncated = 0;
  for (const members of runs) {
    let rep = members[0]!;
    for (const m of members) if (keeperCompare(memberPrep.get(m)!, memberPrep.get(rep)!) < 0) rep = m;
    for (const m of members) if (m !== rep) for (const v of verdictsOf(memberPrep.get(m)!)) if (v & 1) nonRepTruncated++; else nonRepRepeated++;
    groups.push({ first: members[0]!, rep, repId: idOf(memberPrep.get(rep)!), members });
  }

  // LSH buckets: entries sorted by (size·band, key, document).
  const lorder = lsh.doc.map((_, i) => i).sort((x, y) => lsh.sb[x]! - lsh.sb[y]! || lsh.key[x]! - lsh.key[y]! || lsh.doc[x]! - lsh.doc[y]!);
  const spans: [number, number][] = [];
  const need = new Set<number>();
  for (let s = 0; s < lorder.length;) {
    let e = s + 1;
    while (e < lorder.length && lsh.sb[lorder[e]!] === lsh.sb[lorder[s]!] && lsh.key[lorder[e]!] === lsh.key[lorder[s]!]) e++;
    if (e - s > 1) { spans.push([s, e]); for (let q = s; q < e; q++) need.add(lsh.doc[lorder[q]!]!); }
    s = e;
  }
  // The members of shared LSH buckets: their exact hash and length (fetched; those of exact groups are at hand).
  const missing = [...need].filter((g) => !memberPrep.has(g));
  const prep = await c.prepared(missing);
  for (const [g, p] of memberPrep) prep.set(g, p);
  const out = Array.from({ length: buckets }, () => ({ lo: new U32s(), hi: new U32s(), size: [] as number[] }));
  let capped = 0;
  for (const [s, e] of spans) {
    const sz = lsh.sb[lorder[s]!]! >> 8;
    const firsts: number[] = [];
    const seen = new Map<string, true>();
    let size = 0;
    for (let q = s; q < e; q++) {
      const d = lsh.doc[lorder[q]!]!;
      const p = prep.get(d)!;
      const h = p.slice(EXACT, EXACT + 8);
      if (seen.has(h)) continue; // a later copy of an exact group already in this bucket (its first came earlier)
      seen.set(h, true);
      for (let j = 0; j < Math.min(size, cfg.maxBucket); j++) {
        const a = firsts[j]!;
        const pa = prep.get(a)!;
        if (!sameExact(pa, p) && pairShingle(lenOf(pa), lenOf(p), cfg) === sz) {
          const v = out[pairBucket(a, d, buckets)]!;
          v.lo.push(a); v.hi.push(d); v.size.push(sz);
        }
      }
      if (size < cfg.maxBucket) firsts.push(d);
      if (++size === cfg.maxBucket + 1) capped++;
    }
  }
  const files: Record<string, Uint8Array> = {
    'bucket.bin': ser({ groups, nonRepRepeated, nonRepTruncated, capped } satisfies BucketOutput),
  };
  out.forEach((v, k) => { files[`pairs-${k}.bin`] = ser({ lo: v.lo.get(), hi: v.hi.get(), size: Uint8Array.from(v.size) } satisfies Pairs); });
  return files;
}

// ---- verify ---------------------------------------------------------------------------------------------------

export interface Edges { lo: Uint32Array; hi: Uint32Array; sim: Float64Array; candidates: number; verified: number; rejected: number }

/** Runs verify partition `v`: its candidate pairs (once each), verified with the exact Jaccard. */
export async function verifyFiles(c: Corpus, v: number, bucketKeys: readonly string[], gather: (doc: Doc, ask: Ask) => Gathered, cfg: DedupeConfig): Promise<Record<string, Uint8Array>> {
  const words: number[] = [];
  const sizeOf = new Map<number, number>();
  for (const k of bucketKeys) {
    const p = await c.output<Pairs>('bucket', k, `pairs-${v}.bin`);
    for (let j = 0; j < p.lo.length; j++) words.push(p.lo[j]!, p.hi[j]!, p.size[j]!);
  }
  // Sorted by (lo, hi), without repeats (a pair found in several bands or buckets).
  const n = words.length / 3;
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => words[3 * x]! - words[3 * y]! || words[3 * x + 1]! - words[3 * y + 1]!);
  const lo: number[] = [], hi: number[] = [], sz: number[] = [];
  for (const i of order) {
    const a = words[3 * i]!, b = words[3 * i + 1]!;
    if (lo.length && lo[lo.length - 1] === a && hi[hi.length - 1] === b) continue;
    lo.push(a); hi.push(b); sz.push(words[3 * i + 2]!);
  }
  for (let j = 0; j < lo.length; j++) for (const d of [lo[j]!, hi[j]!]) sizeOf.set(d, (sizeOf.get(d) ?? 0) | (1 << sz[j]!));
  const docs = await c.docs(sizeOf.keys());
  const sets = new Map<number, Map<number, Float64Array>>();
  for (const [g, doc] of docs) {
    const bits = sizeOf.get(g)!;
    const got = gather(doc, { id: doc.id, shingles: bits });
    const byN = new Map<number, Float64Array>();
    let k = 0;
    for (let s = 1; s < 31; s++) if (bits & (1 << s)) byN.set(s, got.sets[k++]!);
    sets.set(g, byN);
  }
  const eLo = new U32s(), eHi = new U32s(), eSim = new F64s();
  let verified = 0, rejected = 0;
  for (let j = 0; j < lo.length; j++) {
    const sim = jaccardSorted(sets.get(lo[j]!)!.get(sz[j]!)!, sets.get(hi[j]!)!.get(sz[j]!)!);
    if (sim >= cfg.threshold) { verified++; eLo.push(lo[j]!); eHi.push(hi[j]!); eSim.push(sim); } else rejected++;
  }
  return { 'edges.bin': ser({ lo: eLo.get(), hi: eHi.get(), sim: eSim.get(), candidates: lo.length, verified, rejected } satisfies Edges) };
}

// ---- merge ----------------------------------------------------------------------------------------------------

/** One shard's part of the decisions: its dropped documents and its keepers' duplicate counts (local indexes). */
export interface ShardDecisions { drop: [number, Decision][]; dups: [number, number][]; recurring: [number, number[]][] }

/** Runs the merge: clustering on the verified edges, greedily in keeper order (planDedupe's rule). */
export async function mergeFiles(c: Corpus, bucketKeys: readonly string[], verifyKeys: readonly string[], cfg: DedupeConfig): Promise<Record<string, Uint8Array>> {
  const groupOf = new Map<number, ExactGroup>(); // by first document
  let nonRepRepeated = 0, nonRepTruncated = 0, capped = 0;
  for (const k of bucketKeys) {
    const o = await c.output<BucketOutput>('bucket', k, 'bucket.bin');
    for (const g of o.groups) groupOf.set(g.first, g);
    nonRepRepeated += o.nonRepRepeated; nonRepTruncated += o.nonRepTruncated; capped += o.capped;
  }
  const adj = new Map<number, [number, number][]>();
  let candidates = 0, verified = 0, rejected = 0;
  for (const k of verifyKeys) {
    const e = await c.output<Edges>('verify', k, 'edges.bin');
    candidates += e.candidates; verified += e.verified; rejected += e.rejected;
    for (let j = 0; j < e.lo.length; j++) {
      (adj.get(e.lo[j]!) ?? adj.set(e.lo[j]!, []).get(e.lo[j]!)!).push([e.hi[j]!, e.sim[j]!]);
      (adj.get(e.hi[j]!) ?? adj.set(e.hi[j]!, []).get(e.hi[j]!)!).push([e.lo[j]!, e.sim[j]!]);
    }
  }
  const repOf = (g: number) => groupOf.get(g)?.rep ?? g;
  const linked = [...adj.keys()];
  const repPrep = await c.prepared(linked.map(repOf));
  linked.sort((a, b) => keeperCompare(repPrep.get(repOf(a))!, repPrep.get(repOf(b))!));
  const keeperOf = new Map<number, number>();
  const simTo = new Map<number, number>();
  for (const g of linked) {
    if (keeperOf.has(g)) continue;
    keeperOf.set(g, g);
    for (const [o, sim] of adj.get(g)!) if (!keeperOf.has(o)) { keeperOf.set(o, g); simTo.set(o, sim); }
  }

  const drop = new Map<number, Decision>();
  const dupCount = new Map<number, number>();
  const idOfRep = (g: number) => groupOf.get(g)?.repId ?? idOf(repPrep.get(g)!);
  let exact = 0, near = 0, repeated = 0, truncated = 0;
  for (const m of c.meta) { repeated += m.repeated; truncated += m.truncated; }
  repeated -= nonRepRepeated; truncated -= nonRepTruncated;
  const dropNear = (d: number, k: number, g: number) => {
    drop.set(d, { keep: false, dup_of: idOfRep(k), method: 'near', similarity: Math.round(simTo.get(g)! * 1e4) / 1e4 });
    near++;
  };
  for (const g of groupOf.values()) {
    const k = keeperOf.get(g.first) ?? g.first;
    const keeper = repOf(k);
    for (const m of g.members) {
      if (m === keeper) continue;
      dupCount.set(keeper, (dupCount.get(keeper) ?? 0) + 1);
      if (k === g.first) { drop.set(m, { keep: false, dup_of: g.repId, method: 'exact', similarity: 1 }); exact++; } else dropNear(m, k, g.first);
    }
  }
  for (const g of linked) {
    const k = keeperOf.get(g)!;
    if (k === g) continue;
    // Its best member is dropped too: its paragraph verdicts no longer count (the others' were taken off above).
    for (const v of verdictsOf(repPrep.get(repOf(g))!)) if (v & 1) truncated--; else repeated--;
    if (groupOf.has(g)) continue; // its members were decided above
    const keeper = repOf(k);
    dupCount.set(keeper, (dupCount.get(keeper) ?? 0) + 1);
    dropNear(g, k, g);
  }
  // Recurring banners are the recur jobs' (recurFiles, one per bucket of sources, after this job): their counts are
  // summed into these by the report job, in this key order.
  const counts: PlanCounts & Record<string, number> = {
    clusters: dupCount.size, exact, near, candidate_pairs: candidates, verified_pairs: verified, rejected_pairs: rejected, lsh_buckets_capped: capped,
    repeated_paragraphs: repeated, truncated_paragraphs: truncated,
    recurring_banner_lines: 0, recurring_banner_removed: 0,
  };
  const perShard: ShardDecisions[] = c.shards.map(() => ({ drop: [], dups: [], recurring: [] }));
  const dropped = new Uint8Array(Math.ceil(c.total / 8));
  for (const [g, d] of [...drop].sort((x, y) => x[0] - y[0])) {
    const [k, i] = c.locate(g);
    perShard[k]!.drop.push([i, d]);
    dropped[g >> 3] = dropped[g >> 3]! | (1 << (g & 7));
  }
  for (const [g, n] of [...dupCount].sort((x, y) => x[0] - y[0])) { const [k, i] = c.locate(g); perShard[k]!.dups.push([i, n]); }
  const files: Record<string, Uint8Array> = { 'counts.bin': ser(counts), 'dropped.bin': dropped };
  perShard.forEach((d, k) => { files[`decisions-${k}.bin`] = ser(d); });
  return files;
}

/** A shard's decisions, one per record, as planDedupe returns them (apply jobs). */
export function shardDecisions(prepared: readonly Prepared[], d: ShardDecisions): Decision[] {
  const drop = new Map(d.drop), dups = new Map(d.dups), rec = new Map(d.recurring);
  return prepared.map((p, i) => {
    const x = drop.get(i);
    if (x) return x;
    const removed = verdictsOf(p), n = dups.get(i) ?? 0, recurring = rec.get(i);
    const kept: Decision = removed.length === 0 ? { keep: true, duplicates: n } : { keep: true, duplicates: n, removed };
    return recurring ? { ...kept, recurring } : kept;
  });
}

// ---- recurring banners ----------------------------------------------------------------------------------------

/**
 * A recur job's output: `rec.bin`, its sources' recurring lines and removals; and `shard-<k>.bin`, for each shard k
 * with a removal, that shard's kept documents' removals ([local index, paragraph indices]), so that an apply job
 * reads its own shard's lists only (a missing file: none).
 */
export interface RecurOutput { lines: number; removed: number }
export type RecurShard = [number, number[]][];

/**
 * Runs the recurring banners of the sources of bucket `b` (sourceBucket): dedupe's own recurringEdges over their
 * kept documents (the merge's dropped bitmap), in input order. Sources are disjoint between buckets and a line's key
 * includes its source, so the buckets' lines, removals and per-document removals are those of one run over the
 * corpus. Reads the prepared values of its sources' documents only: every prepared value is read by one recur job.
 */
export async function recurFiles(c: Corpus, b: number, mergeKey: string, cfg: DedupeConfig): Promise<Record<string, Uint8Array>> {
  const dropped = await c.store.bytes('merge', mergeKey, 'dropped.bin');
  c.moved.outputs += dropped.length;
  const globals: number[] = [];
  for (let k = 0; k < c.shards.length; k++) {
    const bytes = await c.store.bytes('shard', c.shards[k]!, `rec-${b}.bin`);
    c.moved.partitions += bytes.length;
    for (const i of new Uint32Array(toAB(bytes))) globals.push(c.base[k]! + i);
  }
  const values = await c.prepared(globals);
  const prepared = globals.map((g) => values.get(g)!);
  const rec = recurringEdges(prepared, (j) => !(dropped[globals[j]! >> 3]! & (1 << (globals[j]! & 7))), cfg);
  const perShard = new Map<number, RecurShard>();
  for (const [j, idx] of [...rec.byDoc].sort((x, y) => x[0] - y[0])) {
    const [k, i] = c.locate(globals[j]!);
    (perShard.get(k) ?? perShard.set(k, []).get(k)!).push([i, idx]);
  }
  const files: Record<string, Uint8Array> = { 'rec.bin': ser({ lines: rec.lines, removed: rec.removed } satisfies RecurOutput) };
  for (const [k, list] of perShard) files[`shard-${k}.bin`] = ser(list);
  return files;
}

// ---- para and report ------------------------------------------------------------------------------------------

export interface ParaCandidate { hi: number; lo: number; docs: number; files: number; second: number }

/** boilerplateRows' order of candidates: documents, then files (descending), then key (ascending). */
const byCount = (a: ParaCandidate, b: ParaCandidate) => b.docs - a.docs || b.files - a.files || a.hi - b.hi || a.lo - b.lo;

/** The candidates taken: those within `max` by documents and files, with every one tied with the last of them. */
function cut(cands: ParaCandidate[], max: number): ParaCandidate[] {
  const s = [...cands].sort(byCount);
  const last = s[Math.min(max, s.length) - 1];
  return last === undefined ? [] : s.filter((x) => x.docs > last.docs || (x.docs === last.docs && x.files >= last.files));
}

/** Runs para bucket `b`: boilerplate candidates of its paragraph keys among kept documents. */
export async function paraFiles(c: Corpus, b: number, mergeKey: string, cfg: DedupeConfig): Promise<Record<string, Uint8Array>> {
  const dropped = await c.store.bytes('merge', mergeKey, 'dropped.bin');
  c.moved.outputs += dropped.length;
  const hi: number[] = [], lo: number[] = [], doc: number[] = [], file: number[] = [], shard: number[] = [];
  for (let k = 0; k < c.shards.length; k++) {
    const p = await c.partition(k, b, 'para');
    for (let j = 0; j < p.paraDoc.length; j++) {
      const g = c.base[k]! + p.paraDoc[j]!;
      if (dropped[g >> 3]! & (1 << (g & 7))) continue;
      hi.push(p.paraHi[j]!); lo.push(p.paraLo[j]!); doc.push(g); file.push(p.paraFile[j]!); shard.push(k);
    }
  }
  const order = doc.map((_, i) => i).sort((x, y) => hi[x]! - hi[y]! || lo[x]! - lo[y]! || doc[x]! - doc[y]!);
  const minDocs = Math.max(2, cfg.boilerplateMinDocs);
  const fileNames = new Map<number, string[]>();
  const cands: ParaCandidate[] = [];
  for (let s = 0; s < order.length;) {
    let e = s + 1;
    while (e < order.length && hi[order[e]!] === hi[order[s]!] && lo[order[e]!] === lo[order[s]!]) e++;
    if (e - s >= minDocs) {
      const names = new Set<string>();
      for (let q = s; q < e; q++) {
        const k = shard[order[q]!]!;
        let fs = fileNames.get(k);
        if (!fs) { fs = await c.output<string[]>('shard', c.shards[k]!, 'files.bin'); fileNames.set(k, fs); }
        names.add(fs[file[order[q]!]!]!);
      }
      if (names.size >= cfg.boilerplateMinFiles) cands.push({ hi: hi[order[s]!]!, lo: lo[order[s]!]!, docs: e - s, files: names.size, second: doc[order[s + 1]!]! });
    }
    s = e;
  }
  return { 'para.bin': ser(cut(cands, cfg.boilerplateMaxRows)) };
}

/** Runs the report: the boilerplate rows from every para bucket's candidates, with their excerpts and hashes. */
export async function reportRows(c: Corpus, paraKeys: readonly string[], gather: (doc: Doc, ask: Ask) => Gathered, cfg: DedupeConfig): Promise<BoilerplateRow[]> {
  const all: ParaCandidate[] = [];
  for (const k of paraKeys) all.push(...(await c.output<ParaCandidate[]>('para', k, 'para.bin')));
  const chosen = cut(all, cfg.boilerplateMaxRows);
  const asks = new Map<number, string[]>();
  for (const x of chosen) (asks.get(x.second) ?? asks.set(x.second, []).get(x.second)!).push(paraHashHex(x.hi, x.lo));
  const docs = await c.docs(asks.keys());
  const answers = new Map<string, Gathered['paragraphs'][number]>();
  for (const [g, keys] of asks) {
    const got = gather(docs.get(g)!, { id: docs.get(g)!.id, paragraphs: keys });
    keys.forEach((h, k) => answers.set(`${g}/${h}`, got.paragraphs[k]!));
  }
  return chosen
    .map((x) => {
      const a = answers.get(`${x.second}/${paraHashHex(x.hi, x.lo)}`)!;
      return { hash: a.hash, excerpt: a.excerpt, canonical_chars: a.chars, docs: x.docs, source_files: x.files };
    })
    .sort((a, b) => b.docs - a.docs || b.source_files - a.source_files || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0))
    .slice(0, cfg.boilerplateMaxRows);
}
