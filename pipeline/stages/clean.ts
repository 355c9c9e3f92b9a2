/**
 * clean: removes boilerplate and personal data from a document, keeps what users want as columns,
 * then applies the quality gate.
 *
 * Per paragraph, in this order (each step's patterns are data in pipeline/rules/):
 *  1. markup residue (`html_tag`, `html_entity`) and inline spans: slide markers (`slide_marker`),
 *     bracketed editor credits (`boilerplate_footer`), `（作者单位：…）` (`metadata_inline`);
 *  2. whole lines: metadata lines (`metadata_line` → source_site / author_affiliation / published),
 *     banners and notices (`boilerplate_banner`), footers (`boilerplate_footer`);
 *  3. personal data: a line that only carries contact items goes whole (`pii_*` per item + `pii_line`
 *     for its labels); otherwise each item becomes a typed placeholder (`<PHONE>`…);
 * then the preview snippet a site puts first (`preview_snippet`); the header block under the title: a byline
 * `省长 王某某` (`byline`, the name not kept), a repeat of the title (`repeated_title`), the subtitle's date
 * (`2025年1月18日在…会议上` → published); and the quality gate.
 *
 * Ledger: every Removal's `chars` is what it took out of countChars; for a placeholder replacement that
 * is countChars(value) − countChars(placeholder) (never negative: see rules/pii.ts), so the Removals of
 * a document always sum to countChars(before) − countChars(after).
 */
import { defineStage, countChars } from '../lib/stage.js';
import { countCodePoints, cutCodePoints, isoDate } from '../lib/unicode.js';
import { findPII, fingerprint, maskPII, piiKey, placeholderFor, type PIIMatch } from '../lib/pii.js';
import type { Doc, Removal } from '../lib/types.js';
import { NAME_PLACEHOLDER, redactForReport } from '../lib/redact.js';
import { BYLINE, ELLIPSIS_END, INLINE_RULES, lineRuleFor, SNIPPET_MIN_CHARS } from '../rules/boilerplate.js';
import { CONTACT_CARD, CONTACT_LABELS, CONTACT_LINE_SLACK, CONTACT_NAME, CREDIT_BRACKET, CREDIT_LEAD, CREDIT_LINE, PLACEHOLDER_RE } from '../rules/pii.js';
import {
  AUTHOR_IS, DATE, DATE_LINE_EDGE, DATE_ONLY_LINE, dateOfMatch, META_KEYS, META_VALUE_MAX, NOT_A_SITE, ORG_SUFFIX, POSITION_SUFFIX, PRINT_EDITION,
  SITE_IN_NOTICE, URL_DATE, type MetaKey,
} from '../rules/metadata.js';
import { ENTITIES, ENTITY, HTML_TAG } from '../rules/markup.js';
import { repeatsTitle, SUBTITLE_LINE } from '../rules/segment-lines.js';
import { codeMask } from '../rules/language.js';
import {
  CREDIT_EDGE, CREDIT_GAP, CREDIT_LINE_MAX, CREDIT_NAMES, CREDIT_PREFIX_MAX, CREDIT_ROLE_AFTER, CREDIT_ROLE_KEYS, CREDIT_SEP, CREDIT_SOURCE_KEYS, CREDIT_VALUE_MAX,
  EDIT_CREDIT, type CreditKey,
} from '../rules/credits.js';
import {
  AD_BUY, AD_LABEL, AD_PRICE, AD_SHOP, COPYRIGHT_HEADER, COPYRIGHT_ITEM_MAX, COPYRIGHT_WORDS, DANGLING_HEADER, echoesTitle, EDGE_NAME_CREDIT, EDGE_NEWSROOM, EDGE_NUMBER, extendsTitle, GROUP_BYLINE, EDGE_PORTAL, EDGE_SOURCE_CREDIT, EDGE_TAG_LINE, LABELLED_TITLE, NOTICE_HEADER, NUMBERED_ITEM, USER_CARD,
  USER_NAME_MAX,
} from '../rules/edges.js';
import { guessGenre } from './segment.js';

export interface CleanConfig {
  /**
   * Fewer Han characters than this left in the body → dropped `too_short`. 50 is the floor: below
   * it a "document" is a heading or a notice, not a text (the shortest real article in raw/ has ~1,000).
   */
  minHanChars: number;
  /**
   * Share of Han in what a reader sees as language (hanStats: Han / (Han + Latin letters × 0.5 + other letters);
   * digits, punctuation, symbols and placeholders excluded) below which a document is dropped `low_chinese_ratio`. 0.7 follows MNBVC's Chinese-share
   * rule for its corpus (as cited in issue #5). Han is `\p{Script=Han}`, never an isalnum()-style test,
   * which counts Han as alphanumeric (data-juicer issue #98).
   */
  minHanRatio: number;
  /**
   * Key for a keyed fingerprint (HMAC-SHA256, first 16 hex) of each removed personal-data value, or
   * null for none. A plain sha256 of a phone or ID number can be reversed by enumeration, so no hash is
   * written unless the maintainer sets a secret key. The default is the environment variable JINGWEN_PII_KEY
   * (lib/pii.ts piiKey), the same key as the ledger's `path_fingerprint`; code keys see only its tag (configJson).
   */
  hashKey: string | null;
}

type Fields = Pick<Doc, 'source_site' | 'author_affiliation' | 'published'>;

interface Ctx {
  removed: Removal[];
  fields: Fields;
  cfg: CleanConfig;
  counts: Record<string, number>;
}

interface Loc { line: number | null; paragraph: number | null }

const EXCERPT = 120;

/** Audit excerpt: personal data masked, names after person keys redacted, shortened (lib/redact.ts). */
function excerpt(s: string): string {
  return redactForReport(s, EXCERPT);
}

function setField(ctx: Ctx, key: keyof Fields, value: string | null): void {
  if (value === null || value === '' || ctx.fields[key] !== null) return;
  ctx.fields[key] = value;
  ctx.counts[`${key}_found`] = 1;
}

