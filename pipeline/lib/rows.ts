/**
 * The rows of a stage's side files (`<stage>.removed.jsonl`, `<stage>.dropped.jsonl`) and the tally that becomes
 * its meta. Shared by the worker threads (per-record stages build their rows where the records are) and the main
 * thread (whole-corpus stages), so both write exactly the same rows.
 */
import { maskPathOrNull } from './pii.js';
import { redactForReport } from './redact.js';
import type { Drop, Removal } from './types.js';

/** What the side files need to know of the record a removal or drop belongs to. */
export interface RecordRef {
  id: string;
  source_file: string | null;
  source_member: string | null;
  line_start: number | null;
}

export function refOf(rec: unknown): RecordRef {
  const r = rec as { id?: string; unit_id?: string; source_file?: string; source_member?: string | null; line_start?: number };
  return { id: r.id ?? r.unit_id ?? '?', source_file: r.source_file ?? null, source_member: r.source_member ?? null, line_start: r.line_start ?? null };
}

/** Longest excerpt of removed text a report row carries, in code points. */
const EXCERPT = 120;

/** Excerpts are for auditing: personal data and credited names are masked (lib/redact.ts), long text cut. */
export function excerpt(text: string | null | undefined): string | null {
  return text ? redactForReport(text, EXCERPT) : null;
}

/**
 * A removal's report row. Its paths are as published (lib/pii.ts maskPath: personal data in file and member names
 * masked), here where the row is made, so the stage's removed file is copied to report/removed.jsonl byte for byte.
 */
export function removalRow(stage: string, ref: RecordRef, r: Removal): Record<string, unknown> {
  return {
    stage, rule: r.rule, id: ref.id, source_file: maskPathOrNull(ref.source_file), source_member: maskPathOrNull(ref.source_member),
    line: r.line ?? null, paragraph: r.paragraph ?? null, chars: r.chars, kind: r.kind ?? null, hash: r.hash ?? null,
    text: excerpt(r.text),
  };
}

/**
 * `source_file` and `chars` of a row of a removed file, read off the JSON line without parsing the rest. The
 * report sums every stage's removed characters per raw file at the end of a run, serially: JSON.parse of every row
 * (27 MB for the 50 MB benchmark, mostly excerpts nobody reads there) was the longest part of it.
 *
 * Exact for lines that JSON.stringify wrote from `removalRow` or `dropRows`: a JSON string holds no unescaped `"`,
 * so the first `,"source_file":` of the line is that key (only the JSON strings stage, rule and id come before
 * it), and the first `,"chars":` after its value is that key (only source_member, a string or null, lies between).
 * Anything else (a line that lacks either key) is parsed whole. tests/lib/rows.test.ts compares it with JSON.parse.
 */
export function removedFileAndChars(line: string): { source_file: string | null; chars: number; rule: string } {
  const f = line.indexOf(',"source_file":');
  const ruleAt = line.indexOf('"rule":');
  if (f >= 0 && ruleAt >= 0 && ruleAt < f) {
    const v = f + 15;
    const file = line.startsWith('null', v) ? null : jsonStringAt(line, v);
    const after = file === null ? v + 4 : stringEnd(line, v);
    const c = line.indexOf(',"chars":', after);
    if (after > v && c >= 0) {
      let n = 0;
      let i = c + 9;
      for (let d = line.charCodeAt(i); d >= 0x30 && d <= 0x39; d = line.charCodeAt(++i)) n = n * 10 + (d - 0x30);
      const sep = line.charCodeAt(i);
      if (i > c + 9 && (sep === 0x2c || sep === 0x7d)) return { source_file: file, chars: n, rule: jsonStringAt(line, ruleAt + 7) ?? '' };
    }
  }
  const r = JSON.parse(line) as { source_file: string | null; chars: number; rule: string };
  return { source_file: r.source_file, chars: r.chars, rule: r.rule };
}

/** End (one past the closing quote) of the JSON string starting at `at` (a `"`), or `at` when there is none. */
function stringEnd(s: string, at: number): number {
  if (s.charCodeAt(at) !== 0x22) return at;
  for (let i = at + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x22) return i + 1;
  }
  return at;
}

/** The JSON string starting at `at`, decoded (escapes included), or null when there is none. */
function jsonStringAt(s: string, at: number): string | null {
  const end = stringEnd(s, at);
  return end > at ? (JSON.parse(s.slice(at, end)) as string) : null;
}

/** A dropped record: its `drop_<reason>` row in removed.jsonl (the characters it still had) and its dropped.jsonl row. */
export function dropRows(stage: string, ref: RecordRef, record: unknown, d: Drop, chars: number): { removed: Record<string, unknown>; dropped: Record<string, unknown> } {
  return {
    removed: {
      stage, rule: `drop_${d.reason}`, id: ref.id, source_file: maskPathOrNull(ref.source_file), source_member: maskPathOrNull(ref.source_member),
      line: ref.line_start, paragraph: null, chars, kind: null, hash: null, text: null,
    },
    dropped: { stage, reason: d.reason, detail: d.detail ?? null, id: ref.id, chars, extra: d.extra ?? null, record },
  };
}

/** Counters of one stage (or of one batch of it, merged into the stage's by the main thread). */
export class Tally {
  in = 0;
  out = 0;
  dropped: Record<string, number> = {};
  removed: Record<string, { spans: number; chars: number }> = {};
  counters: Record<string, number> = {};
  removal(rule: string, chars: number): void {
    const m = (this.removed[rule] ??= { spans: 0, chars: 0 });
    m.spans++;
    m.chars += chars;
  }
  drop(reason: string, chars: number): void {
    this.dropped[reason] = (this.dropped[reason] ?? 0) + 1;
    this.removal(`drop_${reason}`, chars);
  }
  count(key: string, n = 1): void {
    this.counters[key] = (this.counters[key] ?? 0) + n;
  }
  /** Adds a batch's tally (a plain object after crossing threads). */
  merge(t: Pick<Tally, 'in' | 'out' | 'dropped' | 'removed' | 'counters'>): void {
    this.in += t.in;
    this.out += t.out;
    for (const [k, v] of Object.entries(t.dropped)) this.dropped[k] = (this.dropped[k] ?? 0) + v;
    for (const [k, v] of Object.entries(t.removed)) {
      const m = (this.removed[k] ??= { spans: 0, chars: 0 });
      m.spans += v.spans;
      m.chars += v.chars;
    }
    for (const [k, v] of Object.entries(t.counters)) this.count(k, v);
  }
}
