/**
 * The per-file index of pass 1 (extract → segment → normalize → clean): for every raw file, in the run's file order,
 * how many bytes its rows take in each pass-1 stage file and what they added to each stage's tally. Written by a
 * pass from the raw files beside the stage files (`OUT/stages/files.index.jsonl`), it lets the next run, when only
 * some raw files changed and no code or configuration did, run those files alone and copy every other file's rows
 * from the stage files the last run wrote (runner.ts, `reuse`): the outputs are the bytes a fresh build writes.
 *
 * Why this works: pass 1 is per file. Each raw file's rows depend on its path, its content, its kind and mode and the
 * legacy encoding of its name (the entry's key, `entryKey`) and on the code and configuration of the stages (their
 * code keys, kept in the header): none on the other files or on how files are batched. The rows of a file are
 * contiguous in every stage file (written in file order), so offsets are prefix sums of the lengths kept here. A
 * raw file whose units are split over several batches (a large archive) adds several slices under one path: they
 * are summed into its entry, in order.
 *
 * Nothing is trusted that the run did not vouch for: the index's own size and sha256 are in extract's meta, the
 * header records the size and sha256 of every stage file it describes (they must equal those the stages' metas
 * vouch for, and the files must still be as written: runner.ts fileMismatch), and the lengths must add up to each
 * file's size. Any mismatch: no reuse, every file runs (and a new index is written).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { stableJson } from './io.js';
import type { Tally } from './rows.js';
import type { StepResult } from './worker.js';

export const INDEX_FILE = 'files.index.jsonl';
const VERSION = 1;

type TallyLike = Pick<Tally, 'in' | 'out' | 'dropped' | 'removed' | 'counters'>;

/** What one stage wrote for one raw file (or one part of it). */
export interface SliceStep {
  /** Bytes of its rows in `<stage>.jsonl`, `<stage>.removed.jsonl`, `<stage>.dropped.jsonl`. */
  bytes: [number, number, number];
  /** How many of the step's `ids` are this file's (a stage that declares keepsIds sends none). */
  ids: number;
  longest: number;
  tally: TallyLike;
  removedByFile: [string, number][];
}
/** What every step of a chain wrote for one raw file (worker.ts runChain, one per file of a batch). */
export interface FileSlice { path: string; steps: SliceStep[] }

/** One step's result as a slice (its bytes' lengths, counts and tally). */
export function sliceOf(s: StepResult): SliceStep {
  return {
    bytes: [s.out.length, s.removed.length, s.dropped.length], ids: s.ids.length, longest: s.longest, tally: s.tally,
    removedByFile: s.removedByFile.files.map((f, k) => [f, s.removedByFile.chars[k]!]),
  };
}

/** One raw file in the index. */
export interface IndexEntry {
  path: string;
  /** entryKey of the raw entry when its rows were made. */
  key: string;
  /** Bytes of its units in extract.jsonl and of its ledger row in extract.files.jsonl. */
  units: number;
  ledger: number;
  /** One per stage of the header, in order (none for a file answered without reading it). */
  steps: SliceStep[];
  /** Its rows must not be reused: a file answered without reading (skipped, a link…, decided anew each run) or
   *  rejected for a reason of the moment (over its time or heap budget, changed while read), which a fresh build
   *  may not repeat. */
  retry?: boolean;
}

interface IndexHeader {
  version: number;
  /** The stages whose files the index describes (besides extract's two), in pass order. */
  stages: string[];
  code_keys: Record<string, string>;
  /** Size and sha256 of every described file (relative to OUT), as written. */
  files: Record<string, { bytes: number; sha256: string }>;
}

/** Ledger reasons decided by the moment rather than by the file's bytes: such a file runs again. */
const TRANSIENT = new Set(['timeout', 'resource_limit', 'changed_since_walk', 'unreadable', 'symlink', 'not_regular_file']);

/** A raw entry's key: everything its pass-1 rows depend on besides the code (see the module's comment). */
export function entryKey(rel: string, kind: string, mode: number, content: string, nameEncoding: string | null): string {
  return createHash('sha256').update(`${rel}\0${kind}\0${mode}\0${content}\0${nameEncoding ?? ''}`).digest('hex').slice(0, 32);
}

