/**
 * Micro-benchmark of the per-document hashing in dedupe, in nanoseconds per canonical character: the
 * canonical form, the shingle hashes, and the signature (256-permutation MinHash as before vs one-permutation
 * hashing with densification, which the stage uses), and the whole per-document part (`prepareDoc`). Texts: the documents of a JSONL file (a stage output,
 * e.g. out/stages/clean.jsonl) or, without one, the synthetic corpus of pipeline/dedup/bench.ts.
 *
 * @example
 *   npx tsx pipeline/dedup/sigbench.ts out/stages/clean.jsonl
 *   npx tsx pipeline/dedup/sigbench.ts --synthetic 3000
 */
import { readFileSync } from 'node:fs';
import type { Doc } from '../lib/types.js';
import { canonicalText, codePoints, fmix32, minhashSignature, ophSignature, permutations, shingleHashes } from '../lib/minhash.js';
import { syntheticCorpus } from './bench.js';
import { prepareDoc } from './prepare.js';
import { DEDUPE_DEFAULTS } from '../stages/dedupe.js';

/** 256 multiply-add permutations of the (already mixed) shingle hash: option (b) of issue 9, for comparison only. */
function multiplyShiftSignature(shingles: Int32Array, k: number): Uint32Array {
  const sig = new Int32Array(k).fill(0x7fffffff);
  const a = new Int32Array(k), b = new Int32Array(k);
  for (let i = 0; i < k; i++) { a[i] = fmix32(i * 2 + 1) | 1; b[i] = fmix32(i * 2 + 2); }
  for (let j = 0; j < shingles.length; j++) {
    const x = shingles[j]!;
    for (let i = 0; i < k; i++) { const h = (Math.imul(x, a[i]!) + b[i]!) | 0; if (h < sig[i]!) sig[i] = h; }
  }
  return new Uint32Array(sig.buffer);
}

function time(label: string, chars: number, reps: number, f: () => void): { label: string; ns_per_char: number } {
  f(); // warm up
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < reps; r++) f();
  const ns = Number(process.hrtime.bigint() - t0) / reps;
  return { label, ns_per_char: Math.round((ns / chars) * 10) / 10 };
}

export async function sigBench(docs: Doc[], reps = 3): Promise<{ docs: number; canonical_chars: number; rows: { label: string; ns_per_char: number }[] }> {
  const bodies = docs.map((d) => d.paragraphs.join('\n'));
  const canon = bodies.map(canonicalText);
  const chars = canon.reduce((n, c) => n + codePoints(c).length, 0);
  const sh = canon.map((c) => shingleHashes(c, 5));
  const perm = permutations(256);
  let sink = 0;
  const rows = [
    time('canonicalText (whole body)', chars, reps, () => { for (const b of bodies) sink += canonicalText(b).length; }),
    time('shingleHashes 5-grams (rolling, option (c))', chars, reps, () => { for (const c of canon) sink += shingleHashes(c, 5).length; }),
    time('minhashSignature 256 perms (before)', chars, 1, () => { for (const s of sh) if (s.length) sink += minhashSignature(s, perm)[0]!; }),
    time('multiply-shift 256 perms (b)', chars, 1, () => { for (const s of sh) if (s.length) sink += multiplyShiftSignature(s, 256)[0]!; }),
    time('ophSignature 256 bins (after)', chars, reps, () => { for (const s of sh) if (s.length) sink += ophSignature(s, 256)[0]!; }),
    time('prepareDoc: all per-document work (after)', chars, reps, () => { for (const d of docs) sink += prepareDoc(d, DEDUPE_DEFAULTS).length; }),
  ];
  if (sink === 0.5) console.log(sink);
  return { docs: docs.length, canonical_chars: chars, rows };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = process.argv[2];
  let docs: Doc[] = [];
  if (arg === '--synthetic' || arg === undefined) {
    for await (const d of syntheticCorpus(Number(process.argv[3] ?? 3000))()) docs.push(d);
  } else {
    docs = readFileSync(arg, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Doc);
  }
  console.log(JSON.stringify(await sigBench(docs), null, 1));
}
