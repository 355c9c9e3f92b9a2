/**
 * The dataset card (README.md of a release) in the Hugging Face form: YAML front matter, then what the data is,
 * where it comes from, how it was processed, its columns, statistics, a length histogram, limitations, licence
 * notes and how to load it. Loading commands use paths relative to the release folder and are run by the tests.
 */
import { YAML } from 'zx';
import type { ReleaseFacts } from './facts.js';
import { median } from '../lib/stats.js';

export const HISTOGRAM_FILE = 'length-histogram.svg';

/** Hugging Face `size_categories` bucket for a number of rows. */
export function sizeCategory(n: number): string {
  const buckets: [number, string][] = [
    [1e3, 'n<1K'], [1e4, '1K<n<10K'], [1e5, '10K<n<100K'], [1e6, '100K<n<1M'], [1e7, '1M<n<10M'],
    [1e8, '10M<n<100M'], [1e9, '100M<n<1B'], [1e10, '1B<n<10B'], [1e11, '10B<n<100B'], [1e12, '100B<n<1T'],
  ];
  for (const [lim, name] of buckets) if (n < lim) return name;
  return 'n>1T';
}

/** 52487 → "52,487" (fixed, not locale-dependent). */
export const fmt = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
/** "1 document", "2 documents". */
export const plural = (n: number, word: string) => `${fmt(n)} ${word}${n === 1 ? '' : 's'}`;
const cell = (s: string | null | undefined) => (s ?? '').replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (s: string) => '`' + s + '`';
const table = (head: string[], align: string[], rows: string[][]) =>
  [`| ${head.join(' | ')} |`, `|${align.join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

export function frontMatter(f: ReleaseFacts): string {
  const y = {
    pretty_name: f.meta.prettyName,
    license: f.meta.license.id,
    license_name: f.meta.license.name,
    language: ['zh'],
    language_details: 'zh-Hans',
    language_creators: ['found'],
    annotations_creators: ['machine-generated'],
    multilinguality: ['monolingual'],
    size_categories: [sizeCategory(f.stats.documents)],
    source_datasets: ['original'],
    task_categories: ['text-generation'],
    task_ids: ['language-modeling'],
    tags: ['chinese', 'speeches', 'government', 'cleaned'],
    configs: [{ config_name: 'default', data_files: [{ split: 'train', path: 'documents.parquet' }] }],
  };
  return `---\n${YAML.stringify(y)}---`;
}

function groupBy(f: ReleaseFacts, key: (r: ReleaseFacts['rows'][number]) => string): [string, { docs: number; chars: number }][] {
  const g = new Map<string, { docs: number; chars: number }>();
  for (const r of f.rows) {
    const k = key(r);
    const v = g.get(k) ?? { docs: 0, chars: 0 };
    v.docs++;
    v.chars += r.n_chars;
    g.set(k, v);
  }
  // Most documents first; ties by name, so the order never depends on input order.
  return [...g.entries()].sort((a, b) => b[1].docs - a[1].docs || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * Where the raw files are, said truthfully: the project's `raw/` folder only when RAW was that folder and it had
 * no uncommitted changes; else another folder, named by its path's sha256 (the path is never published).
 */
export function rawWhere(f: ReleaseFacts): string {
  const rawEdits = (f.uncommitted ?? []).filter((p) => p === 'raw' || p.startsWith('raw/'));
  if (f.raw.inProject && rawEdits.length === 0 && f.uncommitted !== null) return 'kept byte for byte in the project\'s `raw/` folder at the commit named above.';
  if (f.raw.inProject && f.uncommitted === null) return 'read from the project\'s `raw/` folder, outside a git checkout: no commit keeps them.';
  if (f.raw.inProject) return `read from the project's \`raw/\` folder **with uncommitted changes** (${plural(rawEdits.length, 'path')}: ${rawEdits.slice(0, 10).map(code).join(', ')}${rawEdits.length > 10 ? ', …' : ''}): no commit keeps these files; the sha256 below are of the files as read.`;
  return `read from a raw folder **outside the project** (not the project's \`raw/\`; its absolute path has sha256 \`${f.raw.pathSha256}\`): these files are not published with the project; the sha256 below identify them as read.`;
}

