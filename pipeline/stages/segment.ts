/**
 * segment: one extracted unit → documents, each with title, subtitle, genre, paragraphs and line provenance.
 *
 * 1. Document starts, from general forms (pipeline/rules/headings.ts): a table of contents and the headings that
 *    repeat its entries; ordinal article headings (`篇一：`, `【篇二】`, `第三篇`, `范文4：`); a run of numbered
 *    title lines `1、标题` with nothing but a collection title before them; a line recurring before each article
 *    (a site banner: removed as a separator); a bracketed column title (`【全国两会地方谈】标题`) in the tail of a
 *    unit, after an article-sized body (appended column pieces, never section labels inside an article).
 *    Headings inside an article (`一、` `（二）` `1.` `(3)`) never start a document.
 * 2. Per document: title (never invented: null when there is no title line; the unit's metadata title when the
 *    unit is one document), subtitle (`——……`, `----……`, or a dateline `2025年1月14日在…会议上`; found past up to two
 *    metadata lines `来源：…` or a repeat of the title between it and the title), paragraphs rebuilt from lines broken by page/slide extraction and
 *    split where a line ran several `　　`-indented paragraphs together (pipeline/rules/segment-lines.ts). Broken
 *    lines are joined only in a document that shows enough of them (minBrokenShare, decided per document).
 * 3. Genre from the keyword table in pipeline/rules/genres.ts.
 *
 * Accounting (the runner's charsOf(ExtractRecord): container title + text): every non-whitespace character of the
 * unit is in a document (title, subtitle, paragraphs) or in a Removal (`toc`, `article_separator`,
 * `article_number`, `subtitle_dash`, `compilation_title`, and `metadata_title` for a container title that no
 * document took as its title: a compilation, or a unit whose text has the title line itself). A metadata title
 * used as the title (it has no line in the text) is counted in `counts.metadata_title_chars`.
 */
import { defineStage, countChars } from '../lib/stage.js';
import { docId } from '../lib/ids.js';
import type { Doc, ExtractRecord, Removal } from '../lib/types.js';
import {
  COLUMN_HEADING, IN_ARTICLE_LABELS, NUMBERED_LINE, ORDINAL_HEADINGS, STRUCTURE_HEADINGS, TOC_HEADER, TOC_PAGE_TRAILER,
} from '../rules/headings.js';
import {
  BANNER_LOOK, CLAUSE_COMMA, CLOSED_LINE, DATELINE_SUBTITLE, EXCLAIM_END, LABEL_LINE, LABEL_LINE_MAX_CHARS, META_KEY_LINE, NOT_TITLE_END,
  ONE_ARTICLE_FORMATS, PREVIEW_END, repeatsTitle, RUN_TOGETHER, SALUTATION, SENTENCE_END_INSIDE, SENTENCE_INSIDE, SUBTITLE_GAP_MAX, SUBTITLE_LINE,
} from '../rules/segment-lines.js';
import { GENRES, OPENING_CHARS, TRADITIONAL_FOLD } from '../rules/genres.js';

export interface SegmentConfig {
  /** Longest title line, in countChars (the longest seed title is 34; web titles run to ~50). */
  maxTitleChars: number;
  /** Longest subtitle line (seed subtitles are 35). */
  maxSubtitleChars: number;
  /** A structure heading (`一、…`, `(3)…`) up to this long is a paragraph of its own, never continued. */
  maxHeadingChars: number;
  /** Least body of a document found by a weak form (numbered title run, separator, column title). */
  minArticleChars: number;
  /** Longest line taken as a recurring separator (site banners are one sentence). */
  maxSeparatorChars: number;
  /**
   * Least content lines, the heading line included, from a start whose heading line carries the title
   * (`篇一：标题`, `1. 标题`, a TOC title) to the next start: the heading plus one body line. Fewer and the heading
   * is not a document start (a TOC-like list inside an article, an ordinal heading with nothing under it).
   */
  minLinesTitledStart: number;
  /**
   * The same for a bare ordinal marker line (`【篇二】` alone, the title on the next line): marker + title + one
   * body line. Both minimums follow from "a document has a title and at least one paragraph".
   */
  minLinesBareStart: number;
  /**
   * Share of a document's body lines that must be cut mid-sentence after a complete sentence (`……。这个十` /
   * `分钟悲剧……`) before its unclosed lines are joined to the next. Decided per document, after splitting, so
   * one slide-extracted article in a compilation does not turn on joining for the others. Below it a line
   * without closing punctuation is taken as written: an unnumbered heading (raw/000 has two) rather than a
   * page break. Calibration on raw/: the slide-extracted lecture of 001 shows 17 such lines in 124 (14 %), its
   * appended column article 1 in 6 (17 %; a real break); the made-up slide fixture 2 in 12 (17 %); 004 shows
   * 1 in 13 (8 %), a footer line ending in HTML debris (`?！?/p>`), not a break; the documents of 000, 002 and
   * 003 show none. 10 % sits between the two groups: a document needs about one cut line in ten.
   */
  minBrokenShare: number;
}

