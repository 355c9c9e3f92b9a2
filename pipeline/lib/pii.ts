/**
 * Personal-data detection shared by the clean stage and the report writer (which masks any excerpt
 * before writing it, so removed personal data never reaches an output or a report).
 *
 * `findPII(text)` returns non-overlapping items in text order; `maskPII(text)` replaces each by its
 * typed placeholder (`<EMAIL>`, `<PHONE>`, `<QQ>`, `<WECHAT>`, `<ID>`, `<IP>`, `<URL>`). The patterns
 * are data in pipeline/rules/pii.ts; this module adds the checks a regex cannot make.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DICT as JIEBA_DICT } from './jieba.js';
import {
  CHINESE_DIGIT_RUN, CHINESE_DIGITS, CREDITED_NAME, FAMOUS_NAME_FREQ, FILE_GENRE_START, FILE_NAME_GAP, ID_PROVINCES, NAME_ONLY, PII_RULES, PLACEHOLDER, PLACEHOLDER_RE, QUANTITY_BEFORE, UNIT_AFTER,
  VERSION_BEFORE, type PIICheck, type PIIKind, type PIIRule,
} from '../rules/pii.js';

export interface PIIMatch { kind: string; rule: string; start: number; end: number }

/** GB 11643-1999 check character of an 18-character resident ID (ISO 7064 MOD 11-2). */
export function idChecksumOk(id: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(id)) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * weights[i]!;
  return '10X98765432'[sum % 11] === id[17]!.toUpperCase();
}

/** ISO/IEC 7812 (Luhn) check digit of a payment card number. */
export function luhnOk(digits: string): boolean {
  let sum = 0;
  for (let i = digits.length - 1, even = false; i >= 0; i--, even = !even) {
    let d = digits.charCodeAt(i) - 48;
    if (even) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return sum % 10 === 0;
}

/** A real calendar date (years 1800–2099 for `yyyy`). */
function dateOk(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= days[m - 1]!;
}

/**
 * The text rules are matched on: same length, full-width digits, letters and `＠．－＋＿` as ASCII, and each Chinese
 * numeral of a run of five or more as its digit (rules/pii.ts, CHINESE_DIGITS). The text itself when nothing folds.
 */
export function foldForMatch(text: string): string {
  // One pass over the code units (a regex per paragraph cost 5× the rules themselves on the Word reports): is there
  // a full-width character to fold, or a run of five Chinese numerals (one separator allowed between two)?
  let full = false;
  let run = 0;
  let longRun = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xff0b && c <= 0xff5a && FULLWIDTH_CODE[c] === 1) full = true;
    if (c >= 0x3007 && NUMERAL_CODE[c] === 1) {
      if (++run >= 5) { longRun = true; break; }
    } else if (run > 0 && !(SEPARATOR_CODE[c] === 1 && i + 1 < text.length && NUMERAL_CODE[text.charCodeAt(i + 1)] === 1)) run = 0;
  }
  if (!full && !longRun) return text;
  let t = text;
  if (/[\uff0b\uff0d\uff0e\uff10-\uff19\uff20-\uff3a\uff3f\uff41-\uff5a]/.test(t)) {
    t = t.replace(/[\uff0b\uff0d\uff0e\uff10-\uff19\uff20-\uff3a\uff3f\uff41-\uff5a]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  }
  if (longRun || /[〇○零洞一壹幺二贰三叁四肆五伍六陆七柒八捌九玖]/.test(t)) {
    CHINESE_DIGIT_RUN.lastIndex = 0;
    t = t.replace(CHINESE_DIGIT_RUN, (r) => r.replace(/./g, (c) => CHINESE_DIGITS[c] ?? c));
  }
  return t;
}

