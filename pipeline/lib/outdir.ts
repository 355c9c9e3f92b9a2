/**
 * What makes a folder an output folder: every run writes `OUT/.jingwen-out` (after taking OUT's lock), and
 * `make clean` (pipeline/clean.ts) removes only from a folder that has it, and only what a run writes there — the
 * four data files, `report/`, `stages/`, a distributed run's default shared storage `.distributed/` and temporary
 * files — under OUT's lock, so it never removes a running run's
 * lock or files. `releases/` (published versions), `bench/`, `eval/` and anything else in OUT stay.
 * `make clean OUT=raw` (or any folder no run wrote, or one holding RAW) is refused and removes nothing.
 */
import { rm, readdir } from 'node:fs/promises';
import path from 'node:path';
import { exists, writeAtomic } from './io.js';
import { acquireLock } from './lock.js';
import { PipelineError } from './errors.js';

export const MARKER = '.jingwen-out';
const MARKER_TEXT = 'This folder holds the outputs of jingwen runs (make dataset); make clean removes what a run wrote here, never releases/.\n';

/**
 * What a run writes in OUT, and all that `make clean` removes (the lock and temporary files apart): the export's
 * OUTPUT_FILES (a test holds the two lists together; not imported, so that run.ts loads no stage before its lock).
 */
export const RUN_OUTPUTS = ['documents.jsonl', 'documents.csv', 'documents.arrow', 'documents.parquet', 'report', 'stages', '.distributed'];

/** A distributed run's default shared storage in OUT (pipeline/distributed/store.ts): left by a failed run or one
 *  run with --keep-store, removed by `make clean`. */
export const DISTRIBUTED_STORE = '.distributed';

/** Marks OUT as an output folder (the run holds its lock). */
export async function markOut(out: string): Promise<void> {
  if (!(await exists(path.join(out, MARKER)))) await writeAtomic(path.join(out, MARKER), MARKER_TEXT);
}

function inside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);
}

/** Removes what runs wrote in `out`; returns the names removed and those kept. Throws PipelineError when refused. */
export async function cleanOut(out: string, raw: string): Promise<{ removed: string[]; kept: string[] }> {
  const o = path.resolve(out);
  const r = path.resolve(raw);
  if (inside(r, o) || inside(o, r)) throw new PipelineError('config', `refusing to clean ${o}: it is or holds the raw folder ${r}, or lies inside it; nothing removed`);
  if (!(await exists(o))) return { removed: [], kept: [] };
  if (!(await exists(path.join(o, MARKER)))) throw new PipelineError('config', `refusing to clean ${o}: no ${MARKER} in it, so no jingwen run made it; nothing removed`);
  // A run holding the lock is writing: refused ('locked'). A lock left by a dead run is taken over, and the
  // temporary files killed runs left are swept (acquireLock), then the lock is released.
  const unlock = await acquireLock(o);
  const removed: string[] = [];
  try {
    for (const n of RUN_OUTPUTS) {
      if (await exists(path.join(o, n))) {
        await rm(path.join(o, n), { recursive: true, force: true });
        removed.push(n);
      }
    }
  } finally {
    await unlock();
  }
  const kept = (await readdir(o)).filter((n) => n !== MARKER && n !== '.gitkeep').sort();
  return { removed, kept };
}
