/**
 * The contract between a stage and the runner (pipeline/run.ts, pipeline/lib/runner.ts).
 *
 * A stage is a definition object plus pure functions. It never touches the file system: the runner
 * reads its input, validates its output against `schemas/<name>.schema.json`, writes
 * `out/stages/<name>.jsonl`, records removals and drops, counts, times and shows progress.
 */
import type { Drop, Removal } from './types.js';
import { isSpaceUnit } from './unicode.js';

/** What a per-record stage returns for one input record. */
export interface StageResult<O> {
  /** Zero or more output records (segment turns one unit into many documents). */
  out: O[];
  /** Spans removed from this input (boilerplate lines, table of contents, pinyin annotations…). */
  removed: Removal[];
  /** Set when the input is dropped whole (its remaining characters count as removed). */
  dropped?: Drop | null;
  /** Extra counters for stats.json (`<stage>.<key>`), e.g. `{ pinyin_repairs: 3 }`. */
  counts?: Record<string, number>;
}

/** A stage that handles one record at a time, independently: safe to run in worker threads. */
export interface MapStage<I, O, C = Record<string, unknown>> {
  name: string;
  kind: 'map';
  /** One line: what the stage does (shown in the README, the summary and the dataset card). */
  describe: string;
  defaults: C;
  /**
   * Every output record keeps the id of the input record it came from, and an input gives at most one output: the
   * stage rewrites or drops records, never splits or merges them. Its output ids are then unique because its
   * input's were (checked when the stage before wrote them), and the runner keeps no set of them: it checks the
   * declaration per record instead (lib/worker.ts, `checkKeepsIds`). The set of a stage's ids costs the main thread
   * ~75 bytes per document (the id string and its entry): 6 MB per stage at 500 MB of input (82k documents, #9).
   */
  keepsIds?: boolean;
  process(rec: I, config: C): StageResult<O>;
  /** Loads what `process` would load on its first record (dictionaries, tables): see `warmStage`. */
  warm?(config: C): void;
}

/**
 * What a whole-corpus stage's plan decided: one decision per input record (in input order), counters for
 * stats.json (`<stage>.<key>`), and report rows (`report/<name>.jsonl`, in the order given).
 */
export interface GlobalPlan<D> {
  decisions: D[];
  counts: Record<string, number>;
  reports: Record<string, Record<string, unknown>[]>;
}

/** What the runner offers a plan: per-record values of chosen records, computed in the worker pool. */
export interface PlanContext<A, G> {
  /**
   * Runs the stage's `gather(rec, ask)` on the records that have an ask (keyed by input index) and calls
   * `each(index, value)` in input order. Records are read again from the stage input, in the worker pool.
   */
  gather(asks: ReadonlyMap<number, A>, each: (index: number, value: G) => void): Promise<void>;
}

/**
 * A stage that needs the whole corpus (dedupe), split so that everything per record runs in the worker pool
 * and only the decision needs the corpus in memory:
 *   1. `prepare` (per record, worker pool): a small value (kept in memory for the whole corpus);
 *   2. `plan` (main thread): from all prepared values, one decision per record; it may ask for more per-record
 *      values of chosen records with `ctx.gather` (e.g. the shingle sets of candidate pairs);
 *   3. `apply` (per record, worker pool): what the decision means for the record (kept, changed, dropped),
 *      returned like a per-record stage's result; the runner writes, checks and accounts for it.
 * All values passed between the steps must be structured-clonable (they cross thread boundaries).
 */
export interface GlobalStage<I, O, C = Record<string, unknown>, P = unknown, D = unknown, A = unknown, G = unknown> {
  name: string;
  kind: 'global';
  describe: string;
  defaults: C;
  /** As a per-record stage's `keepsIds`, for `apply`'s output. */
  keepsIds?: boolean;
  /** Pure, per record, small result. */
  prepare(rec: I, config: C): P;
  plan(prepared: P[], config: C, ctx: PlanContext<A, G>): Promise<GlobalPlan<D>>;
  apply(rec: I, decision: D, config: C): StageResult<O>;
  /** Pure, per record: what `plan` asks for with `ctx.gather`. */
  gather?(rec: I, ask: A, config: C): G;
  /** Loads what `prepare`, `plan` or `apply` would load on first use: see `warmStage`. */
  warm?(config: C): void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Stage<I, O, C = Record<string, unknown>> = MapStage<I, O, C> | GlobalStage<I, O, C, any, any, any, any>;

/** Identity helper that gives a stage definition its types by inference (citty's `defineCommand`). */
export function defineStage<I, O, C>(def: MapStage<I, O, C>): MapStage<I, O, C>;
export function defineStage<I, O, C, P, D, A, G>(def: GlobalStage<I, O, C, P, D, A, G>): GlobalStage<I, O, C, P, D, A, G>;
export function defineStage<I, O, C, P, D, A, G>(def: MapStage<I, O, C> | GlobalStage<I, O, C, P, D, A, G>): MapStage<I, O, C> | GlobalStage<I, O, C, P, D, A, G> {
  return def;
}

/**
 * What each UTF-16 unit adds to countChars: 1, or 0 for whitespace (lib/unicode.ts's isSpaceUnit: `\s` of a
 * `u` regex) and for a high surrogate (a pair is one code point; a lone high surrogate counts nothing).
 */
const CHAR_WEIGHT = new Uint8Array(0x10000);
for (let c = 0; c < 0x10000; c++) CHAR_WEIGHT[c] = isSpaceUnit(c) || (c >= 0xd800 && c <= 0xdbff) ? 0 : 1;

/** Characters as the ledger counts them: Unicode code points that are not whitespace. */
export function countChars(s: string): number {
  // Counted in place with a table rather than on `s.replace(/\s+/gu, '')`: charsOf over the segment, normalize
  // and clean inputs of the 50 MB benchmark took 0.98 s with the new string per call, 0.34 s with a chain of
  // comparisons per unit; counting the corpus's whole text, 133–184 ms that way and 55–97 ms with the table.
  // tests/lib/stage.test.ts checks every unit against the regex version.
  let n = 0;
  for (let i = 0; i < s.length; i++) n += CHAR_WEIGHT[s.charCodeAt(i)]!;
  return n;
}

/** Characters a record carries, as the ledger counts them: a document's title, subtitle and paragraphs; an
 * extracted unit's container title and text; a published row's title, subtitle and text. */
export function charsOf(rec: unknown): number {
  const r = rec as { title?: string | null; subtitle?: string | null; paragraphs?: unknown; text?: string };
  let n = countChars(r.title ?? '') + countChars(r.subtitle ?? '');
  if (Array.isArray(r.paragraphs)) for (const p of r.paragraphs as string[]) n += countChars(p);
  else n += countChars(r.text ?? '');
  return n;
}

/**
 * A whole-corpus stage run in memory, on one thread, over records already parsed: prepare, plan (gather run
 * inline), apply. The runner does the same in the worker pool over files; tests and micro-benchmarks use this.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function runGlobalInMemory<I, O, C>(stage: GlobalStage<I, O, C, any, any, any, any>, records: I[], config: C = stage.defaults): Promise<{ results: StageResult<O>[]; plan: GlobalPlan<unknown> }> {
  const prepared = records.map((r) => stage.prepare(r, config));
  const plan = await stage.plan(prepared, config, {
    async gather(asks, each) {
      for (const i of [...asks.keys()].sort((a, b) => a - b)) each(i, stage.gather!(records[i]!, asks.get(i), config));
    },
  });
  return { results: records.map((r, i) => stage.apply(r, plan.decisions[i], config)), plan };
}