/** Most lines a container title is broken into at the top of the text (gov.cn titles run over 2–3 lines). */
const MAX_TITLE_PARTS = 4;

/** Longest title line (countChars); exported for the clean stage, which also needs to recognise title lines. */
export const MAX_TITLE_CHARS = 60;

/** The stage defaults (see SegmentConfig for where each number comes from). */
export const SEGMENT_DEFAULTS: SegmentConfig = {
  maxTitleChars: MAX_TITLE_CHARS, maxSubtitleChars: 80, maxHeadingChars: 40, minArticleChars: 200,
  maxSeparatorChars: 100, minLinesTitledStart: 2, minLinesBareStart: 3, minBrokenShare: 0.1,
};

/** Where a document starts: the heading line, and what the heading form already says about the title. */
interface Start {
  /** 0-based line index of the heading (or of the first line after a separator). */
  i: number;
  form: 'toc' | 'ordinal' | 'numbered' | 'column' | 'separator';
  /** Title taken from the heading line itself; undefined = decide from the lines. */
  title?: string;
  /** Ordinal marker removed from the heading line (`1.`, `篇一：`, `【篇二】`). */
  marker?: string;
}

interface Unit {
  /** Trimmed lines (JS trim also strips NBSP and U+3000). */
  t: string[];
  /** Whole lines removed (table of contents, separators, collection title), by 0-based index → rule. */
  gone: Map<number, string>;
  cfg: SegmentConfig;
  /**
   * The unit is one page or one Word file (source_format in ONE_ARTICLE_FORMATS): one article unless it shows a
   * real table of contents or ordinal article headings, and each of its lines is a block of the source (HTML block
   * elements, Word paragraphs), so lines are never joined as page breaks.
   */
  oneArticle: boolean;
}

export const segment = defineStage<ExtractRecord, Doc, SegmentConfig>({
  name: 'segment',
  kind: 'map',
  describe: 'splits compiled files into documents, finds titles and genres, rebuilds broken paragraphs',
  defaults: SEGMENT_DEFAULTS,
  process(rec, cfg) {
    const u: Unit = { t: rec.text.split('\n').map((l) => l.trim()), gone: new Map(), cfg, oneArticle: ONE_ARTICLE_FORMATS.has(rec.source_format) };
    const removed: Removal[] = [];
    const counts: Record<string, number> = {};
    const add = (k: string, n = 1) => { counts[k] = (counts[k] ?? 0) + n; };
    const removeLine = (i: number, rule: string) => {
      u.gone.set(i, rule);
      removed.push({ rule, chars: countChars(u.t[i]!), line: i + 1, paragraph: null, text: u.t[i]! });
    };

    const starts = findStarts(u, removeLine);
    const segments: Array<{ from: number; to: number; start?: Start }> = [];
    const first = starts[0]?.i ?? u.t.length;
    const pre = contentLines(u, 0, first);
    if (pre.length > 0) {
      // Only a collection title (`××心得体会范文3篇`) before the first article: not a document.
      if (starts.length > 0 && pre.length <= 2 && pre.every((i) => titleLike(u.t[i]!, cfg.maxTitleChars))) {
        for (const i of pre) removeLine(i, 'compilation_title');
      } else segments.push({ from: 0, to: first });
    }
    starts.forEach((s, k) => segments.push({ from: s.i, to: starts[k + 1]?.i ?? u.t.length, start: s }));

    const single = segments.length === 1 ? rec.title : null;
    const out: Doc[] = [];
    let metaUsed = false;
    for (const seg of segments) {
      const built = buildDoc(u, seg.from, seg.to, seg.start, single, removed, add);
      if (!built) continue;
      metaUsed ||= built.metaUsed;
      const n = out.length + 1;
      out.push({
        id: docId(rec.source_file, rec.source_sha256, rec.source_member, n, rec.source_row),
        source_file: rec.source_file, source_member: rec.source_member, source_row: rec.source_row, source_url: rec.source_url,
        source_sha256: rec.source_sha256,
        source_encoding: rec.source_encoding, source_format: rec.source_format,
        segment: n, line_start: built.lineStart, line_end: built.lineEnd,
        title: built.title, subtitle: built.subtitle, paragraphs: built.paragraphs, para_lines: built.paraLines,
        genre: guessGenre(built.title, built.subtitle, built.paragraphs),
        script_original: null, source_site: rec.source_site, author_affiliation: null, published: rec.published,
        n_masks: 0, duplicates: 0,
      });
    }
    // The container's title (HTML <title>, DOCX core title) counts in the unit's characters: when no document
    // took it as its title (a compilation, or a title line of the text was used instead) it is removed here.
    if (rec.title && !metaUsed && countChars(rec.title) > 0) {
      removed.push({ rule: 'metadata_title', chars: countChars(rec.title), line: null, paragraph: null, text: rec.title });
    }
    add('documents', out.length);
    if (out.length === 0) return { out, removed, counts, dropped: { reason: 'no_text' } };
    return { out, removed, counts };
  },
});

