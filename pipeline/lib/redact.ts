/**
 * The one redactor for report excerpts (removed.jsonl `text`): personal data masked (maskPII: `<PHONE>`,
 * `<EMAIL>`…), then every name after a person key (`作者：`, `责编：`, `供稿：`, `主持人：`… — NAME_ROLES,
 * built from PERSON_KEYS in rules/metadata.ts) and every credited name (`记者张三`, `摄影/李四`: CREDITED_NAME in
 * rules/pii.ts) replaced by `<NAME>`, then cut to `max` code points.
 *
 * Masking runs on the whole text before the cut, so a number is never cut in half and left partly visible.
 */
import { NAME_ROLES } from '../rules/boilerplate.js';
import { maskNames, maskPII } from './pii.js';
import { cutCodePoints } from './unicode.js';

/** Written in place of a person's name in an excerpt. */
export const NAME_PLACEHOLDER = '<NAME>';

/** `text` as a report may show it: no personal data, no names after person keys, at most `max` code points. */
export function redactForReport(text: string, max = 120): string {
  const t = maskNames(maskPII(text)).replace(NAME_ROLES, `$1${NAME_PLACEHOLDER}`);
  return cutCodePoints(t, max);
}
