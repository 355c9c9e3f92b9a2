/**
 * The one redactor for report excerpts (removed.jsonl `text`): personal data masked (maskPII: `<PHONE>`,
 * `<EMAIL>`…), then every name after a person key (`作者：`, `责编：`, `供稿：`, `主持人：`… — NAME_ROLES,
 * built from PERSON_KEYS in rules/metadata.ts) replaced by `<NAME>`, then cut to `max` code points.
 *
 * Masking runs on the whole text before the cut, so a number is never cut in half and left partly visible.
 */
import { NAME_ROLES } from '../rules/boilerplate.js';
import { maskPII } from './pii.js';

/** Written in place of a person's name in an excerpt. */
export const NAME_PLACEHOLDER = '<NAME>';

/** `text` as a report may show it: no personal data, no names after person keys, at most `max` code points. */
export function redactForReport(text: string, max = 120): string {
  const t = maskPII(text).replace(NAME_ROLES, `$1${NAME_PLACEHOLDER}`);
  return cutCodePoints(t, max);
}

/** The first `max` code points of `s` (a surrogate pair is one), without spreading a long string. */
function cutCodePoints(s: string, max: number): string {
  let i = 0;
  for (let k = 0; i < s.length && k < max; i++, k++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) i++;
    }
  }
  return s.slice(0, i);
}
