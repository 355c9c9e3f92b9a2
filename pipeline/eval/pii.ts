/**
 * `make eval`'s personal-data section (issue 23): the adversarial leak count and what was masked on real pages.
 *
 *   text    the seeded adversarial items of pipeline/eval/pii-cases.ts (≥ 200: separators, full-width digits,
 *           Chinese numerals, spacing, line breaks inside numbers, IDN and obfuscated emails, credit lines), each as
 *           a document through normalize → clean (the stage functions); an item leaks when its secret can still be
 *           read in what clean keeps.
 *   names   file and member names with personal data through maskPath, the function every published path goes through.
 *   real    personal-data removals the run made on the real pages (report/removed.jsonl, rules pii_*): every one
 *           is a candidate false positive to look at; none of the pages is known to hold personal data but their
 *           own contact footers.
 *
 * (tests/eval/pii.test.ts runs the same items through the whole pipeline and a release: 0 leaks in OUT.)
 */
import { maskPath } from '../lib/pii.js';
import type { Doc } from '../lib/types.js';
import { clean } from '../stages/clean.js';
import { normalize } from '../stages/normalize.js';
import { leaked, pathVariants, piiVariants } from './pii-cases.js';

/** A document as segment gives it: one paragraph per line of `text`. */
function docOf(text: string, i: number): Doc {
  const paragraphs = text.split('\n');
  return {
    id: `jw_${String(i).padStart(20, '0')}`, source_file: 'pii-eval.txt', source_member: null, source_row: null, source_url: null, source_sha256: '0'.repeat(64),
    source_encoding: 'utf-8', source_format: 'text', segment: 1, line_start: 1, line_end: paragraphs.length, title: null, subtitle: null,
    paragraphs, para_lines: paragraphs.map((_, k) => k + 1), genre: null, script_original: null, source_site: null,
    author_affiliation: null, published: null, n_masks: 0, duplicates: 0,
  };
}

/** What normalize and clean keep of `text` (no quality gate: the items are short). */
function kept(text: string, i: number): string {
  const noGate = { ...clean.defaults, minHanChars: 0, minHanRatio: 0 };
  return normalize.process(docOf(text, i), normalize.defaults).out.flatMap((d) => clean.process(d, noGate).out).flatMap((d) => [d.title ?? '', ...d.paragraphs]).join('\n');
}

export interface PIIEvalResult {
  text: { variants: number; leaks: number; by_kind: Record<string, { variants: number; leaks: number }>; leaked: string[] };
  names: { variants: number; leaks: number; leaked: string[] };
  real: { removals: number; by_rule: Record<string, number> };
}

export function piiEval(removals: readonly { rule: string }[], seed = 23): PIIEvalResult {
  const variants = piiVariants(seed);
  const byKind: Record<string, { variants: number; leaks: number }> = {};
  const textLeaks: string[] = [];
  variants.forEach((v, i) => {
    const k = (byKind[v.kind] ??= { variants: 0, leaks: 0 });
    k.variants++;
    if (leaked([v], kept(v.text, i)).length > 0) {
      k.leaks++;
      textLeaks.push(v.id);
    }
  });
  const paths = pathVariants(seed);
  const nameLeaks = paths.filter((p) => leaked([p], maskPath(`材料/${p.name}.docx`)).length > 0).map((p) => p.id);
  const byRule: Record<string, number> = {};
  for (const r of removals) if (r.rule.startsWith('pii_')) byRule[r.rule] = (byRule[r.rule] ?? 0) + 1;
  return {
    text: { variants: variants.length, leaks: textLeaks.length, by_kind: byKind, leaked: textLeaks },
    names: { variants: paths.length, leaks: nameLeaks.length, leaked: nameLeaks },
    real: { removals: Object.values(byRule).reduce((a, b) => a + b, 0), by_rule: Object.fromEntries(Object.entries(byRule).sort()) },
  };
}

/** The section `make eval` prints (an EvalModule of pipeline/eval/run.ts). */
export const piiModule = {
  name: 'pii',
  async run(ctx: { removals: readonly { rule: string }[] }): Promise<{ lines: string[]; json: unknown }> {
    const r = piiEval(ctx.removals);
    const lines = [
      `personal data, adversarial: ${r.text.leaks} leaks of ${r.text.variants} items in text (normalize → clean), ${r.names.leaks} of ${r.names.variants} in file names (maskPath)${r.text.leaked.length ? ': ' + r.text.leaked.slice(0, 10).join(', ') : ''}`,
      `personal data, real pages: ${r.real.removals} items masked or removed${r.real.removals ? ' ' + JSON.stringify(r.real.by_rule) : ''} (each a false-positive candidate)`,
    ];
    return { lines, json: r };
  },
};
