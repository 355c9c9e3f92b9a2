#!/usr/bin/env -S npx tsx
/**
 * `make dataset` entry (a zx script): runs extract → segment → normalize → clean → dedupe → validate → export,
 * each stage only when its input, code or configuration changed, then prints where the outputs are and a summary.
 *
 *   tsx pipeline/run.ts [--raw raw] [--out out] [--workers N] [--strict] [--quiet]
 *
 * Exit codes: 0 when the run finished (whatever it rejected); 2 for a configuration error or a lock held by
 * another run; 3 with --strict when raw files were rejected; 1 for a bug (a stage broke its schema, a crash).
 */
import { argv, chalk } from 'zx';
import path from 'node:path';
import { availableParallelism } from 'node:os';
import { stat, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import type { StageMeta } from './lib/runner.js';
import { makeProgress } from './lib/progress.js';
import { acquireLock } from './lib/lock.js';
import { PipelineError } from './lib/errors.js';
import { exists, readJson, writeAtomic, stableJson } from './lib/io.js';
import { codeHash } from './lib/codehash.js';
import { summaryTable } from './lib/summary.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const USAGE = `usage: tsx pipeline/run.ts [--raw DIR] [--out DIR] [--workers N] [--strict] [--quiet]
  --raw DIR      raw folder to read, recursively (default raw)
  --out DIR      output folder (default out): documents.{jsonl,csv,arrow,parquet}, report/, stages/
  --workers N    worker threads for the per-record stages (default: the number of cores)
  --strict       exit 3 when any raw file was rejected
  --quiet        no progress lines (the summary is still printed)
`;

async function main(): Promise<number> {
  if (argv.help || argv.h) {
    process.stdout.write(USAGE);
    return 0;
  }
  const known = new Set(['_', 'raw', 'out', 'workers', 'strict', 'quiet', 'help', 'h']);
  const unknown = Object.keys(argv).filter((k) => !known.has(k));
  if (unknown.length || argv._.length) throw new PipelineError('config', `unknown argument ${unknown.length ? '--' + unknown[0] : String(argv._[0])}\n${USAGE}`);
  const raw = path.resolve(String(argv.raw ?? 'raw'));
  const out = path.resolve(String(argv.out ?? 'out'));
  const quiet = Boolean(argv.quiet);
  const workers = argv.workers === undefined ? Math.max(1, availableParallelism()) : Number(argv.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) throw new PipelineError('config', `--workers must be an integer from 1 to 256, got ${String(argv.workers)}`);
  const st = await stat(raw).catch(() => null);
  if (!st?.isDirectory()) throw new PipelineError('config', `raw folder not found: ${raw}`);
  if (out === raw || out.startsWith(raw + path.sep)) throw new PipelineError('config', `OUT (${out}) must not be inside RAW (${raw})`);
  // The stages (dictionaries, segmenters) load only once the configuration is known to be good.
  const { runStages } = await import('./lib/runner.js');
  const { writeDocuments, writeReport, OUTPUT_FILES } = await import('./stages/export.js');
  const release = await acquireLock(out);
  try {
    const progress = makeProgress(process.stderr, quiet);
    if (!quiet) process.stderr.write(`jingwen: ${path.relative(process.cwd(), raw) || '.'} → ${path.relative(process.cwd(), out) || '.'}\n`);
    const metas = await runStages({ raw, out, root, progress, workers });
    const stagesDir = path.join(out, 'stages');
    // Extraction's key includes file times; its output fingerprint does not. Later keys derive from content.
    const key = createHash('sha256').update(metas.map((m) => (m.stage === 'extract' ? m.output_sha256 : m.key)).join('\n') + codeHash(path.join(root, 'pipeline/stages/export.ts'), root)).digest('hex');
    const metaFile = path.join(stagesDir, 'export.meta.json');
    const prev = (await exists(metaFile)) ? await readJson<StageMeta>(metaFile) : null;
    const outputsThere = (await Promise.all([...OUTPUT_FILES, 'report/stats.json', 'report/ledger.jsonl'].map((f) => exists(path.join(out, f))))).every(Boolean);
    let exportMeta: StageMeta;
    if (prev && prev.key === key && outputsThere) {
      progress.skip('export');
      exportMeta = { ...prev, cached: true };
    } else {
      const t0 = performance.now();
      await rm(metaFile, { force: true });
      progress.start('export');
      const facts = await writeDocuments(stagesDir, out);
      await writeReport(stagesDir, out, metas, facts);
      const n = facts.rows;
      progress.tick(n);
      progress.end();
      exportMeta = { stage: 'export', key, output_sha256: '', in: n, out: n, dropped: {}, removed: {}, counters: {}, seconds: (performance.now() - t0) / 1000 };
      await writeAtomic(metaFile, stableJson(exportMeta));
      // Times vary from run to run: they live apart from stats.json, which is byte-identical across runs.
      const all = [...metas, exportMeta];
      await writeAtomic(
        path.join(out, 'report', 'timings.json'),
        stableJson({
          workers,
          input_bytes: metas[0]?.input_bytes ?? null,
          seconds: Object.fromEntries(all.map((m) => [m.stage, Number(m.seconds.toFixed(3))])),
          peak_rss_mb: Object.fromEntries(all.map((m) => [m.stage, m.peak_rss_mb ?? null])),
          cached: all.filter((m) => m.cached).map((m) => m.stage),
        }),
      );
    }
    const stats = await readJson<Record<string, unknown>>(path.join(out, 'report', 'stats.json'));
    process.stdout.write(summaryTable([...metas, exportMeta], stats, out));
    const files = stats['files'] as { rejected: number };
    if (argv.strict && files.rejected > 0) {
      process.stderr.write(chalk.red(`jingwen: --strict: ${files.rejected} raw file(s) rejected (see ${path.join(out, 'report/rejects.jsonl')})\n`));
      return 3;
    }
    return 0;
  } finally {
    await release();
  }
}

try {
  process.exitCode = await main();
} catch (err) {
  if (err instanceof PipelineError) {
    process.stderr.write(`jingwen: ${err.code}: ${err.message}\n`);
    process.exitCode = err.code === 'schema_violation' || err.code === 'duplicate_id' ? 1 : 2;
  } else {
    process.stderr.write(`jingwen: internal error (a bug — please report it):\n${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  }
}