/** From what code the release was built, said truthfully: a clean commit, a commit with uncommitted changes, or no commit. */
export function builtFrom(f: ReleaseFacts): string {
  if (!f.commit || f.uncommitted === null) return 'built outside a git checkout (no commit to name)';
  const code_ = f.uncommitted.filter((p) => !(p === 'raw' || p.startsWith('raw/')));
  if (code_.length === 0) return `built from commit \`${f.commit}\``;
  return `built from a working tree at commit \`${f.commit}\` **with uncommitted changes** (${plural(code_.length, 'path')}: ${code_.slice(0, 10).map(code).join(', ')}${code_.length > 10 ? ', …' : ''}), so not from that commit alone`;
}

function sources(f: ReleaseFacts): string {
  const rows = f.ledger.map((l) => [code(l.path), fmt(l.bytes), l.sha256 ? code(l.sha256) : '—', l.status + (l.reason ? ` (${l.reason})` : ''), fmt(l.documents), fmt(l.chars_in), fmt(l.chars_kept), fmt(l.chars_removed)]);
  const fs = f.stats.files;
  return [
    '## Where it comes from',
    '',
    'Raw files as found on Chinese document-sharing (范文/文库) and news sites, ' + rawWhere(f) + ' Every raw file is ' +
      'accounted for below (from [`ledger.jsonl`](ledger.jsonl), shipped with this release): its sha256, ' +
      'whether it was used, and its characters (non-whitespace code points) in, kept and removed — for every file ' +
      '*in = kept + removed*.',
    '',
    table(['raw file', 'bytes', 'sha256', 'status', 'documents', 'chars in', 'kept', 'removed'], ['---', '---:', '---', '---', '---:', '---:', '---:', '---:'], rows),
    '',
    `${fs.total} files: ${fs.ok} used, ${fs.rejected} rejected, ${fs.skipped} skipped (not sources, e.g. the folder's own SOURCES.md). ` +
      `Characters: ${fmt(fs.chars_in)} in, ${fmt(fs.chars_kept)} kept, ${fmt(fs.chars_removed)} removed, ${fmt(fs.chars_unaccounted)} unaccounted.`,
  ].join('\n');
}

function processing(f: ReleaseFacts): string {
  const rows = f.stages.map((s) => {
    const st = f.stats.stages[s.name];
    // export has no stage counters: it writes what validate kept.
    if (!st) return [code(s.name), cell(s.describe), fmt(f.stats.documents), fmt(f.stats.documents), '—', '0'];
    const dropped = Object.entries(st.dropped).sort().map(([k, v]) => `${k} ${v}`).join(', ') || '—';
    const chars = Object.values(st.removed).reduce((a, v) => a + v.chars, 0);
    return [code(s.name), cell(s.describe), fmt(st.in), fmt(st.out), dropped, fmt(chars)];
  });
  const rules = Object.entries(f.stats.removed_by_rule).sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([k, v]) => [code(k), fmt(v.spans), fmt(v.chars)]);
  return [
    '## How it was processed',
    '',
    'The jingwen pipeline runs these stages in order; counts are this release\'s (from [`stats.json`](stats.json)). ' +
      '*in*/*out* are files for `extract` and documents after it; *chars removed* counts non-whitespace characters ' +
      'taken out, including whole dropped documents.',
    '',
    table(['stage', 'what it does', 'in', 'out', 'dropped', 'chars removed'], ['---', '---', '---:', '---:', '---', '---:'], rows),
    '',
    'What was removed, by rule (`stage.rule`; `drop_<reason>` is a whole document dropped):',
    '',
    rules.length ? table(['rule', 'spans', 'chars'], ['---', '---:', '---:'], rules) : 'Nothing was removed.',
  ].join('\n');
}

function columns(f: ReleaseFacts): string {
  const rows = f.columns.map((c) => [code(c.name), c.type === 'integer' ? 'int32' : 'string', c.nullable ? 'yes' : 'no', cell(c.description + (c.enum ? ` One of ${c.enum.join(', ')}.` : ''))]);
  return [
    '## Columns',
    '',
    'The same rows in the same order in all four files; types as in Parquet and Arrow (CSV holds text; an empty ' +
      'unquoted CSV cell is null). Schema: `schemas/document.schema.json` in the project, and the Table Schema in `datapackage.json`.',
    '',
    table(['column', 'type', 'nullable', 'description'], ['---', '---', '---', '---'], rows),
  ].join('\n');
}