/** The files an index describes, relative to OUT, in the order of an entry's lengths. */
export function describedFiles(stages: string[]): string[] {
  return ['stages/extract.jsonl', 'stages/extract.files.jsonl', ...stages.flatMap((s) => [`stages/${s}.jsonl`, `stages/${s}.removed.jsonl`, `stages/${s}.dropped.jsonl`])];
}

function addTally(a: TallyLike, b: TallyLike): TallyLike {
  const dropped = { ...a.dropped };
  for (const [k, v] of Object.entries(b.dropped)) dropped[k] = (dropped[k] ?? 0) + v;
  const removed: TallyLike['removed'] = {};
  for (const [k, v] of Object.entries(a.removed)) removed[k] = { ...v };
  for (const [k, v] of Object.entries(b.removed)) {
    const m = (removed[k] ??= { spans: 0, chars: 0 });
    m.spans += v.spans;
    m.chars += v.chars;
  }
  const counters = { ...a.counters };
  for (const [k, v] of Object.entries(b.counters)) counters[k] = (counters[k] ?? 0) + v;
  return { in: a.in + b.in, out: a.out + b.out, dropped, removed, counters };
}

function addStep(a: SliceStep, b: SliceStep): SliceStep {
  const byFile = new Map(a.removedByFile);
  for (const [f, n] of b.removedByFile) byFile.set(f, (byFile.get(f) ?? 0) + n);
  return {
    bytes: [a.bytes[0] + b.bytes[0], a.bytes[1] + b.bytes[1], a.bytes[2] + b.bytes[2]], ids: a.ids + b.ids,
    longest: Math.max(a.longest, b.longest), tally: addTally(a.tally, b.tally), removedByFile: [...byFile],
  };
}

/**
 * Builds the index while a pass from the raw files writes: `file` for each raw file's ledger row (in file order, as
 * written), `slices` for each chain result's per-file steps. A chain result that wrote rows without saying whose
 * makes the index incomplete (`ok` false): it is then not written.
 */
export class IndexBuilder {
  readonly entries: IndexEntry[] = [];
  ok = true;
  /** Entries of the current chain result, which its slices are matched against by path. */
  private batchFrom = 0;
  constructor(readonly stages: string[]) {}

  /** A raw file's ledger row and units were written (a file whose units come in parts: once per part). */
  file(rel: string, key: string, units: number, ledger: number, opts: { local?: boolean; reason?: string | null; retry?: boolean }): void {
    const last = this.entries[this.entries.length - 1];
    // Paths are unique in a walk: the same path again is the next part of one file's units.
    if (last && last.path === rel) {
      last.units += units;
      last.ledger += ledger;
      // The ledger row comes with the last part: a file stopped by its budget part-way runs again next time.
      if (opts.reason != null && TRANSIENT.has(opts.reason)) last.retry = true;
      return;
    }
    const retry = opts.local === true || opts.retry === true || (opts.reason != null && TRANSIENT.has(opts.reason));
    this.entries.push({ path: rel, key, units, ledger, steps: [], ...(retry ? { retry } : {}) });
  }
  /** A chain result begins: its files' entries follow. */
  begin(): void {
    this.batchFrom = this.entries.length;
  }
  /** The per-file steps of the chain result begun last; `wrote` whether its steps wrote anything. */
  slices(slices: FileSlice[] | undefined, wrote: boolean): void {
    if (!slices) {
      if (wrote) this.ok = false;
      return;
    }
    let at = Math.max(0, this.batchFrom - 1);
    for (const s of slices) {
      while (at < this.entries.length && this.entries[at]!.path !== s.path) at++;
      const e = this.entries[at];
      if (!e || s.steps.length > this.stages.length) {
        this.ok = false;
        return;
      }
      e.steps = e.steps.length ? e.steps.map((x, k) => (s.steps[k] ? addStep(x, s.steps[k]!) : x)) : s.steps.map((x) => ({ ...x }));
    }
  }
  /** Copies a reused file's entry (its rows were copied as they are). */
  reused(e: IndexEntry): void {
    this.entries.push(e);
  }

