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
 *   // or: npx tsx pipeline/dedup/bench.ts 20000
 */
import { sha256Hex } from '../lib/ids.js';
import type { Doc } from '../lib/types.js';
import { DEDUPE_DEFAULTS, runDedupe, type DedupeConfig } from '../stages/dedupe.js';
import { prepareDoc, type Prepared } from './prepare.js';

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function doc(i: number, paragraphs: string[]): Doc {
  return {
    id: 'jw_' + sha256Hex(`bench\0${i}`).slice(0, 20), source_file: `bench/${String(Math.floor(i / 100)).padStart(5, '0')}.txt`,
    source_member: null, source_sha256: sha256Hex(`bench\0${Math.floor(i / 100)}`), source_encoding: 'utf-8', source_format: 'text',
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

/** `n` synthetic documents, as a re-readable stream (what a global stage's `input` is). */
export function syntheticCorpus(n: number, seed = 1): () => AsyncIterable<Doc> {
  const r = mulberry32(seed);
  const bank = Array.from({ length: 5000 }, () => {
    const l = 2 + Math.floor(r() * 7);
    let s = '';
    for (let k = 0; k < l; k++) s += String.fromCharCode(0x4e00 + Math.floor(r() * 3500));
    return s;
  });
  return async function* () {
    for (let i = 0; i < n; i++) yield doc(i, paragraphsOf(i, seed, bank));
  };
}

export interface BenchResult {
  docs: number; kept: number; exact: number; near: number; seconds: number; cpu_seconds: number;
  /** The per-document part (the runner runs it in the worker pool) and the global part, here both on one thread. */
  prepare_seconds: number; run_seconds: number;
  peak_rss_mb: number; counts: Record<string, number>;
}

/** Run the whole dedupe stage on `n` synthetic documents; time and peak resident memory (sampled). */
export async function benchDedupe(n: number, cfg: Partial<DedupeConfig> = {}): Promise<BenchResult> {
  const counts: Record<string, number> = {};
  let kept = 0, peak = process.memoryUsage().rss;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const config = { ...DEDUPE_DEFAULTS, ...cfg };
  const input = syntheticCorpus(n);
  let t1 = t0;
  try {
    const prepared: Prepared[] = [];
    for await (const d of input()) prepared.push(prepareDoc(d, config));
    t1 = performance.now();
    await runDedupe(input, config, {
      emit: () => { kept++; },
      remove: () => {},
      drop: () => {},
      count: (k, v = 1) => { counts[k] = (counts[k] ?? 0) + v; },
      report: () => {},
    }, prepared);
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  const cpu = process.cpuUsage(c0);
  return {
    docs: n, kept, exact: counts['exact'] ?? 0, near: counts['near'] ?? 0, seconds: (performance.now() - t0) / 1000,
    prepare_seconds: (t1 - t0) / 1000, run_seconds: (performance.now() - t1) / 1000,
    cpu_seconds: (cpu.user + cpu.system) / 1e6, peak_rss_mb: Math.round(peak / 2 ** 20), counts };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchDedupe(Number(process.argv[2] ?? 20000))));
}