/** `YYYY-MM-DD` if the parts form a real calendar date, else null. */
/** Contact labels and separators at the end of a value, left when the item after them is cut off. */
const LABELS_AT_END = new RegExp(`(?:${CONTACT_LABELS.source})+$`);

/**
 * A column value without personal data: cut before the first item or placeholder (`某某县委办公室 电话<PHONE>`
 * → `某某县委办公室`), with the contact labels left at the cut; null when an item remains anyway.
 */
function withoutPII(value: string): string | null {
  let cut = value.length;
  const first = findPII(value)[0];
  if (first) cut = first.start;
  PLACEHOLDER_RE.lastIndex = 0;
  const ph = PLACEHOLDER_RE.exec(value);
  if (ph && ph.index < cut) cut = ph.index;
  if (cut === value.length) return value;
  const v = value.slice(0, cut).replace(LABELS_AT_END, '');
  return v === '' || findPII(v).length > 0 || PLACEHOLDER_RE.test(v) ? null : v;
}

function siteName(value: string): string | null {
  const clean = withoutPII(value);
  if (clean === null) return null;
  const v = clean.replace(/^[\s《「“【\[]+|[\s》」”】\]。，、；：:.,;]+$/g, '');
  if (!/\p{Script=Han}/u.test(v) || /https?:|www\.|<URL>/i.test(v) || NOT_A_SITE.test(v)) return null;
  return v.length > 0 && v.length <= META_VALUE_MAX ? v : null;
}

/** A value that can be an organisation: has Han, no address, not too long. */
function orgName(value: string): string | null {
  const clean = withoutPII(value);
  if (clean === null) return null;
  const v = clean.replace(/^[\s《「“【\[]+|[\s》」”】\]。，、；：:.,;]+$/g, '');
  return /\p{Script=Han}/u.test(v) && !/https?:|www\.|<URL>/i.test(v) && [...v].length <= META_VALUE_MAX ? v : null;
}

/** An organisation name in an author value: `中共XX县委办公室`, `张三（XX大学）`, `张三 XX局`. */
function orgIn(value: string): string | null {
  const parts = [...value.matchAll(/[（(]([^（）()]+)[）)]/g)].map((m) => m[1]!);
  parts.push(...value.replace(/[（(][^（）()]*[）)]/g, ' ').split(/[\s,，、;；]+/));
  for (const p of parts.map((s) => s.trim())) if ([...p].length >= 4 && ORG_SUFFIX.test(p) && withoutPII(p) === p) return p;
  return null;
}

/**
 * The organisation in `某某研究所研究员、博士生导师` (the `what` of AUTHOR_IS): the first part (before `、`, `，`)
 * without its position words (POSITION_SUFFIX), when it ends like an organisation; else null.
 */
function orgOfRole(what: string): string | null {
  for (const part of what.split(/[、，,；;]/)) {
    let p = part.trim();
    for (let q = p.replace(POSITION_SUFFIX, ''); q !== p && q !== ''; q = q.replace(POSITION_SUFFIX, '')) p = q;
    if ([...p].length >= 4 && ORG_SUFFIX.test(p)) return orgName(p);
  }
  return null;
}

/** A `published` date from a DATE_ONLY_LINE or PRINT_EDITION match's groups (calendar-checked), else null. */
function dateOf(m: RegExpExecArray): string | null {
  const d = dateOfMatch(m.groups ?? {});
  return d ? isoDate(d.y, d.m, d.d) : null;
}

// ---- inline spans ------------------------------------------------------------------------------------

function decodeEntity(all: string, name?: string, dec?: string, hex?: string): string {
  if (name) return ENTITIES[name] ?? ENTITIES[name.toLowerCase()] ?? all;
  const cp = dec ? Number(dec) : parseInt(hex!, 16);
  if (cp < 0x20 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff || cp === 0x7f) return all;
  return String.fromCodePoint(cp);
}

/** Replace every match of `re` in `t` by `to(match)`, recording one Removal per match that changes the count. */
function replaceAll(t: string, re: RegExp, rule: string, loc: Loc, ctx: Ctx, to: (m: RegExpMatchArray) => string): string {
  let out = '';
  let pos = 0;
  for (const m of t.matchAll(re)) {
    const rep = to(m);
    out += t.slice(pos, m.index) + rep;
    pos = m.index + m[0].length;
    if (rep !== m[0]) ctx.removed.push({ rule, chars: countChars(m[0]) - countChars(rep), ...loc, text: excerpt(m[0]) });
  }
  return out + t.slice(pos);
}

const INLINE_META = /[（(]\s*(作者单位|作者系|作者为|作者是|作者(?!注))\s*[：:]?\s*([^（）()]{2,40})[）)]/g;

/**
 * Markup, slide markers, editor credits, `（作者单位：…）` / `（作者系…）` (an affiliation is kept, a name is
 * not; `（作者注：…）` is the author's own note and stays): repeated until nothing changes (idempotent).
 */
