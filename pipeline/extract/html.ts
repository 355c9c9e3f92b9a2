/**
 * HTML pages → one text unit: the article's paragraphs, its title, site and publication date.
 *
 *   1. Charset (`decodeHtml`): a byte-order mark; else bytes that are strict UTF-8 are UTF-8 (saved pages often
 *      still declare the gb2312 of the server they came from); else the `<meta charset>` / http-equiv declaration
 *      when the bytes decode strictly in it; else the detector of pipeline/extract/decode.ts.
 *   2. Nesting: an estimate from the tag stream before parsing and the exact depth after it; pages deeper than
 *      `maxDepth` are rejected as `html_too_deep` (Readability's scoring grows much faster than linearly with depth:
 *      ~0.4 s at 200 levels, ~9 s at 500). Nothing here recurses on the call stack.
 *   3. The page is re-wrapped as `<html><head>…</head><body>…</body></html>` (saved pages often lack `<html>` or
 *      `<body>`, and linkedom, unlike an HTML5 tree builder, does not invent them), parsed with linkedom, and the main
 *      content found by Mozilla Readability. Block elements become lines (`blockLines`); the unit's text is those
 *      lines joined by `\n`, without the title line Readability may leave at its top.
 *   4. Title: the `<title>` without its column and site suffix (pipeline/rules/html-title.ts), else `og:title`,
 *      else the first `<h1>`. Site: `og:site_name`, else the `<title>` suffix, else a `来源：` line. Published
 *      (pageMeta, rules in pipeline/rules/html-meta.ts): a 成文日期 field, the meta tags, JSON-LD, WeChat's script
 *      variables, `#publish_time`, a 发布日期 field, a byline date near the title, a post's `发表于 …` line, a relative
 *      date against the page's save date; always `YYYY-MM-DD`, timestamps with a zone dated in China time.
 * A page with no text outside scripts and markup is rejected as `no_main_content`.
 */
import type { Readability } from '@mozilla/readability';
import { lazy } from '../lib/lazy.js';
import { decodeText, DECODE_DEFAULTS, type DecodeConfig, type Decoded, type Undecodable } from './decode.js';
import { unitId } from '../lib/ids.js';
import { countChars } from '../lib/stage.js';
import type { RawFileInfo } from '../lib/types.js';
import type { ExtractConfig, ExtractResult, RawInput } from '../stages/extract.js';
import { ARTICLE_NODE_SELECTORS, FORUM_POST_SELECTORS, HEADLINE_SELECTORS, BLOCK_ELEMENTS, CELL_ELEMENTS, HTML_NONVOID, IMPLIED_END, RAW_TEXT_ELEMENTS, SKIP_ELEMENTS, VOID_ELEMENTS } from '../rules/html-dom.js';
import { BARE_DASH_SUFFIX, BLOG_NAME, SITE_ONLY_TITLE, SITE_TITLE_HEADING_MAX_CHARS, SITE_TITLE_HEADING_WITHIN, HEADING_AT_SEPARATOR_MIN_CHARS, HEADLINE_PUNCTUATION, TITLE_TRAILING_DASHES, HEADING_SUFFIX_MAX_CHARS, SITE_BRACKETS, SITE_WORD, TITLE_NOISE_PREFIX, TITLE_SEPARATOR, TITLE_STUB_MAX_CHARS } from '../rules/html-title.js';
import {
  BYLINE_DATE, DATE_FIELD_LINE, DATE_FIELDS, DATE_IN_TEXT, DOCUMENT_DATE_FIELDS, EPAPER_HEADER_LINES, EPAPER_ISSUE_DATE, EPAPER_MARKER, JSONLD_DATE_KEYS, NOT_BYLINE_LINE, PAGE_UTC_OFFSET_HOURS, POST_DATE_LINES, PUBLISHED_META,
  PUBLISHED_NODE_SELECTORS, RELATIVE_DATE, SAVED_DATE_ANCHOR, SCRIPT_DATES, SITE_META, SOURCE_LINE,
} from '../rules/html-meta.js';
import { CHROME_SELECTORS, CONTROL_LINE, FOOTER_LINE, LEADING_COUNTER, TAIL_MARKER } from '../rules/html-chrome.js';
import { isoDate as calendarDate } from '../lib/unicode.js';
import { LABELLED_TITLE } from '../rules/edges.js';
import { lineRuleFor } from '../rules/boilerplate.js';

const linkedom = lazy<typeof import('linkedom')>('linkedom');
const readability = lazy<typeof import('@mozilla/readability')>('@mozilla/readability');

export interface HtmlConfig {
  /** Deepest element nesting accepted (real pages of the eval set stay under 40; see the note above). */
  maxDepth: number;
  /** Largest sum of the elements' nesting levels accepted (nestingStats: what Readability's scoring grows with). */
  maxNestingSum: number;
  /** Readability's `charThreshold`: least article length before it retries with looser rules (default 500). */
  charThreshold: number;
  /** Readability's `maxElemsToParse` (0 = no limit): a guard against pathological pages. */
  maxElems: number;
  /** Lines after the title line searched for a byline date or `来源：` line. */
  bylineWindow: number;
  /** Article characters that must precede a related-links/comments heading for it to end the article. */
  minTextBeforeTail: number;
  /** Longest line that can follow a footer line (a longer one means the footer line was inside the text). */
  maxFooterLineChars: number;
  /** Lines just above the heading line searched for a byline date when none follows it. */
  bylineAbove: number;
  /** Least text (characters) under the headline in its `<article>` for it to replace Readability's pick. */
  minHeadlineArticleChars: number;
}

