/**
 * Personal-data detection shared by the clean stage and the report writer (which masks any excerpt
 * before writing it, so removed personal data never reaches an output or a report).
 *
 * `findPII(text)` returns non-overlapping items in text order; `maskPII(text)` replaces each by its
 * typed placeholder (`<EMAIL>`, `<PHONE>`, `<QQ>`, `<WECHAT>`, `<ID>`, `<IP>`, `<URL>`). The patterns
 * are data in pipeline/rules/pii.ts; this module adds the checks a regex cannot make.
 */
import { PII_RULES, PLACEHOLDER, PLACEHOLDER_RE, QUANTITY_BEFORE, UNIT_AFTER, VERSION_BEFORE, type PIIKind } from '../rules/pii.js';

export interface PIIMatch { kind: string; rule: string; start: number; end: number }

/** GB 11643-1999 check character of an 18-character resident ID (ISO 7064 MOD 11-2). */
export function idChecksumOk(id: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(id)) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * weights[i]!;
  return '10X98765432'[sum % 11] === id[17]!.toUpperCase();
}

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

/** A bare number that reads as a quantity (`GDP达13500000000元`) rather than a phone number. */
function isQuantity(text: string, start: number, end: number): boolean {
  return QUANTITY_BEFORE.test(text.slice(Math.max(0, start - 8), start)) || UNIT_AFTER.test(text.slice(end, end + 4));
}

function accept(kind: PIIKind, rule: string, value: string, text: string, start: number, end: number): boolean {
  if (kind === 'id') return idChecksumOk(value);
  if (kind === 'email') return value.length >= PLACEHOLDER.email.length;
  // A URL needs a host character after its scheme or `www.` ("www...." is not one).
  if (kind === 'url') return value.length >= PLACEHOLDER.url.length && /^(?:[A-Za-z][A-Za-z0-9+.-]*:\/\/|www\.)[A-Za-z0-9\p{Script=Han}]/iu.test(value);
  if (rule === 'pii_mobile' || rule === 'pii_landline' || rule === 'pii_qq_group') return !isQuantity(text, start, end);
  if (rule === 'pii_ipv4') return !VERSION_BEFORE.test(text.slice(Math.max(0, start - 10), start));
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
export function findPII(text: string): PIIMatch[] {
  if (!ANY_NEEDS.test(text)) return [];
  const found: PIIMatch[] = [];
  const held: [number, number][] = [];
  for (const m of text.matchAll(PLACEHOLDER_RE)) held.push([m.index, m.index + m[0].length]);
  for (const r of PII_RULES) {
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
      if (end <= start || !accept(r.kind, r.rule, value, text, start, end)) continue;
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
