/**
 * normalize: one script (Simplified), repaired converter damage, one punctuation and spacing style.
 *
 * Applied to the title, subtitle and every paragraph of a document, in this order:
 *  1. NFC, full-width letters/digits → half-width, invisible and control characters out;
 *  2. stray HTML (entities decoded, tags and mangled end tags removed), converter pinyin `務(wù)` removed;
 *  3. Traditional → Simplified with OpenCC (opencc-js's tables and conversion, lib/opencc.ts), only for text
 *     detected as Traditional;
 *  4. redaction masks → one token (`█`), counted in `n_masks`;
 *  5. ASCII punctuation between Chinese characters → full-width; spacing (invisible spaces, spaces
 *     between Chinese characters, runs, ends).
 * The rounds repeat until nothing changes (normally 1–2), which makes the stage idempotent.
 * Everything a step deletes or rewrites away is returned as a Removal, so the ledger balances.
 */
import { lazy } from '../lib/lazy.js';
import { defineStage, countChars } from '../lib/stage.js';
import { isSpaceUnit } from '../lib/unicode.js';
import type { Doc, Removal, Script } from '../lib/types.js';
import {
  detectVariant, scriptStats, addStats, textEvidence, toSimplified, isTraditionalChar, isStrongTraditionalChar,
  type ScriptStats, type ScriptThresholds, type Variant, warmScript,
} from '../lib/script.js';
import { INVISIBLE, SPACE_RUN } from '../rules/normalize-invisible.js';
import {
  ENTITY, HTML_RULES, NAMED_ENTITIES, PINYIN_ANNOTATION, PINYIN_MANGLED, PINYIN_SYLLABLE, PINYIN_SYLLABLE_SHAPE,
} from '../rules/normalize-damage.js';
import {
  ASCII_TO_FULLWIDTH, CJK_CONTEXT, CJK_CONTEXT_RE, FULLWIDTH_ALNUM, FULLWIDTH_NUMBER_MARKS, HAN_PAREN_GROUP,
} from '../rules/normalize-punctuation.js';
import { MASK_RULES, MASK_TOKEN } from '../rules/normalize-masks.js';
import { JAPANESE_MIN_KANA, JAPANESE_MIN_SHARE, KANA } from '../rules/language.js';

const pinyinPro = lazy<typeof import('pinyin-pro')>('pinyin-pro');

export interface NormalizeConfig extends ScriptThresholds {
  /** Pinyin annotations are converter damage only when a document has at least this many (a genuine
   * pronunciation note such as 朝(zhāo) is a one-off; raw/004 has 88). */
  pinyinMinAnnotations: number;
  /** Upper bound on repeat rounds (each round applies every rule; we stop when nothing changes). */
  maxRounds: number;
}

/** What one unit of text went through: its Removals without location (the stage adds it). */
export type Repair = Pick<Removal, 'rule' | 'chars' | 'text'>;

const EXCERPT = 40;

/** Collects Repairs while a step rewrites text. */
class Repairs {
  list: Repair[] = [];
  /** Record that `from` became `to` under `rule`; only a change in countChars is a Removal. */
  add(rule: string, from: string, to = ''): void {
    const chars = countChars(from) - countChars(to);
    if (chars !== 0) this.list.push({ rule, chars, text: from.slice(0, EXCERPT) });
  }
  /** Record a whole-text rewrite (NFC, script conversion) by its change in countChars. */
  delta(rule: string, before: string, after: string): void {
    const chars = countChars(before) - countChars(after);
    if (chars !== 0) this.list.push({ rule, chars, text: null });
  }
}

// ---- step 1: code points -------------------------------------------------------------------------

/**
 * Every character step 1 rewrites after NFC: full-width letters and digits, `．` `％`, and the INVISIBLE
 * characters. A text without any (most paragraphs) skips the seven replaces; the result is the same.
 */
