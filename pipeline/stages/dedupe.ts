/**
 * dedupe: drops exact and near-duplicate documents, removes repeated and truncated paragraphs inside a
 * document, and lists paragraphs that recur across source files (boilerplate nobody wrote a rule for).
 *
 * Runs after normalize and clean, so a Traditional copy, a copy with another site's banner, or a copy
 * decoded from GB18030 is already the same text.
 *   prepare (per document, in the worker pool; pipeline/dedup/prepare.ts): paragraph verdicts; canonical body
 *     (NFKC, lower-case, no whitespace/punctuation/symbols; title excluded) → exact hash; one-permutation
 *     MinHash (256 bins, character 5-grams; 4-grams below 100 characters) → LSH band keys (32 bands × 8 rows,
 *     derived from the threshold: see DEDUPE_DEFAULTS); hashes of the paragraphs for the boilerplate report;
 *   run (global; pipeline/dedup/plan.ts): exact groups, LSH candidates, every candidate pair verified with the
 *     exact Jaccard of its shingle sets (≥ 0.7; one input pass, only if there are candidates), clustering;
 *     then one input pass emitting decisions: drops (`exact_duplicate` / `near_duplicate` with dup_of, method,
 *     similarity), kept documents with `duplicates` and without repeated paragraphs; boilerplate counted.
 * See pipeline/dedup/plan.ts for the clustering rule and pipeline/lib/minhash.ts for the hashing.
 */
import { defineStage, type Sink } from '../lib/stage.js';
import type { Doc } from '../lib/types.js';
import { applyVerdicts, excerpt } from '../dedup/paragraphs.js';
import { planDedupe } from '../dedup/plan.js';
import { paraHashHex, paraKey, prepareDoc, type PrepareConfig, type Prepared } from '../dedup/prepare.js';

export interface DedupeConfig extends PrepareConfig {
  /** A boilerplate candidate recurs in at least this many kept documents… */
  boilerplateMinDocs: number;
  /** …from at least this many different source files (repeats inside one compilation are not banners). */
  boilerplateMinFiles: number;
  /** At most this many rows in report/boilerplate_candidates.jsonl. */
  boilerplateMaxRows: number;
}

export const DEDUPE_DEFAULTS: DedupeConfig = {
  threshold: 0.7,        // issue #6; data-juicer's default jaccard_threshold
  numPerm: 256,          // issue #6; data-juicer's default num_permutations (here: bins of one permutation)
  shingle: 5,            // character 5-grams of the canonical form
  shortShingle: 4,       // …4-grams when a text has fewer than shortChars canonical characters
  shortChars: 100,
  // LSH banding weights. Equal weights (datasketch's optimal_param, data-juicer) give 25 bands × 10 rows,
  // which makes a pair at Jaccard 0.7 a candidate with probability 0.51 only (0.77 at 0.75). Every candidate
  // is verified exactly, so a false positive costs one Jaccard computation while a false negative keeps a
  // duplicate: weighting them 1:9 gives 32 × 8 (P = 0.85 at 0.7, 0.97 at 0.75, 0.997 at 0.8; 0.002 at 0.3).
  // The signature is one-permutation hashing with optimal densification, whose bins collide with probability
  // equal to the Jaccard like k independent permutations, so the same derivation holds (tests/lib/minhash.test.ts).
  fpWeight: 0.1,
  fnWeight: 0.9,
  maxBucket: 200,
  seed: 0x6a09e667,
  minRepeatChars: 10,
  minTruncatedChars: 20,
  boilerplateMinChars: 15,
  boilerplateMinDocs: 3,
  boilerplateMinFiles: 2,
  boilerplateMaxRows: 1000,
};

function checkConfig(cfg: DedupeConfig): void {
  const bad = (k: string, why: string) => { throw new Error(`dedupe: config ${k}=${String(cfg[k as keyof DedupeConfig])} ${why}`); };
  if (!(cfg.threshold > 0 && cfg.threshold <= 1)) bad('threshold', 'must be in (0, 1]');
  if (!Number.isInteger(cfg.numPerm) || cfg.numPerm < 1) bad('numPerm', 'must be a positive integer');
  for (const k of ['shingle', 'shortShingle'] as const) if (!Number.isInteger(cfg[k]) || cfg[k] < 1 || cfg[k] > 30) bad(k, 'must be an integer in 1..30');
  if (!(cfg.maxBucket >= 2)) bad('maxBucket', 'must be at least 2');
}

