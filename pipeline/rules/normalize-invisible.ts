/**
 * Whitespace and invisible characters (normalize step 4): what becomes an ordinary space and what is
 * deleted. Sources: Unicode `White_Space` property and the Cf (format) / Cc (control) categories; the
 * list matches what web pages, Word exports and copy-paste leave in Chinese text.
 */

/**
 * Become one ordinary space (then collapsed, and dropped between two Chinese characters).
 * All of these are `\s` in JavaScript, so countChars never saw them: no Removal needed.
 */
export const SPACE_LIKE =
  // \t \v \f \r \n: tabs and stray line breaks inside a paragraph (a paragraph is one line).
  '\\t\\n\\v\\f\\r' +
  // U+00A0 NBSP (`&nbsp;`), U+1680 Ogham space, U+2000–U+200A en/em/thin/hair spaces,
  // U+2028/2029 line/paragraph separators, U+202F narrow NBSP, U+205F math space,
  // U+3000 ideographic (full-width) space used for first-line indents in Chinese text.
  '\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

/** Matches one or more space-like characters or ASCII spaces. */
export const SPACE_RUN = new RegExp(`[ ${SPACE_LIKE}]+`, 'gu');

/** Deleted characters, each with the rule code of its Removal. */
export const INVISIBLE: { rule: string; pattern: RegExp; what: string }[] = [
  {
    rule: 'invisible_char',
    // U+200B zero-width space, U+200C/U+200D zero-width (non-)joiner, U+2060 word joiner,
    // U+00AD soft hyphen, U+180E Mongolian vowel separator, U+FFFC object replacement (Word images),
    // U+2061–U+2064 invisible math operators, U+200E/U+200F and U+202A–U+202E, U+2066–U+2069
    // bidirectional marks and embeddings. Not `\s` in JS, so they count: recorded.
    // (ZWJ inside emoji sequences goes too; the corpus is prose, where a ZWJ is always an artefact.)
    pattern: /[\u200b-\u200f\u202a-\u202e\u2060-\u2069\u00ad\u180e\ufffc]/gu,
    what: 'zero-width and format characters',
  },
  {
    rule: 'bom',
    // U+FEFF byte order mark inside the text (a concatenated file). `\s` in JS: counted 0, removed.
    pattern: /\ufeff/gu,
    what: 'byte order marks',
  },
  {
    rule: 'control_char',
    // C0 controls except \t \n \v \f \r (handled as spaces), DEL, C1 controls (U+0080–U+009F: what
    // Windows-1252 bytes become when decoded as Latin-1).
    pattern: /[\u0000-\u0008\u000e-\u001f\u007f-\u009f]/gu,
    what: 'control characters',
  },
  {
    rule: 'replacement_char',
    // U+FFFD: a byte the decoder could not map (mangled bytes). The character it stood for is lost.
    pattern: /\ufffd/gu,
    what: 'U+FFFD replacement characters',
  },
];
