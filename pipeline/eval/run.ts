/**
 * `make eval`: runs the whole pipeline (the compiled `dist/run.js`, as `make dataset` does) over the evaluation set
 * of real third-party pages in tests/fixtures/eval-real/ (manifest.json; pages, gold texts, the provincial Word
 * reports, the hand labels) and reports the figures of issue 21 per family (pipeline/eval/families.ts): HTML
 * main-text F1, documents per single-article page, titles, dates, boilerplate precision and kept-edge chrome
 * (against the gold texts and on the hand-labelled sample, with its coverage), and personal data left in the
 * published text. Every figure comes from this run; nothing is stored between runs.
 *
 * Writes <OUT>/summary.json (the headline figures) and one JSON per family with the per-page detail, and prints a
 * compact table. `--sample N` also writes <OUT>/to-label.json: N removals and N edge lines of this run that no hand
 * label covers, drawn with a seeded shuffle (`--seed`, default 21), for extending labels.json by hand.
 *
 * Usage: tsx pipeline/eval/run.ts [--set DIR] [--out DIR] [--workers N] [--sample N] [--seed S] [--keep]
 */
import { readFile, mkdir, writeFile, copyFile, mkdtemp, rm } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { findPII } from '../lib/pii.js';
import { mulberry32 } from '../lib/random.js';
import { checkManifest, sitesOf, type EvalManifest } from './manifest.js';
import { score } from './metric.js';
import { simplified } from './lines.js';
import { piiModule } from './pii.js';
import { intValue, parseCommandLine, pathValue, textValue, usage, type Options, type Parsed } from '../lib/cli.js';
import {
  boilerplateAuto, boilerplateHand, candidates, dateFamily, htmlFamily, segmentationFamily, titleFamily,
  type Label, type PageRun, type PubDoc, type Removal,
} from './families.js';

