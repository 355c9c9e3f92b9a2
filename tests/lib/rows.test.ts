import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { removalRow, dropRows, removedFileAndChars, refOf } from '../../pipeline/lib/rows.js';

/** What copyRemoved used to read of a row: JSON.parse of the whole line. */
function parsed(line: string) {
  const r = JSON.parse(line) as { source_file: string | null; chars: number; rule: string };
  return { source_file: r.source_file, chars: r.chars, rule: r.rule };
}

describe('removedFileAndChars', () => {
  // Paths and excerpts with everything JSON has to escape, and the very keys the scan looks for.
  const nasty = fc.oneof(
    fc.string(),
    fc.constantFrom('a/b.txt', 'x","chars":5,"y', ',"source_file":"z"', '"', '\\', '\\"', '新闻/汇编 一.txt', '\u2028', '𠀀/\ud800.txt', ''),
  );
  it('reads the same source_file, chars and rule as JSON.parse from removal and drop rows', () => {
    fc.assert(fc.property(
      nasty, fc.option(nasty), fc.option(nasty), nasty, fc.nat(), fc.option(fc.nat()), fc.boolean(), fc.string(),
      (file, member, text, rule, chars, line, drop, id) => {
        const ref = refOf({ id, source_file: file, source_member: member, line_start: line ?? undefined });
        const row = drop
          ? dropRows('clean', ref, {}, { reason: rule }, chars).removed
          : removalRow('normalize', file === '' ? { ...ref, source_file: null } : ref, { rule, chars, line, paragraph: null, text });
        const l = JSON.stringify(row);
        expect(removedFileAndChars(l)).toEqual(parsed(l));
      },
    ), { numRuns: 3000 });
  });

  it('falls back to JSON.parse for a line of another shape', () => {
    for (const l of ['{"chars":3,"source_file":"a","rule":"r"}', '{"rule":"r","source_file":"a"}', '{"rule":"r","source_file":"a","chars":-1}', '{"rule":"r","source_file":"a","chars":1.5}']) {
      const r = JSON.parse(l);
      expect(removedFileAndChars(l)).toEqual({ source_file: r.source_file, chars: r.chars, rule: r.rule });
    }
  });
});