/* ---------- document starts ---------- */

/** All document starts of a unit, sorted; removes the table of contents and separator lines it finds. */
function findStarts(u: Unit, removeLine: (i: number, rule: string) => void): Start[] {
  const byLine = new Map<number, Start>();
  const put = (s: Start) => { if (!byLine.has(s.i) || byLine.get(s.i)!.form === 'separator') byLine.set(s.i, s); };

  const toc = findToc(u);
  if (toc) {
    for (const i of toc.lines) removeLine(i, 'toc');
    tocStarts(u, toc).forEach(put);
  } else {
    for (const i of contentsList(u)) removeLine(i, 'toc');
  }
  const ordinal = byLine.size === 0 ? ordinalStarts(u) : [];
  ordinal.forEach(put);
  // A web page or a Word file is one article unless it shows a table of contents or ordinal article headings:
  // the weak forms (a numbered title run, a recurring line, a column title) are structure inside it there.
  if (!u.oneArticle) {
    if (byLine.size === 0) numberedStarts(u).forEach(put);
    const sep = separatorStarts(u);
    for (const i of sep.lines) removeLine(i, 'article_separator');
    sep.starts.forEach(put);
    columnStarts(u, [...byLine.keys()]).forEach(put);
  }

  // A heading followed by no body is not a document start (its line stays in the document before).
  const sorted = [...byLine.values()].sort((a, b) => a.i - b.i);
  return sorted.filter((s, k) => {
    const body = contentLines(u, s.i, sorted[k + 1]?.i ?? u.t.length).length;
    return body >= (s.marker !== undefined && s.title === undefined ? u.cfg.minLinesBareStart : u.cfg.minLinesTitledStart);
  });
}

/** `目录` followed by consecutively numbered entries (1, 2, 3…); blank lines between them are allowed. */
function findToc(u: Unit): { lines: number[]; titles: string[] } | null {
  for (let h = 0; h < u.t.length; h++) {
    if (!TOC_HEADER.test(u.t[h]!)) continue;
    const lines = [h];
    const titles: string[] = [];
    for (let i = h + 1; i < u.t.length; i++) {
      if (!u.t[i]) continue;
      const m = NUMBERED_LINE.exec(u.t[i]!);
      if (!m || toInt(m[1]!) !== titles.length + 1) break; // numbering restarts: the articles begin
      lines.push(i);
      titles.push(m[2]!.replace(TOC_PAGE_TRAILER, '').trim());
    }
    if (titles.length >= 2) return { lines, titles };
  }
  return null;
}

/**
 * The contents list of one article: `目录：` followed by unnumbered title-like lines, each of which recurs later as
 * a line of the unit (the chapter headings it lists). Its lines (header included) are removed as `toc`; the
 * headings stay in the body and start no document. Empty when there is none (fewer than two such entries).
 */
function contentsList(u: Unit): number[] {
  for (let h = 0; h < u.t.length; h++) {
    if (!TOC_HEADER.test(u.t[h]!)) continue;
    const last = new Map<string, number>();
    for (let i = h + 1; i < u.t.length; i++) if (u.t[i]) last.set(squash(u.t[i]!), i);
    const lines = [h];
    for (let i = h + 1; i < u.t.length; i++) {
      if (!u.t[i]) continue;
      if (!titleLike(u.t[i]!, u.cfg.maxTitleChars) || (last.get(squash(u.t[i]!)) ?? i) <= i) break;
      lines.push(i);
    }
    if (lines.length >= 3) return lines;
  }
  return [];
}

