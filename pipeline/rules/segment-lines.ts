/**
 * Line-level rules of the segment stage: when a line ends a paragraph, when a broken line is continued by the
 * next one, what a title, a subtitle and a preview snippet look like. Patterns run on trimmed lines.
 */
import { META_KEYS } from './metadata.js';

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
 * A subtitle line following a title: `——学习……研讨发言`, `—— 在全县……会议上的讲话`, `--副题`, `----2025年…的报告`.
 * The dash is the typographic marker of a 副题 (GB/T 15834-2011 §4.9 破折号); it is removed (rule
 * `subtitle_dash`) and the rest is the subtitle. Word files and web editors that lack the 破折号 type it as a run
 * of ASCII hyphens or full-width hyphen-minus (`--`, `----`, `－－`; the 2025 Shanghai government work report):
 * any run of two or more counts as the dash.
 */
export const SUBTITLE_LINE = /^(?<dash>——|—|－{2,}|-{2,}|─{1,2}|―{1,2})\s*(?<rest>\S.*)$/u;

/**
 * A dateline subtitle written without its dash: `2025年1月14日在××省第十四届人民代表大会第三次会议上`, optionally
 * followed by who spoke (`…会议上××省省长××作政府工作报告。`). The same 副题 as `——2025年…在…会议上` (report and
 * speech headers: 政府工作报告, 讲话稿); taken as the subtitle only in the subtitle position (right after the title,
 * see SUBTITLE_GAP_MAX), never inside the body. A full date opens it, `在…上` names the occasion, and there is no
 * clause punctuation inside (a body sentence that starts with a date has commas); a final `。` is allowed.
 */
export const DATELINE_SUBTITLE =
  /^(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日[^，,；;。！？!?：:]{0,20}?在[^，,；;。！？!?：:]{2,60}?(?:会议|大会|会|座谈会|论坛|典礼|仪式|活动)上[^，,；;。！？!?：:]{0,40}。?$/u;

/**
 * A metadata line that may sit between a title and its subtitle (`来源：北京日报`, `来源 : 南方日报`,
 * `发布时间：2025-01-15`, `作者：…`, `【来源：某某网】`): a key of the portal bylines in rules/metadata.ts (META_KEYS),
 * a colon (either width, spaces allowed around it) and a short value. The clean stage removes these lines (rule
 * `metadata_line`); segment only looks past them for the subtitle.
 */
export const META_KEY_LINE = new RegExp(
  `^[【\\[（(]?\\s*(?:${META_KEYS.map(([k]) => k).join('|')})\\s*[：:]\\s*[^。！？!?]{0,40}$`, 'u');
/** At most this many lines (metadata lines, a repeat of the title) between a title and its subtitle. */
export const SUBTITLE_GAP_MAX = 2;

/** Shortest tail of a title that counts as repeating it (`政府工作报告` under `2025年××省政府工作报告`). */
export const REPEATED_TITLE_MIN_TAIL = 4;

/**
 * A line that repeats the title: the same text (whitespace aside), or its tail of at least REPEATED_TITLE_MIN_TAIL
 * characters: the title without its year and place qualifier, which Word templates print again as a cover line
 * (`政府工作报告` under the file title `2025年××省政府工作报告`). Segment looks past such a line for the subtitle;
 * clean removes it right after the title (rule `repeated_title`).
 */
export function repeatsTitle(line: string, title: string): boolean {
  const l = line.replace(/\s+/gu, '');
  const t = title.replace(/\s+/gu, '');
  return l === t || ([...l].length >= REPEATED_TITLE_MIN_TAIL && t.endsWith(l));
}

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

/**
 * What a site banner between the articles of a compilation looks like: a notice or a site name. The words are
 * those of the notices 范文/文库 sites put before each article (`本文系作者原创投稿，仅供学习参考，请勿照搬照抄！`
 * in raw/002, `本站文章仅供学习参考，请勿转载！`, `【声明：…不代表本网立场…】`, `更多精品范文请关注××网`,
 * `温馨提示：本文档下载后可编辑…`, `××网整理，仅供学习交流使用。`) and a domain. A line that recurs without any of them
 * is content (a price line in a list of scenic spots, a table cell, the issuing office that heads a gov.cn letter
 * and signs it: `国务院办公厅`, seen on gov.cn pages in ../shared/eval/real/govcn/) and never a separator.
 */
export const BANNER_LOOK =
  /本文|本站|本网|本平台|文章|范文|文档|仅供|参考|转载|原创|投稿|版权|声明|出处|整理|关注|下载|侵权|请勿|欢迎|温馨提示|网站|[\p{Script=Han}]网(?:[（(，,。！!\s]|$)|www\.|\.(?:com|cn|net|org)\b/u;

/**
 * Source formats whose unit is one article unless it shows a real table of contents or ordinal article headings
 * (`篇一：`, `【篇二】`): an HTML page and a Word file. Their lines are the source's blocks (HTML block elements,
 * Word paragraphs), so they are paragraph boundaries and never joined as page breaks; a recurring line, a
 * numbered run or a bracketed column title inside them is structure (issue 21: a gov.cn letter cut in two at its
 * signing office, a list page cut at a repeated price line).
 */
export const ONE_ARTICLE_FORMATS: ReadonlySet<string> = new Set(['html', 'docx']);
