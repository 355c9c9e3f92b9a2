/**
 * Script detection and Traditional → Simplified conversion (OpenCC's, as opencc-js does it: lib/opencc.ts), used by
 * normalize.
 *
 * Detection measures the share of Han characters that a character-level Traditional → Simplified
 * conversion would change. Conversion is applied only to text detected as Traditional: OpenCC
 * mis-converts some Simplified input (乾安 → 干安, BYVoid/OpenCC issue #1154), so Simplified text must
 * never go through it.
 */
import iconv from 'iconv-lite';
import { converter } from './opencc.js';

/** The OpenCC source variants we convert from (target is always `cn`, mainland Simplified). */
export type Variant = 't' | 'tw' | 'hk';

/**
 * opencc-js's conversions (lib/opencc.ts: its dictionaries and configurations, over flat tries), built on first use,
 * once per thread (the tries of their dictionary groups are shared; ~30 ms in all): a thread that never normalizes
 * (the main thread of a 2-worker run) never builds them, and one about to loads them while it waits (`warmScript`).
 */
interface Converters {
  toCn: Record<Variant, (s: string) => string>;
  /** Variant probes: `tw → t` and `hk → t` change exactly the characters whose Taiwan / Hong Kong standard
   *  form differs from OpenCC's reference Traditional form (裡/裏, 説/說, 啟/啓, 麵/麪, 着/著…). */
  twToT: (s: string) => string;
  hkToT: (s: string) => string;
}
let built: Converters | null = null;
function cc(): Converters {
  return (built ??= {
    toCn: { t: converter('t', 'cn'), tw: converter('tw', 'cn'), hk: converter('hk', 'cn') },
    twToT: converter('tw', 't'),
    hkToT: converter('hk', 't'),
  });
}

/** Builds the converters now (normalize's `warm`). */
export function warmScript(): void {
  cc();
}

const HAN = /\p{Script=Han}/u;

/**
 * Per-code-point answers, computed once per code point and kept in a table indexed by code point (a typed
 * array read is ~10× cheaper than a Map lookup of a one-character string; measured in issue 9). Bits:
 * KNOWN_* says the answer is computed, the other bit of the pair is the answer.
 */
const FACTS = new Uint8Array(0x110000);
const HAN_KNOWN = 1, IS_HAN = 2, TRAD_KNOWN = 4, IS_TRAD = 8, STRONG_KNOWN = 16, IS_STRONG = 32;
/** Variant vote per code point: 0 unknown, 1 none, 2 tw, 3 hk. */
const VARIANT = new Uint8Array(0x110000);

/** The code point of a one-code-point string, or -1 (empty, or more than one code point). */
function singleCodePoint(ch: string): number {
  const cp = ch.codePointAt(0);
  if (cp === undefined) return -1;
  return ch.length === (cp > 0xffff ? 2 : 1) ? cp : -1;
}

function hanAt(cp: number): boolean {
  let f = FACTS[cp]!;
  if (!(f & HAN_KNOWN)) {
    f |= HAN_KNOWN | (HAN.test(String.fromCodePoint(cp)) ? IS_HAN : 0);
    FACTS[cp] = f;
  }
  return (f & IS_HAN) !== 0;
}

function tradAt(cp: number): boolean {
  let f = FACTS[cp]!;
  if (!(f & TRAD_KNOWN)) {
    const ch = String.fromCodePoint(cp);
    f |= TRAD_KNOWN | (cc().toCn.t(ch) !== ch ? IS_TRAD : 0);
    FACTS[cp] = f;
  }
  return (f & IS_TRAD) !== 0;
}

function strongAt(cp: number): boolean {
  if (!(FACTS[cp]! & STRONG_KNOWN)) {
    const strong = tradAt(cp) && !inGb2312(String.fromCodePoint(cp));
    FACTS[cp] = FACTS[cp]! | STRONG_KNOWN | (strong ? IS_STRONG : 0);
  }
  return (FACTS[cp]! & IS_STRONG) !== 0;
}

/** Calls `each(cp)` for every code point of `text` (a lone surrogate is its own code point, as `[...text]`). */
function forEachCodePoint(text: string, each: (cp: number) => void): void {
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = ((cp - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
        i++;
      }
    }
    each(cp);
  }
}

/** True when a character-level Traditional → Simplified conversion changes `ch` (one Han character). */
export function isTraditionalChar(ch: string): boolean {
  const cp = singleCodePoint(ch);
  return cp >= 0 ? tradAt(cp) : cc().toCn.t(ch) !== ch;
}

/**
 * True for characters of GB2312, the 6,763-character set Simplified text is written in: in GBK both
 * bytes of a GB2312 character are ≥ 0xA1. A character that T→S conversion changes but that is in
 * GB2312 (乾, 著, 於, 後, 麽, 拚) also occurs in ordinary Simplified text (乾坤, 著作); one outside it
 * (濕, 業, 發, 裡) does not.
 */
