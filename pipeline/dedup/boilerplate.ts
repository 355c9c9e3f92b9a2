/**
 * The boilerplate report: paragraphs of kept documents that recur in at least `boilerplateMinDocs` documents from
 * at least `boilerplateMinFiles` source files (banners nobody wrote a rule for), from the paragraph hashes in
 * the prepared values (their fast keys); the excerpt and the sha256 `hash` of each reported paragraph are gathered
 * from the worker pool.
 *
 * Memory: 8 bytes per paragraph hash of a kept document while they are sorted (a BigUint64Array), then only the
 * hashes that recur often enough; no Map entry or string per distinct paragraph.
 */
import type { PlanContext } from '../lib/stage.js';
import { fileOf, idOf, paraHashes, paraHashHex, u32At, type Ask, type Gathered, type Prepared } from './prepare.js';

export interface BoilerplateConfig {
  /** A boilerplate candidate recurs in at least this many kept documents… */
  boilerplateMinDocs: number;
  /** …from at least this many different source files (repeats inside one compilation are not banners). */
  boilerplateMinFiles: number;
  /** At most this many rows in report/boilerplate_candidates.jsonl. */
  boilerplateMaxRows: number;
}

/** A row of report/boilerplate_candidates.jsonl; `hash` is the first 64 bits of sha256 of the canonical paragraph. */
export interface BoilerplateRow { hash: string; excerpt: string; canonical_chars: number; docs: number; source_files: number }

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/**
 * Rows sorted by documents, then files (both descending), then hash. The excerpt and canonical length of a row
 * come from the document in which its paragraph first recurs (its second kept document in input order).
 */
export async function boilerplateRows(prepared: readonly Prepared[], kept: (i: number) => boolean, cfg: BoilerplateConfig, ctx: PlanContext<Ask, Gathered>): Promise<BoilerplateRow[]> {
  // 1. Every paragraph hash of every kept document, sorted: runs of at least minDocs are the candidates.
  let total = 0;
  for (let i = 0; i < prepared.length; i++) if (kept(i)) total += paraHashes(prepared[i]!).count;
  const all = new BigUint64Array(total);
  const words = new Uint32Array(all.buffer);
  const [HI, LO] = LITTLE_ENDIAN ? [1, 0] : [0, 1];
  let w = 0;
  for (let i = 0; i < prepared.length; i++) {
    if (!kept(i)) continue;
    const p = prepared[i]!, { count, at } = paraHashes(p);
    for (let k = 0; k < count; k++, w += 2) { words[w + HI] = u32At(p, at + 4 * k); words[w + LO] = u32At(p, at + 4 * k + 2); }
  }
  all.sort();
  const qHi: number[] = [], qLo: number[] = [];
  const minDocs = Math.max(2, cfg.boilerplateMinDocs); // a paragraph of one document does not recur
  for (let s = 0; s < total;) {
    let e = s + 1;
    while (e < total && all[e] === all[s]) e++;
    if (e - s >= minDocs) { qHi.push(words[2 * s + HI]!); qLo.push(words[2 * s + LO]!); }
    s = e;
  }
  if (qHi.length === 0) return [];

  // 2. For the candidates (ascending): documents, distinct source files, and the document where each recurs.
  const find = (hi: number, lo: number): number => {
    let a = 0, b = qHi.length - 1;
    while (a <= b) {
      const m = (a + b) >> 1, h = qHi[m]!, l = qLo[m]!;
      if (h === hi && l === lo) return m;
      if (h < hi || (h === hi && l < lo)) a = m + 1; else b = m - 1;
    }
    return -1;
  };
  const docs = new Int32Array(qHi.length), second = new Int32Array(qHi.length);
  const fileIds = new Map<string, number>();
  const seen: number[] = []; // candidate * 2^26 + file id, for distinct counts
  for (let i = 0; i < prepared.length; i++) {
    if (!kept(i)) continue;
    const p = prepared[i]!, { count, at } = paraHashes(p);
    let file = -1;
    for (let k = 0; k < count; k++) {
      const j = find(u32At(p, at + 4 * k), u32At(p, at + 4 * k + 2));
      if (j < 0) continue;
      if (++docs[j]! === 2) second[j] = i;
      if (file < 0) { const f = fileOf(p); file = fileIds.get(f) ?? fileIds.set(f, fileIds.size).get(f)!; }
      seen.push(j * 2 ** 26 + file);
    }
  }
  const files = new Int32Array(qHi.length);
  const sorted = Float64Array.from(seen).sort();
  for (let k = 0; k < sorted.length; k++) if (k === 0 || sorted[k] !== sorted[k - 1]) { const j = Math.floor(sorted[k]! / 2 ** 26); files[j] = files[j]! + 1; }

  // Rows go by documents, then files, then `hash` (sha256, known only once gathered): the candidates taken are those
  // ranked within boilerplateMaxRows by documents and files, with every one tied with the last of them.
  const byCount = [...docs.keys()]
    .filter((j) => files[j]! >= cfg.boilerplateMinFiles)
    .sort((a, b) => docs[b]! - docs[a]! || files[b]! - files[a]! || a - b);
  const last = byCount[Math.min(cfg.boilerplateMaxRows, byCount.length) - 1];
  const chosen = last === undefined ? [] : byCount
    .filter((j) => docs[j]! > docs[last]! || (docs[j] === docs[last] && files[j]! >= files[last]!))
    .map((j) => ({ j, key: paraHashHex(qHi[j]!, qLo[j]!) }));

  // 3. Excerpts and sha256 hashes, from the worker pool.
  const asks = new Map<number, Ask>();
  for (const c of chosen) {
    const i = second[c.j]!;
    const a = asks.get(i) ?? asks.set(i, { id: idOf(prepared[i]!), paragraphs: [] }).get(i)!;
    a.paragraphs!.push(c.key);
  }
  const answers = new Map<string, Gathered['paragraphs'][number]>(); // "doc index/key" → answer
  await ctx.gather(asks, (i, value) => { asks.get(i)!.paragraphs!.forEach((h, k) => answers.set(`${i}/${h}`, value.paragraphs[k]!)); });
  return chosen
    .map(({ j, key }) => {
      const a = answers.get(`${second[j]!}/${key}`);
      if (!a) throw new Error(`dedupe: gather gave no excerpt for boilerplate paragraph ${key}`);
      return { hash: a.hash, excerpt: a.excerpt, canonical_chars: a.chars, docs: docs[j]!, source_files: files[j]! };
    })
    .sort((a, b) => b.docs - a.docs || b.source_files - a.source_files || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0))
    .slice(0, cfg.boilerplateMaxRows);
}
