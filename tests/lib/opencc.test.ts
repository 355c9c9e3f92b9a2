/**
 * lib/opencc.ts converts exactly as opencc-js does, configuration by configuration: on OpenCC's own test cases
 * and golden texts, and on generated strings made of the dictionaries' own words and fragments, Ideographic
 * Description Sequences, astral characters and lone surrogates (where longest matches, segment ends and units
 * that are not one code point meet).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as OpenCC from 'opencc-js';
import { converter } from '../../pipeline/lib/opencc.js';
import { ROOT } from '../helpers.js';
import { mulberry32 } from '../../pipeline/lib/random.js';

const FIX = path.join(ROOT, 'tests/fixtures/normalize/opencc');

/** Every conversion opencc-js has a configuration for, as [from, to]. */
const PAIRS: [string, string][] = [
  ['t', 'cn'], ['tw', 'cn'], ['twp', 'cn'], ['hk', 'cn'], ['hkp', 'cn'], ['tw', 't'], ['hk', 't'], ['jp', 't'],
  ['cn', 't'], ['cn', 'tw'], ['cn', 'twp'], ['cn', 'hk'], ['cn', 'hkp'], ['t', 'tw'], ['t', 'hk'], ['t', 'jp'],
];

const cases = (JSON.parse(readFileSync(path.join(FIX, 'testcases.json'), 'utf8').replace(/,(\s*[}\]])/g, '$1')) as { cases: { input: string }[] }).cases;
const golden = ['', '.s2t', '.s2tw', '.s2twp', '.s2hk'].map((s) => readFileSync(path.join(FIX, `us_constitution_zhs${s}.txt`), 'utf8'));

/** Words and fragments of the dictionaries of opencc-js's Locale (keys and values, and their halves). */
function vocabulary(): string[] {
  const words = new Set<string>();
  const locale = OpenCC.Locale as unknown as { configs: Record<string, { conversionChain: unknown[][]; segmentation?: unknown[]; normalizationChain?: unknown[][] }> };
  const dicts = new Set<string>();
  for (const c of Object.values(locale.configs)) for (const g of [...c.conversionChain, c.segmentation ?? [], ...(c.normalizationChain ?? [])]) for (const d of g) if (typeof d === 'string') dicts.add(d);
  const rnd = mulberry32(7);
  for (const d of dicts) {
    const entries = d.split('|');
    for (let k = 0; k < 400; k++) {
      const [src, dst] = entries[Math.floor(rnd() * entries.length)]!.split(' ') as [string, string];
      for (const w of [src, dst, [...src].slice(0, 1).join(''), [...src].slice(1).join(''), [...dst].slice(0, -1).join('')]) if (w) words.add(w);
    }
  }
  return [...words].sort();
}

describe('lib/opencc: opencc-js\'s conversions over flat tries', () => {
  const ours = new Map(PAIRS.map(([f, t]) => [`${f}>${t}`, converter(f, t)]));
  const theirs = new Map(PAIRS.map(([f, t]) => [`${f}>${t}`, OpenCC.Converter({ from: f as 'cn', to: t as 'cn' })]));
  const both = (text: string) => PAIRS.map(([f, t]) => [`${f}>${t}`, ours.get(`${f}>${t}`)!(text), theirs.get(`${f}>${t}`)!(text)] as const);

  it('equals opencc-js on OpenCC\'s test cases and golden texts, in every configuration', () => {
    expect(cases.length).toBeGreaterThan(50);
    let changed = 0;
    for (const text of [...cases.map((c) => c.input), ...golden]) {
      for (const [name, a, b] of both(text)) {
        expect([name, text.slice(0, 20), a]).toEqual([name, text.slice(0, 20), b]);
        if (a !== text) changed++;
      }
    }
    expect(changed).toBeGreaterThan(500); // the conversions do convert
  });

  it('equals opencc-js on generated text: dictionary words and fragments, IDS, astral characters, lone surrogates', () => {
    const words = vocabulary();
    const extra = ['⿰', '⿱', '⿲', '⿳', '⿴', '⿻', '𠀀', '𩸽', '\ud840', '\udc00', ' ', '，', 'a', '\n', '的'];
    const rnd = mulberry32(2026);
    for (let k = 0; k < 1500; k++) {
      let text = '';
      const n = 1 + Math.floor(rnd() * 12);
      for (let j = 0; j < n; j++) text += rnd() < 0.75 ? words[Math.floor(rnd() * words.length)]! : extra[Math.floor(rnd() * extra.length)]!;
      for (const [name, a, b] of both(text)) expect([name, text, a]).toEqual([name, text, b]);
    }
  });

  it('refuses a conversion opencc-js has no configuration for', () => {
    expect(() => converter('jp', 'cn')).toThrow(/no configuration/);
  });
});
