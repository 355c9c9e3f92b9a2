#!/usr/bin/env -S npx tsx
/**
 * `make bench`'s Parquet row: a generated Parquet file of records (`id, title, date, url, text`, as a scraped corpus
 * or a Hugging Face dataset publishes them) through the whole pipeline as `make dataset` runs it (`node dist/run.js`,
 * built by `make bench`), the file alone in a raw folder: rows/s, MB/s and the process's peak RSS (all threads, GNU
 * time). The file (out/bench/parquet/<rows>-seed<seed>.parquet, kept between runs) is written by DuckDB from
 * generated rows: 4-16 paragraphs of `raw/`'s text files each, picked with a seeded generator, one row in 50
 * without text (empty_record).
 *
 *   tsx pipeline/bench/parquet.ts [--rows 20000] [--out out/bench] [--seed 1] [--workers 2]
 */
import { existsSync } from 'node:fs';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandLine, pathValue, intValue, type Options } from '../lib/cli.js';
import { mulberry32 } from '../lib/random.js';
import { runAlone, seedParagraphs } from './alone.js';

const exec = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const OPTIONS = {
  rows: { type: 'string', arg: 'N', help: 'records in the generated Parquet file (default 20000)', check: intValue(1, 100_000_000), default: 20000 },
  out: { type: 'string', arg: 'DIR', help: 'bench folder (default out/bench)', check: pathValue, default: 'out/bench' },
  seed: { type: 'string', arg: 'N', help: 'generator seed (default 1)', check: intValue(0, 2 ** 31), default: 1 },
  workers: { type: 'string', arg: 'N', help: 'workers of the pipeline run (default 2)', check: intValue(1, 64), default: 2 },
} as const satisfies Options;

/**
 * Rows per row group of the generated file. A Parquet reader holds a row group's column chunk whole (DuckDB reads
 * it in one piece), so the memory a file needs is its largest row group's: 10,000 rows here are ~29 MB of text
 * compressed, as a corpus exported in moderate row groups has them; DuckDB's own default (122,880 rows) would make
 * the whole 100,000-row file one row group.
 */
const ROW_GROUP = 10_000;

/** Writes `rows` generated records to `file` as Parquet (DuckDB reads them from a JSONL file written first). */
async function generate(file: string, rows: number, seed: number): Promise<void> {
  const paras = seedParagraphs(root);
  const rand = mulberry32(seed);
  const jsonl = `${file}.jsonl`;
  // Written 1,000 lines at a time: a 100,000-row file is ~300 MB of JSON, more than one string should hold.
  const fh = await open(jsonl, 'w');
  let lines: string[] = [];
  for (let i = 1; i <= rows; i++) {
    const k = 4 + Math.floor(rand() * 12);
    const body: string[] = [];
    for (let j = 0; j < k; j++) body.push(paras[Math.floor(rand() * paras.length)]!);
    lines.push(JSON.stringify({
      id: `doc-${i}`, title: paras[Math.floor(rand() * paras.length)]!.slice(0, 24), date: `202${i % 5}-0${1 + (i % 9)}-1${i % 10}`,
      url: `https://news.example.cn/${2020 + (i % 5)}/${i}.html`, text: i % 50 === 0 ? '' : body.join('\n'),
    }));
    if (lines.length === 1000 || i === rows) {
      await fh.write(lines.join('\n') + '\n');
      lines = [];
    }
  }
  await fh.close();
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
  try {
    await con.run(`COPY (SELECT * FROM read_json(${q(jsonl)}, format = 'newline_delimited', columns = {id: 'VARCHAR', title: 'VARCHAR', date: 'DATE', url: 'VARCHAR', text: 'VARCHAR'})) TO ${q(`${file}.tmp`)} (FORMAT parquet, ROW_GROUP_SIZE ${ROW_GROUP})`);
  } finally {
    con.closeSync();
    db.closeSync();
  }
  await rm(jsonl, { force: true });
  await rename(`${file}.tmp`, file);
}

interface Row { rows: number; bytes: number; seconds: number; rows_per_s: number; mb_per_s: number; peak_rss_mb: number; units: number; documents: number; reader_seconds: number; reader_peak_rss_mb: number }