export const HTML_DEFAULTS: HtmlConfig = { maxDepth: 200, maxNestingSum: 1_000_000, charThreshold: 200, maxElems: 500_000, bylineWindow: 12, minTextBeforeTail: 100, maxFooterLineChars: 80, bylineAbove: 2, minHeadlineArticleChars: 50 };

/** Extract configuration with the optional HTML section (the lead's ExtractConfig does not carry it yet). */
type Cfg = ExtractConfig & { html?: HtmlConfig };

/* ---------- charset ---------- */

function strict(bytes: Uint8Array, enc: string): string | null {
  try {
    return new TextDecoder(enc, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** The charset a page declares in `<meta charset>` or `<meta http-equiv="Content-Type">`, within its head. */
export function declaredCharset(bytes: Uint8Array): string | null {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1 << 16));
  const end = head.search(/<body[\s>]/i);
  const m = /<meta\b[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(end > 0 ? head.slice(0, end) : head);
  return m ? m[1]!.toLowerCase() : null;
}

/** WHATWG decoder name for a declared label; the GB family decodes as GB18030 (a superset of GBK and GB2312). */
export function whatwgEncoding(label: string): string | null {
  try {
    const enc = new TextDecoder(label).encoding;
    return enc === 'gbk' ? 'gb18030' : enc;
  } catch {
    return null;
  }
}

/** BOM → strict UTF-8 → declared charset (if the bytes decode strictly in it) → detector. See the module note. */
export function decodeHtml(bytes: Uint8Array, cfg: DecodeConfig = DECODE_DEFAULTS): (Decoded & { declared: string | null }) | Undecodable {
  const declared = declaredCharset(bytes);
  const bom = (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) || (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  // UTF-16 without a BOM is valid UTF-8 byte for byte (ASCII + NUL): let the detector see its NUL pattern.
  if (bom || bytes[0] === 0 || bytes[1] === 0) {
    const d = decodeText(bytes, cfg);
    return d.ok ? { ...d, declared } : d;
  }
  const utf8 = strict(bytes, 'utf-8');
  if (utf8 !== null) return { ok: true, text: utf8, encoding: 'utf-8', method: 'utf8_valid', replaced: 0, declared };
  const enc = declared ? whatwgEncoding(declared) : null;
  if (enc && enc !== 'utf-8' && !enc.startsWith('utf-16')) {
    const s = strict(bytes, enc);
    if (s !== null) return { ok: true, text: s, encoding: enc, method: 'meta', replaced: 0, declared };
  }
  const d = decodeText(bytes, cfg);
  if (d.ok) return { ...d, declared };
  if (enc) {
    // Declared, nearly decodable: a page with a few corrupt bytes keeps its declared charset.
    const s = new TextDecoder(enc).decode(bytes);
    const bad = (s.match(/\ufffd/g) ?? []).length;
    if (bad <= Math.max(1, s.length * cfg.utf8LossyMaxShare)) return { ok: true, text: s, encoding: enc, method: 'meta_lossy', replaced: bad, declared };
  }
  return d;
}

/* ---------- nesting ---------- */

/**
 * Deepest element nesting of a page, estimated from its tags without building a tree: end tags close back to
 * their open element, implied ends (`<p>`, `<li>`, `<td>`…) close an open sibling, void and raw-text elements
 * never nest, and `<div/>` nests like `<div>` (a `/>` closes only void and foreign elements, as in HTML parsers). Stops counting at `stopAt`. Linear in the page size.
 */
export function nestingEstimate(html: string, stopAt = Infinity): number {
  return nestingStats(html, stopAt).max;
}

/**
 * The nesting estimate's deepest level (`max`) and the sum of every element's level (`sum`): what Readability's
 * scoring costs grows with it (each candidate's text is gathered from its whole subtree, so a node counts once per
 * ancestor). A 195-level page of 20,000 paragraphs (sum ≈ 3.9 M) took 145 s and 2.3 GB; the eval set's real news
 * and government pages stay under 90,000 (at most 86,815 over the 58 pages of /work/shared/eval; tests/extract/html.test.ts).
 */
export function nestingStats(html: string, stopAt = Infinity): { max: number; sum: number } {
  let sum = 0;
  const re = /<!--[\s\S]*?(?:-->|$)|<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)\b[^>]*?(\/?)>/g;
  const stack: string[] = [];
  let max = 0;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    if (m[2] === undefined) continue; // comment
    const name = m[2].toUpperCase();
    if (m[1]) {
      // An end tag closes back to its element if it is open near the top; a stray end tag is ignored.
      for (let k = stack.length - 1; k >= Math.max(0, stack.length - 64); k--) {
        if (stack[k] === name) {
          stack.length = k;
          break;
        }
      }
      continue;
    }
    // `/>` closes only void and foreign elements; on an HTML element it is ignored (HTML_NONVOID).
    if (VOID_ELEMENTS.has(name) || (m[3] && !HTML_NONVOID.has(name))) continue;
    const top = stack[stack.length - 1];
    if (top !== undefined && ((IMPLIED_END.has(name) && top === name) || (top === 'P' && BLOCK_ELEMENTS.has(name)))) stack.pop();
    stack.push(name);
    sum += stack.length;
    if (stack.length > max) max = stack.length;
    if (max > stopAt) return { max, sum };
    const lower = name.toLowerCase();
    if (RAW_TEXT_ELEMENTS.includes(lower)) {
      const close = html.toLowerCase().indexOf(`</${lower}`, re.lastIndex);
      re.lastIndex = close < 0 ? html.length : close;
    }
  }
  return { max, sum };
}

/** Exact element depth of a parsed tree, walked with an explicit stack. */
export function domDepth(root: Element): number {
  let max = 0;
  const stack: [Element, number][] = [[root, 1]];
  while (stack.length) {
    const [el, d] = stack.pop()!;
    if (d > max) max = d;
    for (const c of Array.from(el.children)) stack.push([c, d + 1]);
  }
  return max;
}

/* ---------- DOM → lines ---------- */

const ASCII_SPACE = /[ \t\n\r\f\v\u00a0]+/g;

/**
 * Text of a DOM subtree as lines: block elements, table cells and `<br>` end a line, `<pre>` keeps its own line
 * breaks, script/style/form elements are skipped, runs of spaces collapse. Empty lines are dropped.
 * Walks with an explicit stack, so any depth is safe.
 */
export function blockLines(root: Node): string[] {
  const lines: string[] = [];
  let cur = '';
  let pre = 0;
  const flush = () => {
    const t = cur.replace(ASCII_SPACE, ' ').trim();
    if (t) lines.push(t);
    cur = '';
  };
  type Item = { node: Node; exit?: 'block' | 'pre' };
  const stack: Item[] = [{ node: root }];
  while (stack.length) {
    const { node, exit } = stack.pop()!;
    if (exit) {
      if (exit === 'pre') pre--;
      flush();
      continue;
    }
    if (node.nodeType === 3) {
      const v = node.nodeValue ?? '';
      if (pre > 0 && v.includes('\n')) {
        const parts = v.split('\n');
        parts.forEach((p, k) => {
          cur += p;
          if (k < parts.length - 1) flush();
        });
      } else cur += v;
      continue;
    }
    if (node.nodeType !== 1 && node.nodeType !== 9 && node.nodeType !== 11) continue;
    const tag = node.nodeType === 1 ? (node as Element).tagName.toUpperCase() : '';
    if (SKIP_ELEMENTS.has(tag)) continue;
    if (tag === 'BR') {
      flush();
      continue;
    }
    if (tag === 'PRE') {
      flush();
      pre++;
      stack.push({ node, exit: 'pre' });
    } else if (BLOCK_ELEMENTS.has(tag) || CELL_ELEMENTS.has(tag)) {
      flush();
      stack.push({ node, exit: 'block' });
    }
    const kids = node.childNodes;
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ node: kids[i]! });
  }
  flush();
  return lines;
}

