/**
 * A synthetic corpus and a timing harness for the dedupe stage (`make bench` calls `benchDedupe`).
 *
 * Documents are built from a shared bank of phrases (templated text: many shared phrases, little shared
 * text), 1,000–2,000 characters in 300-character paragraphs. Every 10th document is a near copy of an
 * earlier one (1.5% of its characters replaced, about 7% of its 5-grams), every 25th an exact copy. Fully deterministic.
 *
 * @example
 *   import { benchDedupe } from './pipeline/dedup/bench.js';
 *   console.log(await benchDedupe(100_000));
 *   // or, with a full GC before each memory figure: node --expose-gc --import tsx pipeline/dedup/bench.ts 100000
 */
import { sha256Hex } from '../lib/ids.js';
import type { Doc } from '../lib/types.js';
import { dedupe, DEDUPE_DEFAULTS, type DedupeConfig } from '../stages/dedupe.js';
import type { Prepared } from './prepare.js';
import { mulberry32 } from '../lib/random.js';


function doc(i: number, paragraphs: string[]): Doc {
  return {
    id: 'jw_' + sha256Hex(`bench\0${i}`).slice(0, 20), source_file: `bench/${String(Math.floor(i / 100)).padStart(5, '0')}.txt`,
    source_member: null, source_row: null, source_url: null, source_sha256: sha256Hex(`bench\0${Math.floor(i / 100)}`), source_encoding: 'utf-8', source_format: 'text',
    segment: (i % 100) + 1, line_start: 1, line_end: paragraphs.length + 1, title: null, subtitle: null, paragraphs,
    para_lines: paragraphs.map((_, k) => k + 2), genre: null, script_original: 'Hans', source_site: null,
    author_affiliation: null, published: null, n_masks: 0, duplicates: 0,
  };
}

/** The i-th synthetic document's paragraphs (pure function of i and seed; copies refer to earlier ones). */
function paragraphsOf(i: number, seed: number, bank: string[]): string[] {
  if (i > 0 && i % 25 === 0) return paragraphsOf(i - 7, seed, bank);
  const r = mulberry32(seed ^ Math.imul(i + 1, 0x9e3779b9));
  if (i > 0 && i % 10 === 0) {
    return paragraphsOf(i - 3, seed, bank).map((p) => [...p].map((c) => (r() < 0.015 ? String.fromCharCode(0x4e00 + Math.floor(r() * 20000)) : c)).join(''));
  }
  const len = 1000 + Math.floor(r() * 1000);
  let text = '';
  while (text.length < len) {
    const z = Math.floor(bank.length * r() ** 3); // skewed towards the common phrases
    text += bank[z]! + (r() < 0.15 ? '。' : r() < 0.3 ? '，' : '');
  }
  const out: string[] = [];
  for (let k = 0; k < text.length; k += 300) out.push(text.slice(k, k + 300));
  return out;
}

/** `n` synthetic documents, each built on demand from its index (what the runner's gather re-reads). */
export function syntheticDocs(n: number, seed = 1): { length: number; at(i: number): Doc } {
  const r = mulberry32(seed);
  const bank = Array.from({ length: 5000 }, () => {
    const l = 2 + Math.floor(r() * 7);
    let s = '';
    for (let k = 0; k < l; k++) s += String.fromCharCode(0x4e00 + Math.floor(r() * 3500));
    return s;
  });
  return { length: n, at: (i) => doc(i, paragraphsOf(i, seed, bank)) };
}

/** The same documents as a re-readable stream. */
export function syntheticCorpus(n: number, seed = 1): () => AsyncIterable<Doc> {
  const docs = syntheticDocs(n, seed);
  return async function* () {
    for (let i = 0; i < n; i++) yield docs.at(i);
  };
}

/** Memory in bytes per document, relative to before prepare: V8 heap used, array buffers (outside the heap), RSS. */
export interface BytesPerDoc { heap: number; array_buffers: number; rss: number }

export interface BenchResult {
  docs: number; kept: number; exact: number; near: number; seconds: number; cpu_seconds: number;
  /** The three parts, here all on one thread: per document (worker pool in the runner), global, per document;
   *  `gather_seconds` is the part of `plan_seconds` spent in `gather` (the worker pool's, in the runner). */
  prepare_seconds: number; plan_seconds: number; gather_seconds: number; apply_seconds: number;
  /** Peak resident memory of the process (getrusage). */
  peak_rss_mb: number;
  /** Measured after a full GC when run with `node --expose-gc` (else after whatever GC happened): with the
   *  prepared values alive; inside plan (the first gather, when its tables are alive); with the decisions alive. */
  bytes_per_doc: { after_prepare: BytesPerDoc; during_plan: BytesPerDoc | null; after_plan: BytesPerDoc };
  counts: Record<string, number>;
}

/**
 * Run the whole dedupe stage on `n` synthetic documents as the runner would, on one thread: prepare (each value
 * structured-cloned, as it arrives from a worker), plan (gather answered inline, cloned too), apply.
 */
export async function benchDedupe(n: number, cfg: Partial<DedupeConfig> = {}): Promise<BenchResult> {
  const gc = (globalThis as { gc?: () => void }).gc;
  const snap = () => { gc?.(); gc?.(); const m = process.memoryUsage(); return { heap: m.heapUsed, array_buffers: m.arrayBuffers, rss: m.rss }; };
  const perDoc = (a: BytesPerDoc, b: BytesPerDoc): BytesPerDoc => ({ heap: Math.round((b.heap - a.heap) / n), array_buffers: Math.round((b.array_buffers - a.array_buffers) / n), rss: Math.round((b.rss - a.rss) / n) });
  const config = { ...DEDUPE_DEFAULTS, ...cfg };
  const docs = syntheticDocs(n);
  const m0 = snap();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const prepared: Prepared[] = [];
  for (let i = 0; i < n; i++) prepared.push(structuredClone(dedupe.prepare(docs.at(i), config)));
  const t1 = performance.now();
  const m1 = snap();
  let during: BytesPerDoc | null = null;
  let gatherMs = 0;
  const t2 = performance.now();
  const plan = await dedupe.plan(prepared, config, {
    async gather(asks, each) {
      if (!during) during = perDoc(m0, snap());
      for (const i of [...asks.keys()].sort((a, b) => a - b)) {
        const g0 = performance.now();
        const value = structuredClone(dedupe.gather!(docs.at(i), asks.get(i)!, config));
        gatherMs += performance.now() - g0;
        each(i, value);
      }
    },
  });
  const t3 = performance.now();
  const m2 = snap();
  const t4 = performance.now();
  let kept = 0;
  for (let i = 0; i < n; i++) kept += dedupe.apply(docs.at(i), structuredClone(plan.decisions[i]!), config).out.length;
  const t5 = performance.now();
  const cpu = process.cpuUsage(c0);
  const counts = plan.counts;
  return {
    docs: n, kept, exact: counts['exact'] ?? 0, near: counts['near'] ?? 0, seconds: (t5 - t0 - (t2 - t1) - (t4 - t3)) / 1000,
    cpu_seconds: (cpu.user + cpu.system) / 1e6,
    prepare_seconds: (t1 - t0) / 1000, plan_seconds: (t3 - t2) / 1000, gather_seconds: gatherMs / 1000, apply_seconds: (t5 - t4) / 1000,
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    bytes_per_doc: { after_prepare: perDoc(m0, m1), during_plan: during, after_plan: perDoc(m0, m2) },
    counts: counts as Record<string, number>,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchDedupe(Number(process.argv[2] ?? 20000))));
}
