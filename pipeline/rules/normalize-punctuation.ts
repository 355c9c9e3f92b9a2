/**
 * Punctuation and character-width rules (normalize step 3). Chinese text takes full-width punctuation
 * and half-width digits and Latin letters (GB/T 15834-2011 标点符号用法; GB/T 15835-2011 出版物上数字用法).
 * We never run NFKC over the whole text: it would also turn `，` into `,` and `。` stays but `（` → `(`.
 */

/**
 * Characters that make a "Chinese context" on either side of a punctuation mark or space:
 * Han ideographs, CJK Symbols and Punctuation (U+3001–U+303F: 、。〈〉《》「」『』【】〔〕…),
 * full-width punctuation (U+FF01–U+FF0F, U+FF1A–U+FF20, U+FF3B–U+FF40, U+FF5B–U+FF65),
 * the quotes, dashes and ellipsis Chinese text uses from General Punctuation (“”‘’—…·), and the
 * mask token (see normalize-masks.ts).
 */
export const CJK_CONTEXT =
  '\\p{Script=Han}\\u3001-\\u303f\\uff01-\\uff0f\\uff1a-\\uff20\\uff3b-\\uff40\\uff5b-\\uff65' +
  '\\u2018\\u2019\\u201c\\u201d\\u2014\\u2026\\u00b7\\u2588';
export const CJK_CONTEXT_RE = new RegExp(`[${CJK_CONTEXT}]`, 'u');

/** ASCII marks that become full-width between Chinese characters (GB/T 15834: 标点符号用全角). */
export const ASCII_TO_FULLWIDTH: Record<string, string> = {
  ',': '，',
  ';': '；',
  ':': '：',
  '?': '？',
  '!': '！',
  '(': '（',
  ')': '）',
};

/**
 * A parenthesised group whose content contains a Han character takes full-width brackets whatever
 * its neighbours are: `(选择性举例)` → `（选择性举例）`, and list numbers in Chinese numerals
 * `(一)` → `（一）` (our decision: they are Chinese text; GB/T 15834 §4.9 writes them with 全角括号).
 * Groups without Han stay ASCII: `(1)`, `(skylab)`, `(who)`, `(zhāo)`, `COVID-19 (SARS-CoV-2)`.
 * The part before the first Han character excludes Han, so the pattern matches the same groups as
 * `\(([^()（）\n]*\p{Script=Han}[^()（）\n]*)\)` without backtracking: that form took time quadratic in the
 * length of the text after an unclosed `(` (35 s for 80,000 characters; issue 10, R4).
 */
export const HAN_PAREN_GROUP = /\(([^()（）\n\p{Script=Han}]*\p{Script=Han}[^()（）\n]*)\)/gu;

/** Full-width ASCII letters and digits (U+FF10–U+FF19, U+FF21–U+FF3A, U+FF41–U+FF5A) → half-width. */
export const FULLWIDTH_ALNUM = /[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]/gu;

/**
 * Full-width marks inside numbers, also half-width (GB/T 15835: 数字用半角): `２０．５％` → `20.5%`.
 * Only between/after digits, so `．` and `％` elsewhere stay as written.
 */
export const FULLWIDTH_NUMBER_MARKS: { pattern: RegExp; to: string; what: string }[] = [
  { pattern: /(?<=[0-9])．(?=[0-9])/gu, to: '.', what: 'full-width decimal point between digits' },
  { pattern: /(?<=[0-9])％/gu, to: '%', what: 'full-width percent sign after a digit' },
];