/* ---------- document and metadata ---------- */

/**
 * The page as a well-formed `<html><head>…</head><body>…</body></html>` string: everything before `<body>` (or
 * `</head>`) is head, the rest body, stray `html`/`head`/`body` tags removed.
 */
export function rewrap(html: string): string {
  // Tags inside comments are no tags: WeChat pages as served open with `<!--headTrap<body></body><head></head>
  // <html></html>-->` (issue 21: four such pages were cut inside that comment and lost their whole body). The
  // search runs over a copy with every comment blanked to spaces of the same length, so indices still match.
  const bare = html.includes('<!--') ? html.replace(/<!--[\s\S]*?(?:-->|$)/g, (c) => ' '.repeat(c.length)) : html;
  const open = /<body\b[^>]*>/i.exec(bare);
  const headEnd = open ? null : /<\/head\s*>/i.exec(bare);
  let head = '';
  let body = html;
  if (open) {
    head = html.slice(0, open.index);
    body = html.slice(open.index + open[0].length);
  } else if (headEnd) {
    head = html.slice(0, headEnd.index);
    body = html.slice(headEnd.index + headEnd[0].length);
  }
  // Stray html/head/body tags go, but not inside comments (the comment must stay whole).
  const strip = (s: string) => s.replace(/(<!--[\s\S]*?(?:-->|$))|<!doctype[^>]*>|<\/?(?:html|head|body)\b[^>]*>/gi, (m, comment: string | undefined) => comment ?? '');
  return `<!DOCTYPE html><html><head>${strip(head)}</head><body>${strip(body)}</body></html>`;
}

const squash = (s: string) => s.replace(/\s+/gu, '');
const oneLine = (s: string | null | undefined) => (s ?? '').replace(/\s+/gu, ' ').trim();

/** `YYYY-MM-DD` of the first date in `s` that is a real calendar date, else null. */
export function isoDate(s: string | null | undefined): string | null {
  const m = s ? DATE_IN_TEXT.exec(s) : null;
  if (!m?.groups) return null;
  return calendarDate(m.groups['y']!, m.groups['m']!, m.groups['d']!);
}

