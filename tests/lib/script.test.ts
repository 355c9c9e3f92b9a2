/** Script detection in lib/script.ts: the per-code-point tables give what per-character conversion gives. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as OpenCC from 'opencc-js';
import { detectVariant, inGb2312, isStrongTraditionalChar, isTraditionalChar, scriptStats } from '../../pipeline/lib/script.js';

const t2cn = OpenCC.Converter({ from: 't', to: 'cn' });
const tw2t = OpenCC.Converter({ from: 'tw', to: 't' });
const hk2t = OpenCC.Converter({ from: 'hk', to: 't' });

/** The definitions: every Han character (as `\p{Script=Han}` matches it) converted on its own. */
function statsDefinition(text: string) {
  const han = text.match(/\p{Script=Han}/gu) ?? [];
  const changed = han.filter((c) => t2cn(c) !== c);
  return { han: han.length, changed: changed.length, strong: changed.filter((c) => !inGb2312(c)).length };
}
function variantDefinition(text: string) {
  let tw = 0;
  let hk = 0;
  for (const c of text.match(/\p{Script=Han}/gu) ?? []) {
    const inTw = tw2t(c) !== c;
    const inHk = hk2t(c) !== c;
    if (inTw && !inHk) tw++;
    else if (inHk && !inTw) hk++;
  }
  return tw > hk ? 'tw' : hk > tw ? 'hk' : 't';
}

const piece = fc.constantFrom('中', '國', '裡', '裏', '説', '說', '乾', '著', '濕', '发', '發', '𠀀', '𪚥', 'a', '1', '，', ' ', '\ud800', '\udc00', '⺀');

describe('scriptStats and detectVariant', () => {
  it.each([
    ['潮濕灶台', { han: 4, changed: 1, strong: 1 }],
    ['乾坤著作', { han: 4, changed: 1, strong: 0 }],
    ['简体中文', { han: 4, changed: 0, strong: 0 }],
    ['', { han: 0, changed: 0, strong: 0 }],
  ])('%s', (s, stats) => expect(scriptStats(s)).toEqual(stats));
  it('equal the per-character definitions', () => {
    fc.assert(fc.property(fc.array(piece, { maxLength: 20 }).map((xs) => xs.join('')), (s) => {
      expect(scriptStats(s)).toEqual(statsDefinition(s));
      expect(detectVariant(s)).toBe(variantDefinition(s));
    }), { seed: 4, numRuns: 2000 });
  });
  it.each([
    ['濕', true, true], ['乾', true, false], ['中', false, false], ['', false, false], ['濕濕', true, true], ['a', false, false],
  ])('isTraditionalChar(%j) = %s, isStrongTraditionalChar = %s', (ch, trad, strong) => {
    expect(isTraditionalChar(ch)).toBe(trad);
    expect(isStrongTraditionalChar(ch)).toBe(strong);
  });
});
