/**
 * Sentence and word units for the `n_sentences` / `n_words` columns.
 *
 * Words are counted with jieba (default dictionary, HMM off; pipeline/lib/jieba.ts is `@node-rs/jieba`'s cut
 * written out so that counting builds no tokens), not `Intl.Segmenter('zh')`. Measured on the five seed files
 * (0.166 MB, Node 20, one core) with the binding: jieba 9–10 MB/s, Intl.Segmenter 0.3 MB/s (about 30× slower).
 * On 8 hand-segmented sentences from the seeds (tests/lib/text.test.ts), word-boundary F1 is 0.89 for jieba
 * (HMM off), 0.88 (HMM on), 0.73 for Intl.Segmenter: ICU's dictionary falls back to single characters on this
 * domain's words (`脱|贫|攻|坚|战|收|官` for jieba's `脱贫|攻坚战|收官`, `疫|情`, `操作|员`). HMM is off: its
 * guesses merged across words (`工作中要有` → `中要`) and it was not better overall. Numbers (`3.5`, `10:03`)
 * and Latin words count as one word each; punctuation and spaces are not words.
 */
import { cutRanges } from './jieba.js';

/**
 * Per UTF-16 unit: 1 = sentence-closing mark (。！？； and their ASCII forms), 2 = a closer that stays with the
 * sentence it follows (closing quotes and brackets). `…` runs and `...` are handled apart. A table rather than a
 * Set of one-character strings: `paragraph[i]` allocates a string for every unit outside Latin-1, and counting
 * the sentences of the 50 MB benchmark's published text took 0.44–0.59 s that way, 0.10 s this way.
 */
const MARK = new Uint8Array(0x10000);
for (const c of '。！？；!?;') MARK[c.charCodeAt(0)] = 1;
for (const c of '”’"\'」』）)]】》〉') MARK[c.charCodeAt(0)] = 2;
const ELLIPSIS = 0x2026; // …
const DOT = 0x2e;

/**
 * Split a paragraph into sentences after Chinese closing punctuation (。！？； …… and their ASCII forms), keeping
 * closing quotes with their sentence (`他说：“好。”` is one sentence). `.` and `:` never split, so `3.5` and
 * `10:03` stay inside their sentence. A trailing piece without closing punctuation is a sentence too.
 */
export function splitSentences(paragraph: string): string[] {
  const out: string[] = [];
  sentences(paragraph, (from, to) => {
    const t = paragraph.slice(from, to).trim();
    if (t) out.push(t);
  });
  return out;
}

/** How many sentences splitSentences finds, without building them. */
export function countSentences(paragraph: string): number {
  let n = 0;
  sentences(paragraph, (from, to) => {
    for (let i = from; i < to; i++) {
      if (!isSpaceUnit(paragraph.charCodeAt(i))) { n++; return; }
    }
  });
  return n;
}

/**
 * Calls `each(from, to)` for every piece of `paragraph` (UTF-16 offsets) that splitSentences trims and keeps
 * when not blank. Every mark it looks for is one UTF-16 unit, so it scans units, not code points.
 */
function sentences(paragraph: string, each: (from: number, to: number) => void): void {
  const n = paragraph.length;
  const at = (j: number) => (j < n ? paragraph.charCodeAt(j) : -1);
  let start = 0;
  let i = 0;
  while (i < n) {
    const c = paragraph.charCodeAt(i);
    const ellipsis = c === ELLIPSIS || (c === DOT && at(i + 1) === DOT && at(i + 2) === DOT);
    if (MARK[c] !== 1 && !ellipsis) { i++; continue; }
    // Consume the whole run of closing marks (`？！`, `……`, `...`) and the closers after it.
    for (let d = c; i < n && (MARK[d = paragraph.charCodeAt(i)] === 1 || d === ELLIPSIS || (ellipsis && d === DOT));) i++;
    while (i < n && MARK[paragraph.charCodeAt(i)] === 2) i++;
    each(start, i);
    start = i;
  }
  each(start, n);
}

import { isSpaceUnit, countCodePoints } from './unicode.js';

export { isSpaceUnit, countCodePoints };

/**
 * Tokens kept whole, outside jieba: a number with its decimal point, time colon or thousands commas (`3.5`,
 * `10:03`, `1,200`: `[0-9０-９]+(?:[.．:：,][0-9０-９]+)*`), and a Latin word with its diacritics (`wù`, which jieba
 * would cut into `w|ù`: `\p{Script=Latin}+(?:['’-]\p{Script=Latin}+)*`). A word is a token with at least one
 * letter or digit (`[\p{L}\p{N}]`; Han characters are letters); punctuation and spaces are not words.
 *
 * These are scanned by code unit with a class table instead of a `matchAll` and a regex test per jieba token,
 * and a gap without any letter or digit is not handed to jieba at all. On the 42 MB of published text of the
 * 50 MB benchmark that saved 4–15% of countWords when jieba was the native binding (interleaved A/B runs).
 */