/** `YYYY-MM-DD` in the pages' time zone (PAGE_UTC_OFFSET_HOURS) of an instant in milliseconds, or null. */
function zonedDate(ms: number): string | null {
  if (!Number.isFinite(ms)) return null;
  const d = new Date(ms + PAGE_UTC_OFFSET_HOURS * 3_600_000);
  return calendarDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

const ZONED_TIMESTAMP = /^\s*(?:19|20)\d{2}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})\s*$/u;

/**
 * The date of a machine-readable timestamp (a meta tag's or JSON-LD's value): an ISO timestamp with a zone
 * (`2024-05-22T00:21:04.000Z`, `…+08:00`) is an instant and is dated in the pages' time zone, as the page shows it
 * (`2024年5月22日 上午8:21`); anything else by the first date in it (isoDate).
 */
export function timestampDate(s: string | null | undefined): string | null {
  if (s && ZONED_TIMESTAMP.test(s)) return zonedDate(Date.parse(s.trim().replace(/([+-]\d{2})(\d{2})$/u, '$1:$2')));
  return isoDate(s);
}

/** The first JSON-LD publication date of the page (JSONLD_DATE_KEYS, strongest key first), or null. */
export function jsonLdDate(doc: Document): string | null {
  const objects: unknown[] = [];
  for (const el of Array.from(doc.querySelectorAll('script[type="application/ld+json"]'))) {
    try {
      objects.push(JSON.parse(el.textContent ?? ''));
    } catch {
      // A broken JSON-LD block is the page's fault, not a reason to fail: it gives no date.
    }
  }
  // Breadth-first over objects, arrays and `@graph`, so a top-level article's date beats a nested item's.
  const flat: Record<string, unknown>[] = [];
  for (let i = 0; i < objects.length && flat.length < 1000; i++) {
    const o = objects[i];
    if (Array.isArray(o)) objects.push(...o);
    else if (o && typeof o === 'object') {
      flat.push(o as Record<string, unknown>);
      const g = (o as Record<string, unknown>)['@graph'];
      if (g) objects.push(g);
    }
  }
  for (const key of JSONLD_DATE_KEYS) {
    for (const o of flat) {
      const v = o[key];
      const d = typeof v === 'string' ? timestampDate(v) : null;
      if (d) return d;
    }
  }
  return null;
}

/** The publication date an inline script carries (SCRIPT_DATES: WeChat's `var ct`), or null. */
export function scriptDate(doc: Document): string | null {
  const scripts = Array.from(doc.querySelectorAll('script')).map((s) => s.textContent ?? '').filter((t) => t.length > 0);
  for (const re of SCRIPT_DATES) {
    for (const t of scripts) {
      const g = re.exec(t)?.groups;
      if (!g) continue;
      const d = g['epoch'] ? zonedDate(Number(g['epoch']) * 1000) : isoDate(g['date']);
      if (d) return d;
    }
  }
  return null;
}

/**
 * A forum or Q&A post's date line anywhere on the page (POST_DATE_LINES), or a relative one (`发布于 昨天 14:29`)
 * resolved against the save date the page carries (SAVED_DATE_ANCHOR; none: no date from it).
 */
export function postDate(pageLines: readonly string[], html: string): string | null {
  return postLineDate(pageLines) ?? relativeDate(pageLines, html);
}

/** The strongest post date line (POST_DATE_LINES) among `lines`, or null. */
function postLineDate(lines: readonly string[]): string | null {
  for (const re of POST_DATE_LINES) {
    for (const l of lines) {
      const d = isoDate(re.exec(l)?.groups?.['date']);
      if (d) return d;
    }
  }
  return null;
}

/** A relative date line (RELATIVE_DATE) resolved against the page's save date (SAVED_DATE_ANCHOR), or null. */
function relativeDate(pageLines: readonly string[], html: string): string | null {
  const anchor = SAVED_DATE_ANCHOR.exec(html.slice(0, 4096))?.groups?.['date'];
  if (!anchor) return null;
  const saved = Date.parse(anchor.replace(/GMT([+-]\d{2})(\d{2})$/u, 'GMT$1:$2'));
  if (!Number.isFinite(saved)) return null;
  for (const l of pageLines) {
    const g = RELATIVE_DATE.exec(l)?.groups;
    if (!g) continue;
    const days = g['word'] ? ['今天', '昨天', '前天'].indexOf(g['word']) : 0;
    const back = g['word'] ? days * 86_400_000 : Number(g['n']) * ({ 天: 86_400_000, 小时: 3_600_000, 分钟: 60_000 } as Record<string, number>)[g['unit']!]!;
    return zonedDate(saved - back);
  }
  return null;
}

/** The segments of a `<title>` between its separators (TITLE_SEPARATOR); none for an empty title. */
function titleSegments(raw: string): string[] {
  const t = oneLine(raw);
  return t ? t.split(TITLE_SEPARATOR).map((s) => s.trim()) : [];
}

