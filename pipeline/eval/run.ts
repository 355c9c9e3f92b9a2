/**
 * `make eval EVAL=../shared/eval`: measures extraction against other people's data, which stays outside the
 * repository (see ../shared/eval/README.md).
 *
 *   html  every page of `<EVAL>/html/gold.json` through extract; the unit's text (title excluded: the gold main
 *         texts exclude it) scored against the gold main text with pipeline/eval/metric.ts (LCS over code points,
 *         whitespace removed); table per page and mean → `<OUT>/html.json`.
 *   docx  `<EVAL>/docx/*.zip` through extract → segment → normalize → clean (the stage functions themselves):
 *         documents and titles per Word file, the first kept lines and what clean removed → `<OUT>/docx.json`.
 *
 * Usage: tsx pipeline/eval/run.ts [--eval DIR] [--out DIR]. Without the eval folder it says so and exits 0.
 */
import { readFile, readdir, mkdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { extractFile } from '../stages/extract.js';
import { segment } from '../stages/segment.js';
import { normalize } from '../stages/normalize.js';
import { clean } from '../stages/clean.js';
import type { Doc, ExtractRecord } from '../lib/types.js';
import { score } from './metric.js';
import { parseCommandLine, pathValue, usage, type Options, type Parsed } from '../lib/cli.js';

/** The command line (pipeline/lib/cli.ts). */
const OPTIONS = {
  eval: { type: 'string', arg: 'DIR', help: 'the evaluation data (default $EVAL, else ../shared/eval)', check: pathValue, default: process.env['EVAL'] || '../shared/eval' },
  out: { type: 'string', arg: 'DIR', help: 'where html.json and docx.json go (default out/eval)', check: pathValue, default: 'out/eval' },
} as const satisfies Options;

let args: Parsed<typeof OPTIONS> | null;
try {
  args = parseCommandLine(process.argv.slice(2), OPTIONS);
} catch (e) {
  process.stderr.write(`eval: ${(e as Error).message}\n`);
  process.exit(2);
}
if (!args) {
  process.stdout.write(usage('tsx pipeline/eval/run.ts', OPTIONS));
  process.exit(0);
}
const EVAL = args.eval;
const OUT = args.out;
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const pad = (s: string, n: number) => (s.length >= n ? s.slice(0, n) : s + ' '.repeat(n - s.length));

interface GoldPage { url: string; gold_text: string }
interface HtmlRow {
  file: string; url: string; precision: number; recall: number; f1: number; extracted_chars: number; gold_chars: number;
  status: string; reason: string | null; encoding: string | null; encoding_method: string | null;
  title: string | null; source_site: string | null; published: string | null;
}

async function evalHtml(): Promise<boolean> {
  const goldFile = path.join(EVAL, 'html', 'gold.json');
  if (!existsSync(goldFile)) {
    console.log(`html: no ${goldFile}: skipped`);
    return false;
  }
  const gold = JSON.parse(await readFile(goldFile, 'utf8')) as { pages: Record<string, GoldPage> };
  const rows: HtmlRow[] = [];
  console.log(`\nHTML extraction vs gold (${goldFile}); character LCS, whitespace removed\n`);
  console.log(`${pad('page', 12)} ${pad('site', 24)} ${'P'.padStart(6)} ${'R'.padStart(6)} ${'F1'.padStart(6)} ${'chars'.padStart(7)} ${'gold'.padStart(7)}  encoding`);
  for (const key of Object.keys(gold.pages).sort()) {
    const file = `${key}.html`;
    const bytes = await readFile(path.join(EVAL, 'html', 'pages', file));
    const r = await extractFile({ path: file, bytes });
    const u = r.units[0];
    const s = score(u?.text ?? '', gold.pages[key]!.gold_text);
    const row: HtmlRow = {
      file, url: gold.pages[key]!.url, precision: r3(s.precision), recall: r3(s.recall), f1: r3(s.f1),
      extracted_chars: s.extracted_chars, gold_chars: s.gold_chars, status: r.info.status, reason: r.info.reason,
      encoding: r.info.encoding, encoding_method: r.info.encoding_method, title: u?.title ?? null, source_site: u?.source_site ?? null, published: u?.published ?? null,
    };
    rows.push(row);
    console.log(`${pad(key.slice(0, 10), 12)} ${pad(new URL(row.url).hostname, 24)} ${row.precision.toFixed(3).padStart(6)} ${row.recall.toFixed(3).padStart(6)} ${row.f1.toFixed(3).padStart(6)} ${String(row.extracted_chars).padStart(7)} ${String(row.gold_chars).padStart(7)}  ${row.encoding}/${row.encoding_method}${row.reason ? ' ' + row.reason : ''}`);
  }
  const mean = (k: 'precision' | 'recall' | 'f1') => r3(rows.reduce((a, r) => a + r[k], 0) / rows.length);
  const summary = { pages: rows.length, precision: mean('precision'), recall: mean('recall'), f1: mean('f1'), min_f1: Math.min(...rows.map((r) => r.f1)) };
  console.log(`${pad('mean', 37)} ${summary.precision.toFixed(3).padStart(6)} ${summary.recall.toFixed(3).padStart(6)} ${summary.f1.toFixed(3).padStart(6)}   (min F1 ${summary.min_f1.toFixed(3)}, ${rows.length} pages)`);
  const metric = 'LCS of code points with whitespace removed: precision = LCS/extracted, recall = LCS/gold, F1 harmonic mean (pipeline/eval/metric.ts)';
  await writeFile(path.join(OUT, 'html.json'), JSON.stringify({ metric, gold: goldFile, mean: summary, pages: rows }, null, 2) + '\n');
  return true;
}

/** A unit through segment → normalize → clean, with the default configuration of each stage. */
function throughStages(u: ExtractRecord): { docs: Doc[]; removed: Record<string, number> } {
  const removed: Record<string, number> = {};
  let docs: Doc[] = segment.process(u, segment.defaults).out;
  for (const stage of [normalize, clean]) {
    const next: Doc[] = [];
    for (const d of docs) {
      const r = stage.process(d, stage.defaults as never);
      for (const x of r.removed) removed[`${stage.name}.${x.rule}`] = (removed[`${stage.name}.${x.rule}`] ?? 0) + x.chars;
      if (r.dropped) removed[`${stage.name}.drop_${r.dropped.reason}`] = (removed[`${stage.name}.drop_${r.dropped.reason}`] ?? 0) + 1;
      next.push(...r.out);
    }
    docs = next;
  }
  return { docs, removed };
}

async function evalDocx(): Promise<boolean> {
  const dir = path.join(EVAL, 'docx');
  if (!existsSync(dir)) {
    console.log(`docx: no ${dir}: skipped`);
    return false;
  }
  const files = [];
  let documents = 0;
  let units = 0;
  for (const name of (await readdir(dir)).filter((f) => /\.(zip|docx)$/i.test(f)).sort()) {
    const bytes = await readFile(path.join(dir, name));
    const r = await extractFile({ path: name, bytes });
    console.log(`\nWord files in ${name}: ${r.info.status}${r.info.reason ? ' ' + r.info.reason : ''} (${r.info.detail ?? ''})\n`);
    console.log(`${pad('member', 34)} ${'docs'.padStart(4)}  title after clean | first kept paragraph`);
    for (const u of r.units) {
      units++;
      const { docs, removed } = throughStages(u);
      documents += docs.length;
      const row = {
        member: u.source_member ?? name, extract_title: u.title, documents: docs.length,
        titles: docs.map((d) => d.title), subtitles: docs.map((d) => d.subtitle),
        source_site: docs[0]?.source_site ?? null, published: docs[0]?.published ?? null,
        first_paragraphs: (docs[0]?.paragraphs ?? []).slice(0, 3).map((p) => p.slice(0, 80)),
        paragraphs: docs.reduce((a, d) => a + d.paragraphs.length, 0), removed,
      };
      files.push(row);
      console.log(`${pad(row.member, 34)} ${String(row.documents).padStart(4)}  ${row.titles.join(' ; ')} | ${(row.first_paragraphs[0] ?? '').slice(0, 40)}`);
    }
  }
  console.log(`\n${units} Word files → ${documents} documents`);
  await writeFile(path.join(OUT, 'docx.json'), JSON.stringify({ units, documents, files }, null, 2) + '\n');
  return true;
}

if (!existsSync(EVAL)) {
  console.log(`eval: the evaluation folder ${EVAL} does not exist; nothing to measure (pass EVAL=<dir>, see ../shared/eval/README.md).`);
  process.exit(0);
}
await mkdir(OUT, { recursive: true });
const didHtml = await evalHtml();
const didDocx = await evalDocx();
console.log(`\nwrote ${[didHtml && 'html.json', didDocx && 'docx.json'].filter(Boolean).join(', ') || 'nothing'} to ${OUT}/`);
