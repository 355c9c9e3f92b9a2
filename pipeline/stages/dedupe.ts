/**
 * dedupe: drops exact and near-duplicate documents, removes repeated and truncated paragraphs inside a
 * document, and lists paragraphs that recur across source files (boilerplate nobody wrote a rule for).
 *
 * Runs after normalize and clean, so a Traditional copy, a copy with another site's banner, or a copy
 * decoded from GB18030 is already the same text.
 *   prepare (per document, worker pool; pipeline/dedup/prepare.ts): paragraph verdicts; canonical body
 *     (NFKC, lower-case, no whitespace/punctuation/symbols; title excluded) → exact hash; one-permutation
 *     MinHash (256 bins, character 5-grams; 4-grams below 100 characters) → LSH band keys (32 bands × 8 rows,
 *     derived from the threshold: see DEDUPE_DEFAULTS); hashes of the paragraphs for the boilerplate report;
 *     all packed into one string per document;
 *   plan (main thread; pipeline/dedup/plan.ts, boilerplate.ts): exact groups, LSH candidates, every candidate
 *     pair verified with the exact Jaccard of its shingle sets (≥ 0.7; the sets are gathered from the worker
 *     pool, only if there are candidates), clustering; decisions; the boilerplate report (excerpts gathered);
 *   apply (per document, worker pool): drops (`exact_duplicate` / `near_duplicate` with dup_of, method,
 *     similarity), kept documents with `duplicates` and without repeated paragraphs.
 * See pipeline/dedup/plan.ts for the clustering rule and pipeline/lib/minhash.ts for the hashing.
 */
import { defineStage, type StageResult } from '../lib/stage.js';
import { trace } from '../lib/trace.js';
import type { Doc } from '../lib/types.js';
import { boilerplateRows, type BoilerplateConfig } from '../dedup/boilerplate.js';
import { applyVerdicts } from '../dedup/paragraphs.js';
import { planDedupe, type Decision } from '../dedup/plan.js';
import { recurringEdges, type RecurringConfig } from '../dedup/recurring.js';
import { banding, gatherDoc, prepareDoc, type Ask, type Gathered, type PrepareConfig, type Prepared } from '../dedup/prepare.js';

export type { Decision } from '../dedup/plan.js';

export interface DedupeConfig extends PrepareConfig, BoilerplateConfig, RecurringConfig {}

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
  // Recurring banners (dedup/recurring.ts): a guarded edge line at the edges of documents from ≥ 3 units and ≥ half
  // of the units of its source. 3: two pages of one site may share a line by chance (two 搜狐 pages of the eval set
  // end with the same link, two Discuz threads with the same button), three is a pattern. Half: a folder of pages from
  // many sites (the 56 of tests/fixtures/eval-real, the 5 seeds) is one source when nothing gives a URL, and a line
  // that three of them share is not their banner; a site's banner is on most of its pages.
  recurringMinUnits: 3,
  recurringMinShare: 0.5,
};

function checkConfig(cfg: DedupeConfig): void {
  const bad = (k: string, why: string) => { throw new Error(`dedupe: config ${k}=${String(cfg[k as keyof DedupeConfig])} ${why}`); };
  if (!(cfg.threshold > 0 && cfg.threshold <= 1)) bad('threshold', 'must be in (0, 1]');
  if (!Number.isInteger(cfg.numPerm) || cfg.numPerm < 1) bad('numPerm', 'must be a positive integer');
  for (const k of ['shingle', 'shortShingle'] as const) if (!Number.isInteger(cfg[k]) || cfg[k] < 1 || cfg[k] > 30) bad(k, 'must be an integer in 1..30');
  if (!(cfg.maxBucket >= 2)) bad('maxBucket', 'must be at least 2');
  if (!Number.isInteger(cfg.recurringMinUnits) || cfg.recurringMinUnits < 2) bad('recurringMinUnits', 'must be an integer of at least 2 (one unit does not recur)');
  if (!(cfg.recurringMinShare >= 0 && cfg.recurringMinShare <= 1)) bad('recurringMinShare', 'must be in [0, 1]');
}

const checked = new WeakSet<DedupeConfig>();
function checkOnce(cfg: DedupeConfig): void {
  if (!checked.has(cfg)) { checkConfig(cfg); checked.add(cfg); }
}

/** What a decision means for its document. */
export function applyDecision(doc: Doc, d: Decision): StageResult<Doc> {
  if (!d.keep) {
    return { out: [], removed: [], dropped: { reason: d.method === 'exact' ? 'exact_duplicate' : 'near_duplicate', extra: { dup_of: d.dup_of, method: d.method, similarity: d.similarity } } };
  }
  const para = applyVerdicts(doc, d.removed ?? [], d.recurring ?? []);
  return { out: [{ ...doc, paragraphs: para.paragraphs, para_lines: para.para_lines, duplicates: d.duplicates }], removed: para.removed };
}

export const dedupe = defineStage<Doc, Doc, DedupeConfig, Prepared, Decision, Ask, Gathered>({
  name: 'dedupe',
  kind: 'global',
  keepsIds: true,
  describe: 'drops exact and near-duplicate documents (MinHash + LSH, verified Jaccard ≥ 0.7) and repeated paragraphs',
  defaults: DEDUPE_DEFAULTS,
  prepare: (doc, cfg) => {
    checkOnce(cfg);
    return prepareDoc(doc, cfg);
  },
  async plan(prepared, cfg, ctx) {
    checkConfig(cfg);
    const { decisions, counts } = await planDedupe(prepared, cfg, ctx, {
      onVerify: ({ rounds, heldPeak }) => trace(`dedupe: verified in ${rounds} gather round(s), at most ${(heldPeak / 2 ** 20).toFixed(1)} MB of shingle sets held`),
    });
    const rows = await boilerplateRows(prepared, (i) => decisions[i]!.keep, cfg, ctx);
    // Recurring banners go from kept documents (after the duplicates are decided: a dropped copy does not count).
    const rec = recurringEdges(prepared, (i) => decisions[i]!.keep, cfg);
    for (const [i, recurring] of rec.byDoc) decisions[i] = { ...(decisions[i] as Extract<Decision, { keep: true }>), recurring };
    return {
      decisions,
      counts: { ...counts, recurring_banner_lines: rec.lines, recurring_banner_removed: rec.removed },
      reports: { boilerplate_candidates: rows as unknown as Record<string, unknown>[] },
    };
  },
  apply: (doc, d) => applyDecision(doc, d),
  gather: (doc, ask, cfg) => {
    checkOnce(cfg);
    return gatherDoc(doc, ask, cfg);
  },
  // The LSH banding (lib/minhash.ts optimalBands, ~20 ms), needed by the first prepare and by the plan.
  warm: (cfg) => {
    checkOnce(cfg);
    banding(cfg);
  },
});
