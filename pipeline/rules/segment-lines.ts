/**
 * Line-level rules of the segment stage: when a line ends a paragraph, when a broken line is continued by the
 * next one, what a title, a subtitle and a preview snippet look like. Patterns run on trimmed lines.
 */

/**
 * A line that ends a sentence, so the next line starts a new paragraph: closing punctuation 。！？；… (and their
 * ASCII forms, and `...`), optionally followed by closing quotes or brackets; or a line ending in a bracketed
 * annotation `（…）` / `(…)` / `【…】`, which lecture notes put after a paragraph (`（翻页）` in raw/001).
 * The `(?<!…)` before a run starts a match only at the first mark of a run, where the
 * leftmost match starts anyway: without it a line of 20,000 dots took ~1 s, 200,000 ~100 s (issue 10, R4).
 */
export const CLOSED_LINE = /(?:(?:[。！？!?；;…]|(?<!\.)\.{3,})[”’"'」』）)\]】》]*|[）)】])$/u;

/**
 * A paragraph-opening salutation, always its own paragraph even though it ends in a colon: `同志们：`,
 * `各位领导、同志们：`, `尊敬的……：`. Source: the opening of speeches and 发言材料 (raw/003).
 */
export const SALUTATION = /^(?:(?:各位|尊敬的|亲爱的)[^。！？]{0,30}|同志们|同事们|朋友们|同学们|老师们|大家好)[，,！!]?[:：]$/u;

/**
 * A "label: value" line (dialogue turn, metadata field): `董事长:我们…`, `作者单位：中共××县委`. Such a line
 * is a record of its own: nothing is joined onto its start, and a short one with a value is not continued.
 * A label with nothing after the colon (`文员:` in raw/001, cut by slide extraction) is continued normally.
 */
export const LABEL_LINE = /^[\p{Script=Han}A-Za-z]{1,8}[:：]/u;
/** Longest "label: value" line that is taken as complete (a field, not a sentence broken after a colon). */
export const LABEL_LINE_MAX_CHARS = 30;

/**
 * A title-like line never contains a full stop and does not end like a clause (comma, colon, enumeration
 * comma, semicolon, ellipsis). Question and exclamation titles are allowed (`什么是担当作为?`) when no comma
 * precedes: `发言完毕，谢谢大家！` is a closing formula, not a title. (`(?<!\.)`: see CLOSED_LINE.)
 */
export const NOT_TITLE_END = /[。，,、；;：:…]$|(?<!\.)\.{3,}$/u;
export const SENTENCE_INSIDE = /[。]/u;
export const EXCLAIM_END = /[！？!?]$/u;
export const CLAUSE_COMMA = /[，,]/u;

/** A sentence end somewhere inside a line (evidence, with an unclosed end, that the line was cut). */
export const SENTENCE_END_INSIDE = /[。！？!?；;]./u;

/**
 * A subtitle line following a title: `——学习……研讨发言`, `—— 在全县……会议上的讲话`, `--副题`.
 * The dash is the typographic marker of a 副题 (GB/T 15834-2011 §4.9 破折号); it is removed (rule
 * `subtitle_dash`) and the rest is the subtitle.
 */
export const SUBTITLE_LINE = /^(?<dash>——|—|－－|--|─{1,2}|―{1,2})\s*(?<rest>\S.*)$/u;

/**
 * End of a preview snippet: some sites put the title and the opening of the body on one first line that ends
 * in `...` or `…` (raw/001 line 1). The segmenter keeps it as a paragraph (the clean stage removes it) and takes
 * the title from the next line, which the snippet starts with. (The lookbehinds: see CLOSED_LINE.)
 */
export const PREVIEW_END = /(?:(?<!\.)\.{3,}|(?<!…)…+)$/u;

/**
 * A line of U+3000 indents inside one line: paragraphs that a source ran together, each opening with `　　`.
 * The split is made after sentence-closing punctuation only, so a title that uses U+3000 as a gap stays whole.
 */
export const RUN_TOGETHER = /(?<=[。！？!?；;…”’」』）)])[\s]*\u3000{2,}(?=\S)/gu;