function cleanInline(text: string, loc: Loc, ctx: Ctx): string {
  let t = text;
  // Every pattern below needs one of these: `&` (references), `<` (tags), a bracket (inline rules, metadata), an
  // arrow (`返回…首页>>`) or a slash (`记者X/摄`).
  if (!/[&<（(>»》/]/.test(t)) return t.trim();
  // Every change shortens the text (a reference decodes to fewer characters, a span goes), so this ends.
  for (;;) {
    const before = t;
    t = replaceAll(t, ENTITY, 'html_entity', loc, ctx, (m) => decodeEntity(m[0]!, m[1], m[2], m[3]));
    t = replaceAll(t, HTML_TAG, 'html_tag', loc, ctx, () => '');
    for (const r of INLINE_RULES) t = replaceAll(t, r.re, r.rule, loc, ctx, () => '');
    t = replaceAll(t, AUTHOR_IS, 'metadata_inline', loc, ctx, (m) => {
      setField(ctx, 'author_affiliation', orgOfRole(m.groups!['what']!));
      return '';
    });
    t = replaceAll(t, INLINE_META, 'metadata_inline', loc, ctx, (m) => {
      const org = m[1] === '作者单位' ? orgName(m[2]!) : orgIn(m[2]!);
      setField(ctx, 'author_affiliation', org);
      return '';
    });
    if (t === before) break;
  }
  return t.trim();
}

// ---- whole lines -------------------------------------------------------------------------------------

const KEY_RE = new RegExp(`(?:^|[\\s|｜丨/·•，,；;])\\s*(${META_KEYS.map(([k]) => k).join('|')})\\s*[：:]`, 'g');
/** KEY_RE at the start only: a metadata line starts with a key, so most lines are ruled out without a scan. */
const KEY_AT_START = new RegExp(KEY_RE.source, 'y');
const KEYS = new Map<string, MetaKey>(META_KEYS);
/** A key that opens a line followed by a bar instead of a colon (`来源 | 某报`). */
const KEY_BAR = new RegExp(`^([【\\[（(]?\\s*(?:${META_KEYS.map(([k]) => k).join('|')}))\\s*[|｜丨]\\s*`);

/** A line made only of `key：value` pairs with at least one strong key, as [key, value] pairs; else null. */
export function parseMetaLine(line: string): [string, string][] | null {
  // Outer brackets go only in pairs: "【来源：某某网】", not the ")" that closes "作者：李某（某某大学）".
  let s = /^[【\[（(「].*[】\]）)」]$/u.test(line.trim()) ? line.trim().slice(1, -1).trim() : line.trim();
  // A byline that opens with its date and time: `2019年9月26日 15:10 来源：天天基金网` (the date is a field too).
  const lead = LEADING_DATE.exec(s);
  if (lead && lead[0].length < s.length) {
    const rest = parseMetaLine(s.slice(lead[0].length));
    return rest ? [['发布时间', lead[1]!], ...rest] : null;
  }
  KEY_AT_START.lastIndex = 0;
  if (!KEY_AT_START.test(s)) return null;
  const hits = [...s.matchAll(KEY_RE)];
  if (hits.length === 0 || hits[0]!.index !== 0) return null;
  const pairs: [string, string][] = [];
  for (let i = 0; i < hits.length; i++) {
    const h = hits[i]!;
    const from = h.index + h[0].length;
    const to = i + 1 < hits.length ? hits[i + 1]!.index : s.length;
    const value = s.slice(from, to).trim();
    if ([...value].length > META_VALUE_MAX || /[。！？!?]/.test(value)) return null;
    pairs.push([h[1]!, value]);
  }
  // One strong key, or two keys of any strength keeping each other company (`时间：… 浏览：33`).
  return pairs.some(([k]) => KEYS.get(k)!.strong) || pairs.length >= 2 ? pairs : null;
}

/** A date and time opening a byline line (`2019年9月26日 15:10 `, `2024-05-10 08:30:12 `). Group 1: the date. */
const LEADING_DATE = /^((?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?)\s*(?:\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?(?:\s+|(?=[（(【]))/u;

function harvestMeta(pairs: [string, string][], ctx: Ctx): void {
  for (const [k, v] of pairs) {
    const key = KEYS.get(k)!;
    if (key.field === 'source_site') setField(ctx, 'source_site', siteName(v));
    else if (key.field === 'author_affiliation') setField(ctx, 'author_affiliation', orgName(v));
    else if (key.field === 'published') {
      const d = DATE.exec(v);
      setField(ctx, 'published', d ? isoDate(d[1]!, d[2]!, d[3]!) : null);
    } else if (key.field === 'person' && k === '作者') setField(ctx, 'author_affiliation', orgIn(v));
  }
}

/** Columns a removed notice or footer still carries: the crediting site, the date in the page's own URL. */
function harvestNotice(line: string, ctx: Ctx): void {
  // A publication in title marks is taken whole (`摘自《某某学术季刊》`: not its first word ending in 社).
  const quoted = /(?:摘自|选自|转自|原载于?|原刊于?|刊于|来自|刊载于?)《([^《》]{2,30})》/u.exec(line);
  const site = quoted ?? SITE_IN_NOTICE.exec(line);
  if (site) setField(ctx, 'source_site', siteName(site[1]!));
  if (/(?:链接|网址|地址)[：:]/.test(line)) {
    const d = URL_DATE.exec(line);
    if (d) setField(ctx, 'published', isoDate(d[1]!, d[2]!, d[3]!));
  }
}

/** True when the line exists only to carry contact items: little but labels and separators remains. */
function isContactLine(line: string, items: PIIMatch[]): boolean {
  let rest = '';
  let pos = 0;
  for (const m of items) { rest += line.slice(pos, m.start) + ' '; pos = m.end; }
  rest += line.slice(pos);
  rest = rest.replace(PLACEHOLDER_RE, '');
  if (CONTACT_CARD.test(rest)) return true;
  rest = rest.replace(CONTACT_LABELS, '');
  return countChars(rest) <= CONTACT_LINE_SLACK;
}

function piiRemoval(ctx: Ctx, m: PIIMatch, value: string, chars: number, loc: Loc): Removal {
  const hash = ctx.cfg.hashKey ? fingerprint(value, ctx.cfg.hashKey) : null;
  ctx.counts['pii_items'] = (ctx.counts['pii_items'] ?? 0) + 1;
  return { rule: m.rule, kind: m.kind, chars, ...loc, ...(hash ? { hash } : {}) };
}

/** Replace personal data inside a sentence by placeholders. */
function maskInline(t: string, items: PIIMatch[], loc: Loc, ctx: Ctx): string {
  let out = '';
  let pos = 0;
  for (const m of items) {
    const value = t.slice(m.start, m.end);
    const ph = placeholderFor(m.kind);
    ctx.removed.push(piiRemoval(ctx, m, value, countChars(value) - countChars(ph), loc));
    out += t.slice(pos, m.start) + ph;
    pos = m.end;
  }
  return out + t.slice(pos);
}

/**
 * One paragraph (or the title): the cleaned text, or null when the whole line goes. `whole` allows
 * whole-line removal of contact lines (not for titles, where items are masked instead).
 */
function cleanLine(text: string, loc: Loc, ctx: Ctx, whole = true): string | null {
  const t = cleanInline(text, loc, ctx);
  if (t === '') return null;
  // Rules judge the text with personal data masked, so a second pass (which sees the placeholders)
  // decides the same way: length caps and value limits count `<PHONE>`, not the number.
  const items = findPII(t);
  const masked = items.length === 0 ? t : maskPII(t);
  // `来源 | 某报`, `作者丨某某` (公众号 and portal bylines with a bar for the colon) are read as `来源：某报`.
  const meta = parseMetaLine(masked.replace(KEY_BAR, '$1：'));
  if (meta) {
    // Columns are harvested from the masked line (and checked again in siteName/orgName/orgIn), so a
    // number on the line never reaches a published column.
    harvestMeta(meta, ctx);
    // A line with a person key shows its keys only (`编辑：<NAME> 来源：某报`): names run into other credits
    // (`编辑：某某|某某剪辑|某某制图`) where the redactor cannot tell where one ends.
    const person = meta.some(([k]) => KEYS.get(k)!.field === 'person');
    const shown = person ? meta.map(([k, v]) => (KEYS.get(k)!.field === 'person' ? `${k}：${NAME_PLACEHOLDER}` : `${k}：${v}`)).join(' ') : t.replace(KEY_BAR, '$1：');
    ctx.removed.push({ rule: 'metadata_line', chars: countChars(t), ...loc, text: excerpt(shown) });
    return null;
  }
  const pe = PRINT_EDITION.exec(masked);
  if (pe) {
    setField(ctx, 'source_site', siteName(pe.groups!['site']!));
    setField(ctx, 'published', dateOf(pe));
    ctx.removed.push({ rule: 'print_edition', chars: countChars(t), ...loc, text: excerpt(t) });
    return null;
  }
  const lr = lineRuleFor(masked);
  if (lr) {
    harvestNotice(t, ctx);
    ctx.removed.push({ rule: lr.rule, chars: countChars(t), ...loc, text: excerpt(lr.excerpt ? lr.excerpt(masked) : t) });
    return null;
  }
  // A line of credits alone (`记者 张三 通讯员 李四`, `材料整理：王五`, `摄影/张三 编辑/李四`): the names are personal
  // data and the line exists only to carry them (rules/pii.ts, CREDIT_LINE). No excerpt: it would be the names.
  if (whole && CREDIT_LINE.test(masked)) {
    ctx.removed.push({ rule: 'pii_name_line', kind: 'name', chars: countChars(t), ...loc });
    return null;
  }
  if (items.length === 0) return removeNames(t, loc, ctx);
  if (whole && isContactLine(t, items)) {
    let held = 0;
    for (const m of items) {
      const value = t.slice(m.start, m.end);
      held += countChars(value);
      ctx.removed.push(piiRemoval(ctx, m, value, countChars(value), loc));
    }
    ctx.removed.push({ rule: 'pii_line', chars: countChars(t) - held, ...loc });
    return null;
  }
  // Masking can expose another item next to a placeholder: repeat until none is left (see maskPII).
  let out = t;
  for (let found = items; found.length > 0; found = findPII(out)) out = maskInline(out, found, loc, ctx);
  return removeNames(out, loc, ctx);
}

/**
 * Credited names inside a paragraph: credits that open it and run into its text go (`记者张三通讯员李四近日…`, rule
 * `pii_name_credit`), a bracketed credit goes whole (`本报讯（记者 张三 通讯员 李四）…`, rule
 * `pii_name_credit`), a contact person's name goes and its key stays (`请与联系人张三联系` → `请与联系人联系`, rule
 * `pii_name`). Names are removed, not replaced: a name is shorter than any placeholder. Null when nothing is left.
 */
function removeNames(t: string, loc: Loc, ctx: Ctx): string | null {
  if (!/[人者讯记通摄编图文整审责校撰供采制配口经生视]/.test(t)) return t;
  let out = t;
  const lead = CREDIT_LEAD.exec(out);
  if (lead && lead[0].trim() !== '') {
    ctx.removed.push({ rule: 'pii_name_credit', kind: 'name', chars: countChars(lead[0]), ...loc });
    out = out.slice(lead[0].length);
  }
  if (/[（(【[]/.test(out)) {
    out = out.replace(CREDIT_BRACKET, (m) => {
      ctx.removed.push({ rule: 'pii_name_credit', kind: 'name', chars: countChars(m), ...loc });
      return '';
    });
  }
  // `联系人：李四，电话…`: the key, its colon and the name go with the comma after them; `请与联系人张三联系`: the name.
  let kept = '';
  let pos = 0;
  for (const m of out.matchAll(CONTACT_NAME)) {
    const name = m[1]!;
    let from = m.index + m[0].length - name.length;
    let to = m.index + m[0].length;
    if (/[：:]/.test(m[0])) {
      from = m.index;
      if (/[，,、；;]/.test(out[to] ?? '')) to++;
    }
    ctx.removed.push({ rule: 'pii_name', kind: 'name', chars: countChars(out.slice(from, to)), ...loc });
    kept += out.slice(pos, from);
    pos = to;
  }
  out = kept + out.slice(pos);
  out = out.trim();
  return out === '' ? null : out;
}

// ---- credit lines ------------------------------------------------------------------------------------

const CREDIT_KEYS_BY_WORD = new Map<string, CreditKey>(CREDIT_ROLE_KEYS.map((c) => [c.key, c]));
const CREDIT_WORD = new RegExp([...CREDIT_ROLE_KEYS.map((c) => c.key), ...CREDIT_SOURCE_KEYS].sort((a, b) => b.length - a.length).join('|'), 'gu');

/** What a credit line gives: the columns it fills and the audit excerpt (role words, `<NAME>` for every value). */
export interface CreditLine { site: string | null; affiliation: string | null; excerpt: string }

/**
 * A line made only of credits (rules/credits.ts): an optional newsroom or unit, then role words each with its names
 * (`文丨某某特约评论员某某`, `（总台央视记者某某某某）`, `某某科供稿摄影/某某编辑/某某`, `…记者某某来源：某报`), in brackets or not;
 * null for anything else (a sentence, a value that is not names where names are needed, text after the last credit
 * that is not a credit's value).
 */
export function parseCreditLine(line: string): CreditLine | null {
  let s = line.trim();
  if (/^[（(【\[].*[）)】\]]$/u.test(s)) s = s.slice(1, -1).trim();
  if (s === '' || countChars(s) > CREDIT_LINE_MAX || /[。！？!?]/.test(s)) return null;
  s = s.replace(CREDIT_ROLE_AFTER, ' ').replace(/\s{2,}/g, ' ').trim();
  const edit = EDIT_CREDIT.exec(s);
  if (edit) return { site: null, affiliation: null, excerpt: s.replace((edit.groups!['who'] ?? edit.groups!['who2'])!, NAME_PLACEHOLDER) };
  // A one-character key (`文`, `图`) is a key only with its separator: `编辑：文静` keeps 文静 as the value.
  const hits = [...s.matchAll(CREDIT_WORD)].filter((h) => {
    const def = CREDIT_KEYS_BY_WORD.get(h[0]);
    return !def?.sep || CREDIT_SEP.test(s.slice(h.index + h[0].length));
  });
  if (hits.length === 0 || countChars(s.slice(0, hits[0]!.index)) > CREDIT_PREFIX_MAX) return null;
  const prefix = s.slice(0, hits[0]!.index).replace(CREDIT_GAP, '');
  if (prefix !== '' && !/^[\p{Script=Han}A-Za-z·・•、\s]+$/u.test(prefix)) return null;
  let person = false;
  let site: string | null = null;
  let affiliation: string | null = null;
  let newsroom: string | null = null;
  const parts: string[] = [];
  for (let i = 0; i < hits.length; i++) {
    const key = hits[i]![0];
    const rest = s.slice(hits[i]!.index + key.length, i + 1 < hits.length ? hits[i + 1]!.index : s.length);
    const sep = CREDIT_SEP.exec(rest);
    const value = (sep ? rest.slice(sep[0].length) : rest).replace(CREDIT_GAP, '');
    const def = CREDIT_KEYS_BY_WORD.get(key);
    if (!def) {
      // a source key: its value is a site, not a person
      if (!sep || value === '' || countChars(value) > 20) return null;
      site ??= siteName(value);
      parts.push(`${key}：${value}`);
      continue;
    }
    person = true;
    if (def.sep && !sep) return null;
    if (value === '') {
      if (!def.empty) return null;
    } else if (sep && !def.news) {
      if (countChars(value) > (def.long ?? CREDIT_VALUE_MAX)) return null;
      if (def.key === '作者' && countChars(value) > CREDIT_VALUE_MAX) affiliation ??= orgOfRole(value);
    } else if (!def.names || !CREDIT_NAMES.test(value)) return null;
    if (i === 0 && prefix !== '') {
      if (def.news) newsroom = siteName(prefix);
      else if (def.empty) affiliation ??= orgIn(prefix);
    }
    parts.push(`${key}${value === '' ? '' : NAME_PLACEHOLDER}`);
  }
  // A lone key run into a two-character word (`审核严格`, `监制单位`, `作者简介`) is no credit: it needs a separator, a
  // newsroom or unit before it, brackets, another credit beside it, or names of three characters or more.
  const after = s.slice(hits[0]!.index + hits[0]![0].length);
  const lone = hits.length === 1 && prefix === '' && s === line.trim() && !CREDIT_SEP.test(after) && countChars(after) < 3;
  // The source the line names wins over the newsroom before `记者` (`中青报·中青网记者某某来源：中国青年报`).
  return person && !lone ? { site: site ?? newsroom, affiliation, excerpt: parts.join(' ') } : null;
}

// ---- numbers broken over two lines ------------------------------------------------------------------

/** Characters a number can end or start with: digits (full-width too), Chinese numerals, the ID's X. */
const NUMBER_EDGE = '[0-9０-９〇○零一二三四五六七八九壹贰叁肆伍陆柒捌玖幺Xx]';
const ENDS_IN_NUMBER = new RegExp(`${NUMBER_EDGE}[\\s\\-.·_－]?$`);
const STARTS_WITH_NUMBER = new RegExp(`^[\\s\\-.·_－]?${NUMBER_EDGE}`);
/** How much of each side of a line break is looked at: longer than any item a rule finds. */
const BREAK_WINDOW = 40;

/**
 * Personal data split by a line break between two paragraphs (a page or scan that broke the line inside a phone
 * or ID number), before anything else is cleaned, so that neither part is judged alone: the end of one paragraph
 * and the start of the next are joined and searched; an item that spans the break is removed from both sides, and
 * its placeholder is written on the side that held more of it when that side is at least as long as the placeholder
 * (so no removal lengthens the text). Returns the paragraphs (the same array when nothing spans a break).
 */
function maskAcrossBreaks(paragraphs: string[], lines: number[], lineStart: number, ctx: Ctx): string[] {
  let out = paragraphs;
  for (let i = 0; i + 1 < out.length; i++) {
    const a = out[i]!;
    const b = out[i + 1]!;
    if (!ENDS_IN_NUMBER.test(a) || !STARTS_WITH_NUMBER.test(b)) continue;
    const tail = a.slice(-BREAK_WINDOW);
    // Joined without a separator: the break is not one of the number's separators (`139` / `1234 5678`).
    const joined = tail + b.slice(0, BREAK_WINDOW);
    const m = findPII(joined).find((x) => x.start < tail.length && x.end > tail.length);
    if (!m) continue;
    const inA = a.slice(a.length - (tail.length - m.start));
    const inB = b.slice(0, m.end - tail.length);
    const ph = placeholderFor(m.kind);
    const phInA = countChars(inA) >= countChars(inB) && countChars(inA) >= countChars(ph);
    const phInB = !phInA && countChars(inB) >= countChars(ph);
    ctx.removed.push(piiRemoval(ctx, m, inA, countChars(inA) - (phInA ? countChars(ph) : 0), { line: lines[i] ?? lineStart, paragraph: i }));
    // One item, counted once (pii_items) and fingerprinted once: the second part's row carries no hash.
    ctx.removed.push({ rule: m.rule, kind: m.kind, chars: countChars(inB) - (phInB ? countChars(ph) : 0), line: lines[i + 1] ?? lineStart, paragraph: i + 1 });
    if (out === paragraphs) out = [...paragraphs];
    out[i] = a.slice(0, a.length - inA.length) + (phInA ? ph : '');
    out[i + 1] = (phInB ? ph : '') + b.slice(inB.length);
  }
  return out;
}

// ---- preview snippet ---------------------------------------------------------------------------------

/** Letters, digits and Han only, width-folded: what a snippet and the body must share. */
function skeleton(s: string): string {
  return s.normalize('NFKC').replace(PLACEHOLDER_RE, '').replace(/[^\p{L}\p{N}]/gu, '').toLowerCase();
}

/**
 * A preview snippet: ends in an ellipsis and, without it, is a prefix of the text that follows (title
 * and opening paragraphs), e.g. 001's first line "“敢担当…”党课讲稿（前言）敢于担当是……不懈奋斗的历...".
 */
export function isPreviewSnippet(candidate: string, following: string[]): boolean {
  if (!ELLIPSIS_END.test(candidate)) return false;
  const sk = skeleton(candidate.replace(ELLIPSIS_END, ''));
  if (countCodePoints(cutCodePoints(sk, SNIPPET_MIN_CHARS)) < SNIPPET_MIN_CHARS) return false;
  let acc = '';
  for (const f of following) {
    acc += skeleton(f);
    if (acc.length >= sk.length) break;
  }
  return acc.startsWith(sk);
}

/** Titles are short and do not end like a sentence. */
function titleLike(s: string): boolean {
  return countChars(s) <= 60 && !/[。！？；!?;…,，：:]$/.test(s);
}

// ---- header block -----------------------------------------------------------------------------------

/** A date in a subtitle (`——2025年1月18日在…会议上`): the day the report or speech was given. */
const SUBTITLE_DATE = /((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/;
/** Longest byline line (countChars): an organisation, an office and a name. */
const BYLINE_MAX_CHARS = 40;

/**
 * The paragraphs directly under the title and subtitle (metadata lines already gone): a byline (`省长王予波`,
 * rule `byline`; the excerpt keeps the office, never the name) or a repeat of the title (`政府工作报告` under
 * `2025年××省政府工作报告`, rule `repeated_title`), up to three of them, as long as body remains after them.
 */
function cleanHeader(paras: { text: string; line: number; index: number }[], title: string | null, ctx: Ctx) {
  let k = 0;
  while (k < 3 && paras.length - k > 1) {
    const p = paras[k]!;
    const by = countChars(p.text) <= BYLINE_MAX_CHARS ? BYLINE.exec(p.text) : null;
    const group = by ? null : GROUP_BYLINE.exec(p.text);
    const rule = by || group ? 'byline' : title !== null && repeatsTitle(p.text, title) ? 'repeated_title' : null;
    if (!rule) break;
    if (group) setField(ctx, 'author_affiliation', group.groups!['org']!);
    const text = by ? excerpt(`${by.groups!['org'] ?? ''}${by.groups!['office']!}${NAME_PLACEHOLDER}`) : excerpt(p.text);
    ctx.removed.push({ rule, chars: countChars(p.text), line: p.line, paragraph: p.index, text });
    k++;
  }
  return k === 0 ? paras : paras.slice(k);
}

// ---- edge chrome -------------------------------------------------------------------------------------

/**
 * Chrome that is chrome only at a document's ends (rules/edges.ts), peeled off each end until a line is not: a number
 * alone, a portal's name alone, a forum poster's card (`主题`, `积分`, `高能答主`…) and the poster's name just above it
 * (rule `poster_name`, the name not kept), a shortened echo of the title (`repeated_title`), and at the end a list
 * header with nothing under it (a notice header whose text went line by line too) and shop cards (`…急救包` / `淘宝` / `¥18.00` / `去购买`). One paragraph always stays.
 */
function peelEdges(paras: { text: string; line: number; index: number }[], title: string | null, ctx: Ctx) {
  let a = 0;
  let b = paras.length;
  const drop = (p: { text: string; line: number; index: number }, rule: string, text: string) =>
    ctx.removed.push({ rule, chars: countChars(p.text), line: p.line, paragraph: p.index, text: excerpt(text) });
  const labelled = (t: string) => { const m = LABELLED_TITLE.exec(t); return title !== null && m !== null && repeatsTitle(m[1]!, title); };
  const chrome = (t: string): string | null =>
    EDGE_NUMBER.test(t) || EDGE_PORTAL.test(t) || USER_CARD.test(t) || EDGE_TAG_LINE.test(t) ? 'boilerplate_footer'
      : EDGE_SOURCE_CREDIT.test(t) ? 'credit_line' : echoesTitle(t, title) || extendsTitle(t, title) || labelled(t) ? 'repeated_title' : null;
  while (b - a > 1) {
    const p = paras[a]!;
    const rule = chrome(p.text);
    if (rule) { drop(p, rule, p.text); a++; continue; }
    if (b - a > 2 && countChars(p.text) <= USER_NAME_MAX && !/[。！？!?，,；;]|\d$/u.test(p.text) && USER_CARD.test(paras[a + 1]!.text)) {
      drop(p, 'poster_name', NAME_PLACEHOLDER);
      a++;
      continue;
    }
    break;
  }
  // A disclaimer block at the end: its header and the numbered items under it.
  for (let h = b - 2; h > a && b - h <= 12 && NUMBERED_ITEM.test(paras[h + 1]!.text); h--) {
    if (!NOTICE_HEADER.test(paras[h]!.text)) continue;
    if ([...paras.slice(h + 1, b)].every((p) => NUMBERED_ITEM.test(p.text) && countChars(p.text) <= 80)) {
      for (let k = h; k < b; k++) drop(paras[k]!, 'boilerplate_banner', paras[k]!.text);
      b = h;
    }
    break;
  }
  // A copyright notice at the end (反侵权公告: a preamble citing the law, then numbered items): every paragraph under its
  // header about copyright and not longer than COPYRIGHT_ITEM_MAX.
  for (let h = b - 2; h > a && b - h <= 8; h--) {
    if (!COPYRIGHT_HEADER.test(paras[h]!.text)) continue;
    const items = paras.slice(h + 1, b);
    if (items.some((p) => NUMBERED_ITEM.test(p.text)) && items.every((p) => COPYRIGHT_WORDS.test(p.text) && countChars(p.text) <= COPYRIGHT_ITEM_MAX)) {
      for (let k = h; k < b; k++) drop(paras[k]!, 'boilerplate_banner', paras[k]!.text);
      b = h;
    }
    break;
  }
  while (b - a > 1) {
    // A shop card (name, shop, price, button; a `广告` label above): all of it, if text stays above it.
    if (b - a > 5 && AD_BUY.test(paras[b - 1]!.text) && AD_PRICE.test(paras[b - 2]!.text) && AD_SHOP.test(paras[b - 3]!.text) &&
      countChars(paras[b - 4]!.text) <= 40 && !/[。！？!?]$/u.test(paras[b - 4]!.text)) {
      const n = AD_LABEL.test(paras[b - 5]!.text) ? 5 : 4;
      for (let k = 1; k <= n; k++) drop(paras[b - k]!, 'boilerplate_footer', paras[b - k]!.text);
      b -= n;
      continue;
    }
    const p = paras[b - 1]!;
    const credit = EDGE_NAME_CREDIT.test(p.text);
    const rule = chrome(p.text) ?? (DANGLING_HEADER.test(p.text) || NOTICE_HEADER.test(p.text) || COPYRIGHT_HEADER.test(p.text) ? 'boilerplate_footer' : EDGE_NEWSROOM.test(p.text) ? 'boilerplate_banner' : credit ? 'credit_line' : null);
    if (!rule) break;
    drop(p, rule, credit ? `（${NAME_PLACEHOLDER}）` : p.text);
    b--;
  }
  return a === 0 && b === paras.length ? paras : paras.slice(a, b);
}

// ---- quality gate ------------------------------------------------------------------------------------

/**
 * Han characters, and the Han share of what a reader sees as language: Han / (Han + Latin letters × LATIN_WEIGHT +
 * letters of other scripts). Digits are content, not a foreign language (a bulletin's `3.45%`, `246.79亿元`: issue 21,
 * real economic news dropped at a 0.69 share when digits counted against it), and so are punctuation, symbols and
 * whitespace: none is counted. A Latin letter is half the width of a Han character on the page and a word of them
 * reads like one or two characters, so it counts half (`Galaxy S20`, `LPR` in Chinese news stay Chinese; a line of
 * English prose still outweighs the Chinese beside it).
 */
export function hanStats(text: string): { han: number; ratio: number } {
  const t = text.includes('<') ? text.replace(PLACEHOLDER_RE, '') : text;
  // Counted per code point (a lone surrogate is one), with each code point's class looked up once.
  let han = 0;
  let latin = 0;
  let other = 0;
  for (let i = 0; i < t.length; i++) {
    let cp = t.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < t.length) {
      const lo = t.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) { cp = ((cp - 0xd800) << 10) + (lo - 0xdc00) + 0x10000; i++; }
    }
    const c = charClass(cp);
    if (c & CLASS_HAN) han++;
    else if (c & CLASS_LATIN) latin++;
    else if (c & CLASS_LETTER) other++;
  }
  const counted = han + latin * LATIN_WEIGHT + other;
  return { han, ratio: counted === 0 ? 0 : han / counted };
}

/**
 * The paragraphs the quality gate measures: all but program code (pipeline/rules/language.ts CODE_TOKEN): runs of
 * Han-free paragraphs of which at least CODE_BLOCK_MIN_SHARE hold a code token. Code is content and stays in the
 * text; it is not counted for or against the Chinese share, as digits and punctuation are not (hanStats).
 */
export function proseParagraphs(paragraphs: readonly string[]): string[] {
  const code = codeMask(paragraphs);
  return paragraphs.filter((_, i) => !code[i]);
}

/** Weight of a Latin letter against a Han character in the Chinese share (see hanStats). */
export const LATIN_WEIGHT = 0.5;

const CLASS_KNOWN = 1, CLASS_HAN = 2, CLASS_LATIN = 4, CLASS_LETTER = 8;
/** Per code point: Han (`\p{Script=Han}`), a Latin letter, another letter (`\p{L}`: kana, Hangul, Cyrillic…). */
const CHAR_CLASS = new Uint8Array(0x110000);
function charClass(cp: number): number {
  let c = CHAR_CLASS[cp]!;
  if (c === 0) {
    const ch = String.fromCodePoint(cp);
    c = CLASS_KNOWN | (/\p{Script=Han}/u.test(ch) ? CLASS_HAN : /\p{Script=Latin}/u.test(ch) ? CLASS_LATIN : /\p{L}/u.test(ch) ? CLASS_LETTER : 0);
    CHAR_CLASS[cp] = c;
  }
  return c;
}

// ---- the stage ---------------------------------------------------------------------------------------

export const clean = defineStage<Doc, Doc, CleanConfig>({
  name: 'clean',
  kind: 'map',
  keepsIds: true,
  describe: 'removes boilerplate and personal data, keeps source site, affiliation and date as columns, drops documents with too little Chinese text',
  defaults: { minHanChars: 50, minHanRatio: 0.7, hashKey: piiKey() },
  process(doc, cfg) {
    const ctx: Ctx = {
      removed: [],
      fields: { source_site: doc.source_site, author_affiliation: doc.author_affiliation, published: doc.published },
      cfg,
      counts: {},
    };
    const titleLoc: Loc = { line: doc.line_start, paragraph: null };
    let title = doc.title === null ? null : cleanLine(doc.title, titleLoc, ctx, false);
    let subtitle = doc.subtitle === null ? null : cleanLine(doc.subtitle, titleLoc, ctx, false);
    const titleRemoved = doc.title !== null && title === null;

    let paras: { text: string; line: number; index: number }[] = [];
    // A number broken over two lines (`请拨打139` / `1234 5678`): masked across the break first.
    maskAcrossBreaks(doc.paragraphs, doc.para_lines, doc.line_start, ctx).forEach((p, i) => {
      const line = doc.para_lines[i] ?? doc.line_start;
      const t = cleanLine(p, { line, paragraph: i }, ctx);
      if (t !== null) paras.push({ text: t, line, index: i });
    });

    // The preview snippet, as the title or as the first paragraph(s): repeated until none is left.
    let snippetTitle = false;
    if (title !== null && isPreviewSnippet(title, [subtitle ?? '', ...paras.map((p) => p.text)])) {
      ctx.removed.push({ rule: 'preview_snippet', chars: countChars(title), ...titleLoc, text: excerpt(title) });
      title = null;
      snippetTitle = true;
    }
    while (paras.length > 1) {
      const [first, ...rest] = paras;
      const after = rest.map((p) => p.text);
      if (!isPreviewSnippet(first!.text, after) && !isPreviewSnippet(first!.text, [title ?? '', subtitle ?? '', ...after])) break;
      ctx.removed.push({ rule: 'preview_snippet', chars: countChars(first!.text), line: first!.line, paragraph: first!.index, text: excerpt(first!.text) });
      paras = rest;
    }
    // A title that was a banner or a snippet: the real title line is the first paragraph (001, 002 shapes).
    // Its subtitle loses its dash as segment's does (SUBTITLE_LINE, rule `subtitle_dash`), and the genre,
    // guessed by segment from the old title, is guessed again the same way (guessGenre).
    let genre = doc.genre;
    if ((titleRemoved || snippetTitle) && title === null && subtitle === null && paras.length > 1 && titleLike(paras[0]!.text)) {
      title = paras.shift()!.text;
      const sm = paras.length > 1 && titleLike(paras[0]!.text) ? SUBTITLE_LINE.exec(paras[0]!.text) : null;
      if (sm?.groups) {
        const p = paras.shift()!;
        subtitle = sm.groups['rest']!.trim();
        ctx.removed.push({ rule: 'subtitle_dash', chars: countChars(sm.groups['dash']!), line: p.line, paragraph: p.index, text: excerpt(sm.groups['dash']!) });
      }
      genre = guessGenre(title, subtitle, paras.map((p) => p.text));
    }

    // The header block under the title: the subtitle's date, bylines and repeats of the title.
    if (title !== null || subtitle !== null) {
      const sd = subtitle === null ? null : SUBTITLE_DATE.exec(subtitle);
      if (sd) setField(ctx, 'published', isoDate(sd[1]!, sd[2]!, sd[3]!));
      paras = cleanHeader(paras, title, ctx);
    }

    // The site's name alone on the first or last line (`新浪财经` over a 新浪 article): a banner.
    const site = ctx.fields.source_site?.replace(/\s+/gu, '');
    if (site) {
      paras = paras.filter((p, k) => {
        if (paras.length <= 1 || (k !== 0 && k !== paras.length - 1) || p.text.replace(/\s+/gu, '') !== site) return true;
        ctx.removed.push({ rule: 'boilerplate_banner', chars: countChars(p.text), line: p.line, paragraph: p.index, text: excerpt(p.text) });
        return false;
      });
    }
    // A credit line near either end (`编辑某某｜排版某某`, `（总台央视记者某某）`): its site and unit become columns, the line
    // goes (`credit_line`; the excerpt shows role words only).
    const credits = (ps: typeof paras) => ps.filter((p, k) => {
      if (ps.length <= 1 || (k >= CREDIT_EDGE && k < ps.length - CREDIT_EDGE)) return true;
      const c = parseCreditLine(p.text);
      if (!c) return true;
      setField(ctx, 'source_site', c.site);
      setField(ctx, 'author_affiliation', c.affiliation);
      ctx.removed.push({ rule: 'credit_line', chars: countChars(p.text), line: p.line, paragraph: p.index, text: excerpt(c.excerpt) });
      return false;
    });
    paras = credits(paras);
    // Edge chrome, then once more the credit lines it hid (`（松花江网编辑某某）` above a copyright notice of five paragraphs).
    const before = paras.length;
    paras = peelEdges(paras, title, ctx);
    if (paras.length < before) paras = credits(paras);
    // A date alone on a line near either end (a signature date, a dateline): `published`, and the line goes.
    paras = paras.filter((p, k) => {
      if (paras.length <= 1 || (k >= DATE_LINE_EDGE && k < paras.length - DATE_LINE_EDGE)) return true;
      const m = DATE_ONLY_LINE.exec(p.text);
      const date = m ? dateOf(m) : null;
      if (!date) return true;
      setField(ctx, 'published', date);
      ctx.removed.push({ rule: 'date_line', chars: countChars(p.text), line: p.line, paragraph: p.index, text: excerpt(p.text) });
      return false;
    });

    const out: Doc = {
      ...doc,
      ...ctx.fields,
      title,
      subtitle,
      genre,
      paragraphs: paras.map((p) => p.text),
      para_lines: paras.map((p) => p.line),
    };
    const counts = ctx.counts;
    if (paras.length === 0) {
      return { out: [], removed: ctx.removed, counts, dropped: { reason: 'boilerplate_only', detail: 'no body text left after cleaning' } };
    }
    const { han, ratio } = hanStats(proseParagraphs(out.paragraphs).join('\n'));
    if (han < cfg.minHanChars) {
      return { out: [], removed: ctx.removed, counts, dropped: { reason: 'too_short', detail: `${han} Han characters (minimum ${cfg.minHanChars})` } };
    }
    if (ratio < cfg.minHanRatio) {
      return { out: [], removed: ctx.removed, counts, dropped: { reason: 'low_chinese_ratio', detail: `Han share ${ratio.toFixed(2)} of the prose (minimum ${cfg.minHanRatio})` } };
    }
    return { out: [out], removed: ctx.removed, counts };
  },
});