/**
 * For each entry in order, the next line that repeats it (`N. 标题` with the same N, or the bare title).
 * Lines are indexed by what they would match once, so a long table of contents whose entries are not repeated
 * costs one pass over the lines, not one per entry.
 */
function tocStarts(u: Unit, toc: { lines: number[]; titles: string[] }): Start[] {
  const out: Start[] = [];
  let pos = toc.lines[toc.lines.length - 1]! + 1;
  const numbered = new Map<string, number[]>();
  const bare = new Map<string, number[]>();
  const put = (map: Map<string, number[]>, key: string, i: number) => {
    const list = map.get(key);
    if (list) list.push(i);
    else map.set(key, [i]);
  };
  for (let i = pos; i < u.t.length; i++) {
    if (!u.t[i] || u.gone.has(i)) continue;
    const m = NUMBERED_LINE.exec(u.t[i]!);
    if (m) put(numbered, `${toInt(m[1]!)}\u0000${squash(m[2]!)}`, i);
    put(bare, squash(u.t[i]!), i);
  }
  toc.titles.forEach((title, k) => {
    const want = squash(title);
    const n = firstAtOrAfter(numbered.get(`${k + 1}\u0000${want}`), pos);
    const b = firstAtOrAfter(bare.get(want), pos);
    // On the same line the numbered form wins, as it is tested first.
    if (n !== null && (b === null || n <= b)) {
      const m = NUMBERED_LINE.exec(u.t[n]!)!;
      out.push({ i: n, form: 'toc', title: m[2]!.trim(), marker: markerOf(u.t[n]!, m[2]!) });
      pos = n + 1;
    } else if (b !== null) {
      out.push({ i: b, form: 'toc', title: u.t[b]! });
      pos = b + 1;
    }
  });
  return out;
}

/** The first number ≥ from in an ascending list, or null. */
function firstAtOrAfter(list: number[] | undefined, from: number): number | null {
  if (!list) return null;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! >= from) hi = mid;
    else lo = mid + 1;
  }
  return lo < list.length ? list[lo]! : null;
}

/** Strong ordinal article headings (`篇一：`, `【篇二】`, `第三篇`, `范文4：`): two or more split the unit. */
function ordinalStarts(u: Unit): Start[] {
  const out: Start[] = [];
  u.t.forEach((line, i) => {
    if (!line || u.gone.has(i)) return;
    for (const rule of ORDINAL_HEADINGS) {
      const m = rule.re.exec(line);
      if (!m?.groups) continue;
      const rest = (m.groups['rest'] ?? '').trim();
      if (rest && !titleLike(rest, u.cfg.maxTitleChars)) continue;
      out.push({ i, form: 'ordinal', title: rest || undefined, marker: rest ? markerOf(line, rest) : line });
      return;
    }
  });
  return out.length >= 2 ? out : [];
}

/**
 * Weak form: title lines numbered `1、` `2.` … that form the whole run 1..N, with nothing before the first but
 * at most two title-like lines, every article at least minArticleChars long. When a title-like line precedes
 * (it could be the title of one article whose sections are numbered), half the headings must name a genre.
 */
function numberedStarts(u: Unit): Start[] {
  const cands: Start[] = [];
  for (let i = 0; i < u.t.length; i++) {
    const m = u.gone.has(i) ? null : NUMBERED_LINE.exec(u.t[i]!);
    if (m && titleLike(m[2]!, u.cfg.maxTitleChars)) {
      cands.push({ i, form: 'numbered', title: m[2]!.trim(), marker: markerOf(u.t[i]!, m[2]!) });
      if (toInt(m[1]!) !== cands.length) return [];
    }
  }
  if (cands.length < 2) return [];
  const pre = contentLines(u, 0, cands[0]!.i);
  if (pre.length > 2 || !pre.every((i) => titleLike(u.t[i]!, u.cfg.maxTitleChars))) return [];
  const bodies = cands.map((s, k) => bodyChars(u, s.i + 1, cands[k + 1]?.i ?? u.t.length));
  if (bodies.some((n) => n < u.cfg.minArticleChars)) return [];
  if (pre.length > 0 && cands.filter((s) => genreOfTitle(s.title!) !== null).length * 2 < cands.length) return [];
  return cands;
}