/** The command line (pipeline/lib/cli.ts). */
const OPTIONS = {
  set: { type: 'string', arg: 'DIR', help: 'the evaluation set: manifest.json, pages, gold texts, labels (default tests/fixtures/eval-real)', check: pathValue, default: 'tests/fixtures/eval-real' },
  out: { type: 'string', arg: 'DIR', help: 'where the JSON reports go (default out/eval)', check: pathValue, default: 'out/eval' },
  workers: { type: 'string', arg: 'N', help: 'workers of the pipeline run (default 2, or 1 on one core)', check: intValue(1, 256), default: Math.min(2, os.availableParallelism()) },
  sample: { type: 'string', arg: 'N', help: 'also write to-label.json: N unlabelled removals and N unlabelled edge lines (default 0)', check: intValue(0, 100000), default: 0 },
  seed: { type: 'string', arg: 'S', help: 'seed of the --sample draw (default 21)', check: intValue(0, 2 ** 31 - 1), default: 21 },
  keep: { type: 'boolean', help: 'keep the temporary raw and out folders of the run (their path is printed)' },
  only: { type: 'string', arg: 'IDS', help: 'run only these pages (comma-separated ids; the Word reports are left out), e.g. to look at the worst pages', check: textValue },
  entry: { type: 'string', arg: 'dist|src', help: 'run the compiled pipeline (dist/run.js, what make eval builds first) or the sources under tsx (default src)', check: (t: string) => { if (t !== 'dist' && t !== 'src') throw new Error(`must be dist or src, got ${JSON.stringify(t)}`); return t; }, default: 'src' },
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
const SET = args.set;
const OUT = args.out;
const WORKERS = String(args.workers);
const SAMPLE = args.sample;
const SEED = args.seed;
const KEEP = args.keep;
const ONLY = args.only === undefined ? null : new Set(args.only.split(',').map((x) => x.trim()).filter(Boolean));
const ENTRY = args.entry;

const readJsonl = async <T>(file: string): Promise<T[]> =>
  (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as T);

/**
 * A further measurement over the same run, reported in its own section of the table and its own JSON. The
 * adversarial personal-data leak count (planted PII that survives into the published text) goes here as its
 * own module (pipeline/eval/pii.ts, issue 23), in MODULES below.
 */
export interface EvalModule {
  name: string;
  run(ctx: { set: string; raw: string; out: string; docs: PubDoc[]; removals: Removal[] }): Promise<{ lines: string[]; json: unknown }>;
}
const MODULES: EvalModule[] = [piiModule];

async function main(): Promise<number> {
  const manifestFile = path.join(SET, 'manifest.json');
  if (!existsSync(manifestFile)) {
    console.error(`eval: ${manifestFile} not found`);
    return 2;
  }
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as EvalManifest;
  const problems = checkManifest(manifest, (f) => existsSync(path.join(SET, f)), (f) => readFileSync(path.join(SET, f), 'utf8'));
  if (problems.length) {
    console.error(`eval: the manifest has problems:\n  ${problems.join('\n  ')}`);
    return 2;
  }
  const labelsFile = path.join(SET, 'labels.json');
  const labels: Label[] = existsSync(labelsFile) ? (JSON.parse(await readFile(labelsFile, 'utf8')) as { labels: Label[] }).labels : [];

  // The raw folder: every page under its own name, the corpora under docx/.
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'jingwen-eval-'));
  const raw = path.join(tmp, 'raw');
  const out = path.join(tmp, 'out');
  await mkdir(path.join(raw, 'docx'), { recursive: true });
  const pages: PageRun[] = [];
  const unknown = [...(ONLY ?? [])].filter((id) => !manifest.pages.some((p) => p.id === id));
  if (unknown.length) {
    console.error(`eval: --only names pages the manifest does not have: ${unknown.join(', ')}`);
    return 2;
  }
  for (const p of manifest.pages) {
    if (ONLY && !ONLY.has(p.id)) continue;
    const rawFile = path.basename(p.file);
    await copyFile(path.join(SET, p.file), path.join(raw, rawFile));
    pages.push({ page: p, rawFile, gold: p.gold ? await readFile(path.join(SET, p.gold), 'utf8') : null });
  }
  const corpora = ONLY ? [] : manifest.corpora ?? [];
  for (const c of corpora) await copyFile(path.join(SET, c.file), path.join(raw, 'docx', path.basename(c.file)));

  const started = Date.now();
  if (ENTRY === 'dist' && !existsSync('dist/run.js')) {
    console.error('eval: --entry dist needs dist/run.js (make build)');
    return 2;
  }
  const entry = ENTRY === 'dist' ? ['node', ['dist/run.js']] as const : [process.execPath, ['--import', 'tsx', 'pipeline/run.ts']] as const;
  const r = spawnSync(entry[0], [...entry[1], '--raw', raw, '--out', out, '--workers', WORKERS, '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(r.stdout);
    console.error(`eval: the pipeline run failed (exit ${r.status})`);
    return 1;
  }
  const runSeconds = (Date.now() - started) / 1000;
  const docs = await readJsonl<PubDoc>(path.join(out, 'documents.jsonl'));
  const removals = await readJsonl<Removal>(path.join(out, 'report/removed.jsonl'));

  // Extraction alone (the extract stage's unit text, from the run's own stages/extract.jsonl, vs gold), to tell
  // extraction losses from later stages' losses.
  const units = await readJsonl<{ source_file: string; source_member: string | null; text: string }>(path.join(out, 'stages/extract.jsonl'));
  const unitText = new Map(units.filter((u) => u.source_member === null).map((u) => [u.source_file, u.text]));
  const extractF1 = new Map<string, number>();
  for (const p of pages) if (p.gold !== null) extractF1.set(p.page.id, Math.round(score(simplified(unitText.get(p.rawFile) ?? ''), simplified(p.gold)).f1 * 1000) / 1000);

  const html = htmlFamily(pages, docs);
  for (const row of html.rows) Object.assign(row, { extract_f1: extractF1.get(row.id) ?? null });
  const segmentation = segmentationFamily(pages, docs);
  const wordFiles = new Map<string, number>();
  for (const d of docs) if (d.source_file.startsWith('docx/')) wordFiles.set(`${d.source_file}::${d.source_member}`, (wordFiles.get(`${d.source_file}::${d.source_member}`) ?? 0) + 1);
  const members = corpora.reduce((a, c) => a + c.members, 0);
  const word = { files: members, documents: [...wordFiles.values()].reduce((a, b) => a + b, 0), more_than_one: [...wordFiles].filter(([, n]) => n > 1).map(([m, n]) => ({ member: m, documents: n })), none: members - wordFiles.size };
  const titles = titleFamily(pages, docs);
  const dates = dateFamily(pages, docs);
  const auto = boilerplateAuto(pages, docs, removals);
  const hand = boilerplateHand(docs, removals, labels);
  const piiKinds: Record<string, number> = {};
  let piiDocs = 0;
  for (const d of docs) {
    const found = [...findPII(d.title ?? ''), ...findPII(d.text)];
    if (found.length) piiDocs++;
    for (const m of found) piiKinds[m.kind] = (piiKinds[m.kind] ?? 0) + 1;
  }
  const pii = { documents: docs.length, documents_with_pii: piiDocs, items: Object.values(piiKinds).reduce((a, b) => a + b, 0), by_kind: piiKinds };

  const summary = {
    set: { pages: pages.length, sites: new Set(pages.map((p) => p.page.site)).size, gold_pages: html.pages, word_files: members, labels: labels.length },
    run: { documents: docs.length, removed_rows: removals.length, seconds: Math.round(runSeconds * 10) / 10, workers: Number(WORKERS) },
    html: { pages: html.pages, f1_mean: html.f1_mean, f1_min: html.f1_min, below_0_6: html.below_0_6.length, worst: html.worst.slice(0, 5).map((w) => `${w.id} ${w.f1}`) },
    segmentation: { single_article_pages: segmentation.single_article_pages, documents: segmentation.documents, pages_more_than_one: segmentation.more_than_one.length, pages_none: segmentation.none.length, word_files: word.files, word_documents: word.documents, word_more_than_one: word.more_than_one.length },
    titles: { accuracy: titles.accuracy, right: titles.right, pages: titles.pages, gov_accuracy: titles.gov_accuracy, gov_right: titles.gov_right, gov_pages: titles.gov_pages },
    dates: { pages: dates.pages, fill_rate: dates.fill_rate, accuracy: dates.accuracy },
    boilerplate_auto: { removals_judged: auto.removals_judged, precision: auto.precision, edge_lines_judged: auto.edge_lines_judged, edge_chrome_share: auto.edge_chrome_share },
    boilerplate_hand: { removals_labelled: hand.removals_labelled, precision: hand.precision, removals_unlabelled: hand.removals_unlabelled, edge_lines_labelled: hand.edge_lines_labelled, edge_boilerplate_share: hand.edge_boilerplate_share, edge_lines_unlabelled: hand.edge_lines_unlabelled },
    pii_left: { items: pii.items, documents_with_pii: pii.documents_with_pii, by_kind: pii.by_kind },
  } as Record<string, unknown>;

  await mkdir(OUT, { recursive: true });
  const write = (name: string, v: unknown) => writeFile(path.join(OUT, name), JSON.stringify(v, null, 2) + '\n');
  await write('html.json', { metric: 'published main text (documents of the page in order, later documents with their title) vs gold: LCS of code points, whitespace removed; extract_f1: the extract stage alone', ...html });
  await write('segmentation.json', { ...segmentation, word });
  await write('titles.json', titles);
  await write('dates.json', dates);
  await write('boilerplate.json', { auto, hand });
  await write('pii.json', pii);

  const extra: string[] = [];
  for (const m of MODULES) {
    const res = await m.run({ set: SET, raw, out, docs, removals });
    await write(`${m.name}.json`, res.json);
    summary[m.name] = res.json;
    extra.push(...res.lines);
  }
  await write('summary.json', summary);

  if (SAMPLE > 0) {
    const known = new Set(labels.map((l) => `${l.type}\u0000${l.key}`));
    const c = candidates(docs, removals);
    const rand = mulberry32(SEED);
    const draw = <T>(xs: T[]) => {
      const a = [...xs];
      for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [a[i], a[j]] = [a[j]!, a[i]!]; }
      return a.slice(0, SAMPLE);
    };
    const toLabel = [
      ...draw([...c.removal].filter(([k]) => !known.has(`removal\u0000${k}`)).sort(([a], [b]) => a.localeCompare(b))).map(([key, v]) => ({ key, type: 'removal', label: null, ...v })),
      ...draw([...c.edge].filter(([k]) => !known.has(`edge\u0000${k}`)).sort(([a], [b]) => a.localeCompare(b))).map(([key, v]) => ({ key, type: 'edge', label: null, ...v })),
    ];
    await write('to-label.json', { seed: SEED, labels: toLabel });
  }
  if (!KEEP) await rm(tmp, { recursive: true, force: true });
  else console.log(`kept the run in ${tmp}`);

  const f = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : x.toFixed(3));
  const rows: [string, string][] = [
    ['set', `${pages.length} pages from ${new Set(pages.map((p) => p.page.site)).size} sites (${html.pages} with gold) + ${members} Word files; ${labels.length} hand labels; run ${Math.round(runSeconds)} s, ${docs.length} documents`],
    ['HTML main-text F1', `mean ${f(html.f1_mean)}, min ${f(html.f1_min)}, ${html.below_0_6.length} pages below 0.6 (${html.pages} gold pages)`],
    ['  worst pages', html.worst.slice(0, 5).map((w) => `${w.id} ${f(w.f1)}`).join(', ')],
    ['docs / single-article page', `${segmentation.documents} documents from ${segmentation.single_article_pages} pages; ${segmentation.more_than_one.length} pages gave >1, ${segmentation.none.length} gave none`],
    ['  pages with >1', segmentation.more_than_one.map((p) => `${p.id}(${p.documents})`).join(', ') || '-'],
    ['  Word files', `${word.documents} documents from ${word.files} files; ${word.more_than_one.length} gave >1, ${word.none} gave none`],
    ['title accuracy', `${f(titles.accuracy)} (${titles.right}/${titles.pages}); gov.cn-style ${f(titles.gov_accuracy)} (${titles.gov_right}/${titles.gov_pages})`],
    ['published (page gives a date)', `fill rate ${f(dates.fill_rate)}, accuracy ${f(dates.accuracy)} (${dates.right}/${dates.pages})`],
    ['removals boilerplate (vs gold)', `precision ${f(auto.precision)} (${auto.removals_judged - auto.removals_in_gold}/${auto.removals_judged} line removals on gold pages)`],
    ['kept edge lines chrome (vs gold)', `${f(auto.edge_chrome_share)} (${auto.edge_lines_chrome}/${auto.edge_lines_judged})`],
    ['removals boilerplate (hand)', `precision ${f(hand.precision)} (${hand.removals_boilerplate}/${hand.removals_labelled} labelled; ${hand.removals_unlabelled} of ${hand.removals} removals unlabelled)`],
    ['kept edge lines boilerplate (hand)', `${f(hand.edge_boilerplate_share)} (${hand.edge_lines_boilerplate}/${hand.edge_lines_labelled} labelled; ${hand.edge_lines_unlabelled} of ${hand.edge_lines} unlabelled)`],
    ['personal data left', `${pii.items} items in ${pii.documents_with_pii} of ${docs.length} documents (clean's own detector)${pii.items ? ': ' + JSON.stringify(pii.by_kind) : ''}`],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  console.log(`\njingwen eval — ${SET}\n`);
  for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
  for (const l of extra) console.log(l);
  console.log(`\nwrote ${OUT}/{summary,html,segmentation,titles,dates,boilerplate,pii}.json${SAMPLE > 0 ? ' and to-label.json' : ''}`);
  return 0;
}

process.exitCode = await main();