/**
 * A `<title>` cut into article title and site name (pipeline/rules/html-title.ts). The title is the first segment
 * with every bare-dash site suffix stripped (`标题-股票频道-和讯网`), unless a later segment is one of the page's
 * `headings` (its `<h1>`: `栏目--标题` titles) or the first segment is a stub of at most TITLE_STUB_MAX_CHARS before
 * a longer segment (`棱镜|数据业大整顿：…`: a column name, not the title).
 */
export function splitTitle(raw: string, headings: readonly string[] = []): { title: string | null; site: string | null } {
  const t = oneLine(raw).replace(TITLE_NOISE_PREFIX, '');
  const segs = titleSegments(t);
  if (segs.length === 0) return { title: null, site: null };
  // The site is the last suffix segment that reads as a site name (`_39健康网_饮食`: not the column), else the last.
  const tail = segs.slice(1).filter(Boolean).map((x) => SITE_BRACKETS.exec(x)?.groups?.['name']?.trim() ?? x);
  let site: string | null = [...tail].reverse().find((x) => SITE_WORD.test(x)) ?? tail[tail.length - 1] ?? null;
  const stripDash = (s: string) => {
    for (let m = BARE_DASH_SUFFIX.exec(s); m?.groups && SITE_WORD.test(m.groups['site']!); m = BARE_DASH_SUFFIX.exec(s)) {
      if (segs.length === 1) site ??= m.groups['site']!;
      s = s.slice(0, m.index).trim();
    }
    return s;
  };
  let title = stripDash(segs[0] ?? '');
  const heads = new Set(headings.map(squash).filter(Boolean));
  const named = segs.slice(1).find((x) => heads.has(squash(x)));
  // The page's heading that the whole <title> starts with, followed by nothing or a short suffix: it is the title
  // even where a separator sits inside it (`新华视界｜河北遵化：…`, `政能亮丨…凤凰网评论_凤凰网`).
  const whole = squash(t);
  // A heading of HEADING_AT_SEPARATOR_MIN_CHARS or more that the <title> continues after a separator is the title
  // whatever the suffix (`写给…的想法-英国留学生活|留学攻略-51offer让留学更简单` under the h1 `写给…的想法`).
  const atSeparator = (h: string) => [...squash(h)].length >= HEADING_AT_SEPARATOR_MIN_CHARS && t.startsWith(h) && /^\s*[-–—_|｜]/u.test(t.slice(h.length));
  const lead = headings.filter((h) => squash(h) && whole.startsWith(squash(h)) && (whole.length - squash(h).length <= HEADING_SUFFIX_MAX_CHARS || atSeparator(h)))
    .sort((a, b) => squash(b).length - squash(a).length)[0];
  if (lead) {
    title = lead;
    // The whole <title> is the heading (`语音 | 早安武汉〔2018.3.19 周一〕`): its segments name no site.
    if (!/[\p{L}\p{N}]/u.test(whole.slice(squash(lead).length))) site = null;
  } else if (named && !heads.has(squash(title))) title = named;
  // `栏目 | 标题`: a second and last segment that is a headline (sentence punctuation, no site word) belongs to the title.
  else if (segs.length === 2 && HEADLINE_PUNCTUATION.test(segs[1]!) && !SITE_WORD.test(segs[1]!) && !heads.has(squash(title))) {
    title = t.trim();
    site = null;
  } else if (segs.length > 1 && !heads.has(squash(title)) && [...title].length <= TITLE_STUB_MAX_CHARS && [...(segs[1] ?? '')].length > TITLE_STUB_MAX_CHARS) title = stripDash(segs[1]!);
  return { title: title || null, site: site || null };
}

function metaContent(doc: Document, names: string[]): string | null {
  const metas = Array.from(doc.querySelectorAll('meta'));
  for (const want of names) {
    for (const m of metas) {
      const key = (m.getAttribute('property') ?? m.getAttribute('name') ?? m.getAttribute('itemprop') ?? '').trim().toLowerCase();
      const v = oneLine(m.getAttribute('content'));
      if (key === want && v) return v;
    }
  }
  return null;
}

export interface PageMeta {
  title: string | null;
  /** Other texts the page uses as its heading (`<h1>`, og:title), for removing a repeated title line. */
  headings: string[];
  site: string | null;
  published: string | null;
}

/**
 * Title, site and date from the head and the lines around the heading; call before Readability changes `doc`.
 * `published`, strongest first: a document date field (成文日期: DOCUMENT_DATE_FIELDS), the meta tags
 * (PUBLISHED_META), JSON-LD, an inline script's date (WeChat), the `#publish_time` node, a 发布日期 field, a post's
 * date line near the heading (`发布于 …` before `编辑于 …`), a byline date near the heading, a post's date line
 * anywhere, a relative date against the page's save date.
 * `html` is the page's source (for the save-date comment before `<html>`).
 */