/**
 * A line that recurs (same text, 2+ times) right before article titles: a site banner between articles. It must
 * look like a banner (a site name or a notice: BANNER_LOOK), and stand before each part: nothing but a collection
 * title (at most two title-like lines) before its first occurrence. Each occurrence must be followed by a
 * title-like line or the end, with at least two different titles following (so a duplicated article's title,
 * followed twice by the same subtitle, is not taken for a banner), and every part (between occurrences and after
 * the last) must be article-sized. A recurring line that is none of these (a price line, a table cell, an office
 * that both heads a letter and signs it) stays where it is.
 */
function separatorStarts(u: Unit): { lines: number[]; starts: Start[] } {
  const seen = new Map<string, number[]>();
  u.t.forEach((line, i) => {
    if (!line || u.gone.has(i)) return;
    const n = countChars(line);
    if (n < 4 || n > u.cfg.maxSeparatorChars || isStructure(line) || /[:：]$/.test(line) || !BANNER_LOOK.test(line)) return;
    const occ = seen.get(line);
    if (occ) occ.push(i);
    else seen.set(line, [i]);
  });
  const lines: number[] = [];
  const starts: Start[] = [];
  for (const occ of seen.values()) {
    if (occ.length < 2) continue;
    const pre = contentLines(u, 0, occ[0]!);
    if (pre.length > 2 || !pre.every((i) => titleLike(u.t[i]!, u.cfg.maxTitleChars))) continue;
    const next = nextAfterEach(u, occ);
    if (next.some((j) => j !== null && !titleLike(u.t[j]!, u.cfg.maxTitleChars))) continue;
    if (new Set(next.filter((j) => j !== null).map((j) => u.t[j!])).size < 2) continue;
    const gaps = occ.map((i, k) => bodyChars(u, i + 1, occ[k + 1] ?? u.t.length));
    if (gaps.some((n) => n < u.cfg.minArticleChars)) continue;
    lines.push(...occ);
    for (const j of next) if (j !== null) starts.push({ i: j, form: 'separator' });
  }
  return { lines, starts };
}

/**
 * For each occurrence (ascending line indexes), the next content line after it that is not an occurrence:
 * `nextContent(u, i + 1, new Set(occ))` for each, in one backward sweep (a line repeated 10⁵ times in a row
 * made that quadratic).
 */
function nextAfterEach(u: Unit, occ: number[]): (number | null)[] {
  const out = new Array<number | null>(occ.length);
  for (let k = occ.length - 1; k >= 0; k--) {
    const to = k + 1 < occ.length ? occ[k + 1]! : u.t.length;
    let found: number | null | undefined;
    for (let i = occ[k]! + 1; i < to; i++) if (u.t[i] && !u.gone.has(i)) { found = i; break; }
    out[k] = found !== undefined ? found : k + 1 < occ.length ? out[k + 1]! : null;
  }
  return out;
}

/**
 * `【栏目】标题`: an unrelated article appended at the end of a unit under its column title (raw/001's
 * `【全国两会地方谈】…`). Only the tail of a unit can hold such articles: the bracketed lines after the last other
 * start, taken from the end backwards while each is followed by an article-sized body (minArticleChars) up to the
 * next one or the end, and preceded by an article-sized body. Bracketed lines with different names there are the
 * parallel section labels of one article (`【专家观点】…` … `【典型经验】…`), not appended pieces: none splits.
 * Limitation: a single bracketed subheading whose section runs to the end of the unit looks the same as an
 * appended article; it splits unless its label is in IN_ARTICLE_LABELS.
 */
function columnStarts(u: Unit, known: number[]): Start[] {
  const after = known.reduce((a, b) => Math.max(a, b), -1);
  const firstContent = nextContent(u, after + 1);
  const cands: Array<{ i: number; col: string }> = [];
  for (let i = after + 1; i < u.t.length; i++) {
    const line = u.t[i]!;
    if (!line || u.gone.has(i) || i === firstContent) continue;
    const m = COLUMN_HEADING.exec(line);
    const col = m?.groups?.['col']?.trim();
    if (!col || IN_ARTICLE_LABELS.test(col)) continue;
    if (ORDINAL_HEADINGS.some((r) => r.re.test(line)) || !titleLike(line, u.cfg.maxTitleChars)) continue;
    cands.push({ i, col });
  }
  if (cands.length === 0 || new Set(cands.map((c) => c.col)).size > 1) return [];
  const out: Start[] = [];
  for (let k = cands.length - 1; k >= 0; k--) {
    const { i } = cands[k]!;
    if (bodyChars(u, i + 1, cands[k + 1]?.i ?? u.t.length) < u.cfg.minArticleChars) break;
    out.unshift({ i, form: 'column', title: u.t[i]! });
  }
  if (out.length > 0 && bodyChars(u, after + 1, out[0]!.i) < u.cfg.minArticleChars) return [];
  return out;
}