function statistics(f: ReleaseFacts): string {
  const lens = f.rows.map((r) => r.n_chars);
  const total = lens.reduce((a, b) => a + b, 0);
  const bySource = groupBy(f, (r) => r.source_file).map(([k, v]) => [code(k), fmt(v.docs), fmt(v.chars)]);
  const byGenre = groupBy(f, (r) => r.genre ?? '(none)').map(([k, v]) => [cell(k), fmt(v.docs), fmt(v.chars)]);
  const mean = lens.length ? Math.round(total / lens.length) : 0;
  return [
    '## Statistics',
    '',
    `- **${fmt(f.rows.length)} documents**, **${fmt(total)} characters** (Unicode code points of \`text\`).`,
    `- Length per document: min ${fmt(lens.length ? Math.min(...lens) : 0)}, median ${fmt(Math.round(median(lens) ?? 0))}, mean ${fmt(mean)}, max ${fmt(lens.length ? Math.max(...lens) : 0)} characters.`,
    `- Documents without a title: ${f.rows.filter((r) => r.title === null).length}; without a genre: ${f.rows.filter((r) => r.genre === null).length}.`,
    '',
    `![Histogram of document lengths in characters](${HISTOGRAM_FILE})`,
    '',
    '### By source file',
    '',
    table(['source file', 'documents', 'characters'], ['---', '---:', '---:'], bySource),
    '',
    '### By genre',
    '',
    table(['genre', 'documents', 'characters'], ['---', '---:', '---:'], byGenre),
  ].join('\n');
}

function loading(): string {
  return [
    '## How to load it',
    '',
    'Run these inside this folder (the unpacked release).',
    '',
    'pandas (`pip install pandas pyarrow`):',
    '',
    '```python',
    'import pandas as pd',
    'df = pd.read_parquet("documents.parquet")',
    'df = pd.read_json("documents.jsonl", lines=True, dtype=False)',
    'df = pd.read_csv("documents.csv", dtype={"published": "string"})',
    'df = pd.read_feather("documents.arrow")',
    'print(df.groupby("genre", dropna=False)["n_chars"].agg(["count", "sum"]))',
    '```',
    '',
    'DuckDB (in the `duckdb` shell started in this folder, or any DuckDB client whose working directory is this folder):',
    '',
    '```sql',
    "SELECT genre, count(*) AS documents, sum(n_chars) AS characters FROM 'documents.parquet' GROUP BY genre ORDER BY documents DESC;",
    "SELECT id, title, n_chars FROM read_json('documents.jsonl') ORDER BY n_chars DESC, id LIMIT 5;",
    "SELECT count(*) AS documents FROM read_csv('documents.csv');",
    '```',
    '',
    'Check the files first: `sha256sum -c SHA256SUMS`.',
  ].join('\n');
}

function limitations(f: ReleaseFacts): string {
  const n = f.rows.length;
  return [
    '## Known limitations',
    '',
    `- **Small and not representative.** ${fmt(n)} documents from ${f.stats.files.ok} raw files; a narrow, formulaic genre of ` +
      'political and administrative writing, not a sample of Chinese text in general. Many texts are templates or ' +
      'model essays (范文) rather than speeches as delivered.',
    '- **Automatic processing.** Segmentation, titles, genres, boilerplate and personal-data removal are rule-based; ' +
      'expect misses and occasional over-removal. Every removal is listed with its rule in ' +
      '[`removed.jsonl`](removed.jsonl) (shipped with this release; personal data masked), so it can be audited.',
    `- **Genre and metadata are sparse.** \`genre\` is null where the title and opening do not say (${plural(f.rows.filter((r) => r.genre === null).length, 'document')} here); ` +
      '`source_site`, `author_affiliation` and `published` are filled only where the text states them.',
    '- **Personal data.** E-mail addresses, phone numbers, QQ/WeChat ids and similar are removed by patterns; names of ' +
      'people in public roles remain, as in the sources. Redaction masks already in the sources (`**`, `XX`, `××`) are kept as tokens (`n_masks`).',
    '- **Script conversion.** Traditional texts are converted to Simplified with OpenCC (opencc-js) tables, which ' +
      'can pick the wrong character where one Traditional form maps to several; `script_original` says which documents were converted.',
    '- **Duplicates** are removed within this release (exact, and near-duplicates at Jaccard ≥ 0.7); not against other corpora.',
    '- **Ids** derive from the raw file\'s path and content and the document\'s place in it: a revised raw file gives its documents new ids (the changelog pairs them up).',
  ].join('\n');
}