export function pageMeta(doc: Document, pageLines: string[], cfg: HtmlConfig, html = ''): PageMeta {
  const h1s = Array.from(doc.querySelectorAll(HEADLINE_SELECTORS)).slice(0, 5).map((h) => oneLine(h.textContent)).filter(Boolean);
  // Where the h1 is the site's or the blog's name, the article's heading is an h2 (松花江网, 博客中国): an h2 counts
  // for recognising the title inside the <title>, never as a title of its own.
  const h2s = Array.from(doc.querySelectorAll('h2')).slice(0, 5).map((h) => oneLine(h.textContent)).filter(Boolean);
  const fromTitle = splitTitle(doc.querySelector('title')?.textContent ?? '', [...h1s, ...h2s]);
  const og = splitTitle(metaContent(doc, ['og:title', 'twitter:title']) ?? '', [...h1s, ...h2s]);
  let title = fromTitle.title ?? og.title ?? h1s[0] ?? null;
  // A blog's name as the title (`bjreader的博客`): the post's heading is the page's first <h2> (its trailing `- -` dropped).
  const postHeading = h2s.find((h) => !BLOG_NAME.test(h));
  const fromPost = title !== null && BLOG_NAME.test(title) && postHeading !== undefined && postHeading.replace(TITLE_TRAILING_DASHES, '') !== '';
  if (fromPost) title = postHeading!.replace(TITLE_TRAILING_DASHES, '');
  const headings = [...new Set([...h1s, og.title, fromTitle.title, fromPost ? postHeading : null].filter((s): s is string => !!s))];

  // The byline: the lines just after the heading line (or the top of the page when no line is the heading).
  const want = title ? squash(title) : '';
  // The heading line itself, else the first part of a heading broken over lines (a short line such as the media's
  // name `经济日报` that merely starts the title is no heading when the whole title is a line of its own).
  let at = want ? pageLines.findIndex((l) => squash(l) === want) : -1;
  if (at < 0 && want) at = pageLines.findIndex((l) => squash(l).length >= 4 && want.startsWith(squash(l)));
  if (at < 0 && want) at = pageLines.findIndex((l) => squash(l).includes(want));
  const window = at >= 0 ? pageLines.slice(at + 1, at + 1 + cfg.bylineWindow) : pageLines.slice(0, cfg.bylineWindow * 4);
  let bylineDate: string | null = null;
  let sourceLine: string | null = null;
  for (const l of window) {
    if (NOT_BYLINE_LINE.test(l)) continue;
    for (const re of BYLINE_DATE) bylineDate ??= isoDate(re.exec(l)?.groups?.['date']);
    sourceLine ??= SOURCE_LINE.exec(l)?.groups?.['site'] ?? null;
  }
  // A post header just above the heading (`2003-5-29 09:07 高山流水` over a Discuz! Archiver post's title).
  if (at > 0) for (const l of pageLines.slice(Math.max(0, at - cfg.bylineAbove), at)) for (const re of BYLINE_DATE) bylineDate ??= isoDate(re.exec(l)?.groups?.['date']);
  const site = metaContent(doc, SITE_META) ?? fromTitle.site ?? og.site ?? sourceLine;
  const node = PUBLISHED_NODE_SELECTORS.map((sel) => doc.querySelector(sel)?.textContent).find((t) => isoDate(t));
  const published = dateField(pageLines, DOCUMENT_DATE_FIELDS) ?? timestampDate(metaContent(doc, PUBLISHED_META)) ?? jsonLdDate(doc) ?? scriptDate(doc) ??
    isoDate(node) ?? dateField(pageLines) ?? postLineDate(window) ?? bylineDate ?? epaperDate(pageLines) ?? postDate(pageLines, html);
  return { title, headings, site, published };
}

/** An e-paper page's issue date (rules/html-meta.ts EPAPER_MARKER, EPAPER_ISSUE_DATE), or null on other pages. */
function epaperDate(pageLines: string[]): string | null {
  const head = pageLines.slice(0, EPAPER_HEADER_LINES).map((l) => l.trim());
  if (!head.some((l) => EPAPER_MARKER.test(l))) return null;
  for (const l of head) {
    const d = isoDate(EPAPER_ISSUE_DATE.exec(l)?.groups?.['date']);
    if (d) return d;
  }
  return null;
}

/**
 * The date of the strongest date field of a header table (`fields`, in DATE_FIELDS' order), its value in the same
 * or the next cell.
 */
function dateField(pageLines: string[], fields: readonly string[] = DATE_FIELDS): string | null {
  const found = new Map<string, string>();
  pageLines.forEach((l, i) => {
    const m = DATE_FIELD_LINE.exec(l);
    if (!m?.groups || found.has(m.groups['label']!)) return;
    const d = isoDate(m.groups['value']) ?? (m.groups['value'] ? null : isoDate(pageLines[i + 1]));
    if (d) found.set(m.groups['label']!, d);
  });
  return fields.map((f) => found.get(f)).find((d) => d !== undefined) ?? null;
}

/* ---------- page furniture ---------- */

/**
 * Lines of an article without the furniture Readability kept (pipeline/rules/html-chrome.ts): controls and
 * counters, the related-links or comments block and everything after it, a trailing site footer.
 */
export function trimChrome(lines: string[], cfg: HtmlConfig): string[] {
  let out = lines.filter((l) => !CONTROL_LINE.some((re) => re.test(l)));
  let k = 0;
  while (k < out.length && LEADING_COUNTER.test(out[k]!)) k++;
  out = out.slice(k);
  let before = 0;
  for (let i = 0; i < out.length; i++) {
    if (before >= cfg.minTextBeforeTail && TAIL_MARKER.test(out[i]!)) {
      out = out.slice(0, i);
      break;
    }
    before += countChars(out[i]!);
  }
  const f = out.findIndex((l, i) => FOOTER_LINE.test(l) && out.slice(i + 1).every((x) => countChars(x) <= cfg.maxFooterLineChars));
  if (f > 0) out = out.slice(0, f);
  return out;
}