/* ---------- one document ---------- */

interface Built {
  title: string | null;
  subtitle: string | null;
  paragraphs: string[];
  paraLines: number[];
  lineStart: number;
  lineEnd: number;
  /** Whether the title is the unit's metadata title (not a line of the text). */
  metaUsed: boolean;
}

function buildDoc(
  u: Unit, from: number, to: number, start: Start | undefined, metaTitle: string | null,
  removed: Removal[], add: (k: string, n?: number) => void,
): Built | null {
  const content = contentLines(u, from, to);
  if (content.length === 0) return null;
  const lineStart = Math.min(content[0]!, start?.i ?? Infinity) + 1;
  const lineEnd = content[content.length - 1]! + 1;
  const cut = (rule: string, text: string, i: number) => {
    removed.push({ rule, chars: countChars(text), line: i + 1, paragraph: null, text });
  };
  const skip = new Set<number>();
  let title: string | null = null;
  let titleAt = -1;
  let metaUsed = false;

  if (start?.title !== undefined) {
    title = start.title;
    titleAt = start.i;
    if (start.marker) cut('article_number', start.marker, start.i);
  } else {
    if (start?.marker !== undefined) { cut('article_number', start.marker, start.i); skip.add(start.i); }
    const rest = content.filter((i) => !skip.has(i));
    titleAt = findTitleLine(u, rest);
    if (titleAt >= 0) title = u.t[titleAt]!;
  }
  if (metaTitle && !start) {
    // One document and the container named it: use the metadata title, on its own line if the text has it, or
    // on the first lines when they are its parts (gov.cn breaks a long title with <br>: `国务院办公厅关于推进` /
    // `政务新媒体健康有序发展的意见` under the <title> of the whole).
    const want = squash(metaTitle);
    const line = content.slice(0, 3).find((i) => squash(u.t[i]!) === want);
    const parts = line === undefined ? titleParts(u, content, want) : null;
    if (parts) {
      title = parts.map((i) => u.t[i]!).reduce(joinText);
      for (const i of parts) skip.add(i);
      titleAt = parts[parts.length - 1]!;
    } else {
      if (line !== undefined) titleAt = line;
      else if (!(titleAt >= 0 && want.includes(squash(u.t[titleAt]!)))) {
        titleAt = -1;
        add('metadata_title_chars', countChars(metaTitle));
      }
      title = titleAt >= 0 ? u.t[titleAt]! : metaTitle;
      metaUsed = titleAt < 0;
    }
  }
  if (titleAt >= 0) skip.add(titleAt);

  // The subtitle: the first line after the title (the first line of the text when the title is the container's),
  // or after up to SUBTITLE_GAP_MAX metadata lines / repeats of the title, which stay paragraphs for clean.
  let subtitle: string | null = null;
  let after: number | undefined;
  if (title !== null && (titleAt >= 0 || metaUsed)) {
    const head = content.filter((i) => i > titleAt && !skip.has(i)).slice(0, SUBTITLE_GAP_MAX + 1);
    for (const i of head) {
      const sub = subtitleOf(u.t[i]!, u.cfg);
      if (sub) {
        subtitle = sub.rest;
        if (sub.dash) cut('subtitle_dash', sub.dash, i);
        skip.add(i);
        after = i;
        break;
      }
      if (!META_KEY_LINE.test(u.t[i]!) && !repeatsTitle(u.t[i]!, title)) break;
    }
  }

  const { paragraphs, paraLines } = paragraphsOf(u, content.filter((i) => !skip.has(i)), add);
  if (paragraphs.length === 0) {
    // A title with no body: keep its text as the body rather than make an empty document.
    if (title !== null && titleAt >= 0) { paragraphs.push(title); paraLines.push(titleAt + 1); }
    if (subtitle !== null && after !== undefined) { paragraphs.push(subtitle); paraLines.push(after + 1); }
    if (paragraphs.length === 0) return null;
    title = null;
    subtitle = null;
    metaUsed = false;
  }
  if (title === null) add('untitled');
  return { title, subtitle, paragraphs, paraLines, lineStart, lineEnd, metaUsed };
}