/** 1 for the full-width characters folded: ＋ － ． digits ＠ letters ＿ (not ，：；？, which rules read as they are). */
const FULLWIDTH_CODE = new Uint8Array(0x10000);
for (const c of '＋－．０１２３４５６７８９＠＿') FULLWIDTH_CODE[c.charCodeAt(0)] = 1;
for (let c = 0xff21; c <= 0xff3a; c++) FULLWIDTH_CODE[c] = FULLWIDTH_CODE[c + 0x20] = 1;
/** 1 for the code units of CHINESE_DIGITS' keys, and of the separators CHINESE_DIGIT_RUN allows between them. */
const NUMERAL_CODE = new Uint8Array(0x10000);
for (const k of Object.keys(CHINESE_DIGITS)) NUMERAL_CODE[k.charCodeAt(0)] = 1;
const SEPARATOR_CODE = new Uint8Array(0x10000);
for (const c of ' \t\n\u3000-.·_－') SEPARATOR_CODE[c.charCodeAt(0)] = 1;

// Trailing ASCII punctuation is sentence punctuation, not part of a URL; a closing bracket stays only
// when the URL opened it (`…/Foo_(bar)`).
function trimUrl(url: string): string {
  let u = url;
  for (;;) {
    const last = u[u.length - 1];
    if (last === undefined) return u;
    if ('.,;:!?\'"([{<'.includes(last)) { u = u.slice(0, -1); continue; }
    const open = { ')': '(', ']': '[', '}': '{' }[last];
    if (open && u.split(open).length <= u.split(last).length - 1) { u = u.slice(0, -1); continue; }
    return u;
  }
}

/** Non-whitespace code points, as the ledger counts characters (lib/stage.ts countChars). */
function countNonSpace(s: string): number {
  let n = 0;
  for (const c of s) if (!/\s/.test(c)) n++;
  return n;
}

/** A bare number that reads as a quantity (`GDP达13500000000元`) rather than a phone number. */
function isQuantity(text: string, start: number, end: number): boolean {
  return QUANTITY_BEFORE.test(text.slice(Math.max(0, start - 8), start)) || UNIT_AFTER.test(text.slice(end, end + 4));
}

// Separators between the digits of a number: the runs of anything but digits and X after the prefix (`+86`, `(0571)`).
const PREFIX = /^(?:[+＋]?86[-\s－–—]?\s?(?=1)|[（(]0\d{2,3}[）)])/;
const EXTENSION = /\s*(?:转|-|－)\s*\d{1,5}$/;
function separators(value: string): string[] {
  return value.replace(PREFIX, '').match(/[^\dXx]+/g) ?? [];
}

/** The separator of a separated number (`' '` for `139 1234 5678`), '' for none. */
function separatorOf(value: string): string {
  return separators(value)[0] ?? '';
}

function check(c: PIICheck, kind: PIIKind, value: string, text: string, start: number, end: number): boolean {
  switch (c) {
    case 'minlen': return countNonSpace(value) >= PLACEHOLDER[kind].length;
    case 'quantity': return !isQuantity(text, start, end);
    case 'version': return !VERSION_BEFORE.test(text.slice(Math.max(0, start - 10), start));
    case 'seps1': return new Set(separators(value)).size <= 1;
    case 'seps2': {
      // A landline's area code may have its own separator (`0571-8765 4321`); the extension is not a separator.
      const seps = separators(value.replace(EXTENSION, ''));
      return new Set(seps.slice(/^0/.test(value) ? 1 : 0)).size <= 1;
    }
    case 'isolated': {
      // `5 1 3 9 1 2 3 4 5 6 7 8`: the run goes on before or after with the same separator.
      const sep = separatorOf(value);
      if (sep === '') return true;
      const from = start - sep.length - 1;
      if (from >= 0 && /\d/.test(text[from]!) && text.slice(from + 1, start) === sep) return false;
      const after = text.slice(end, end + sep.length + 1);
      return !(after.length === sep.length + 1 && after.startsWith(sep) && /\d$/.test(after));
    }
    case 'id18': {
      const d = value.replace(/[^\dXx]/g, '');
      return d.length === 18 && ID_PROVINCES.has(d.slice(0, 2)) && idChecksumOk(d) && dateOk(+d.slice(6, 10), +d.slice(10, 12), +d.slice(12, 14))
        && +d.slice(6, 10) >= 1880 && +d.slice(6, 10) <= 2099;
    }
    case 'id15': {
      const d = value.replace(/\D/g, '');
      return d.length === 15 && ID_PROVINCES.has(d.slice(0, 2)) && dateOk(1900 + +d.slice(6, 8), +d.slice(8, 10), +d.slice(10, 12));
    }
    case 'luhn': {
      const d = value.replace(/\D/g, '');
      return d.length >= 16 && d.length <= 19 && luhnOk(d);
    }
    case 'plate': {
      const tail = value.slice(2).replace(/^[\s·•・-]/, '');
      return (tail.match(/\d/g)?.length ?? 0) >= 3;
    }
  }
}

