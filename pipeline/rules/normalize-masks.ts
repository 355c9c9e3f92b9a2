/**
 * Redaction masks (normalize step 5). Sources hide names, places and numbers with `*`, `**`, `***`,
 * `XX`, `××`, `○○` (seen in the seeds: 在**右玉, 全省有**个市, 医院*所). Every mask is rewritten as the
 * single token MASK_TOKEN and counted per document (`n_masks`).
 *
 * MASK_TOKEN is U+2588 FULL BLOCK `█`, the conventional redaction bar: one code point (so a mask never
 * adds characters to the ledger; `***` → `█` is a `mask_normalized` Removal of 2), never used in the
 * prose we collect (unlike ＊ or ■, which appear as bullets), plain text in UTF-8 CSV (no quoting, no
 * escaping), and not a word character for segmenters. A `█` already in the source counts as a mask.
 */
export const MASK_TOKEN = '\u2588';

/** Characters that may sit next to a mask in Chinese text (Han, CJK punctuation, digits, quotes, brackets). */
const NEAR = '\\p{Script=Han}\\u3001-\\u303f\\uff01-\\uff65\\u2018-\\u201d\\u2014\\u2026\\u25cb\\u00d70-9()\\u2588';

export interface MaskRule {
  /** What it matches and why. */
  what: string;
  pattern: RegExp;
}

export const MASK_RULES: MaskRule[] = [
  {
    // Two or more asterisks (ASCII or full-width ＊) with a Chinese/number neighbour on at least one
    // side and no Latin letter or code-like symbol on either side: 在**右玉, **年代, (1)**，, 有***所.
    // Not: `a**b`, `**kwargs`, `/** comment`, bullet `** ` at the start, a divider line of stars
    // (a unit that is only stars is left alone by the stage).
    what: 'runs of two or more asterisks in Chinese context',
    pattern: new RegExp(
      `(?<![A-Za-z/\\\\=_^~&*＊])(?:(?<=[${NEAR}])[*＊]{2,}|[*＊]{2,}(?=[${NEAR}]))(?![A-Za-z/\\\\=_^~&*＊])`,
      'gu',
    ),
  },
  {
    // A single asterisk between a Chinese character, CJK punctuation or a digit and a Han character:
    // 建成县级三级综合医院*所. Not a footnote mark (`观点*。`, `数据*` at the end) nor `3*4`.
    what: 'a single asterisk before a Han character',
    pattern: /(?<=[\p{Script=Han}\u3001-\u303f\uff01-\uff65\u201c\u201d0-9])[*＊](?=\p{Script=Han})/gu,
  },
  {
    // `XX`, `XXX`, `xx` (after full-width → half-width) standing for a name or number: XX同志, 20XX年.
    // Not inside Latin words (`XXL`, `maxx`) and not in Latin context (`Super Bowl XX和…`: no Latin
    // letter on either side, even across spaces); at least one neighbour must be Chinese or a digit.
    // `(?=[Xx])` first: the lookbehind then runs only where an X starts, not at every character of a long
    // run of spaces (where it scanned back over the whole run: 3.7 s for 50,000 spaces; issue 10, R4).
    what: 'XX placeholders in Chinese context',
    pattern: new RegExp(
      `(?=[Xx])(?<![A-Za-z][ \\t]*)(?:(?<=[${NEAR}])(?:X{2,}|x{2,})|(?:X{2,}|x{2,})(?=[${NEAR}]))(?![ \\t]*[A-Za-z])`,
      'gu',
    ),
  },
  {
    // `××` (U+00D7 multiplication sign used as a placeholder): ××县, ××同志. A single × is multiplication.
    what: 'two or more multiplication signs',
    pattern: /(?<![0-9])×{2,}(?![0-9])/gu,
  },
  {
    // `○○` (U+25CB white circle) for a hidden name: ○○同志. Not next to a Chinese numeral or digit,
    // where ○ is a (non-standard) zero: 二○○八年 stays. 〇 (U+3007, the real zero) is never a mask.
    what: 'two or more white circles not inside a number',
    pattern: /(?<![〇零一二三四五六七八九十百千万亿两0-9○])○{2,}(?![〇零一二三四五六七八九十百千万亿两0-9○])/gu,
  },
];
