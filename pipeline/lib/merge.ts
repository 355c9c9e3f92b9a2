/**
 * Results of consecutive parts of a batch merged as if the batch had run whole: a chain from raw files runs file by
 * file (worker.ts runChain), and a batch with a file over its budget is run again around that file (runner.ts
 * runRaw). Its own module, with no stage imports, for the main thread.
 */
import { Tally } from './rows.js';
import type { ChainResult, StepResult } from './worker.js';

/** Concatenates the results of one step over consecutive parts of a batch, as if the step had run over the whole. */
export function mergeSteps(parts: StepResult[]): StepResult {
  if (parts.length === 1) return parts[0]!;
  const tally = new Tally();
  const byFile = new Map<string, number>();
  const cat = (xs: Uint8Array[]) => {
    const out = new Uint8Array(xs.reduce((n, x) => n + x.length, 0));
    let at = 0;
    for (const x of xs) { out.set(x, at); at += x.length; }
    return out;
  };
  for (const p of parts) {
    tally.merge(p.tally);
    p.removedByFile.files.forEach((f, k) => byFile.set(f, (byFile.get(f) ?? 0) + p.removedByFile.chars[k]!));
  }
  return {
    ids: parts.flatMap((p) => p.ids), out: cat(parts.map((p) => p.out)), removed: cat(parts.map((p) => p.removed)), dropped: cat(parts.map((p) => p.dropped)),
    tally: { in: tally.in, out: tally.out, dropped: tally.dropped, removed: tally.removed, counters: tally.counters },
    ms: parts.reduce((n, p) => n + p.ms, 0), longest: Math.max(0, ...parts.map((p) => p.longest)),
    removedByFile: { files: [...byFile.keys()], chars: [...byFile.values()] },
  };
}

/**
 * Concatenates chain results over consecutive parts of a batch of raw files (each part's steps in the same order; a
 * part with no steps, a file refused without running any, adds only its ledger facts).
 */
export function mergeChains(parts: ChainResult[]): ChainResult {
  const n = Math.max(0, ...parts.map((p) => p.steps.length));
  const res: ChainResult = { files: parts.flatMap((p) => p.files ?? []), extractMs: parts.reduce((x, p) => x + (p.extractMs ?? 0), 0), steps: [] };
  for (let k = 0; k < n; k++) res.steps.push(mergeSteps(parts.filter((p) => p.steps.length > k).map((p) => p.steps[k]!)));
  // Per-file slices only when every part that wrote rows says whose they were.
  if (parts.every((p) => p.slices || p.steps.length === 0)) res.slices = parts.flatMap((p) => p.slices ?? []);
  if (parts.some((p) => p.prepared)) {
    res.prepared = parts.flatMap((p) => p.prepared ?? []);
    res.prepareMs = parts.reduce((x, p) => x + (p.prepareMs ?? 0), 0);
  }
  return res;
}

