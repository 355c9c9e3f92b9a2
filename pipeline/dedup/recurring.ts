/**
 * Recurring banners: an edge line (among the first or last RECURRING_EDGE kept paragraphs) that recurs at the edges of
 * documents from at least `recurringMinUnits` source units (files, archive members) of one source (`sourceKeyOf`:
 * URL host, archive or record file, folder), and of at least `recurringMinShare` of that source's units, is the
 * source's banner and goes from every kept document where it sits at an edge (rule `boilerplate_recurring`). The
 * line's shape is guarded (rules/recurring.ts: no sentence, no heading, no document formula or signature); the
 * recurrence decides.
 *
 * Runs in dedupe's plan, on the main thread, over the prepared values in input order once the duplicates are
 * decided (a dropped copy does not make its keeper's line recur): the result depends only on the set of documents,
 * never on the worker count or the order in which workers finished. A document never loses its last paragraph.
 *
 * Memory: one Map entry per distinct (source, edge line) key and a Set of the units it was seen in; at most
 * 2·RECURRING_EDGE keys per document.
 */
import { edgesOf, fileOf, memberOf, paraHashHex, sourceOf, type Prepared } from './prepare.js';

export interface RecurringConfig {
  /** A recurring banner sits at the edges of documents from at least this many source units of one source… */
  recurringMinUnits: number;
  /** …and of at least this share of the source's units (that have any kept document). */
  recurringMinShare: number;
}

export interface RecurringResult {
  /** Per kept document (input index), the paragraph indices to remove, ascending. */
  byDoc: Map<number, number[]>;
  /** Distinct (source, line) keys found to recur, and edge lines removed in all. */
  lines: number;
  removed: number;
}

export function recurringEdges(prepared: readonly Prepared[], kept: (i: number) => boolean, cfg: RecurringConfig): RecurringResult {
  const unitsOfSource = new Map<string, Set<string>>();
  const seen = new Map<string, { source: string; units: Set<string> }>();
  for (let i = 0; i < prepared.length; i++) {
    if (!kept(i)) continue;
    const p = prepared[i]!;
    const source = sourceOf(p);
    const unit = `${fileOf(p)}\u0000${memberOf(p)}`;
    (unitsOfSource.get(source) ?? unitsOfSource.set(source, new Set()).get(source)!).add(unit);
    const e = edgesOf(p);
    for (let k = 0; k < e.index.length; k++) {
      const key = paraHashHex(e.hi[k]!, e.lo[k]!);
      (seen.get(key) ?? seen.set(key, { source, units: new Set() }).get(key)!).units.add(unit);
    }
  }
  const recurring = new Set<string>();
  for (const [key, { source, units }] of seen) {
    const all = unitsOfSource.get(source)!.size;
    if (units.size >= cfg.recurringMinUnits && units.size >= cfg.recurringMinShare * all) recurring.add(key);
  }
  const byDoc = new Map<number, number[]>();
  let removed = 0;
  if (recurring.size > 0) {
    for (let i = 0; i < prepared.length; i++) {
      if (!kept(i)) continue;
      const e = edgesOf(prepared[i]!);
      const gone = e.index.filter((_, k) => recurring.has(paraHashHex(e.hi[k]!, e.lo[k]!)));
      if (gone.length === 0 || gone.length >= e.kept) continue;
      byDoc.set(i, gone);
      removed += gone.length;
    }
  }
  return { byDoc, lines: recurring.size, removed };
}