const KNOWN = 1, DIGIT = 2, NUM_SEP = 4, LATIN = 8, LATIN_JOIN = 16, WORD = 32, PAIR = 64;
/** Class bits of each BMP unit (a lone surrogate included), looked up with the regexes on first sight. */
const UNIT_CLASS = new Uint8Array(0x10000);
/** Class bits of each code point above the BMP seen so far. */
const ASTRAL_CLASS = new Map<number, number>();

function classify(ch: string): number {
  return KNOWN
    | (/^[0-9０-９]$/u.test(ch) ? DIGIT : 0)
    | (/^[.．:：,]$/u.test(ch) ? NUM_SEP : 0)
    | (/^\p{Script=Latin}$/u.test(ch) ? LATIN : 0)
    | (/^['’-]$/u.test(ch) ? LATIN_JOIN : 0)
    | (/^[\p{L}\p{N}]$/u.test(ch) ? WORD : 0);
}

function unitClass(c: number): number {
  let k = UNIT_CLASS[c]!;
  if (k === 0) UNIT_CLASS[c] = k = classify(String.fromCharCode(c));
  return k;
}

/** Class bits of the code point starting at `i` (< s.length), with PAIR when it is a surrogate pair. */
function classAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const lo = s.charCodeAt(i + 1);
    if (lo >= 0xdc00 && lo <= 0xdfff) {
      const cp = ((c - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
      let k = ASTRAL_CLASS.get(cp);
      if (k === undefined) ASTRAL_CLASS.set(cp, k = classify(String.fromCodePoint(cp)));
      return k | PAIR;
    }
  }
  return unitClass(c);
}

/** End of the number token starting at `i` (a digit). Digits and separators are single BMP units. */
function numberEnd(s: string, i: number): number {
  const n = s.length;
  let j = i;
  while (j < n && unitClass(s.charCodeAt(j)) & DIGIT) j++;
  while (j + 1 < n && unitClass(s.charCodeAt(j)) & NUM_SEP && unitClass(s.charCodeAt(j + 1)) & DIGIT) {
    j += 2;
    while (j < n && unitClass(s.charCodeAt(j)) & DIGIT) j++;
  }
  return j;
}

/** End of the run of Latin code points starting at `i`. */
function latinRun(s: string, i: number): number {
  let j = i;
  for (let k: number; j < s.length && (k = classAt(s, j)) & LATIN;) j += k & PAIR ? 2 : 1;
  return j;
}

/** End of the Latin word token starting at `i` (a Latin code point). */
function latinEnd(s: string, i: number): number {
  let j = latinRun(s, i);
  while (j + 1 < s.length && unitClass(s.charCodeAt(j)) & LATIN_JOIN && classAt(s, j + 1) & LATIN) j = latinRun(s, j + 1);
  return j;
}

/**
 * Walks `text` once, left to right like `matchAll` of the tokens kept whole: calls `whole(from, to)` for each
 * of them and `gap(from, to)` for the text between them, but only for a gap with a letter or digit in it (any
 * other gap is punctuation and spaces, where jieba finds no word).
 */
function scan(text: string, whole: (from: number, to: number) => void, gap: (from: number, to: number) => void): void {
  const n = text.length;
  let at = 0;
  let i = 0;
  let letters = false;
  while (i < n) {
    const k = classAt(text, i);
    const end = k & DIGIT ? numberEnd(text, i) : k & LATIN ? latinEnd(text, i) : -1;
    if (end < 0) {
      if (k & WORD) letters = true;
      i += k & PAIR ? 2 : 1;
      continue;
    }
    if (letters) gap(at, i);
    whole(i, end);
    at = i = end;
    letters = false;
  }
  if (letters) gap(at, n);
}

/** True when the token `s[from, to)` has a letter or digit. */
function isWord(s: string, from: number, to: number): boolean {
  for (let i = from; i < to;) {
    const k = classAt(s, i);
    if (k & WORD) return true;
    i += k & PAIR ? 2 : 1;
  }
  return false;
}

/** The words of `text` as jieba cuts them (HMM off), numbers whole, punctuation and spaces left out. */
export function words(text: string): string[] {
  const out: string[] = [];
  const push = (from: number, to: number) => { out.push(text.slice(from, to)); };
  scan(text, push, (from, to) => cutRanges(text, (a, b) => { if (isWord(text, a, b)) push(a, b); }, from, to));
  return out;
}

/** Count words with jieba (see the module comment for why not Intl.Segmenter); builds no word list. */
export function countWords(text: string): number {
  let n = 0;
  const inc = () => { n++; };
  const token = (a: number, b: number) => { if (isWord(text, a, b)) n++; };
  scan(text, inc, (from, to) => cutRanges(text, token, from, to));
  return n;
}