/**
 * The first 2..MAX_TITLE_PARTS content lines when together (whitespace aside) they are exactly the container's
 * title `want`, else null.
 */
function titleParts(u: Unit, content: number[], want: string): number[] | null {
  let acc = '';
  for (let k = 0; k < Math.min(MAX_TITLE_PARTS, content.length - 1); k++) {
    acc += squash(u.t[content[k]!]!);
    if (!want.startsWith(acc)) return null;
    if (acc === want) return k >= 1 ? content.slice(0, k + 1) : null;
  }
  return null;
}

/**
 * A subtitle line: `——副题` (the dash goes, rule `subtitle_dash`) or a dateline without a dash (DATELINE_SUBTITLE,
 * kept whole); null for anything else. See rules/segment-lines.ts.
 */
function subtitleOf(line: string, cfg: SegmentConfig): { dash: string | null; rest: string } | null {
  if (countChars(line) > cfg.maxSubtitleChars) return null;
  const sm = SUBTITLE_LINE.exec(line);
  if (sm?.groups && !NOT_TITLE_END.test(line)) return { dash: sm.groups['dash']!, rest: sm.groups['rest']!.trim() };
  if (DATELINE_SUBTITLE.test(line)) return { dash: null, rest: line };
  return null;
}

/**
 * The title line of a document that no heading named: its first line when title-like and followed by more;
 * or, when the first line is a preview snippet (`标题正文开头...`), the next line it repeats.
 */
function findTitleLine(u: Unit, content: number[]): number {
  const [a, b] = content;
  if (a === undefined || b === undefined) return -1;
  const first = u.t[a]!;
  const second = u.t[b]!;
  if (PREVIEW_END.test(first) && first.startsWith(second) && first.length > second.length
      && titleLike(second, u.cfg.maxTitleChars) && content.length > 2) return b;
  if (titleLike(first, u.cfg.maxTitleChars) && !isStructure(first) && !SALUTATION.test(first)) return a;
  return -1;
}

/**
 * Paragraphs from a document's body lines: a line that does not close its sentence is continued by the next
 * adjacent line (page/slide breaks), except after a short structure heading, a salutation or a short
 * "label: value" line, and never into a structure heading or a label line. Lines holding several `　　`-indented
 * paragraphs are split.
 */
function paragraphsOf(u: Unit, lines: number[], add: (k: string, n?: number) => void): { paragraphs: string[]; paraLines: number[] } {
  const paragraphs: string[] = [];
  const paraLines: number[] = [];
  const cuts = u.oneArticle ? 0 : brokenLines(u, lines);
  const broken = cuts > 0 && cuts / lines.length >= u.cfg.minBrokenShare;
  if (broken) add('joined_documents');
  let prevLine = -2;
  for (const i of lines) {
    // RUN_TOGETHER needs two U+3000 in a row; most lines have none and are their own piece (lines are trimmed).
    const line = u.t[i]!;
    const pieces = line.includes('\u3000\u3000') ? line.split(RUN_TOGETHER).map((p) => p.trim()).filter(Boolean) : line ? [line] : [];
    if (pieces.length > 1) add('run_together_splits', pieces.length - 1);
    pieces.forEach((piece, k) => {
      const last = paragraphs.length - 1;
      if (k === 0 && broken && last >= 0 && prevLine === i - 1 && continues(paragraphs[last]!, piece, u.cfg)) {
        paragraphs[last] = joinText(paragraphs[last]!, piece);
        add('joined_lines');
      } else {
        paragraphs.push(piece);
        paraLines.push(i + 1);
      }
    });
    prevLine = i;
  }
  return { paragraphs, paraLines };
}

function continues(cur: string, next: string, cfg: SegmentConfig): boolean {
  if (closedLine(cur) || SALUTATION.test(cur)) return false;
  if (isStructure(cur) && countChars(cur) <= cfg.maxHeadingChars) return false;
  if (LABEL_LINE.test(cur) && !/[:：]$/.test(cur) && countChars(cur) <= LABEL_LINE_MAX_CHARS) return false;
  if (isStructure(next) || LABEL_LINE.test(next) || COLUMN_HEADING.test(next)) return false;
  return true;
}

/**
 * Body lines of one document (ascending indexes) that end mid-sentence after a complete sentence and are
 * followed by the next line of the same body: page/slide breaks (see minBrokenShare).
 */