/* ---------- forum threads and the headline's article ---------- */

/**
 * A forum or Q&A thread's posts (pipeline/rules/html-dom.ts FORUM_POST_SELECTORS): the text of every post node of
 * the first engine whose selector finds text, in page order, each without control lines; a node inside another
 * matched node counts once. Null when no engine's markup is on the page.
 */
export function forumPosts(doc: Document): string[] | null {
  for (const sel of FORUM_POST_SELECTORS) {
    const els = Array.from(doc.querySelectorAll(sel));
    const top = els.filter((el) => !els.some((o) => o !== el && o.contains(el)));
    const lines = top.flatMap((el) => blockLines(el).filter((l) => !CONTROL_LINE.some((re) => re.test(l))));
    if (countChars(lines.join('')) > 0) return lines;
  }
  return null;
}

/**
 * The lines that follow the page's headline inside its `<article>` element (HTML's own mark of "a self-contained
 * composition"), or null: the `<h1>` whose text is the page's title, its nearest `<article>` ancestor, and that
 * element's lines after the heading line, without a line that is a `<time>` element's text. Used to check
 * Readability's pick (htmlToText).
 */
export function headlineArticle(doc: Document, titles: readonly string[]): string[] | null {
  const want = new Set(titles.map(squash).filter(Boolean));
  for (const h of Array.from(doc.querySelectorAll('h1'))) {
    const head = squash(h.textContent ?? '');
    if (!want.has(head)) continue;
    const art = h.closest('article');
    if (!art) continue;
    const lines = blockLines(art);
    const at = lines.findIndex((l) => squash(l) === head);
    // A `<time>` alone on its line is the byline's timestamp (`2024年5月22日週三 上午8:21`), not text.
    const times = new Set(Array.from(art.querySelectorAll('time')).map((t) => squash(t.textContent ?? '')).filter(Boolean));
    return at < 0 ? null : lines.slice(at + 1).filter((l) => !times.has(squash(l)));
  }
  return null;
}

/** Share of the characters of `lines` whose line Readability's text also holds (whitespace ignored). */
function coveredShare(lines: readonly string[], text: string): number {
  const all = squash(text);
  let covered = 0;
  let total = 0;
  for (const l of lines) {
    const n = countChars(l);
    total += n;
    if (all.includes(squash(l))) covered += n;
  }
  return total === 0 ? 1 : covered / total;
}

/* ---------- the extractor ---------- */

export interface HtmlText {
  lines: string[];
  meta: PageMeta;
  /**
   * `readability`; `article_node` when a known article node (rules/html-dom.ts ARTICLE_NODE_SELECTORS) was taken
   * directly; `forum_posts` when a thread's post nodes were (FORUM_POST_SELECTORS); `headline_article` when
   * Readability's pick left out the text under the page's headline in its `<article>` and that text was taken;
   * `body` when Readability found no article and the page's whole text was kept.
   */
  method: 'readability' | 'article_node' | 'forum_posts' | 'headline_article' | 'body';
}

