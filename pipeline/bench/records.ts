#!/usr/bin/env -S npx tsx
/**
 * `make bench`'s record-file row: generated CSV, JSON (an array of records) and gzipped JSONL files of each size,
 * each read alone by the compiled path reader (`extractPath`, every unit handed to a sink that drops it) in a fresh
 * process: records/s, MB/s and the process's peak RSS (GNU time), to show that reading is flat in the file's size.
 * For the smallest size, the whole-file reader (`extractFile` on the file's bytes, the route of a file in another
 * encoding than UTF-8) is measured too, for comparison. Files are written to out/bench/records/ (kept between runs):
 * 4-16 paragraphs of `raw/`'s text files per record, picked with a seeded generator, one record in 50 without text.
 *
 *   tsx pipeline/bench/records.ts [--sizes 50MB,500MB] [--out out/bench] [--seed 1]
 */
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { loadavg } from 'node:os';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandLine, pathValue, intValue, type Options } from '../lib/cli.js';
import { mulberry32 } from '../lib/random.js';
import { seedParagraphs } from './alone.js';

const exec = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** `50MB,500MB` → bytes, in increasing order. */
function sizeList(text: string): number[] {
  return text.split(',').map((s) => {
    const m = /^(\d+(?:\.\d+)?)\s*(MB|GB)$/i.exec(s.trim());
    if (!m) throw new Error(`a size is like 50MB or 1GB, not ${JSON.stringify(s)}`);
    return Math.round(Number(m[1]) * (m[2]!.toUpperCase() === 'GB' ? 1e9 : 1e6));
  }).sort((a, b) => a - b);
}

const OPTIONS = {
  sizes: { type: 'string', arg: 'LIST', help: 'file sizes, e.g. 50MB,500MB (default 50MB,500MB)', check: sizeList, default: [50e6, 500e6] },
  out: { type: 'string', arg: 'DIR', help: 'bench folder (default out/bench)', check: pathValue, default: 'out/bench' },
  seed: { type: 'string', arg: 'N', help: 'generator seed (default 1)', check: intValue(0, 2 ** 31), default: 1 },
} as const satisfies Options;

const FORMATS = ['csv', 'json', 'jsonl.gz'] as const;
type Format = (typeof FORMATS)[number];

/** Writes records of `format` to `file` until `bytes` of text are written (before gzip). Returns the records. */
async function generate(file: string, format: Format, bytes: number, seed: number): Promise<number> {
  const paras = seedParagraphs(root);
  const rand = mulberry32(seed);
  const tmp = `${file}.tmp`;
  const fs = createWriteStream(tmp);
  const gz = format === 'jsonl.gz' ? createGzip() : null;
  if (gz) gz.pipe(fs);
  const sink = gz ?? fs;
  const write = async (s: string) => {
    if (!sink.write(s)) await once(sink, 'drain');
  };
  let written = 0;
  let n = 0;
  if (format === 'csv') written += Buffer.byteLength('id,title,date,url,text\n');
  if (format === 'csv') await write('id,title,date,url,text\n');
  if (format === 'json') await write('[');
  while (written < bytes) {
    n++;
    const k = 4 + Math.floor(rand() * 12);
    const body: string[] = [];
    for (let j = 0; j < k; j++) body.push(paras[Math.floor(rand() * paras.length)]!);
    const rec = { id: `doc-${n}`, title: paras[Math.floor(rand() * paras.length)]!.slice(0, 24), date: `202${n % 5}-0${1 + (n % 9)}-1${n % 10}`, url: `https://news.example.cn/${2020 + (n % 5)}/${n}.html`, text: n % 50 === 0 ? '' : body.join('\n') };
    const s = format === 'csv'
      ? `${[rec.id, rec.title, rec.date, rec.url, rec.text].map((v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',')}\n`
      : format === 'json' ? `${n > 1 ? ',\n' : '\n'}${JSON.stringify(rec)}` : `${JSON.stringify(rec)}\n`;
    written += Buffer.byteLength(s);
    await write(s);
  }
  if (format === 'json') await write('\n]\n');
  sink.end();
  await once(fs, 'close');
  await rename(tmp, file);
  return n;
}

