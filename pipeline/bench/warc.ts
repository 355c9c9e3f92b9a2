#!/usr/bin/env -S npx tsx
/**
 * `make bench`'s WARC row: streams generated web archives of two or more sizes through the WARC extractor
 * (pipeline/extract/warc.ts `walkWarc`, the code a run uses) and reports MB/s and peak memory per size, to show
 * that memory stays flat as the archive grows. Each size is measured in a fresh process (its peak RSS is its own).
 * The units are serialised as a run would and dropped: this measures the reading, not the rest of the pipeline.
 *
 * The archives (out/bench/warc/<size>.warc, kept between runs) hold what a crawl holds: for every page a request
 * record and a response record, HTML pages made from the paragraphs of raw/ (UTF-8 and GBK, with site chrome), one
 * image response in ten pages, a warcinfo record first.
 *
 *   tsx pipeline/bench/warc.ts [--sizes 200MB,400MB] [--out out/bench] [--seed 1]
 */
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { parseCommandLine, pathValue, textValue, intValue, type Options } from '../lib/cli.js';
import { mulberry32 } from '../lib/random.js';
import { memoryGoal, runAlone, seedParagraphs } from './alone.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const exec = promisify(execFile);

const OPTIONS = {
  sizes: { type: 'string', arg: 'LIST', help: 'archive sizes, comma-separated (default 200MB,400MB; "none": no extractor rows)', check: textValue, default: '200MB,400MB' },
  out: { type: 'string', arg: 'DIR', help: 'bench folder (default out/bench)', check: pathValue, default: 'out/bench' },
  seed: { type: 'string', arg: 'N', help: 'generator seed (default 1)', check: intValue(0, 2 ** 31), default: 1 },
  measure: { type: 'string', arg: 'FILE', help: '(internal) measure one archive in this process', check: pathValue },
  'pipeline-sizes': { type: 'string', arg: 'LIST', help: 'sizes also run through the whole pipeline (default: --sizes; "none" skips it)', check: textValue },
  workers: { type: 'string', arg: 'N', help: 'workers of the whole-pipeline runs (default 2)', check: intValue(1, 64), default: 2 },
  'generate-only': { type: 'boolean', help: 'only generate the archives of --sizes (out/bench/warc/<size>-seed<N>.warc) and stop' },
} as const satisfies Options;

function bytesOf(size: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(MB|GB|KB)?$/i.exec(size.trim());
  if (!m) throw new Error(`bad size ${size}`);
  const unit = (m[2] ?? 'MB').toUpperCase();
  return Math.round(Number(m[1]) * (unit === 'GB' ? 1e9 : unit === 'KB' ? 1e3 : 1e6));
}

const CRLF = '\r\n';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** One WARC record's bytes (WARC/1.1 header block, the content, two CRLFs). */
function record(type: string, uri: string | null, date: string, id: number, contentType: string, body: Buffer): Buffer {
  const head = [`WARC/1.1`, `WARC-Type: ${type}`, `WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-${String(id).padStart(12, '0')}>`, `WARC-Date: ${date}`,
    ...(uri ? [`WARC-Target-URI: ${uri}`] : []), `Content-Type: ${contentType}`, `Content-Length: ${body.length}`].join(CRLF);
  return Buffer.concat([Buffer.from(head + CRLF + CRLF, 'latin1'), body, Buffer.from(CRLF + CRLF, 'latin1')]);
}

