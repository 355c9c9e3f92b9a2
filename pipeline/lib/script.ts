/**
 * Script detection and Traditional → Simplified conversion (opencc-js), shared by normalize and dedupe.
 *
 * Detection measures the share of Han characters that a character-level Traditional → Simplified
 * conversion would change. Conversion is applied only to text detected as Traditional: OpenCC
 * mis-converts some Simplified input (乾安 → 干安, BYVoid/OpenCC issue #1154), so Simplified text must
 * never go through it.
 */
import * as OpenCC from 'opencc-js';
import iconv from 'iconv-lite';

/** The OpenCC source variants we convert from (target is always `cn`, mainland Simplified). */
export type Variant = 't' | 'tw' | 'hk';

// Converters are built once per process: building one parses OpenCC's dictionaries (~50 ms each).
const toCn: Record<Variant, (s: string) => string> = {
  t: OpenCC.Converter({ from: 't', to: 'cn' }),
  tw: OpenCC.Converter({ from: 'tw', to: 'cn' }),
  hk: OpenCC.Converter({ from: 'hk', to: 'cn' }),
};
// Variant probes: `tw → t` and `hk → t` change exactly the characters whose Taiwan / Hong Kong standard
// form differs from OpenCC's reference Traditional form (裡/裏, 説/說, 啟/啓, 麵/麪, 着/著…).
const twToT = OpenCC.Converter({ from: 'tw', to: 't' });
const hkToT = OpenCC.Converter({ from: 'hk', to: 't' });

const HAN = /\p{Script=Han}/u;
const HAN_G = /\p{Script=Han}/gu;

// Per-character answers are cached: the same few thousand characters recur in every document.
const changesCache = new Map<string, boolean>();
const variantCache = new Map<string, 'tw' | 'hk' | null>();

/** True when a character-level Traditional → Simplified conversion changes `ch` (one Han character). */
export function isTraditionalChar(ch: string): boolean {
  let v = changesCache.get(ch);
  if (v === undefined) {
    v = toCn.t(ch) !== ch;
    changesCache.set(ch, v);
  }
  return v;
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

const strongCache = new Map<string, boolean>();

/** A character only Traditional text has: T→S conversion changes it and it is not in GB2312. */
export function isStrongTraditionalChar(ch: string): boolean {
  let v = strongCache.get(ch);
  if (v === undefined) {
    v = isTraditionalChar(ch) && !inGb2312(ch);
    strongCache.set(ch, v);
  }
  return v;
}

export function isHan(ch: string): boolean {
  return HAN.test(ch);
}

/**
 * Han characters, how many of them a Traditional → Simplified conversion would change, and how many of
 * those are strong evidence (outside GB2312).
 */
export interface ScriptStats { han: number; changed: number; strong: number }

export function scriptStats(text: string): ScriptStats {
  const han = text.match(HAN_G) ?? [];
  let changed = 0;
  let strong = 0;
  for (const c of han) {
    if (isTraditionalChar(c)) {
      changed++;
      if (isStrongTraditionalChar(c)) strong++;
    }
  }
  return { han: han.length, changed, strong };
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
  for (const c of text.match(HAN_G) ?? []) {
    let v = variantCache.get(c);
    if (v === undefined) {
      const inTw = twToT(c) !== c;
      const inHk = hkToT(c) !== c;
      v = inTw && !inHk ? 'tw' : inHk && !inTw ? 'hk' : null;
      variantCache.set(c, v);
    }
    if (v === 'tw') tw++;
    else if (v === 'hk') hk++;
  }
  return tw > hk ? 'tw' : hk > tw ? 'hk' : 't';
}

/** Convert Traditional text to mainland Simplified with OpenCC (`variant → cn`). Only call on Traditional text. */
export function toSimplified(text: string, variant: Variant): string {
  return toCn[variant](text);
}