const STEP1_CHARS = new RegExp(`${FULLWIDTH_ALNUM.source}|[．％]|${INVISIBLE.map((i) => i.pattern.source).join('|')}`, 'u');
/**
 * STEP1_CHARS's answer for each BMP unit, read off the regex itself: every one of its alternatives is one BMP
 * character (tests/rules/normalize-rules.test.ts checks the rule data stays so), so a text has a match exactly when
 * one of its units is flagged. A table read per unit instead of the regex scan, over the 108,591 paragraphs of the
 * 50 MB benchmark (medians of 7): 76 ms with the regex, 51 ms so, in the thread that is pass 1's bottleneck with 2
 * workers. Filled whole on first use (~10 ms; ahead, by the stage's `warm`, in a thread that waits): filling each
 * entry on first sight instead cost a branch per unit, 60 ms, which loses to the fill from ~20 MB of text on.
 */
const STEP1_UNIT = new Uint8Array(0x10000);
let step1Filled = false;
function fillStep1(): void {
  for (let c = 0; c < 0x10000; c++) if (c < 0xd800 || c > 0xdfff) STEP1_UNIT[c] = STEP1_CHARS.test(String.fromCharCode(c)) ? 1 : 0;
  step1Filled = true;
}

/** Whether step 1 has anything to rewrite in `s` (a surrogate, which the table cannot answer for, asks the regex). */
function hasStep1Chars(s: string): boolean {
  if (!step1Filled) fillStep1();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return STEP1_CHARS.test(s);
    if (STEP1_UNIT[c] === 1) return true;
  }
  return false;
}

function codePoints(s: string, r: Repairs): string {
  const nfc = s.normalize('NFC');
  if (nfc !== s) r.delta('unicode_nfc', s, nfc);
  if (!hasStep1Chars(nfc)) return nfc;
  let t = nfc.replace(FULLWIDTH_ALNUM, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  for (const m of FULLWIDTH_NUMBER_MARKS) t = t.replace(m.pattern, m.to);
  for (const inv of INVISIBLE) t = t.replace(inv.pattern, (m) => (r.add(inv.rule, m), ''));
  return t;
}

// ---- step 2: HTML and converter damage -----------------------------------------------------------

function decodeEntity(m: string, dec?: string, hex?: string, name?: string, legacy?: string): string {
  if (dec !== undefined || hex !== undefined) {
    const cp = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex!, 16);
    // Only scalar values that are not controls; anything else stays as written.
    if (cp > 0x1f && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) && !(cp >= 0x7f && cp <= 0x9f)) {
      return String.fromCodePoint(cp);
    }
    return m;
  }
  return NAMED_ENTITIES[(name ?? legacy)!.toLowerCase()] ?? m;
}

function html(s: string, r: Repairs): string {
  let t = s;
  // Every entity has `&`; every HTML rule a `<` or a `/` (the mangled end tag).
  if (!/[&<\/]/.test(t)) return t;
  // Decode until stable: double-escaped `&amp;nbsp;` is common on reposted pages.
  for (let i = 0; i < 4 && t.includes('&'); i++) {
    const next = t.replace(ENTITY, (m: string, dec?: string, hex?: string, name?: string, legacy?: string) => {
      const out = decodeEntity(m, dec, hex, name, legacy);
      if (out !== m) r.add('html_entity', m, out);
      return out;
    });
    if (next === t) break;
    t = next;
  }
  for (const h of HTML_RULES) t = t.replace(h.pattern, (m) => (r.add(h.rule, m), ''));
  // Entities decoded after a tag went are for the next round.
  return t;
}

const readingCache = new Map<string, Set<string>>();

/** Every reading of a Han character (and of its Simplified form), with tone marks, tone numbers, and none. */
function readings(ch: string): Set<string> {
  let set = readingCache.get(ch);
  if (!set) {
    set = new Set();
    const forms = new Set([ch, isTraditionalChar(ch) ? toSimplified(ch, 't') : ch]);
    for (const f of forms) {
      for (const toneType of ['symbol', 'num', 'none'] as const) {
        for (const p of pinyinPro().pinyin(f, { multiple: true, type: 'array', toneType })) set.add(p.replace('v', 'ü'));
      }
    }
    readingCache.set(ch, set);
  }
  return set;
}

