import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { countChars } from '../../pipeline/lib/stage.js';

/** countChars as it was first written: whitespace removed with a regex, then high surrogates discounted. */
function regexCountChars(s: string): number {
  const t = s.replace(/\s+/gu, '');
  let n = t.length;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
}

describe('countChars counts in place what the regex version counted (issue 9)', () => {
  it('every UTF-16 unit alone and between letters', () => {
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      expect(countChars(ch), c.toString(16)).toBe(regexCountChars(ch));
      expect(countChars(`a${ch}中`), c.toString(16)).toBe(regexCountChars(`a${ch}中`));
    }
  });
  it.each([
    ['', 0], ['中 文', 2], ['𠀀', 1], ['\ud800', 0], ['\udc00', 1], ['\ud800 \udc00', 1], ['\u3000\u00a0\ufeff\t\n', 0], ['3.5%', 4],
  ])('%j → %i', (s, n) => expect(countChars(s)).toBe(n));
  it('random texts', () => {
    const piece = fc.constantFrom('中', '𠀀', 'a', ' ', '\u3000', '\u00a0', '\n', '\r\n', '\ud800', '\udc00', '\u2028', '\u200b', '\u180e', '\ufeff', '。');
    fc.assert(fc.property(fc.array(piece, { maxLength: 30 }).map((xs) => xs.join('')), (s) => {
      expect(countChars(s)).toBe(regexCountChars(s));
    }), { seed: 13, numRuns: 3000 });
  });
});
