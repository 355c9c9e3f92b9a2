/** The end-of-run summary printed to stdout: files, documents per stage, drops by reason, time per stage. */
import path from 'node:path';
import type { StageMeta } from './runner.js';

function table(rows: string[][]): string {
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ')).join('\n') + '\n';
}

export function summaryTable(metas: StageMeta[], stats: Record<string, unknown>, out: string): string {
  const files = stats['files'] as { total: number; ok: number; rejected: number; skipped: number; by_reason: Record<string, number>; chars_unaccounted: number };
  const rows = [['stage', 'in', 'out', 'dropped', 'removed chars', 'thread s']];
  for (const m of metas) {
    const dropped = Object.values(m.dropped).reduce((a, b) => a + b, 0);
    const removed = Object.values(m.removed).reduce((a, b) => a + b.chars, 0);
    rows.push([m.stage, String(m.in), String(m.out), String(dropped), String(removed), m.cached ? 'cached' : m.seconds.toFixed(2)]);
  }
  // Stages run fused in passes: a stage's seconds are its own thread time; the passes have the wall times.
  const passes = new Map<number, string>();
  for (const m of metas) if (!m.cached && m.pass && !passes.has(m.pass)) passes.set(m.pass, `${(m.fused ?? [m.stage]).join('+')} ${(m.pass_seconds ?? 0).toFixed(2)} s`);
  const reasons = new Map<string, number>();
  for (const m of metas) for (const [r, n] of Object.entries(m.dropped)) reasons.set(`${m.stage}:${r}`, (reasons.get(`${m.stage}:${r}`) ?? 0) + n);
  const rel = path.relative(process.cwd(), out) || '.';
  let s = `\nfiles: ${files.total} (${files.ok} ok, ${files.rejected} rejected, ${files.skipped} skipped)   documents: ${String(stats['documents'])}   characters: ${String(stats['characters'])}\n\n`;
  s += table(rows);
  if (passes.size) s += `\npasses (wall): ${[...passes.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p).join('; ')}\n`;
  if (reasons.size) s += '\ndrops by reason: ' + [...reasons.entries()].sort().map(([r, n]) => `${r} ${n}`).join(', ') + '\n';
  const formula = (stats['export'] as { csv_formula_like_cells?: number } | undefined)?.csv_formula_like_cells ?? 0;
  if (formula > 0) s += `\nnote: ${formula} cells of documents.csv start like a spreadsheet formula (= + - @); they are written verbatim — import the CSV as text, or use the Parquet/Arrow files\n`;
  const errors = metas.reduce((n, m) => n + (m.dropped['stage_error'] ?? 0), 0);
  if (errors > 0) s += `\nWARNING: ${errors} document(s) dropped because a stage failed on them (stage_error: a bug — see report/dropped.jsonl)\n`;
  if (files.chars_unaccounted !== 0) s += `\nWARNING: ${files.chars_unaccounted} characters unaccounted for (see report/ledger.jsonl)\n`;
  s += `\noutputs: ${rel}/documents.{jsonl,csv,arrow,parquet}   report: ${rel}/report/\n`;
  return s;
}