  /**
   * The index's text, once the pass has written everything: `sizes` are the bytes written to each described file
   * and their sha256; a sum that does not add up leaves the index out (null).
   */
  text(codeKeys: Record<string, string>, facts: Record<string, { bytes: number; sha256: string }>): string | null {
    if (!this.ok) return null;
    const files = describedFiles(this.stages);
    const sums = lengthsSums(this.entries, this.stages.length);
    if (files.some((f, i) => facts[f]?.bytes !== sums[i])) return null;
    const header: IndexHeader = { version: VERSION, stages: this.stages, code_keys: codeKeys, files: Object.fromEntries(files.map((f) => [f, facts[f]!])) };
    let s = stableJson(header, 0);
    for (const e of this.entries) s += stableJson(e, 0);
    return s;
  }
}

/** An entry's lengths in the described files' order. */
function lengthsOf(e: IndexEntry, stages: number): number[] {
  const l = [e.units, e.ledger];
  for (let k = 0; k < stages; k++) {
    const b = e.steps[k]?.bytes ?? [0, 0, 0];
    l.push(b[0], b[1], b[2]);
  }
  return l;
}

function lengthsSums(entries: IndexEntry[], stages: number): number[] {
  const sums = new Array<number>(2 + 3 * stages).fill(0);
  for (const e of entries) lengthsOf(e, stages).forEach((n, i) => { sums[i]! += n; });
  return sums;
}

/** A loaded index: each reusable file's entry and its rows' offsets in the described files (same order). */
export interface LoadedIndex {
  stages: string[];
  files: string[];
  byPath: Map<string, { entry: IndexEntry; offsets: number[] }>;
}

/**
 * Reads the index the last run wrote, if it can serve a pass of `stages` with these code keys: its own size and
 * sha256 as extract's meta recorded them (`vouched`), its header's code keys and file facts equal to `codeKeys` and
 * to what the stages' metas vouch for (`metaFacts`), its lengths adding up to each file's size. Null, with the
 * reason, otherwise. The described files themselves are checked by the caller (fileMismatch).
 */
export async function loadIndex(dir: string, stages: string[], codeKeys: Record<string, string>, vouched: { bytes: number; sha256?: string } | undefined, metaFacts: Record<string, { bytes: number; sha256?: string } | undefined>): Promise<{ index: LoadedIndex } | { why: string }> {
  if (!vouched?.sha256) return { why: 'no index recorded' };
  const buf = await readFile(path.join(dir, INDEX_FILE)).catch(() => null);
  if (!buf) return { why: 'index missing' };
  if (buf.length !== vouched.bytes || createHash('sha256').update(buf).digest('hex') !== vouched.sha256) return { why: 'index not as written' };
  const lines = buf.toString('utf8').split('\n').filter(Boolean);
  const header = JSON.parse(lines[0] ?? 'null') as IndexHeader | null;
  if (!header || header.version !== VERSION) return { why: 'index version' };
  if (JSON.stringify(header.stages) !== JSON.stringify(stages)) return { why: `index of stages ${header.stages.join(',')}` };
  for (const [s, k] of Object.entries(codeKeys)) if (header.code_keys[s] !== k) return { why: `${s}: code or configuration changed` };
  const files = describedFiles(stages);
  for (const f of files) {
    const h = header.files[f];
    const m = metaFacts[f];
    if (!h || !m || h.bytes !== m.bytes || h.sha256 !== m.sha256) return { why: `${f}: not the file the index describes` };
  }
  const byPath = new Map<string, { entry: IndexEntry; offsets: number[] }>();
  const at = new Array<number>(files.length).fill(0);
  for (let i = 1; i < lines.length; i++) {
    const e = JSON.parse(lines[i]!) as IndexEntry;
    const l = lengthsOf(e, stages.length);
    if (!e.retry && e.steps.length === stages.length) byPath.set(e.path, { entry: e, offsets: [...at] });
    l.forEach((n, k) => { at[k]! += n; });
  }
  if (files.some((f, k) => at[k] !== header.files[f]!.bytes)) return { why: 'index lengths do not add up' };
  return { index: { stages, files, byPath } };
}
