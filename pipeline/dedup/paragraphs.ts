/**
 * Paragraph-level deduplication inside one document: a paragraph repeated verbatim (up to punctuation,
 * spacing and width), or a truncated copy that is a prefix of the next paragraph (a copy-paste artefact:
 * the first paragraph of the fourth essay in raw/000 is the first 250 characters of the second, cut at a
 * full stop). Comparison is on the canonical form (`canonicalText`), so "。" vs "；" does not matter.
 */
import { countChars } from '../lib/stage.js';
import { canonicalText } from '../lib/minhash.js';
import { maskPII } from '../lib/pii.js';
import type { Doc, Removal } from '../lib/types.js';

export interface ParagraphConfig {
  /** A repeated paragraph is removed only if its canonical form has at least this many characters
   *  (short lines such as "同志们：" or "谢谢大家！" may legitimately recur). */
  minRepeatChars: number;
  /** A truncated copy must have at least this many canonical characters (shorter prefixes are headings). */
  minTruncatedChars: number;
}

export interface ParagraphResult { paragraphs: string[]; para_lines: number[]; removed: Removal[] }

/** Short audit excerpt of a removed paragraph: personal data masked first, then cut. */
export function excerpt(p: string, max = 40): string {
  const m = maskPII(p);
  return [...m].length > max ? [...m].slice(0, max).join('') + '…' : m;
}

/** The document's paragraphs without repeats and truncated copies, and a Removal for each one that went. */
export function dedupeParagraphs(doc: Pick<Doc, 'paragraphs' | 'para_lines'>, cfg: ParagraphConfig): ParagraphResult {
  const canon = doc.paragraphs.map(canonicalText);
  const seen = new Set<string>();
  const out: ParagraphResult = { paragraphs: [], para_lines: [], removed: [] };
  doc.paragraphs.forEach((p, i) => {
    const c = canon[i]!;
    const next = canon[i + 1];
    let rule: string | null = null;
    if (c.length >= cfg.minRepeatChars && seen.has(c)) rule = 'repeated_paragraph';
    else if (c.length >= cfg.minTruncatedChars && next !== undefined && next.length > c.length && next.startsWith(c)) rule = 'truncated_paragraph';
    if (rule) {
      out.removed.push({ rule, chars: countChars(p), paragraph: i, line: doc.para_lines[i] ?? null, text: excerpt(p) });
      return;
    }
    seen.add(c);
    out.paragraphs.push(p);
    out.para_lines.push(doc.para_lines[i]!);
  });
  return out;
}