/** Main text and metadata of a decoded page, or a reject reason. Pure. */
export function htmlToText(html: string, cfg: HtmlConfig = HTML_DEFAULTS): HtmlText | { reason: string; detail: string } {
  const est = nestingStats(html, cfg.maxDepth);
  if (est.max > cfg.maxDepth) return { reason: 'html_too_deep', detail: `elements nested more than ${cfg.maxDepth} deep (estimated from the tags)` };
  if (est.sum > cfg.maxNestingSum) return { reason: 'html_too_complex', detail: `elements' nesting levels sum to ${est.sum} > ${cfg.maxNestingSum} (estimated from the tags)` };
  const { document } = linkedom().parseHTML(rewrap(html)) as unknown as { document: Document };
  const depth = domDepth(document.documentElement);
  if (depth > cfg.maxDepth) return { reason: 'html_too_deep', detail: `elements nested ${depth} deep > ${cfg.maxDepth}` };
  const pageLines = blockLines(document.body);
  const meta = pageMeta(document, pageLines, cfg, html);
  if (countChars(pageLines.join('')) === 0) return { reason: 'no_main_content', detail: 'no text outside scripts, styles and markup' };

  for (const el of Array.from(document.querySelectorAll(CHROME_SELECTORS))) el.remove();
  let method: HtmlText['method'] = 'readability';
  let article: ReturnType<Readability<Node>['parse']> = null;
  // A known article node (WeChat's #js_content, hidden until a script runs) is taken directly.
  const node = ARTICLE_NODE_SELECTORS.map((sel) => document.querySelector(sel)).find((el) => el && countChars(el.textContent ?? '') > 0);
  let lines = node ? trimChrome(blockLines(node), cfg) : [];
  // A thread: its posts, without author cards, floor labels and reply buttons.
  const posts = lines.length ? null : forumPosts(document);
  if (countChars(lines.join('')) > 0) method = 'article_node';
  else if (posts) {
    lines = posts;
    method = 'forum_posts';
  } else {
    // Taken before Readability, which rewrites the document it scores.
    const headline = headlineArticle(document, [meta.title, ...meta.headings].filter((s): s is string => !!s));
    try {
      article = new (readability().Readability)<Node>(document, { charThreshold: cfg.charThreshold, maxElemsToParse: cfg.maxElems, keepClasses: false, serializer: (n) => n }).parse();
    } catch (err) {
      // Readability throws when a page has more elements than maxElemsToParse: fall back to the page text.
      if (!/Aborting parsing document/.test(String(err))) throw err;
    }
    lines = article?.content ? trimChrome(blockLines(article.content), cfg) : [];
    // Readability scores blocks by length and punctuation, so a longer story elsewhere on the page can outscore a
    // short article (issue 21: a Yahoo page published a column from its sidebar instead of its one-paragraph
    // news item). The text under the page's headline in its <article> is the article when Readability's pick holds
    // less than half of it.
    const body = headline ? trimChrome(headline, cfg) : [];
    if (countChars(body.join('')) >= cfg.minHeadlineArticleChars && coveredShare(body, lines.join('\n')) < 0.5) {
      lines = body;
      method = 'headline_article';
    }
  }
  if (countChars(lines.join('')) === 0) {
    lines = pageLines;
    method = 'body';
  }
  // Readability's date (its JSON-LD and meta reading) when nothing else gave one.
  if (!meta.published) meta.published = timestampDate(article?.publishedTime);
  // `栏目--标题` titles: the article's first line is a later segment of the <title> (a page that prints its heading
  // in no <h1>): that segment is the title, and it is not the site.
  const first = lines[0] !== undefined ? squash(lines[0]) : '';
  const named = first ? titleSegments(document.querySelector('title')?.textContent ?? '').slice(1).find((x) => squash(x) === first) : undefined;
  if (named && meta.title !== named) {
    meta.title = named;
    if (meta.site === named) meta.site = null;
  }
  // A thread's subject as its first line (`主题：…`, BBS pages such as 央视论坛 whose <title> is only the board's name): the title.
  const labelled = lines.length > 1 ? LABELLED_TITLE.exec(lines[0]!) : null;
  if (labelled && countChars(labelled[1]!) >= 4 && countChars(labelled[1]!) <= 80) {
    meta.title = labelled[1]!.trim();
    lines = lines.slice(1);
  }
  // A <title> that is only the site's name: the heading is the first short line that no chrome rule takes, among the
  // text's first lines, with text after it.
  if (meta.title !== null && SITE_ONLY_TITLE.test(meta.title.replace(/\s+/gu, ''))) {
    const k = lines.slice(0, SITE_TITLE_HEADING_WITHIN).findIndex((l) => lineRuleFor(l) === null);
    const h = k >= 0 && k + 1 < lines.length ? lines[k]!.trim() : '';
    if (h && countChars(h) <= SITE_TITLE_HEADING_MAX_CHARS && !/[。！？!?；;，,：:]/u.test(h)) {
      meta.site ??= meta.title;
      meta.title = h;
      lines = [...lines.slice(0, k), ...lines.slice(k + 1)];
    }
  }
  // The heading repeated at the top of the text: it is the unit's title, not body.
  const heads = new Set([meta.title, ...meta.headings].filter((s): s is string => !!s).map(squash));
  while (lines.length > 0 && heads.has(squash(lines[0]!))) lines = lines.slice(1);
  if (countChars(lines.join('')) === 0) return { reason: 'no_main_content', detail: 'no article text besides the title' };
  return { lines, meta, method };
}

/** The registered extractor for `html` files. */
export function extractHtml(input: RawInput, info: RawFileInfo, cfg: Cfg): ExtractResult {
  const base: RawFileInfo = { ...info, format: 'html' };
  const d = decodeHtml(input.bytes, cfg.decode);
  if (!d.ok) return { info: { ...base, status: 'rejected', reason: d.reason, detail: d.detail }, units: [] };
  const decoded: RawFileInfo = { ...base, encoding: d.encoding, encoding_method: d.method };
  const notes: string[] = [];
  if (d.declared && whatwgEncoding(d.declared) !== d.encoding) notes.push(`declares ${d.declared}, decoded as ${d.encoding}`);
  if (d.replaced > 0) notes.push(`${d.replaced} invalid byte sequences replaced by U+FFFD`);
  const r = htmlToText(d.text.replace(/\r\n?/g, '\n'), cfg.html ?? HTML_DEFAULTS);
  if ('reason' in r) return { info: { ...decoded, status: 'rejected', reason: r.reason, detail: r.detail }, units: [] };
  if (r.method === 'body') notes.push('no article found: whole page text kept');
  return {
    info: { ...decoded, detail: notes.length ? notes.join('; ') : null },
    units: [{
      unit_id: unitId(input.path, info.sha256, null), source_file: input.path, source_member: null, source_row: null, source_url: null, source_sha256: info.sha256,
      source_encoding: d.encoding, source_format: 'html', text: r.lines.join('\n'), title: r.meta.title, source_site: r.meta.site,
      published: r.meta.published,
    }],
  };
}