/** Writes a generated archive of at least `target` bytes to `file` (atomically: a temp name, then renamed). */
async function generate(file: string, target: number, seed: number): Promise<void> {
  const paras = seedParagraphs(root);
  const rand = mulberry32(seed);
  const tmp = `${file}.tmp`;
  const ws = createWriteStream(tmp);
  const write = (b: Buffer) => (ws.write(b) ? Promise.resolve() : new Promise<void>((r) => ws.once('drain', () => r())));
  let n = 0;
  let id = 0;
  const put = async (b: Buffer) => { n += b.length; await write(b); };
  await put(record('warcinfo', null, '2025-01-01T00:00:00Z', ++id, 'application/warc-fields', Buffer.from(`software: jingwen bench${CRLF}format: WARC File Format 1.1${CRLF}`)));
  for (let page = 0; n < target; page++) {
    const uri = `https://news.example.cn/${2020 + (page % 5)}/${page}.html`;
    const date = `2025-0${1 + (page % 9)}-1${page % 10}T08:00:00Z`;
    await put(record('request', uri, date, ++id, 'application/http; msgtype=request', Buffer.from(`GET /${page}.html HTTP/1.1${CRLF}Host: news.example.cn${CRLF}${CRLF}`)));
    const k = 4 + Math.floor(rand() * 12);
    const body: string[] = [];
    for (let j = 0; j < k; j++) body.push(`<p>${esc(paras[Math.floor(rand() * paras.length)]!)}</p>`);
    const gbk = page % 4 === 1;
    const title = paras[Math.floor(rand() * paras.length)]!.slice(0, 24);
    const html = `<!DOCTYPE html><html><head><meta charset="${gbk ? 'gbk' : 'utf-8'}"><title>${esc(title)}_新闻网</title><meta name="publishdate" content="2024-05-0${1 + (page % 9)}"></head>` +
      `<body><div class="nav"><a href="/">首页</a> | <a href="/news">新闻</a> | <a href="/about">关于我们</a></div><div class="main"><h1>${esc(title)}</h1>${body.join('')}</div>` +
      `<div class="footer">版权所有 新闻网 | 备案号 京ICP备00000000号</div></body></html>`;
    const payload = gbk ? iconv.encode(html, 'gbk') : Buffer.from(html, 'utf8');
    const http = Buffer.concat([Buffer.from(`HTTP/1.1 200 OK${CRLF}Content-Type: text/html; charset=${gbk ? 'gbk' : 'utf-8'}${CRLF}Content-Length: ${payload.length}${CRLF}${CRLF}`, 'latin1'), payload]);
    await put(record('response', uri, date, ++id, 'application/http; msgtype=response', http));
    if (page % 10 === 0) {
      const img = Buffer.alloc(2048 + Math.floor(rand() * 8192), 7);
      img.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      const imgHttp = Buffer.concat([Buffer.from(`HTTP/1.1 200 OK${CRLF}Content-Type: image/png${CRLF}Content-Length: ${img.length}${CRLF}${CRLF}`, 'latin1'), img]);
      await put(record('response', `https://news.example.cn/img/${page}.png`, date, ++id, 'application/http; msgtype=response', imgHttp));
    }
  }
  await new Promise<void>((r, j) => ws.end((e?: Error | null) => (e ? j(e) : r())));
  await rename(tmp, file);
}

interface Measured { bytes: number; seconds: number; mb_per_s: number; peak_rss_mb: number; records: number; html_units: number; other: string }

/** In this process: the archive through walkWarc, units serialised and dropped; peak RSS from the kernel's count. */
async function measure(file: string): Promise<Measured> {
  const { walkWarc } = await import('../extract/warc.js');
  const { EXTRACT_DEFAULTS } = await import('../stages/extract.js');
  const t0 = performance.now();
  let units = 0;
  let json = 0;
  const r = await walkWarc(file, path.basename(file), '0'.repeat(64), EXTRACT_DEFAULTS, (u) => { units++; json += JSON.stringify(u).length; });
  const seconds = (performance.now() - t0) / 1000;
  const bytes = statSync(file).size;
  void json;
  return { bytes, seconds: Number(seconds.toFixed(2)), mb_per_s: Number((bytes / 1e6 / seconds).toFixed(2)), peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024), records: r.records, html_units: units, other: r.tally.text() };
}

interface PipelineRun { seconds: number; mb_per_s: number; peak_rss_mb: number; documents: number; units: number }

/**
 * The whole pipeline over one archive, as `make dataset` runs it (`node dist/run.js`, built by `make bench`), the
 * archive alone in a raw folder (a hard link), into a fresh OUT: wall time and the process's peak RSS (all threads)
 * from GNU time (`/usr/bin/time -f %M`, Debian package `time`).
 */
async function pipelineRun(file: string, dir: string, workers: number): Promise<PipelineRun> {
  const { bytes: _bytes, ...run } = await runAlone(root, file, dir, path.basename(file, '.warc'), workers);
  return run;
}