function licence(f: ReleaseFacts): string {
  return [
    '## Licence notes',
    '',
    `The front matter says \`license: ${f.meta.license.id}\` (\`${f.meta.license.name}\`), because no single open licence covers this data:`,
    '',
    '- **The texts** belong to their authors and publishers. They were published openly on the web, but jingwen does ' +
      'not own them and cannot license them. Article 5 of the Copyright Law of the People\'s Republic of China leaves ' +
      'out of copyright only laws, regulations, resolutions, decisions and orders of state organs and other documents ' +
      'of a legislative, administrative or judicial nature, their official translations, and pure news of current ' +
      'events — most speeches, study contributions and reflections here are not of that kind. Treat them as rights reserved.',
    '- **What jingwen adds** — the selection, segmentation, cleaning, ids, derived columns and counts, this card and the ' +
      'metadata files — is offered under CC-BY-4.0. The pipeline code is ' + f.meta.codeLicense + '.',
    '- **Use** it for research on text processing and language modelling where the law you work under allows text and ' +
      'data mining; do not republish the texts as your own. To have a document removed, report its `id`; it goes in ' +
      'the next release, and that release\'s CHANGELOG.md lists it as removed.',
  ].join('\n');
}

/** What the card says of documents.csv's encoding: whether it starts with a byte-order mark, and what follows. */
export function csvEncoding(f: ReleaseFacts): string {
  return f.csvBom
    ? '`documents.csv` is UTF-8 **with a byte-order mark** (U+FEFF, built with `CSV_BOM=1`), so Excel opens it as UTF-8. ' +
      'pandas and DuckDB skip the mark; other tools may keep it at the start of the first column\'s name (`id`). ' +
      'The other three files hold the same rows without it.'
    : '`documents.csv` is UTF-8 **without a byte-order mark**, exactly as pandas, DuckDB and R read it. Excel in a Chinese ' +
      'locale reads such a file as GBK and garbles it: open it through Data → From Text/CSV with file origin ' +
      '"65001: Unicode (UTF-8)", or use the Parquet file.';
}

/** The whole card. */
export function renderCard(f: ReleaseFacts): string {
  const files = f.dataFiles.map((d) => [code(d.path), fmt(d.bytes), code(d.sha256)]);
  const intro = [
    `# ${f.meta.prettyName} — ${f.version}`,
    '',
    f.meta.description,
    '',
    `- **Version** ${f.version}, dated ${f.date} (${f.dateFrom}), ${builtFrom(f)}, with \`make release VERSION=${f.version}${f.csvBom ? ' CSV_BOM=1' : ''}\`.`,
    ...(f.meta.homepagePlaceholder ? [`- **No homepage yet.** package.json sets none, so the metadata's URL is the placeholder ${f.meta.homepage}, not where this dataset lives.`] : [`- Homepage: ${f.meta.homepage}`]),
    `- **${fmt(f.stats.documents)} documents, ${fmt(f.stats.characters)} characters**, Simplified Chinese (\`zh-Hans\`).`,
    '- Build report, shipped here: [ledger.jsonl](ledger.jsonl) (every raw file), [stats.json](stats.json) (counts), ' +
      '[removed.jsonl](removed.jsonl) (every removed span).',
    '- Changes since the previous release: [CHANGELOG.md](CHANGELOG.md). Machine-readable metadata: ' +
      '[datapackage.json](datapackage.json) (Frictionless Data Package v2) and [croissant.json](croissant.json) (MLCommons Croissant 1.0).',
    '',
    'The same rows in four formats:',
    '',
    table(['file', 'bytes', 'sha256'], ['---', '---:', '---'], files),
    '',
    csvEncoding(f),
  ].join('\n');
  return [frontMatter(f), intro, sources(f), processing(f), columns(f), statistics(f), loading(), limitations(f), licence(f)].join('\n\n') + '\n';
}