/** True when every bracketed syllable after `ch` is one of its readings. */
function isReadingOf(ch: string, brackets: string): boolean {
  const r = readings(ch);
  const syl = [...brackets.matchAll(PINYIN_SYLLABLE)].map((m) => m[1]!);
  return syl.length > 0 && syl.every((s) => r.has(s));
}

/** How many converter-style pinyin annotations a text has (the document-level evidence). */
export function countPinyinAnnotations(s: string): number {
  let n = 0;
  if (!/[(（]/.test(s)) return n;
  for (const m of s.matchAll(PINYIN_ANNOTATION)) if (isReadingOf(m[1]!, m[2]!)) n++;
  return n;
}

const TONE_MARKS = /[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ]/u;

function stripTones(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/gu, '').replace(/u\u0308|v/gu, 'ü');
}

function pinyinDamage(s: string, r: Repairs): string {
  // An annotation needs a bracket; a mangled one a `?` or U+FFFD.
  if (!/[(（?\ufffd]/.test(s)) return s;
  let t = s.replace(PINYIN_ANNOTATION, (m, ch: string, brackets: string) => {
    if (!isReadingOf(ch, brackets)) return m;
    r.add('pinyin_annotation', brackets);
    return ch;
  });
  t = t.replace(PINYIN_MANGLED, (m, syl: string) => {
    if (!TONE_MARKS.test(syl) || !PINYIN_SYLLABLE_SHAPE.test(stripTones(syl))) return m;
    r.add('pinyin_mangled', m);
    return '';
  });
  return t;
}

// ---- step 4: masks -------------------------------------------------------------------------------

/** Every mask rule needs one of these characters. */
const MASK_CHARS = /[*＊Xx×○]/;

function masks(s: string, r: Repairs): string {
  if (!MASK_CHARS.test(s)) return s;
  // A unit made only of stars (and spaces) is a divider line or a bullet, not a redaction.
  if (/^[\s*＊]*$/u.test(s)) return s;
  let t = s;
  for (const m of MASK_RULES) t = t.replace(m.pattern, (x) => (r.add('mask_normalized', x, MASK_TOKEN), MASK_TOKEN));
  return t;
}

// ---- step 5: punctuation and spacing ---------------------------------------------------------------

/** Marks that convert, and that a neighbour search looks through (`好!?` sees 好 and the text end). */
const TRANSPARENT = new Set([',', ';', ':', '?', '!'].map((c) => c.charCodeAt(0)));
const KEYS = new RegExp(`[${Object.keys(ASCII_TO_FULLWIDTH).map((c) => `\\${c}`).join('')}]`, 'g');
const FULL = new Map(Object.entries(ASCII_TO_FULLWIDTH).map(([a, f]) => [a.charCodeAt(0), f.charCodeAt(0)]));

export { isSpaceUnit };

const cjkCache = new Map<number, boolean>();
function isCjkContext(cp: number): boolean {
  let v = cjkCache.get(cp);
  if (v === undefined) {
    v = CJK_CONTEXT_RE.test(String.fromCodePoint(cp));
    cjkCache.set(cp, v);
  }
  return v;
}

/** The code point whose last (dir -1) or first (dir 1) code unit is at j; a lone surrogate is its own. */
function codePointEndingOrStartingAt(t: string, j: number, dir: -1 | 1): number {
  const c = t.charCodeAt(j);
  if (dir === -1 && c >= 0xdc00 && c <= 0xdfff && j > 0) {
    const hi = t.charCodeAt(j - 1);
    if (hi >= 0xd800 && hi <= 0xdbff) return ((hi - 0xd800) << 10) + (c - 0xdc00) + 0x10000;
  }
  if (dir === 1 && c >= 0xd800 && c <= 0xdbff && j + 1 < t.length) {
    const lo = t.charCodeAt(j + 1);
    if (lo >= 0xdc00 && lo <= 0xdfff) return ((c - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
  }
  return c;
}

/**
 * Single marks: full-width when both sides are Chinese context. A text end counts as Chinese when the other
 * side is (`什么是担当?` → `？`, a leading `:“…` → `：`). The neighbour of a mark is the nearest character that
 * is neither a space nor a convertible mark still in ASCII, so runs of marks look through each other
 * (`好!?` → `好！？`). Marks are decided left to right (a converted mark is Chinese context for the next one),
 * in passes until one changes nothing, since a converted `）` is Chinese context for a mark before it.
 *
 * Linear in the text: every conversion keeps the length (one UTF-16 unit for one), so a pass visits only the
 * marks, and each mark's nearest non-space character outside the marks is found once.
 */
export function punctuation(s: string): string {
  const t = s.includes('(') ? s.replace(HAN_PAREN_GROUP, '（$1）') : s;
  const pos: number[] = [];
  for (const m of t.matchAll(KEYS)) pos.push(m.index);
  if (pos.length === 0) return t;
  const m = pos.length;
  const code = pos.map((p) => t.charCodeAt(p));
  // The nearest non-space code point between a mark and the previous / next mark (or text end), or -1.
  const gapPrev = new Array<number>(m);
  const gapNext = new Array<number>(m);
  for (let k = 0; k < m; k++) {
    let g = -1;
    for (let j = pos[k]! - 1; j > (k > 0 ? pos[k - 1]! : -1); j--) {
      if (!isSpaceUnit(t.charCodeAt(j))) { g = codePointEndingOrStartingAt(t, j, -1); break; }
    }
    gapPrev[k] = g;
    g = -1;
    for (let j = pos[k]! + 1; j < (k + 1 < m ? pos[k + 1]! : t.length); j++) {
      if (!isSpaceUnit(t.charCodeAt(j))) { g = codePointEndingOrStartingAt(t, j, 1); break; }
    }
    gapNext[k] = g;
  }
  const next = new Array<number>(m);
  let any = false;
  for (let changed = true; changed;) {
    changed = false;
    // Next neighbours from the state at the start of the pass (marks to the right are not decided yet).
    for (let k = m - 1; k >= 0; k--) {
      if (gapNext[k] !== -1) next[k] = gapNext[k]!;
      else if (k + 1 === m) next[k] = -1;
      else next[k] = TRANSPARENT.has(code[k + 1]!) ? next[k + 1]! : code[k + 1]!;
    }
    let prev = -1;
    for (let k = 0; k < m; k++) {
      // Previous neighbour from the current state (marks to the left are decided in this pass).
      if (gapPrev[k] !== -1) prev = gapPrev[k]!;
      else if (k > 0 && !TRANSPARENT.has(code[k - 1]!)) prev = code[k - 1]!;
      else if (k === 0) prev = -1;
      const full = FULL.get(code[k]!);
      if (full === undefined) continue;
      const p = prev !== -1 && isCjkContext(prev);
      const n = next[k] !== -1 && isCjkContext(next[k]!);
      if ((p && (n || next[k] === -1)) || (n && prev === -1)) {
        code[k] = full;
        changed = true;
        any = true;
      }
    }
  }
  if (!any) return t;
  let out = '';
  let at = 0;
  for (let k = 0; k < m; k++) {
    if (code[k] === t.charCodeAt(pos[k]!)) continue;
    out += t.slice(at, pos[k]) + String.fromCharCode(code[k]!);
    at = pos[k]! + 1;
  }
  return out + t.slice(at);
}

const BETWEEN_CJK_SPACE = new RegExp(`(?<=[${CJK_CONTEXT}]) +(?=[${CJK_CONTEXT}])`, 'gu');

const SPACE_CHAR = new RegExp(SPACE_RUN.source, 'u');

function spacing(s: string): string {
  if (!SPACE_CHAR.test(s)) return s.trim();
  return s.replace(SPACE_RUN, ' ').replace(BETWEEN_CJK_SPACE, '').trim();
}

// ---- one round over a document's units -----------------------------------------------------------

export interface UnitPlan {
  /** Convert this unit from this OpenCC variant to Simplified (first round only), or leave its script. */
  convert: Variant | null;
  /**
   * A unit left in its script that still holds Traditional-only characters (outside GB2312: `会議` in Simplified
   * text, issue 21): each of them is converted on its own (first round only), nothing else in the unit changes.
   */
  residual: boolean;
}

/** Steps 3–5 of one round on one unit (after steps 1–2); `fixPinyin` is the document's pinyin decision. */
function roundUnit(u: string, fixPinyin: boolean, convert: Variant | null, r: Repairs, residual = false): string {
  let t = fixPinyin ? pinyinDamage(u, r) : u;
  if (convert) {
    const conv = toSimplified(t, convert);
    r.delta('script_conversion', t, conv);
    t = conv;
  } else if (residual) {
    const conv = residualTraditional(t);
    r.delta('residual_traditional', t, conv);
    t = conv;
  }
  return spacing(punctuation(masks(t, r)));
}

/**
 * Each Traditional-only character (outside GB2312, so never a Simplified character: rules of lib/script.ts) of a
 * Simplified unit converted on its own by OpenCC's Traditional → Simplified character table; a character whose
 * conversion is not one character stays. Characters in GB2312 (乾, 著, 後…) are never touched.
 */
function residualTraditional(t: string): string {
  let out = '';
  for (const ch of t) {
    if (!isStrongTraditionalChar(ch)) { out += ch; continue; }
    const s = toSimplified(ch, 't');
    out += s.length > 0 && [...s].length === 1 ? s : ch;
  }
  return out;
}

export interface NormalizedUnits {
  units: string[];
  repairs: Repair[][];
  script: Script;
  variant: Variant | null;
  rounds: number;
}

/**
 * Decide, for each unit, whether it is converted, and the document's original script.
 *
 * This function and normalizeUnits are written as loops over arrays made the same way on every call, instead of
 * chains of `map`/`filter`/`every`: each array shape a call site had not seen yet made V8 throw away the stage's
 * optimised code and compile it again. In a thread's first pass over the 50 MB benchmark (pipeline/bench/warmup.ts
 * under `--trace-opt --trace-deopt`) the stages' `process` functions went from 13–14 compilations to 8 and
 * planScript from 5 to 1; the pass from ~550 compilations and ~107 deopts to ~480 and ~85.
 */
export function planScript(units: string[], cfg: ScriptThresholds): { plans: UnitPlan[]; script: Script; variant: Variant | null } {
  const n = units.length;
  const stats: ScriptStats[] = new Array(n);
  let total: ScriptStats = { han: 0, changed: 0, strong: 0 };
  for (let i = 0; i < n; i++) total = addStats(total, (stats[i] = scriptStats(units[i]!)));
  const docEvidence = textEvidence(total, cfg);
  // A Traditional document converts every unit except those that are confidently Simplified on their
  // own (a quoted Simplified passage); a Simplified or undecided document converts only the units that
  // are confidently Traditional on their own. Short units follow their document.
  const convert = new Uint8Array(n);
  const converted: string[] = [];
  let nConverted = 0;
  let nHan = 0;
  for (let i = 0; i < n; i++) {
    const e = textEvidence(stats[i]!, cfg);
    if (docEvidence === 'Hant' ? e !== 'Hans' : e === 'Hant') {
      convert[i] = 1;
      converted.push(units[i]!);
    }
    if (stats[i]!.han > 0) {
      nHan++;
      nConverted += convert[i]!;
    }
  }
  const script: Script = nConverted === 0 ? 'Hans' : nConverted === nHan ? 'Hant' : 'mixed';
  const variant = nConverted === 0 ? null : detectVariant(converted.join('\n'));
  const plans: UnitPlan[] = new Array(n);
  for (let i = 0; i < n; i++) plans[i] = { convert: convert[i] ? variant : null, residual: !convert[i] && stats[i]!.strong > 0 };
  return { plans, script, variant };
}

/**
 * Normalize the text units of one document (title, subtitle, paragraphs) together: script detection
 * and the pinyin evidence are per document. Pure; repeats rounds until the text is stable.
 */
export function normalizeUnits(units: string[], cfg: NormalizeConfig): NormalizedUnits {
  const n = units.length;
  const repairs: Repairs[] = new Array(n);
  for (let i = 0; i < n; i++) repairs[i] = new Repairs();
  const steps12 = (u: string, i: number) => html(codePoints(u, repairs[i]!), repairs[i]!);
  // Script is decided on the text after step 1–2 of the first round (entities may hide Han characters).
  const pre: string[] = new Array(n);
  for (let i = 0; i < n; i++) pre[i] = steps12(units[i]!, i);
  const { plans, script, variant } = planScript(pre, cfg);
  const annotations = new Int32Array(n);
  let found = 0;
  for (let i = 0; i < n; i++) found += annotations[i] = countPinyinAnnotations(pre[i]!);
  let fixPinyin = found >= cfg.pinyinMinAnnotations;
  // A unit is settled when a round (without script conversion) changed nothing in it, steps 1–2 included: the
  // next round computes the same string from the same string, with no Repairs, unless the document's pinyin
  // decision changes. Settled units are passed through instead: 63% of the units of the 50 MB benchmark after
  // the first round (every document takes two rounds), ~8% of the stage's CPU.
  let cur: string[] = new Array(n);
  const settled = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    cur[i] = roundUnit(pre[i]!, fixPinyin, plans[i]!.convert, repairs[i]!, plans[i]!.residual);
    settled[i] = plans[i]!.convert === null && cur[i] === pre[i] && pre[i] === units[i] ? 1 : 0;
  }
  let rounds = 1;
  const a: string[] = new Array(n);
  while (rounds < cfg.maxRounds) {
    found = 0;
    for (let i = 0; i < n; i++) {
      a[i] = settled[i] ? cur[i]! : steps12(cur[i]!, i);
      if (!settled[i]) annotations[i] = countPinyinAnnotations(a[i]!);
      found += annotations[i]!;
    }
    const fix = found >= cfg.pinyinMinAnnotations;
    const next: string[] = new Array(n);
    let same = true;
    for (let i = 0; i < n; i++) {
      next[i] = settled[i] && fix === fixPinyin ? a[i]! : roundUnit(a[i]!, fix, null, repairs[i]!);
      if (next[i] !== cur[i]) same = false;
      settled[i] = next[i] === a[i] && a[i] === cur[i] ? 1 : 0;
    }
    rounds++;
    fixPinyin = fix;
    cur = next;
    if (same) break;
  }
  const lists: Repair[][] = new Array(n);
  for (let i = 0; i < n; i++) lists[i] = repairs[i]!.list;
  return { units: cur, repairs: lists, script, variant, rounds };
}

/** Normalize one standalone text (a document of one unit). */
export function normalizeText(text: string, cfg: NormalizeConfig = normalize.defaults): { text: string; repairs: Repair[]; script: Script } {
  const r = normalizeUnits([text], cfg);
  return { text: r.units[0]!, repairs: r.repairs[0]!, script: r.script };
}

const MASK_COUNT = new RegExp(MASK_TOKEN, 'gu');
const HAN_CHAR = /\p{Script=Han}/gu;

/** A detail when the document is Japanese (rules/language.ts: enough kana among kana + Han), else null. */
export function japanese(units: readonly string[]): string | null {
  let kana = 0;
  for (const u of units) kana += u.match(KANA)?.length ?? 0;
  if (kana < JAPANESE_MIN_KANA) return null;
  let han = 0;
  for (const u of units) han += u.match(HAN_CHAR)?.length ?? 0;
  const share = kana / (kana + han);
  return share >= JAPANESE_MIN_SHARE ? `${kana} kana, ${(share * 100).toFixed(0)}% of kana + Han (Japanese)` : null;
}

export const normalize = defineStage<Doc, Doc, NormalizeConfig>({
  name: 'normalize',
  kind: 'map',
  keepsIds: true,
  describe: 'converts Traditional to Simplified, repairs converter damage, normalises punctuation, spacing and masks',
  defaults: {
    // Measured on raw/: Simplified seeds 0.000 (at most 3 changed characters: 乾, 拚, all in GB2312,
    // so 0 strong), the Traditional seed 0.284. 5% with one character outside GB2312 separates them
    // with a wide margin and still catches short Traditional strings (潮濕灶台: 1 of 4).
    hantShare: 0.05,
    hantMinStrong: 1,
    // A paragraph of 20+ Han characters with at most 1% Traditional-only characters (outside GB2312)
    // is Simplified even inside a Traditional document, and is left as it is.
    hansMinHan: 20,
    hansMaxShare: 0.01,
    pinyinMinAnnotations: 3,
    maxRounds: 4,
  },
  // The script converters (~30 ms) and step 1's table (~10 ms), which the first document would build.
  warm: () => {
    warmScript();
    if (!step1Filled) fillStep1();
  },
  process(doc, cfg) {
    const hasTitle = doc.title !== null;
    const hasSub = doc.subtitle !== null;
    const units = [...(hasTitle ? [doc.title!] : []), ...(hasSub ? [doc.subtitle!] : []), ...doc.paragraphs];
    const ja = japanese(units);
    if (ja) return { out: [], removed: [], counts: { japanese: 1 }, dropped: { reason: 'japanese', detail: ja } };
    const res = normalizeUnits(units, cfg);
    const first = (hasTitle ? 1 : 0) + (hasSub ? 1 : 0);
    const removed: Removal[] = [];
    res.repairs.forEach((list, u) => {
      const p = u - first;
      for (const r of list) {
        // Written out rather than `{ ...r, … }` (same key order): 250,000 Removals on the 50 MB benchmark.
        removed.push({ rule: r.rule, chars: r.chars, text: r.text, paragraph: p >= 0 ? p : null, line: p >= 0 ? doc.para_lines[p] ?? null : null });
      }
    });
    const out = res.units;
    const title = hasTitle ? out[0] || null : null;
    const subtitle = hasSub ? out[hasTitle ? 1 : 0] || null : null;
    // A paragraph that was only HTML or invisible characters is gone; its line goes with it.
    const paragraphs: string[] = [];
    const paraLines: number[] = [];
    out.slice(first).forEach((p, i) => {
      if (p) { paragraphs.push(p); paraLines.push(doc.para_lines[i]!); }
    });
    const counts: Record<string, number> = {};
    for (const r of removed) counts[r.rule] = (counts[r.rule] ?? 0) + 1;
    if (res.variant) counts[`converted_${res.variant}`] = 1;
    if (paragraphs.length === 0) {
      return { out: [], removed, counts, dropped: { reason: 'empty_after_normalize' } };
    }
    let n_masks = 0;
    for (const s of [title, subtitle, ...paragraphs]) if (s?.includes(MASK_TOKEN)) n_masks += s.match(MASK_COUNT)!.length;
    return {
      out: [{
        ...doc, title, subtitle, paragraphs, para_lines: paraLines, n_masks,
        // Already normalized (a re-run): the original script was decided on the original text.
        script_original: doc.script_original ?? res.script,
      }],
      removed,
      counts,
    };
  },
});
