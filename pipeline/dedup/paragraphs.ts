/**
 * Paragraph-level deduplication inside one document: a paragraph repeated verbatim (up to punctuation,
 * spacing and width), or a truncated copy that is a prefix of the next paragraph (a copy-paste artefact:
 * the first paragraph of the fourth essay in raw/000 is the first 250 characters of the second, cut at a
 * full stop). Comparison is on the canonical form (`canonicalText`), so "。" vs "；" does not matter. A short
 * heading or a table cell is never a repeat (pipeline/rules/dedupe-paragraphs.ts).
 */
import { countChars } from '../lib/stage.js';
import { canonicalText } from '../lib/minhash.js';
import { redactForReport } from '../lib/redact.js';
import { cutCodePoints } from '../lib/unicode.js';
import type { Doc, Removal } from '../lib/types.js';
import { headingOrCell } from '../rules/dedupe-paragraphs.js';
import { codeMask } from '../rules/language.js';

export interface ParagraphConfig {
  /** A repeated paragraph is removed only if its canonical form has at least this many characters
   *  (short lines such as "同志们：" or "谢谢大家！" may legitimately recur). */
  minRepeatChars: number;
  /** A truncated copy must have at least this many canonical characters (shorter prefixes are headings). */
  minTruncatedChars: number;
}

export interface ParagraphResult { paragraphs: string[]; para_lines: number[]; removed: Removal[] }

/** Short audit excerpt of a removed paragraph: personal data and credited names masked first (lib/redact.ts), then cut. */
export function excerpt(p: string, max = 40): string {
  const full = redactForReport(p, Number.MAX_SAFE_INTEGER);
  const cut = cutCodePoints(full, max);
  return cut.length < full.length ? cut + '…' : cut;
}

/** Removal rules of paragraph dedupe, by code (a verdict is `index * 2 + code`). */
export const PARAGRAPH_RULES = ['repeated_paragraph', 'truncated_paragraph'] as const;

/**
 * Which paragraphs go, as verdicts `index * 2 + code` (code into PARAGRAPH_RULES) in paragraph order, and the
 * canonical form of every paragraph (what the document hashes are computed from).
 */
export function paragraphVerdicts(paragraphs: readonly string[], cfg: ParagraphConfig): { canon: string[]; removed: number[] } {
  const canon = paragraphs.map(canonicalText);
  const seen = new Set<string>();
  const removed: number[] = [];
  // Program code repeats its lines legitimately (rules/language.ts codeMask): never a repeat.
  const code = codeMask(paragraphs);
  for (let i = 0; i < canon.length; i++) {
    const c = canon[i]!;
    const next = canon[i + 1];
    if (code[i]) {
      seen.add(c);
      continue;
    }
    // A short heading or a table cell recurs legitimately and is never a repeat (rules/dedupe-paragraphs.ts).
    if (c.length >= cfg.minRepeatChars && seen.has(c) && !headingOrCell(paragraphs[i]!)) removed.push(i * 2);
    else if (c.length >= cfg.minTruncatedChars && next !== undefined && next.length > c.length && next.startsWith(c) && !headingOrCell(paragraphs[i]!)) removed.push(i * 2 + 1);
    else seen.add(c);
  }
  return { canon, removed };
}

/** Rule of an edge line removed as a recurring banner of its source (pipeline/dedup/recurring.ts). */
export const RECURRING_RULE = 'boilerplate_recurring';

/**
 * The document's paragraphs without those the verdicts remove and without the recurring banners (`recurring`:
 * paragraph indices, pipeline/dedup/recurring.ts), and a Removal for each one that went.
 */
export function applyVerdicts(doc: Pick<Doc, 'paragraphs' | 'para_lines'>, removed: readonly number[], recurring: readonly number[] = []): ParagraphResult {
  const out: ParagraphResult = { paragraphs: [], para_lines: [], removed: [] };
  const banner = new Set(recurring);
  let r = 0;
  doc.paragraphs.forEach((p, i) => {
    if (banner.has(i)) {
      out.removed.push({ rule: RECURRING_RULE, chars: countChars(p), paragraph: i, line: doc.para_lines[i] ?? null, text: excerpt(p) });
      return;
    }
    if (r < removed.length && removed[r]! >> 1 === i) {
      out.removed.push({ rule: PARAGRAPH_RULES[removed[r]! & 1]!, chars: countChars(p), paragraph: i, line: doc.para_lines[i] ?? null, text: excerpt(p) });
      r++;
      return;
    }
    out.paragraphs.push(p);
    out.para_lines.push(doc.para_lines[i]!);
  });
  return out;
}

/** The document's paragraphs without repeats and truncated copies, and a Removal for each one that went. */
export function dedupeParagraphs(doc: Pick<Doc, 'paragraphs' | 'para_lines'>, cfg: ParagraphConfig): ParagraphResult {
  return applyVerdicts(doc, paragraphVerdicts(doc.paragraphs, cfg).removed);
}