async function main(): Promise<void> {
  const args = parseCommandLine(process.argv.slice(2), OPTIONS);
  if (!args) return;
  if (args.measure) {
    process.stdout.write(JSON.stringify(await measure(args.measure)) + '\n');
    return;
  }
  const dir = path.resolve(args.out, 'warc');
  await mkdir(dir, { recursive: true });
  if (args['generate-only']) {
    for (const size of args.sizes.split(',').map((s) => s.trim()).filter((s) => s && s !== 'none')) {
      const file = path.join(dir, `${size}-seed${args.seed}.warc`);
      if (!existsSync(file)) await generate(file, bytesOf(size), args.seed);
      process.stdout.write(`${file}\n`);
    }
    return;
  }
  const rows: (Measured & { size: string })[] = [];
  for (const size of args.sizes.split(',').map((s) => s.trim()).filter((s) => s && s !== 'none')) {
    const file = path.join(dir, `${size}-seed${args.seed}.warc`);
    if (!existsSync(file)) {
      process.stderr.write(`bench warc: generating ${file}\n`);
      await generate(file, bytesOf(size), args.seed);
    }
    const { stdout } = await exec(path.join(root, 'node_modules/.bin/tsx'), [fileURLToPath(import.meta.url), '--measure', file], { cwd: root, maxBuffer: 1 << 20 });
    const m = JSON.parse(stdout) as Measured;
    rows.push({ size, ...m });
    process.stderr.write(`bench warc: ${size}: ${m.mb_per_s} MB/s, peak RSS ${m.peak_rss_mb} MB, ${m.html_units} HTML units from ${m.records} records\n`);
  }
  const wanted = (args['pipeline-sizes'] ?? args.sizes).split(',').map((s) => s.trim()).filter((s) => s && s !== 'none');
  const whole: (PipelineRun & { size: string; bytes: number })[] = [];
  for (const size of wanted) {
    const file = path.join(dir, `${size}-seed${args.seed}.warc`);
    if (!existsSync(file)) await generate(file, bytesOf(size), args.seed);
    process.stderr.write(`bench warc: the whole pipeline over ${size} (${args.workers} workers)…\n`);
    const p = await pipelineRun(file, dir, args.workers);
    whole.push({ size, bytes: statSync(file).size, ...p });
    process.stderr.write(`bench warc: pipeline ${size}: ${p.mb_per_s} MB/s, peak RSS ${p.peak_rss_mb} MB, ${p.units} units, ${p.documents} documents\n`);
  }
  const load = (await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(', ');
  const md = [
    '## WARC extraction (streamed)', '',
    'Generated archives (request + response per page, 1 image per 10 pages) through the WARC extractor, units serialised and dropped; each size in a fresh process.', '',
    '| archive | MB | seconds | MB/s | peak RSS (MB) | records | HTML units |', '|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.size} | ${(r.bytes / 1e6).toFixed(1)} | ${r.seconds} | ${r.mb_per_s} | ${r.peak_rss_mb} | ${r.records} | ${r.html_units} |`),
    '',
    rows.length >= 2 ? `Peak RSS at ${rows[rows.length - 1]!.size} is ${(rows[rows.length - 1]!.peak_rss_mb / rows[0]!.peak_rss_mb).toFixed(2)}× that at ${rows[0]!.size} for ${(rows[rows.length - 1]!.bytes / rows[0]!.bytes).toFixed(2)}× the bytes.` : '',
    '',
    ...(whole.length ? [
      `## The whole pipeline over one archive (\`node dist/run.js\`, ${args.workers} workers)`, '',
      'The archive alone in a raw folder, into a fresh OUT: extraction, segment … export; peak RSS of the process (all threads) from GNU time.', '',
      '| archive | MB | seconds | MB/s | peak RSS (MB) | units | documents |', '|---|---|---|---|---|---|---|',
      ...whole.map((r) => `| ${r.size} | ${(r.bytes / 1e6).toFixed(1)} | ${r.seconds} | ${r.mb_per_s} | ${r.peak_rss_mb} | ${r.units} | ${r.documents} |`),
      '',
      whole.length >= 2 ? `Peak RSS at ${whole[whole.length - 1]!.size} is ${(whole[whole.length - 1]!.peak_rss_mb / whole[0]!.peak_rss_mb).toFixed(2)}× that at ${whole[0]!.size} for ${(whole[whole.length - 1]!.bytes / whole[0]!.bytes).toFixed(2)}× the bytes.` : '',
      whole.length >= 2 ? memoryGoal(whole[0]!, whole[whole.length - 1]!) : '',
      '',
    ] : []),
    `Load average at the end: ${load}.`, '',
  ].join('\n');
  await writeFile(path.join(args.out, 'warc.md'), md);
  await writeFile(path.join(args.out, 'warc.json'), JSON.stringify({ rows, pipeline: whole, workers: args.workers, load }, null, 2) + '\n');
  process.stdout.write(md);
}

await main();
