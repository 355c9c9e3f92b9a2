#!/usr/bin/env -S npx tsx
/**
 * `make dataset` entry (a zx script): runs extract → segment → normalize → clean → dedupe → validate → export,
 * each stage only when its input, code or configuration changed, then prints where the outputs are and a summary.
 *
 *   tsx pipeline/run.ts [--raw raw] [--out out] [--workers N] [--file-seconds S] [--file-heap-mb MB] [--chunk-units N] [--strict] [--quiet]
 *
 * Exit codes: 0 when the run finished (whatever it rejected); 2 for a configuration error, a lock held by
 * another run, or a disk or system error (ENOSPC, EIO…: one line, the lock and temporary files removed); 3 with --strict when raw files were rejected; 1 for a bug (a stage broke its schema, a crash).
 */
import { chalk } from 'zx';
import path from 'node:path';
import { availableParallelism } from 'node:os';
import { rm, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { makeProgress } from './lib/progress.js';
import { acquireLock, sweepTemps } from './lib/lock.js';
import { markOut } from './lib/outdir.js';
import { PipelineError } from './lib/errors.js';
import { parseCommandLine, pathValue, intValue, textValue, usage, type Options } from './lib/cli.js';
import { readJson, writeAtomic, stableJson } from './lib/io.js';
import { summaryTable } from './lib/summary.js';
import { trace } from './lib/trace.js';
import { startPools } from './lib/pool.js';
import { BUDGET_DEFAULTS, CHUNK_UNITS, type FileBudget } from './lib/budget.js';
import type { Piscina } from 'piscina';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The command line (pipeline/lib/cli.ts): add an option here, with its check. */
const OPTIONS = {
  raw: { type: 'string', arg: 'DIR', help: 'raw folder to read, recursively (default raw)', check: pathValue, default: 'raw' },
  out: { type: 'string', arg: 'DIR', help: 'output folder (default out): documents.{jsonl,csv,arrow,parquet}, report/, stages/', check: pathValue, default: 'out' },
  workers: { type: 'string', arg: 'N', help: 'worker threads doing the per-file and per-record work (default: the number of cores)', check: intValue(1, 256) },
  'file-seconds': { type: 'string', arg: 'S', help: `each raw file's time budget, extraction and stages (default ${BUDGET_DEFAULTS.seconds}; over it: rejected as timeout)`, check: intValue(1, 86_400) },
  'file-heap-mb': { type: 'string', arg: 'MB', help: `heap of the thread working on a raw file (default ${BUDGET_DEFAULTS.heapMb}; over it: rejected as resource_limit)`, check: intValue(64, 65_536) },
  'chunk-units': { type: 'string', arg: 'N', help: `units of one raw file sent through the stages at once (default ${CHUNK_UNITS}; memory only, the outputs do not depend on it)`, check: intValue(1, 10_000_000) },
  strict: { type: 'boolean', help: 'exit 3 when any raw file was rejected' },
  quiet: { type: 'boolean', help: 'no progress lines (the summary is still printed)' },
  'csv-bom': { type: 'boolean', help: 'start documents.csv with a UTF-8 BOM, so Excel opens it as UTF-8 (the other formats are unchanged)' },
  // Record files (CSV, TSV, JSONL, JSON, Parquet): a column set by name instead of found by the common names of
  // pipeline/rules/record-columns.ts.
  'text-column': { type: 'string', arg: 'NAME', help: 'record files: the column holding each record\'s text (default: text, content, 正文, 内容 …)', check: textValue },
  'title-column': { type: 'string', arg: 'NAME', help: 'record files: the title column (default: title, headline, 标题 …)', check: textValue },
  'date-column': { type: 'string', arg: 'NAME', help: 'record files: the date column (default: date, published, 日期, 发布时间 …)', check: textValue },
  'url-column': { type: 'string', arg: 'NAME', help: 'record files: the address column (default: url, link, 网址, 链接 …)', check: textValue },
  'id-column': { type: 'string', arg: 'NAME', help: 'record files: the column holding each record\'s own id, kept as source_member (default: none)', check: textValue },
} as const satisfies Options;

/** Extraction's configuration when a record column is set on the command line, else undefined (EXTRACT_DEFAULTS). */
async function extractConfig(args: { 'text-column'?: string; 'title-column'?: string; 'date-column'?: string; 'url-column'?: string; 'id-column'?: string }) {
  const set = { text: args['text-column'], title: args['title-column'], date: args['date-column'], url: args['url-column'], id: args['id-column'] };
  if (Object.values(set).every((v) => v === undefined)) return undefined;
  const { EXTRACT_DEFAULTS } = await import('./stages/extract.js');
  const records = { ...EXTRACT_DEFAULTS.records };
  for (const [role, v] of Object.entries(set) as [keyof typeof records, string | undefined][]) if (v !== undefined) records[role] = v;
  return { ...EXTRACT_DEFAULTS, records };
}

async function main(): Promise<number> {
  const args = parseCommandLine(process.argv.slice(2), OPTIONS);
  if (!args) {
    process.stdout.write(usage('tsx pipeline/run.ts', OPTIONS));
    return 0;
  }
  const raw = path.resolve(args.raw);
  const out = path.resolve(args.out);
  const quiet = args.quiet;
  const workers = args.workers ?? Math.max(1, Math.min(256, availableParallelism()));
  const st = await stat(raw).catch(() => null);
  if (!st?.isDirectory()) throw new PipelineError('config', `raw folder not found: ${raw}`);
  if (out === raw || out.startsWith(raw + path.sep)) throw new PipelineError('config', `OUT (${out}) must not be inside RAW (${raw})`);
  // The lock first, before anything slow: a second run on the same OUT is refused at once. Then the stages
  // (dictionaries, segmenters) load; the worker threads load theirs meanwhile (see lib/pool.ts).
  const release = await acquireLock(out);
  // The mark that lets `make clean` clean this folder (and only folders that have it): pipeline/lib/outdir.ts.
  await markOut(out).catch(async (e: unknown) => {
    await release();
    throw e;
  });
  const budget: FileBudget = { seconds: args['file-seconds'] ?? BUDGET_DEFAULTS.seconds, heapMb: args['file-heap-mb'] ?? BUDGET_DEFAULTS.heapMb };
  const pools = startPools(workers, budget);
  let failed = true;
  try {
    // OUT is marked incomplete while the run writes it (INCOMPLETE): a run killed mid-export leaves the mark beside
    // files of two runs; the next run re-runs every stage whose meta is gone (the export's is removed before it
    // writes) and removes the mark once all is in place.
    await writeAtomic(path.join(out, INCOMPLETE), INCOMPLETE_TEXT);
    const code = await run({ raw, out, workers, quiet, strict: args.strict, csvBom: args['csv-bom'], pools, budget, extract: await extractConfig(args), chunkUnits: args['chunk-units'] });
    await rm(path.join(out, INCOMPLETE), { force: true });
    failed = false;
    return code;
  } finally {
    await Promise.all(pools.map((p) => p.destroy()));
    // A run that fails (a full disk, an I/O error) leaves no temporary file behind, and no lock.
    if (failed) await sweepTemps(out).catch(() => undefined);
    await release();
  }
}

/** The mark of an OUT being written, or left half-written by an interrupted run (see main). */
const INCOMPLETE = '.incomplete';
const INCOMPLETE_TEXT = 'A jingwen run is writing this folder, or one was interrupted: its files may come from two runs. The next run completes it and removes this file.\n';

/** Errors of the disk or the system rather than of the code: one line and exit 2, like a configuration error. */
const IO_CODES = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EROFS', 'EFBIG', 'EMFILE', 'ENFILE', 'EACCES', 'EPERM', 'EBUSY']);
function ioError(err: unknown): string | null {
  const e = err as NodeJS.ErrnoException | null;
  if (e && typeof e.code === 'string' && IO_CODES.has(e.code)) return `${e.code}: ${e.message.replace(/^[A-Z]+: /, '')}`;
  // DuckDB's errors carry no errno code, only the system's message.
  const m = /No space left on device|Disk quota exceeded|Input\/output error|Read-only file system/.exec(String(e?.message ?? ''));
  return m ? `${m[0]}: ${String(e!.message).split('\n')[0]}` : null;
}

async function run({ raw, out, workers, quiet, strict, csvBom, pools, budget, extract, chunkUnits }: { raw: string; out: string; workers: number; quiet: boolean; strict: boolean; csvBom: boolean; pools?: Piscina[]; budget: FileBudget; extract?: import('./stages/extract.js').ExtractConfig; chunkUnits?: number }): Promise<number> {
  trace('run: loading the stages');
  const { runStages } = await import('./lib/runner.js');
  trace('run: stages loaded');
  const progress = makeProgress(process.stderr, quiet);
  if (!quiet) process.stderr.write(`jingwen: ${path.relative(process.cwd(), raw) || '.'} → ${path.relative(process.cwd(), out) || '.'}\n`);
  const t0 = performance.now();
  const metas = await runStages({ raw, out, root, progress, workers, pools, csvBom, budget, ...(extract ? { extract } : {}), ...(chunkUnits ? { chunk: { chunkUnits } } : {}) });
  const exportMeta = metas[metas.length - 1]!;
  if (!exportMeta.cached) {
    // Times vary from run to run: they live apart from stats.json, which is byte-identical across runs.
    const passes = new Map<number, { stages: string[]; seconds: number }>();
    for (const m of metas) if (!m.cached && m.pass) passes.set(m.pass, { stages: m.fused ?? [m.stage], seconds: m.pass_seconds ?? m.seconds });
    await writeAtomic(
      path.join(out, 'report', 'timings.json'),
      stableJson({
        workers,
        input_bytes: metas[0]?.input_bytes ?? null,
        wall_seconds: Number(((performance.now() - t0) / 1000).toFixed(3)),
        seconds: Object.fromEntries(metas.map((m) => [m.stage, Number(m.seconds.toFixed(3))])),
        passes: [...passes.entries()].sort((a, b) => a[0] - b[0]).map(([pass, p]) => ({ pass, stages: p.stages, seconds: Number(p.seconds.toFixed(3)) })),
        peak_rss_mb: Object.fromEntries(metas.map((m) => [m.stage, m.peak_rss_mb ?? null])),
        cached: metas.filter((m) => m.cached).map((m) => m.stage),
      }),
    );
  }
  const stats = await readJson<Record<string, unknown>>(path.join(out, 'report', 'stats.json'));
  process.stdout.write(summaryTable(metas, stats, out));
  const files = stats['files'] as { rejected: number };
  if (strict && files.rejected > 0) {
    process.stderr.write(chalk.red(`jingwen: --strict: ${files.rejected} raw file(s) rejected (see ${path.join(out, 'report/rejects.jsonl')})\n`));
    return 3;
  }
  return 0;
}

try {
  process.exitCode = await main();
} catch (err) {
  const io = ioError(err);
  if (err instanceof PipelineError) {
    process.stderr.write(`jingwen: ${err.code}: ${err.message}\n`);
    process.exitCode = err.code === 'schema_violation' || err.code === 'duplicate_id' ? 1 : 2;
  } else if (io) {
    process.stderr.write(`jingwen: io_error: ${io} (OUT is marked incomplete until a run completes it; lock and temporary files removed)\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`jingwen: internal error (a bug — please report it):\n${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  }
}