/**
 * The Parquet reader alone (the compiled extractPath, every unit handed to a sink that drops it) in a fresh
 * process: its peak RSS shows whether reading streams (flat in the file's rows) apart from the whole-corpus state
 * of a pipeline run.
 */
async function measureReader(file: string): Promise<{ seconds: number; peak_rss_mb: number; units: number }> {
  const script = `const { extractPath } = await import(${JSON.stringify(path.join(root, 'dist/stages/extract.js'))});
const { statSync } = await import('node:fs');
let n = 0;
const f = ${JSON.stringify(file)};
const r = await extractPath({ path: 'bench.parquet', abs: f, bytes: statSync(f).size, sha256: '0'.repeat(64) }, undefined, () => { n++; });
process.stdout.write(JSON.stringify({ units: n, status: r.info.status }));`;
  const t0 = performance.now();
  const { stdout, stderr } = await exec('/usr/bin/time', ['-f', 'JW_PEAK_KB %M', process.execPath, '--input-type=module', '-e', script], { cwd: root, maxBuffer: 16 << 20 });
  const seconds = (performance.now() - t0) / 1000;
  const kb = Number(/JW_PEAK_KB (\d+)/.exec(stderr)?.[1] ?? NaN);
  const r = JSON.parse(stdout) as { units: number; status: string };
  if (r.status !== 'ok') throw new Error(`bench parquet: the reader rejected ${file}`);
  return { seconds: Number(seconds.toFixed(1)), peak_rss_mb: Math.round(kb / 1024), units: r.units };
}

/** The file alone in a raw folder (a hard link), through `node dist/run.js` into a fresh OUT, timed by GNU time. */
async function measure(file: string, dir: string, workers: number, rows: number): Promise<Row> {
  const reader = await measureReader(file);
  const r = await runAlone(root, file, dir, 'parquet', workers);
  return { rows, bytes: r.bytes, seconds: r.seconds, rows_per_s: Math.round(rows / r.seconds), mb_per_s: r.mb_per_s, peak_rss_mb: r.peak_rss_mb, units: r.units, documents: r.documents, reader_seconds: reader.seconds, reader_peak_rss_mb: reader.peak_rss_mb };
}

async function main(): Promise<void> {
  const args = parseCommandLine(process.argv.slice(2), OPTIONS);
  if (!args) return;
  const dir = path.resolve(args.out, 'parquet');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${args.rows}-seed${args.seed}-rg${ROW_GROUP}.parquet`);
  if (!existsSync(file)) {
    process.stderr.write(`bench parquet: generating ${file}\n`);
    await generate(file, args.rows, args.seed);
  }
  const r = await measure(file, dir, args.workers, args.rows);
  const load = loadavg().map((x) => x.toFixed(1)).join(', ');
  const md = [
    `## Parquet records through the whole pipeline (\`node dist/run.js\`, ${args.workers} workers)`, '',
    `A generated Parquet file (id, title, date, url, text; 4-16 paragraphs of raw/ per record, one in 50 without text; row groups of ${ROW_GROUP} rows) alone in a raw folder, into a fresh OUT; then the reader alone (extractPath, units dropped) in a fresh process.`, '',
    '| rows | MB | seconds | rows/s | MB/s | peak RSS (MB) | units | documents | reader alone: seconds | reader alone: peak RSS (MB) |', '|---|---|---|---|---|---|---|---|---|---|',
    `| ${r.rows} | ${(r.bytes / 1e6).toFixed(1)} | ${r.seconds} | ${r.rows_per_s} | ${r.mb_per_s} | ${r.peak_rss_mb} | ${r.units} | ${r.documents} | ${r.reader_seconds} | ${r.reader_peak_rss_mb} |`, '',
    `Load average at the end: ${load}.`, '',
  ].join('\n');
  await writeFile(path.join(args.out, 'parquet.md'), md);
  await writeFile(path.join(args.out, 'parquet.json'), JSON.stringify({ ...r, workers: args.workers, load }, null, 2) + '\n');
  process.stdout.write(md);
}

await main();