export function inGb2312(ch: string): boolean {
  const b = iconv.encode(ch, 'gbk');
  return b.length === 2 && b[0]! >= 0xa1 && b[1]! >= 0xa1;
}

/** A character only Traditional text has: T→S conversion changes it and it is not in GB2312. */
export function isStrongTraditionalChar(ch: string): boolean {
  const cp = singleCodePoint(ch);
  return cp >= 0 ? strongAt(cp) : isTraditionalChar(ch) && !inGb2312(ch);
}

/**
 * Han characters, how many of them a Traditional → Simplified conversion would change, and how many of
 * those are strong evidence (outside GB2312).
 */
export interface ScriptStats { han: number; changed: number; strong: number }

export function scriptStats(text: string): ScriptStats {
  let han = 0;
  let changed = 0;
  let strong = 0;
  // The code-point walk of forEachCodePoint written out, with the three answers read from FACTS at once when
  // known: a closure call and three lookups per character made this 0.17 s of normalize on the 50 MB benchmark.
  const ALL = HAN_KNOWN | TRAD_KNOWN | STRONG_KNOWN;
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = ((cp - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
        i++;
      }
    }
    let f = FACTS[cp]!;
    if ((f & ALL) !== ALL) {
      if (!hanAt(cp)) continue;
      tradAt(cp);
      strongAt(cp);
      f = FACTS[cp]!;
    }
    if (!(f & IS_HAN)) continue;
    han++;
    if (f & IS_TRAD) {
      changed++;
      if (f & IS_STRONG) strong++;
    }
  }
  return { han, changed, strong };
}

export function addStats(a: ScriptStats, b: ScriptStats): ScriptStats {
  return { han: a.han + b.han, changed: a.changed + b.changed, strong: a.strong + b.strong };
}

export function share(s: ScriptStats): number {
  return s.han === 0 ? 0 : s.changed / s.han;
}

/** Thresholds of the decision; the defaults live in the normalize stage's config. */
export interface ScriptThresholds {
  /** A text is Traditional when at least this share of its Han characters would change… */
  hantShare: number;
  /** …and at least this many of them are outside GB2312 (乾 or 著 in a Simplified title is no evidence,
   * one 濕 in 潮濕灶台 is). */
  hantMinStrong: number;
  /** A text is confidently Simplified when it has at least this many Han characters… */
  hansMinHan: number;
  /** …and at most this share of them are Traditional-only (outside GB2312; 乾 does not count). */
  hansMaxShare: number;
}

/** Evidence a text gives on its own: `Hant`, `Hans`, or `unsure` (too short, or in between). */
export function textEvidence(s: ScriptStats, t: ScriptThresholds): 'Hant' | 'Hans' | 'unsure' {
  if (s.strong >= t.hantMinStrong && share(s) >= t.hantShare) return 'Hant';
  if (s.han >= t.hansMinHan && s.strong / s.han <= t.hansMaxShare) return 'Hans';
  return 'unsure';
}

/**
 * Which OpenCC source variant fits Traditional text best. Characters whose Taiwan form differs from
 * OpenCC's reference form (裡 for 裏, 啟 for 啓, 群 for 羣, the particle 著 for 着) vote `tw`; those whose
 * Hong Kong form differs (説, 衞, 蛻) vote `hk`; forms both regions share (為, 眾) vote for neither. A tie
 * or no vote keeps `t`, OpenCC's reference Traditional, which converts shared forms as well as either.
 * Why it matters: `tw → cn` first maps Taiwan forms to reference forms, so the particle 著 (威脅著, what
 * Simplified→Taiwan converters write for 着) comes back as 着, which `t → cn` leaves as 著 (OpenCC's own
 * cases: tw2s 32/32 with `tw`, 29/32 with `t`). Only called on text already detected as Traditional.
 */
export function detectVariant(text: string): Variant {
  let tw = 0;
  let hk = 0;
  forEachCodePoint(text, (cp) => {
    if (!hanAt(cp)) return;
    let v = VARIANT[cp]!;
    if (v === 0) {
      const c = String.fromCodePoint(cp);
      const inTw = cc().twToT(c) !== c;
      const inHk = cc().hkToT(c) !== c;
      v = inTw && !inHk ? 2 : inHk && !inTw ? 3 : 1;
      VARIANT[cp] = v;
    }
    if (v === 2) tw++;
    else if (v === 3) hk++;
  });
  return tw > hk ? 'tw' : hk > tw ? 'hk' : 't';
}

/** Convert Traditional text to mainland Simplified with OpenCC (`variant → cn`). Only call on Traditional text. */
export function toSimplified(text: string, variant: Variant): string {
  return cc().toCn[variant](text);
}
