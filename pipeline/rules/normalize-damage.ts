/**
 * Converter and scraper damage (normalize step 2): pinyin appended by Simplified→Traditional web
 * converters, HTML left in the text, and the mangled bytes around it.
 */

/**
 * Tone-marked pinyin letters. An annotation is one syllable: the damage we see (raw/004: 服務(wù),
 * 責(zé)任, 發(fā)展) puts one syllable after one character, in ASCII or full-width brackets.
 */
const PY = 'a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňǹḿ';

/**
 * A Han character followed by one or more bracketed syllables (`務(wù)`, doubled `務(wù)(wù)`). Whether
 * it is damage is decided in code: the syllable must be a reading of that character (pinyin-pro), and
 * the document must show the pattern repeatedly (see the stage's `pinyinMinAnnotations`).
 * Group 1: the character; group 2: the bracketed syllables.
 */
export const PINYIN_ANNOTATION = new RegExp(`(\\p{Script=Han})((?:[(（][${PY}]{1,6}[1-5]?[)）])+)`, 'gu');
/** One bracketed syllable inside group 2 above. */
export const PINYIN_SYLLABLE = new RegExp(`[(（]([${PY}]{1,6}[1-5]?)[)）]`, 'gu');

/**
 * A pinyin annotation whose opening bracket was mangled into `?` or U+FFFD by a wrong decoding:
 * `當?shù)` in raw/004. Removed only in documents that have pinyin damage, and only when the letters
 * form a tone-marked pinyin syllable (checked by PINYIN_SYLLABLE_SHAPE), so `为什么?who)` stays.
 */
export const PINYIN_MANGLED = new RegExp(`(?<=\\p{Script=Han})[?\\ufffd]+([${PY}]{1,6})[)）]`, 'gu');

/**
 * The shape of a Mandarin syllable, tones removed (initial + final; Table of 汉语拼音方案).
 * Used where there is no character to check the reading against.
 */
export const PINYIN_SYLLABLE_SHAPE =
  /^(?:[bpmfdtnlgkhjqxrzcsyw]|zh|ch|sh)?(?:a|o|e|ai|ei|ao|ou|an|en|ang|eng|ong|er|i|ia|ie|iao|iu|ian|in|iang|ing|iong|u|ua|uo|uai|ui|uan|un|uang|ueng|ü|üe|üan|ün|ue|v|ve)$/u;

/** Element names whose tags are removed when they appear as text. (HTML Living Standard element list,
 * restricted to elements seen in scraped article text; unknown `<…>` such as `<<书名>>` stay.) */
const TAGS =
  'a|abbr|article|b|big|blockquote|body|br|center|code|dd|div|dl|dt|em|font|h[1-6]|head|header|hr|html|i|img|' +
  'input|label|li|link|meta|nav|o:p|ol|p|pre|s|section|small|span|strike|strong|sub|sup|table|tbody|td|' +
  'tfoot|th|thead|title|tr|tt|u|ul|wbr';

export const HTML_RULES: { rule: string; pattern: RegExp; what: string }[] = [
  {
    rule: 'html_tag',
    // HTML comments `<!-- … -->` left by CMS templates.
    pattern: /<!--[\s\S]*?-->/gu,
    what: 'HTML comments',
  },
  {
    rule: 'html_tag',
    // Start, end and empty tags of known elements, with attributes: `</p>`, `<br>`, `<br />`,
    // `<span style="…">`, `<o:p>` (Word HTML).
    pattern: new RegExp(`</?(?:${TAGS})(?:\\s+[^<>]*)?\\s*/?>`, 'giu'),
    what: 'HTML tags of known elements',
  },
  {
    rule: 'html_tag_mangled',
    // An end tag whose `<` was eaten by a wrong decoding, with the mangled bytes before it:
    // `參考?!?/p>` in raw/004 (the bytes of `。】<` read as GBK came out as `?!?`). The mangled marks
    // carry no recoverable text; they go with the tag. The lookbehind starts a match only at the first
    // `?`/U+FFFD of a run (where the leftmost match starts anyway), so a long run of `?` is scanned once.
    pattern: new RegExp(`(?<![?\\ufffd]!*)[?\\ufffd][?!\\ufffd]*/(?:${TAGS})\\s*>`, 'giu'),
    what: 'end tags missing `<`, with the mangled bytes before them',
  },
];

/**
 * Named character references we decode (HTML5 named references that occur in Chinese web text).
 * Numeric references `&#12289;` / `&#x3001;` are decoded by code. The legacy forms without `;`
 * (`&nbsp`, `&amp`) are accepted for the five most common ones, as browsers do.
 */
export const NAMED_ENTITIES: Record<string, string> = {
  nbsp: '\u00a0', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'",
  ldquo: '“', rdquo: '”', lsquo: '‘', rsquo: '’', laquo: '«', raquo: '»',
  mdash: '—', ndash: '–', hellip: '…', middot: '·', bull: '•', times: '×', divide: '÷',
  copy: '©', reg: '®', trade: '™', deg: '°', plusmn: '±', yen: '¥', sect: '§', para: '¶',
  emsp: '\u2003', ensp: '\u2002', thinsp: '\u2009', zwsp: '\u200b', zwj: '\u200d', zwnj: '\u200c', shy: '\u00ad',
  lrm: '\u200e', rlm: '\u200f',
};
export const ENTITY =
  /&(?:#(\d{1,7});?|#[xX]([0-9a-fA-F]{1,6});?|([A-Za-z][A-Za-z0-9]{1,7});|(nbsp|amp|lt|gt|quot)(?![A-Za-z0-9;]))/gu;