/** Counts paragraphs of kept documents by hash; text (an excerpt) is kept only once a hash recurs. */
class BoilerplateCounter {
  private first = new Map<string, number>(); // paraKey → file index of its only document so far
  private many = new Map<string, { hex: string; docs: number; files: Set<number>; excerpt: string; chars: number }>();
  private files = new Map<string, number>();

  constructor(private cfg: DedupeConfig) {}

  /** Count a kept document's paragraph hashes (`Prepared.para`); `doc` gives the excerpt of a recurring one. */
  add(doc: Doc, para: Uint32Array): void {
    let f = this.files.get(doc.source_file);
    if (f === undefined) { f = this.files.size; this.files.set(doc.source_file, f); }
    for (let k = 0; k < para.length; k += 4) {
      const h = paraKey(para[k]!, para[k + 1]!);
      const m = this.many.get(h);
      if (m) { m.docs++; m.files.add(f); continue; }
      const f0 = this.first.get(h);
      if (f0 === undefined) { this.first.set(h, f); continue; }
      this.first.delete(h);
      this.many.set(h, { hex: paraHashHex(para[k]!, para[k + 1]!), docs: 2, files: new Set([f0, f]), excerpt: excerpt(doc.paragraphs[para[k + 2]!]!, 60), chars: para[k + 3]! });
    }
  }

  /** Rows sorted by documents, then files (both descending), then hash. */
  rows(): Record<string, unknown>[] {
    return [...this.many.values()]
      .filter((m) => m.docs >= this.cfg.boilerplateMinDocs && m.files.size >= this.cfg.boilerplateMinFiles)
      .map((m) => ({ hash: m.hex, excerpt: m.excerpt, canonical_chars: m.chars, docs: m.docs, source_files: m.files.size }))
      .sort((a, b) => b.docs - a.docs || b.source_files - a.source_files || (a.hash < b.hash ? -1 : 1))
      .slice(0, this.cfg.boilerplateMaxRows);
  }
}

/**
 * The whole stage as a function (also what `pipeline/dedup/bench.ts` measures). `prepared`: one `prepareDoc`
 * value per input document, in input order, as the runner's worker pool computes them; without it they are
 * computed here, in one more pass over the input.
 */
export async function runDedupe(input: () => AsyncIterable<Doc>, cfg: DedupeConfig, sink: Sink<Doc, Doc>, prepared?: Prepared[]): Promise<void> {
  checkConfig(cfg);
  if (!prepared) {
    prepared = [];
    for await (const doc of input()) prepared.push(prepareDoc(doc, cfg));
  }
  const plan = await planDedupe(prepared, input, cfg);
  const boiler = new BoilerplateCounter(cfg);
  let repeated = 0, truncated = 0, i = 0;
  for await (const doc of input()) {
    const d = plan.decisions[i], p = prepared[i];
    if (!d || !p || p.id !== doc.id) throw new Error(`dedupe: input order changed between passes at document ${i} (${doc.id})`);
    i++;
    if (!d.keep) {
      sink.drop(doc, { reason: d.method === 'exact' ? 'exact_duplicate' : 'near_duplicate', extra: { dup_of: d.dup_of, method: d.method, similarity: d.similarity } });
      continue;
    }
    const para = applyVerdicts(doc, p.removed);
    for (const r of para.removed) {
      sink.remove(doc, r);
      if (r.rule === 'repeated_paragraph') repeated++; else truncated++;
    }
    boiler.add(doc, p.para);
    sink.emit({ ...doc, paragraphs: para.paragraphs, para_lines: para.para_lines, duplicates: d.duplicates });
  }
  if (i !== prepared.length) throw new Error(`dedupe: ${prepared.length} prepared values for ${i} input documents`);
  for (const [k, n] of Object.entries(plan.counts)) sink.count(k, n);
  sink.count('repeated_paragraphs', repeated);
  sink.count('truncated_paragraphs', truncated);
  sink.report('boilerplate_candidates', boiler.rows());
}

const checked = new WeakSet<DedupeConfig>();

export const dedupe = defineStage<Doc, Doc, DedupeConfig>({
  name: 'dedupe',
  kind: 'global',
  describe: 'drops exact and near-duplicate documents (MinHash + LSH, verified Jaccard ≥ 0.7) and repeated paragraphs',
  defaults: DEDUPE_DEFAULTS,
  prepare: (doc, cfg) => {
    if (!checked.has(cfg)) { checkConfig(cfg); checked.add(cfg); }
    return prepareDoc(doc, cfg);
  },
  run: runDedupe,
});