function brokenLines(u: Unit, lines: number[]): number {
  let n = 0;
  for (let k = 0; k + 1 < lines.length; k++) {
    const i = lines[k]!;
    if (lines[k + 1] !== i + 1) continue;
    const line = u.t[i]!;
    if (!closedLine(line) && SENTENCE_END_INSIDE.test(line)) n++;
  }
  return n;
}

/**
 * The last units CLOSED_LINE can end on. It is anchored at the end, so the regex is tried from every position of
 * a line that does not match; this check first took segment's CLOSED_LINE time on the 50 MB benchmark from
 * ~0.07 s to almost nothing.
 */
const CLOSED_LAST = new Set([...'。！？!?；;….”’"\'」』）)]】》'].map((c) => c.charCodeAt(0)));

function closedLine(s: string): boolean {
  return s.length > 0 && CLOSED_LAST.has(s.charCodeAt(s.length - 1)) && CLOSED_LINE.test(s);
}

/** Join a broken line to its continuation: no space between CJK, one space between Latin words. */
function joinText(a: string, b: string): string {
  return /[A-Za-z]$/.test(a) && /^[A-Za-z]/.test(b) ? `${a} ${b}` : a + b;
}

/* ---------- genre ---------- */

/** Genre from title + subtitle (the rightmost keyword wins), else from the opening formulas; null if unclear. */
export function guessGenre(title: string | null, subtitle: string | null, paragraphs: string[]): string | null {
  const byTitle = genreOfTitle([title, subtitle].filter(Boolean).join(' '));
  if (byTitle) return byTitle;
  // The first OPENING_CHARS UTF-16 units of the body, without joining a whole long document.
  let head = '';
  for (const p of paragraphs) {
    if (head.length >= OPENING_CHARS) break;
    head += p;
  }
  const opening = fold(head.slice(0, OPENING_CHARS));
  return GENRES.find((g) => g.opening?.test(opening))?.genre ?? null;
}

function genreOfTitle(text: string): string | null {
  const s = fold(text);
  let best: { genre: string; end: number; len: number } | null = null;
  for (const g of GENRES) {
    for (const m of s.matchAll(g.title)) {
      const end = m.index + m[0].length;
      if (!best || end > best.end || (end === best.end && m[0].length > best.len)) best = { genre: g.genre, end, len: m[0].length };
    }
  }
  return best?.genre ?? null;
}

function fold(s: string): string {
  return [...s].map((c) => TRADITIONAL_FOLD[c] ?? c).join('');
}

/* ---------- helpers ---------- */

/** Indexes of non-empty, not removed lines in [from, to). */
function contentLines(u: Unit, from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) if (u.t[i] && !u.gone.has(i)) out.push(i);
  return out;
}

function nextContent(u: Unit, from: number, also: Set<number> = new Set()): number | null {
  for (let i = from; i < u.t.length; i++) if (u.t[i] && !u.gone.has(i) && !also.has(i)) return i;
  return null;
}

function bodyChars(u: Unit, from: number, to: number): number {
  return contentLines(u, from, to).reduce((n, i) => n + countChars(u.t[i]!), 0);
}

/** A title line: 2..max chars, no full stop inside, not ending like a clause (see segment-lines.ts). */
function titleLike(s: string, max: number): boolean {
  const n = countChars(s);
  if (n < 2 || n > max || NOT_TITLE_END.test(s) || SENTENCE_INSIDE.test(s)) return false;
  return !(EXCLAIM_END.test(s) && CLAUSE_COMMA.test(s));
}

function isStructure(s: string): boolean {
  return STRUCTURE_HEADINGS.some((re) => re.test(s));
}

/** The marker part of a heading line: everything before its title. */
function markerOf(line: string, rest: string): string {
  return line.slice(0, line.length - rest.length).trim();
}

/** Whitespace-free form for comparing titles (TOC entry vs heading, metadata title vs line). */
function squash(s: string): string {
  return s.replace(TOC_PAGE_TRAILER, '').replace(/\s+/gu, '');
}

const CN_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** Arabic (ASCII or full-width) or Chinese numeral up to 999 → number (NaN if not one). */
export function toInt(s: string): number {
  const ascii = s.replace(/[０-９]/gu, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  if (/^\d+$/.test(ascii)) return Number(ascii);
  let n = 0;
  let cur = 0;
  for (const c of s) {
    if (c in CN_DIGITS) cur = CN_DIGITS[c]!;
    else if (c === '十') { n += (cur || 1) * 10; cur = 0; }
    else if (c === '百') { n += (cur || 1) * 100; cur = 0; }
    else return NaN;
  }
  return n + cur;
}