function accept(r: PIIRule, value: string, text: string, start: number, end: number): boolean {
  // A URL needs a host character after its scheme or `www.` ("www...." is not one).
  if (r.kind === 'url') return value.length >= PLACEHOLDER.url.length && /^(?:[A-Za-z][A-Za-z0-9+.-]*:\/\/|www\.)[A-Za-z0-9\p{Script=Han}]/iu.test(value);
  for (const c of r.checks ?? []) if (!check(c, r.kind, value, text, start, end)) return false;
  return true;
}

/** Whether [start, end) overlaps one of the sorted, disjoint spans in `held`. */
function overlapsHeld(held: [number, number][], start: number, end: number): boolean {
  let lo = 0;
  let hi = held.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (held[mid]![1] > start) hi = mid;
    else lo = mid + 1;
  }
  return lo < held.length && held[lo]![0] < end;
}

/**
 * Every rule's `needs` in one case-insensitive alternation: a text it does not match fails each of them, so no rule
 * can match it. Two thirds of the clean stage's lines on the 50 MB benchmark fail it; one scan instead of twelve
 * (findPII over its 108,591 lines: 250 ms before, 175 ms so).
 */
const ANY_NEEDS = new RegExp(PII_RULES.map((r) => `(?:${r.needs.source})`).join('|'), 'i');