interface Row { format: Format; reader: 'path' | 'whole'; mb: number; records: number; units: number; seconds: number; records_per_s: number; mb_per_s: number; peak_rss_mb: number }

/** One reader on one file in a fresh process, timed, its peak RSS from GNU time. */
async function measure(file: string, format: Format, reader: 'path' | 'whole', records: number): Promise<Row> {
  const name = `bench.${format}`;
  const script = `const { extractPath, extractFile } = await import(${JSON.stringify(path.join(root, 'dist/stages/extract.js'))});
const { statSync, readFileSync } = await import('node:fs');
const f = ${JSON.stringify(file)};
let n = 0;
const r = ${reader === 'path'
    ? `await extractPath({ path: ${JSON.stringify(name)}, abs: f, bytes: statSync(f).size, sha256: '0'.repeat(64) }, undefined, () => { n++; });`
    : `await extractFile({ path: ${JSON.stringify(name)}, bytes: readFileSync(f) }); n = r.units.length;`}
process.stdout.write(JSON.stringify({ units: n, status: r.info.status, detail: r.info.detail }));`;
  const t0 = performance.now();
  const { stdout, stderr } = await exec('/usr/bin/time', ['-f', 'JW_PEAK_KB %M', process.execPath, '--input-type=module', '-e', script], { cwd: root, maxBuffer: 16 << 20 });
  const seconds = (performance.now() - t0) / 1000;
  const kb = Number(/JW_PEAK_KB (\d+)/.exec(stderr)?.[1] ?? NaN);
  const r = JSON.parse(stdout) as { units: number; status: string; detail: string };
  if (r.status !== 'ok') throw new Error(`bench records: the ${reader} reader rejected ${file}: ${r.detail}`);
  const { size } = await import('node:fs').then((m) => m.statSync(file));
  return { format, reader, mb: Number((size / 1e6).toFixed(1)), records, units: r.units, seconds: Number(seconds.toFixed(1)), records_per_s: Math.round(records / seconds), mb_per_s: Number((size / 1e6 / seconds).toFixed(1)), peak_rss_mb: Math.round(kb / 1024) };
}


async function main(): Promise<void> {
  const args = parseCommandLine(process.argv.slice(2), OPTIONS);
  if (!args) return;
  const sizes = args.sizes;
  const dir = path.resolve(args.out, 'records');
  await mkdir(dir, { recursive: true });
  const rows: Row[] = [];
  for (const format of FORMATS) {
    for (const [i, bytes] of sizes.entries()) {
      const file = path.join(dir, `${bytes / 1e6}MB-seed${args.seed}.${format}`);
      const countFile = `${file}.records`;
      let records: number;
      if (!existsSync(file) || !existsSync(countFile)) {
        process.stderr.write(`bench records: generating ${file}\n`);
        records = await generate(file, format, bytes, args.seed);
        await writeFile(countFile, String(records));
      } else records = Number((await import('node:fs')).readFileSync(countFile, 'utf8'));
      rows.push(await measure(file, format, 'path', records));
      // The whole-file reader only within the raw-file limit (256 MB of bytes, gzipped or not).
      if (i === 0 && bytes <= 256e6) rows.push(await measure(file, format, 'whole', records));
      process.stderr.write(`bench records: ${JSON.stringify(rows.at(-1))}\n`);
    }
  }
  const load = loadavg().map((x) => x.toFixed(1)).join(', ');
  const md = [
    '## Record files read alone (`extractPath` from the path, or `extractFile` on the bytes read whole)', '',
    'Generated files (id, title, date, url, text; 4-16 paragraphs of raw/ per record, one in 50 without text; sizes of the text before gzip), each read in a fresh process, units dropped.', '',
    '| format | reader | MB on disk | records | units | seconds | records/s | MB/s | peak RSS (MB) |', '|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.format} | ${r.reader} | ${r.mb} | ${r.records} | ${r.units} | ${r.seconds} | ${r.records_per_s} | ${r.mb_per_s} | ${r.peak_rss_mb} |`), '',
    `Load average at the end: ${load}.`, '',
  ].join('\n');
  await writeFile(path.join(args.out, 'records.md'), md);
  await writeFile(path.join(args.out, 'records.json'), JSON.stringify({ rows, load }, null, 2) + '\n');
  process.stdout.write(md);
}

await main();
