/**
 * Heading forms the segment stage recognises: where a compiled file starts a new document (article headings,
 * tables of contents, column titles) and which headings are only structure inside one document.
 *
 * Every pattern runs on a line already trimmed of whitespace (JS `trim()` also strips NBSP and U+3000).
 * `N` below is an ordinal: Arabic digits (ASCII or full-width) or Chinese numerals 一…九十九.
 */

/** Chinese and Arabic ordinal characters (for building the patterns below). */
const NUM = '[0-9０-９一二三四五六七八九十百零〇两]+';
/** Separator after an ordinal marker: colon, dot, ideographic comma, or nothing but space. */
const SEP = '\\s*[:：.．、]?\\s*';

/**
 * A table-of-contents header line: `目录`, `目 录`, `目次`, `CONTENTS` (also with a trailing colon).
 * Source: Word/WPS "插入目录" output and 文库 compilations (raw/000 opens with `目录`).
 */
export const TOC_HEADER = /^(?:目\s*录|目\s*次|contents?)\s*[:：]?$/iu;

/**
 * A numbered line `1. 标题`, `11.\u00a0标题`, `1．标题`, `1、标题`: a table-of-contents entry, or an article
 * heading of a compilation when it repeats an entry (raw/000). Group 1 = number, 2 = the title.
 * `(?!\d)` keeps `3.5亿元…` out; `[:：]` is not a separator so `10:03` is not a heading.
 */
export const NUMBERED_LINE = /^([0-9０-９]{1,3})\s*[.．、](?![0-9])\s*(.+)$/u;

/**
 * Page-number trailer of a table-of-contents entry: `标题……3`, `标题 .... 12`, `标题\t5`.
 * Source: Word-generated tables of contents with dot leaders. The lookbehind starts a match only at the
 * first character of a leader run, where the leftmost match starts anyway (a match inside a run implies one
 * from its start): without it a line of 20,000 spaces or dots took ~1 s, 200,000 ~100 s (issue 10, R4).
 */
export const TOC_PAGE_TRAILER = /(?<![\s.．·…_-])(?:[\s.．·…_-]{2,}|\s+)[0-9０-９]{1,4}$/u;

export interface OrdinalHeading {
  name: string;
  /** Group `n` = the ordinal, group `rest` = the title on the same line (may be empty). */
  re: RegExp;
  note: string;
}

/**
 * Ordinal article headings of 范文/文库 compilation sites. These are strong markers: two or more of them in a
 * unit split it, each one starting a document. The marker itself is removed (rule `article_number`); what
 * follows it on the line is the title, or, when nothing follows, the next title-like line is.
 */
export const ORDINAL_HEADINGS: OrdinalHeading[] = [
  {
    name: 'pian_prefix',
    re: new RegExp(`^篇\\s*(?<n>${NUM})${SEP}(?<rest>.*)$`, 'u'),
    note: '`篇一：标题`, `篇二 标题`: 范文 sites (e.g. "XX心得体会范文3篇" pages)',
  },
  {
    name: 'pian_bracket',
    re: new RegExp(`^[【\\[［〔](?:篇\\s*(?<n>${NUM})|第\\s*(?<n2>${NUM})\\s*篇)[】\\]］〕]\\s*[:：]?\\s*(?<rest>.*)$`, 'u'),
    note: '`【篇二】标题`, `【第三篇】标题`: the bracketed form of the same sites',
  },
  {
    name: 'di_pian',
    re: new RegExp(`^第\\s*(?<n>${NUM})\\s*篇${SEP}(?<rest>.*)$`, 'u'),
    note: '`第三篇 标题`, `第3篇：标题`: 文库 compilations',
  },
  {
    name: 'fanwen',
    re: new RegExp(`^(?:精选|优秀|参考)?(?:范文|例文|样文)\\s*(?<n>${NUM})${SEP}(?<rest>.*)$`, 'u'),
    note: '`范文4：标题`, `例文一 标题`: 范文 sites that number their samples',
  },
];

/**
 * Headings that are structure inside one document, never a new document: `一、…`, `（二）…`, `(3)…`,
 * `1.担当是一种责任。`, `①…`, `第一章…`, `一是…`, `一要…`. A short one is its own paragraph (never joined
 * to the next line), and a line starting with one is never joined to the line before. Source: the numbering
 * conventions of 党政机关公文格式 (GB/T 9704-2012 §7.3.3: 一、 （一） 1. （1）) and raw/001, raw/003.
 */
export const STRUCTURE_HEADINGS: RegExp[] = [
  /^[一二三四五六七八九十百]+\s*[、.．，,]/u, // 一、 二. 三，
  /^[（(]\s*[0-9０-９一二三四五六七八九十]+\s*[)）]/u, // （一） (3) （12）
  /^[0-9０-９]{1,2}\s*[.．、](?![0-9])/u, // 1. 1、 12．  (not 3.5)
  /^[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]/u, // circled numbers
  /^第[一二三四五六七八九十百0-9]+[章节部分条款项]/u, // 第一章 第三部分
  /^[一二三四五六七八九十]+(?:是|要)/u, // 一是… 二要… (enumerations in speeches)
  /^(?:首先|其次|再次|最后)[，,、：:]/u, // 首先， 其次，
];

/**
 * A column-titled article appended to a file: `【全国两会地方谈】标题`. Group `col` = the column name, `rest` =
 * the headline. The document's title keeps the bracketed column name (it is how the article was published
 * and tells the reader it is a column piece, e.g. raw/001's appended 评论); the genre table reads it.
 */
export const COLUMN_HEADING = /^[【\[［〖](?<col>[^】\]］〗]{2,16})[】\]］〗]\s*(?<rest>\S.*)$/u;

/**
 * Bracketed labels that mark a part of the same article, not an appended one: `【案例】…`, `【举例】…`.
 * Source: lecture notes and 党课 scripts that tag examples and quotations.
 */
export const IN_ARTICLE_LABELS = /^(?:案例|典型案例|举例|例子|事例|链接|知识链接|点评|评析|注释?|小结|思考|讨论|材料|背景|提示|原文|解读|名言|金句|拓展)$/u;