/** Every personal-data item in `text`, non-overlapping (earliest, then longest wins), placeholders skipped. */
export function findPII(original: string, rules: readonly PIIRule[] = PII_RULES): PIIMatch[] {
  const text = foldForMatch(original);
  if (!ANY_NEEDS.test(text)) return [];
  const found: PIIMatch[] = [];
  const held: [number, number][] = [];
  for (const m of text.matchAll(PLACEHOLDER_RE)) held.push([m.index, m.index + m[0].length]);
  for (const r of rules) {
    if (!r.needs.test(text)) continue;
    r.re.lastIndex = 0;
    for (const m of text.matchAll(r.re)) {
      const g = r.group ?? 0;
      let value = m[g];
      if (value === undefined || value === '') continue;
      // Grouped rules put the value last in the match (a label, then the value).
      const start = g === 0 ? m.index : m.index + m[0].length - value.length;
      if (r.kind === 'url') value = trimUrl(value);
      const end = start + value.length;
      if (end <= start || !accept(r, value, text, start, end)) continue;
      if (overlapsHeld(held, start, end)) continue;
      found.push({ kind: r.kind, rule: r.rule, start, end });
    }
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: PIIMatch[] = [];
  let pos = 0;
  for (const m of found) {
    if (m.start < pos) continue;
    out.push(m);
    pos = m.end;
  }
  return out;
}

/** The placeholder written for a kind (`phone` → `<PHONE>`). */
export function placeholderFor(kind: string): string {
  return PLACEHOLDER[kind as PIIKind] ?? `<${kind.toUpperCase()}>`;
}

function maskOnce(text: string, items: PIIMatch[]): string {
  let out = '';
  let pos = 0;
  for (const m of items) {
    out += text.slice(pos, m.start) + placeholderFor(m.kind);
    pos = m.end;
  }
  return out + text.slice(pos);
}

/**
 * Replace every personal-data item by its typed placeholder (`<EMAIL>`, `<PHONE>`…), repeated until
 * none is left: masking one item can expose another (`11010519491231002X2001:db8::1` is an ID only once
 * the IPv6 address after it is `<IP>`), and maskPII(maskPII(x)) must equal maskPII(x).
 */
export function maskPII(text: string): string {
  let t = text;
  for (let items = findPII(t); items.length > 0; items = findPII(t)) t = maskOnce(t, items);
  return t;
}

// ---- names and paths -----------------------------------------------------------------------------------------

/** Credited names (`记者张三`, `摄影/李四`, `联系人：王五`) as `<NAME>`, their keys kept: for excerpts and paths. */
export function maskNames(text: string): string {
  if (!/[人者讯记通摄编图文整审责校撰供采制配口经生视]/.test(text)) return text;
  return text.replace(CREDITED_NAME, `$1${PLACEHOLDER.name}`);
}

/** Every rule but `url`: a published path or URL is an address itself, only the personal data inside it goes. */
const PATH_RULES = PII_RULES.filter((r) => r.kind !== 'url');
/** A file extension kept as it is (`.docx`, `.html`, `.txt`): letters and digits, at least one letter. */
const EXTENSION_RE = /\.(?=[A-Za-z0-9]{0,4}[A-Za-z])[A-Za-z0-9]{1,5}$/;

/**
 * The name-shaped words of jieba's dictionary (the `dict.txt` the pipeline ships with @node-rs/jieba: word, frequency,
 * part of speech), read once, on first use: their tag and frequency. Private persons' names are not words of it;
 * its `nr` (person name) entries mix names (`李娜`, `王小明`) with words it tags wrongly (`文明`, `明白`, `王府井`).
 */
let nameShapedWords: Map<string, { tag: string; freq: number }> | undefined;
function dictionaryEntry(s: string): { tag: string; freq: number } | undefined {
  if (!nameShapedWords) {
    nameShapedWords = new Map();
    const dict = readFileSync(JIEBA_DICT, 'utf8');
    for (const line of dict.split('\n')) {
      const [w, f, tag] = line.split(' ');
      if (w && f && tag && NAME_ONLY.test(w)) nameShapedWords.set(w, { tag, freq: Number(f) });
    }
  }
  return nameShapedWords.get(s);
}

/**
 * Whether a name-shaped fragment is an ordinary word, not a person to protect: a word of jieba's dictionary that is
 * not tagged a person name, or a person-name entry as frequent as a common word or a famous person's name
 * (FAMOUS_NAME_FREQ: `毛泽东` 8994, `文明` 6584, `桂林` 1270 stay; `李四` 106, `王小明` 3 are masked).
 */
function isOrdinaryWord(s: string): boolean {
  const e = dictionaryEntry(s);
  return e !== undefined && (e.tag !== 'nr' || e.freq >= FAMOUS_NAME_FREQ);
}

/**
 * Bare personal names in a file or folder name without its extension (rules/pii.ts FILE_NAME_GAP, NAME_ONLY,
 * FILE_GENRE_START): each such name becomes `<NAME>`. Hand-written: no library tells a private person's name in a
 * two-to-four-character fragment of a file name; jieba's dictionary (which the pipeline already ships) says which
 * name-shaped fragments are ordinary words (isOrdinaryWord).
 */
export function maskBareNames(stem: string): string {
  if (!/\p{Script=Han}/u.test(stem)) return stem;
  let out = '';
  let pos = 0;
  const part = (a: number, b: number) => {
    const t = stem.slice(a, b);
    if (NAME_ONLY.test(t) && !isOrdinaryWord(t)) return PLACEHOLDER.name;
    for (const n of [4, 3, 2]) {
      const head = t.slice(0, n);
      if (t.length > n && NAME_ONLY.test(head) && FILE_GENRE_START.test(t.slice(n)) && !isOrdinaryWord(head)) return PLACEHOLDER.name + t.slice(n);
    }
    return t;
  };
  for (const g of stem.matchAll(FILE_NAME_GAP)) {
    out += part(pos, g.index) + g[0];
    pos = g.index + g[0].length;
  }
  return out + part(pos, stem.length);
}

function maskSegment(seg: string): string {
  const ext = EXTENSION_RE.exec(seg);
  const stem = ext ? seg.slice(0, ext.index) : seg;
  let t = stem;
  for (let items = findPII(t, PATH_RULES); items.length > 0; items = findPII(t, PATH_RULES)) t = maskOnce(t, items);
  t = maskNames(t);
  t = maskBareNames(t);
  return t === stem ? seg : t + (ext ? ext[0] : '');
}

/**
 * A path as it may be published (`source_file`, `source_member`, a page's URL, the ledger's `path`, a release's
 * card): personal data in each `/`-separated part of it replaced by the placeholders text gets (`<PHONE>`,
 * `<ID>`, `<EMAIL>`…; credited names by `<NAME>`), the extension kept: `材料/张三13912345678.docx` →
 * `材料/张三<PHONE>.docx`. A path without personal data comes back as it is (the same string).
 * Ids are derived from the raw path, never from this.
 */
export function maskPath(p: string): string {
  const known = MASKED_PATHS.get(p);
  if (known !== undefined) return known;
  const m = maskPathOnce(p);
  if (MASKED_PATHS.size >= 4096) MASKED_PATHS.clear();
  MASKED_PATHS.set(p, m);
  return m;
}

/** maskPath's answers: a run's rows name few distinct paths, each many times (every removal row carries its path). */
const MASKED_PATHS = new Map<string, string>();

function maskPathOnce(p: string): string {
  if (!/[\d@＠０-９一二三四五六七八九〇零壹贰叁肆伍陆柒捌玖幺洞\p{Script=Han}]/u.test(p)) return p;
  const parts = p.split('/');
  let changed = false;
  for (let i = 0; i < parts.length; i++) {
    const m = maskSegment(parts[i]!);
    if (m !== parts[i]) { parts[i] = m; changed = true; }
  }
  return changed ? parts.join('/') : p;
}

/** `maskPath` for a nullable value (`source_member`). */
export function maskPathOrNull(p: string | null): string | null {
  return p === null ? null : maskPath(p);
}

/**
 * Where the key of keyed fingerprints comes from: the environment variable JINGWEN_PII_KEY (a secret the maintainer
 * keeps; never written to any output). Unset or empty: null, and no fingerprint is written — a plain hash of a
 * phone or ID number can be reversed by trying every number.
 */
export function piiKey(env: NodeJS.ProcessEnv = process.env): string | null {
  const k = env['JINGWEN_PII_KEY'];
  return k ? k : null;
}

/** HMAC-SHA256 of `value` under `key`, first 16 hex: the same fingerprint clean writes for removed values. */
export function fingerprint(value: string, key: string): string {
  return createHmac('sha256', key).update(value).digest('hex').slice(0, 16);
}

/**
 * What a configuration holding the key (clean's `hashKey`) contributes to a cache or code key, never the key itself:
 * the key's own fingerprint of a fixed label. A run with another key (or none) has another code key, so its
 * fingerprints are written anew instead of reused from a run under the old key, and a distributed worker with
 * another key refuses the coordinator's jobs (`code_mismatch`).
 */
export function keyTag(key: string): string {
  return fingerprint('jingwen pii key tag', key);
}

/** JSON of a stage's configuration for a code key: `hashKey` (a secret) as its keyTag. */
export function configJson(config: unknown): string {
  return JSON.stringify(config ?? null, (k, v: unknown) => (k === 'hashKey' && typeof v === 'string' ? `tag:${keyTag(v)}` : v));
}
