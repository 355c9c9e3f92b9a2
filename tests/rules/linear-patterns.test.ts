/**
 * Patterns rewritten to run in linear time (issue 9, issue 10 R4): each must match exactly what its earlier,
 * backtracking form matched. The earlier forms are kept here as the definitions; fast-check compares them on
 * strings built from the characters the patterns care about. The long inputs at the end took seconds to
 * minutes with the earlier forms (quadratic); with the new ones they finish at once.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HAN_PAREN_GROUP } from '../../pipeline/rules/normalize-punctuation.js';
import { HTML_RULES } from '../../pipeline/rules/normalize-damage.js';
import { MASK_RULES } from '../../pipeline/rules/normalize-masks.js';
import { CLOSED_LINE, NOT_TITLE_END, PREVIEW_END } from '../../pipeline/rules/segment-lines.js';
import { TOC_PAGE_TRAILER } from '../../pipeline/rules/headings.js';
import { ELLIPSIS_END } from '../../pipeline/rules/boilerplate.js';

/** The earlier form of a pattern that only gained a guard (a lookbehind or lookahead) in front. */
function without(re: RegExp, guard: string): RegExp {
  if (!re.source.startsWith(guard)) throw new Error(`${re.source} does not start with ${guard}`);
  return new RegExp(re.source.slice(guard.length), re.flags);
}

/** [name, pattern, its earlier form]. */
const PAIRS: [string, RegExp, RegExp][] = [
  ['HAN_PAREN_GROUP', HAN_PAREN_GROUP, /\(([^()（）\n]*\p{Script=Han}[^()（）\n]*)\)/gu],
  ['html_tag_mangled', HTML_RULES[2]!.pattern, without(HTML_RULES[2]!.pattern, '(?<![?\\ufffd]!*)')],
  ['mask XX', MASK_RULES[2]!.pattern, without(MASK_RULES[2]!.pattern, '(?=[Xx])')],
  ['CLOSED_LINE', CLOSED_LINE, /(?:(?:[。！？!?；;…]|\.{3,})[”’"'」』）)\]】》]*|[）)】])$/u],
  ['NOT_TITLE_END', NOT_TITLE_END, /[。，,、；;：:…]$|\.{3,}$/u],
  ['PREVIEW_END', PREVIEW_END, /(?:\.{3,}|…+)$/u],
  ['TOC_PAGE_TRAILER', TOC_PAGE_TRAILER, /(?:[\s.．·…_-]{2,}|\s+)[0-9０-９]{1,4}$/u],
  ['ELLIPSIS_END', ELLIPSIS_END, /(?:\.{2,}|…+|⋯+|。{3,})\s*$/],
];

const PIECES = [
  '中', '文', '𠀀', 'a', 'X', 'x', 'XX', '1', '２', '(', ')', '（', '）', '.', '．', '…', '⋯', '。', '!', '?', '？', '”', '】',
  ' ', '\t', '\u3000', '\n', '-', '_', '·', '/', '/p>', '</span>', '\ufffd', '*', '█', '\ud800',
];
const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }).map((xs) => xs.join(''));

describe('linear patterns match what their earlier forms matched', () => {
  it.each(PAIRS)('%s', (_name, now, before) => {
    fc.assert(fc.property(text, (s) => {
      const a = new RegExp(now.source, now.flags);
      const b = new RegExp(before.source, before.flags);
      expect(s.replace(a, '[$&]')).toBe(s.replace(b, '[$&]'));
    }), { numRuns: 3000 });
  });
});

describe('long runs are handled (quadratic before: minutes at these sizes)', () => {
  const n = 200_000;
  it.each([
    ['HAN_PAREN_GROUP: an unclosed bracket before a long text', HAN_PAREN_GROUP, `开始(${'中文'.repeat(n / 2)}`, false],
    ['mask XX: a long run of spaces', MASK_RULES[2]!.pattern, `标题${' '.repeat(n)}x`, false],
    ['html_tag_mangled: a long run of ?', HTML_RULES[2]!.pattern, `中${'?'.repeat(n)}/p>`, true],
    ['CLOSED_LINE: a long run of dots inside a line', CLOSED_LINE, `标题${'.'.repeat(n)}中`, false],
    ['NOT_TITLE_END: a long run of dots inside a line', NOT_TITLE_END, `标题${'.'.repeat(n)}中`, false],
    ['PREVIEW_END: a long run of ellipses inside a line', PREVIEW_END, `标题${'…'.repeat(n)}中`, false],
    ['TOC_PAGE_TRAILER: a long run of spaces', TOC_PAGE_TRAILER, `标题${' '.repeat(n)}x`, false],
    ['ELLIPSIS_END: a long run of 。 inside a paragraph', ELLIPSIS_END, `中${'。'.repeat(n)}中`, false],
  ])('%s', (_name, re, s, found) => {
    expect(new RegExp(re.source, re.flags).test(s)).toBe(found);
  });
});
