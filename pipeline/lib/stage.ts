/**
 * The contract between a stage and the runner (pipeline/run.ts, pipeline/lib/runner.ts).
 *
 * A stage is a definition object plus pure functions. It never touches the file system: the runner
 * reads its input, validates its output against `schemas/<name>.schema.json`, writes
 * `out/stages/<name>.jsonl`, records removals and drops, counts, times and shows progress.
 */
import type { Drop, Removal } from './types.js';

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
  process(rec: I, config: C): StageResult<O>;
}

/** Where a global stage sends its results. */
export interface Sink<I, O> {
  emit(rec: O): void;
  remove(from: I, removal: Removal): void;
  drop(rec: I, drop: Drop): void;
  /** Add to a counter in stats.json (`<stage>.<key>`). */
  count(key: string, n?: number): void;
  /** Write rows to `report/<name>.jsonl` (e.g. dedupe's `boilerplate_candidates`); sorted by the stage. */
  report(name: string, rows: Record<string, unknown>[]): void;
}

/**
 * A stage that needs the whole corpus (dedupe): it may read its input more than once. Its per-record work
 * (e.g. MinHash signatures) can go in `prepare`, which the runner runs in the worker pool; `run` then receives
 * the prepared values in input order (one per input record).
 */
export interface GlobalStage<I, O, C = Record<string, unknown>, P = unknown> {
  name: string;
  kind: 'global';
  describe: string;
  defaults: C;
  /** Pure, per record, small result (it is kept in memory for the whole corpus). */
  prepare?(rec: I, config: C): P;
  run(input: () => AsyncIterable<I>, config: C, sink: Sink<I, O>, prepared?: P[]): Promise<void>;
}

export type Stage<I, O, C = Record<string, unknown>> = MapStage<I, O, C> | GlobalStage<I, O, C>;

/** Identity helper that gives a stage definition its types by inference (citty's `defineCommand`). */
export function defineStage<I, O, C>(def: MapStage<I, O, C>): MapStage<I, O, C>;
export function defineStage<I, O, C, P = unknown>(def: GlobalStage<I, O, C, P>): GlobalStage<I, O, C, P>;
export function defineStage<I, O, C, P = unknown>(def: MapStage<I, O, C> | GlobalStage<I, O, C, P>): MapStage<I, O, C> | GlobalStage<I, O, C, P> {
  return def;
}

/** Characters as the ledger counts them: Unicode code points that are not whitespace. */
export function countChars(s: string): number {
  const t = s.replace(/\s+/gu, '');
  let n = t.length;
  // A surrogate pair is one code point.
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
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
