/**
 * The benchmark's distributed row (`make bench`; pipeline/distributed/): the same corpus built by the coordinator
 * with `workers` worker processes on this machine and a redis-server of its own (127.0.0.1, a free port), from an
 * empty store each time. What it measures:
 *
 * - wall time of the whole distributed run (Redis and workers starting included), its speedup over the 1-worker
 *   single-machine run, and that speedup against the machine's parallel ceiling (run.ts parallelCeiling);
 * - per-job overhead: from BullMQ's own timestamps, a job's time on its worker less its computation (the thread
 *   hand-off, the lock and bookkeeping: `job_overhead_s`), and a worker's wait between one job and its next while
 *   jobs were queued (`queue_gap_s`); plus the phases' wall times;
 * - bytes moved between phases: the shared store's size per document (every job output is read once more, by
 *   the next phase or the final assembly);
 * - byte identity: the published files compared with the single-machine run's.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadavg } from 'node:os';

export interface DistributedRow {
  workers: number; shards: number; wall_s: number; speedup_vs_w1: number | null; of_ceiling: number | null;
  phases: Record<string, { seconds: number; jobs: number }>;
  job_overhead_s: number | null; job_overhead_parts: { progress_update: number; thread_handoff: number; bullmq: number } | null;
  queue_gap_s: number | null; jobs: number; job_compute_s: number;
  store_bytes: number; store_bytes_per_document: number | null; documents: number | null;
  identical: boolean | null; differing: string[]; error?: string;
  /** The machine's 1-minute load average before and after the run (2 cores: above 2, other processes took CPU). */
  load_before: number; load_after: number;
}

function du(dir: string): number {
  let n = 0;
  for (const f of readdirSync(dir, { recursive: true, withFileTypes: true })) if (f.isFile()) n += statSync(path.join(f.parentPath, f.name)).size;
  return n;
}

/** Files of a run's OUT that must be the same bytes in both (published files and the report, timings aside). */
function publishedDiff(a: string, b: string): string[] {
  const list = (d: string) => readdirSync(d, { recursive: true, withFileTypes: true }).filter((f) => f.isFile())
    .map((f) => path.relative(d, path.join(f.parentPath, f.name))).filter((r) => !r.startsWith('.') && !r.startsWith('stages') && r !== path.join('report', 'timings.json'));
  const names = new Set([...list(a), ...list(b)]);
  return [...names].filter((n) => !existsSync(path.join(a, n)) || !existsSync(path.join(b, n)) || !readFileSync(path.join(a, n)).equals(readFileSync(path.join(b, n)))).sort();
}

export async function distributedRow(o: { root: string; corpus: string; out: string; reference: string; workers: number; shards?: number; w1Wall: number | null; ceiling: number | null; log: (s: string) => void }): Promise<DistributedRow> {
  const runOut = path.join(o.out, `run-distributed-w${o.workers}`);
  rmSync(runOut, { recursive: true, force: true });
  const compiled = path.join(o.root, 'dist/distributed/coordinate.js');
  const cmd = existsSync(compiled) ? [compiled] : ['--import', 'tsx', path.join(o.root, 'pipeline/distributed/coordinate.ts')];
  // --keep-store: the store's size is one of the row's figures (read below), so it stays until then.
  const args = [...cmd, '--raw', o.corpus, '--out', runOut, '--workers', String(o.workers), '--quiet', '--keep-store', ...(o.shards ? ['--shards', String(o.shards)] : [])];
  o.log(`bench: distributed run, ${o.workers} worker processes → ${path.relative(o.root, runOut)}`);
  const loadBefore = Number(loadavg()[0]!.toFixed(2));
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: o.root, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const [code] = (await once(child, 'exit')) as [number | null];
  const wall = (performance.now() - t0) / 1000;
  const empty: DistributedRow = { load_before: loadBefore, load_after: Number(loadavg()[0]!.toFixed(2)), workers: o.workers, shards: 0, wall_s: wall, speedup_vs_w1: null, of_ceiling: null, phases: {}, job_overhead_s: null, job_overhead_parts: null, queue_gap_s: null, jobs: 0, job_compute_s: 0, store_bytes: 0, store_bytes_per_document: null, documents: null, identical: null, differing: [] };
  if (code !== 0) return { ...empty, error: `exit ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}` };
  const t = JSON.parse(readFileSync(path.join(runOut, 'report/timings.json'), 'utf8')).distributed as Record<string, unknown>;
  const stats = JSON.parse(readFileSync(path.join(runOut, 'report/stats.json'), 'utf8')) as { documents: number; stages: Record<string, { in: number }> };
  const jobs = (JSON.parse(readFileSync(path.join(runOut, 'stages/distributed.jobs.json'), 'utf8')) as { ms: number | null }[]);
  const store = du(path.join(runOut, '.distributed'));
  const docs = stats.stages['dedupe']?.in ?? stats.documents;
  const differing = publishedDiff(o.reference, runOut);
  const speedup = o.w1Wall ? o.w1Wall / wall : null;
  return {
    ...empty,
    shards: Number(t['shards']),
    speedup_vs_w1: speedup === null ? null : Number(speedup.toFixed(3)),
    of_ceiling: speedup !== null && o.ceiling ? Number((speedup / o.ceiling).toFixed(3)) : null,
    phases: t['phases'] as DistributedRow['phases'],
    job_overhead_s: t['job_overhead_seconds'] as number | null,
    job_overhead_parts: (t['job_overhead_parts'] as DistributedRow['job_overhead_parts']) ?? null,
    queue_gap_s: t['queue_gap_seconds'] as number | null,
    jobs: jobs.length,
    job_compute_s: Number((jobs.reduce((s, j) => s + (j.ms ?? 0), 0) / 1000).toFixed(3)),
    store_bytes: store,
    store_bytes_per_document: docs ? Math.round(store / docs) : null,
    documents: stats.documents,
    identical: differing.length === 0,
    differing,
  };
}

export function distributedMd(r: DistributedRow, inputBytes: number, ceiling: number | null): string[] {
  const MB = 2 ** 20;
  const L = ['## Distributed run (BullMQ on Redis: pipeline/distributed/, `make dataset-distributed`)', ''];
  if (r.error) return [...L, `Failed: ${r.error}`, ''];
  L.push(`${r.workers} worker processes on this machine, ${r.shards} shards, a redis-server on 127.0.0.1, an empty store: ` +
    `**${r.wall_s.toFixed(2)} s** (${(inputBytes / MB / r.wall_s).toFixed(2)} MB/s), **${r.speedup_vs_w1?.toFixed(2) ?? '–'}×** the 1-worker single-machine run` +
    (ceiling ? `, **${r.of_ceiling !== null ? (100 * r.of_ceiling).toFixed(0) : '–'}% of the parallel ceiling** (${ceiling.toFixed(2)}×)` : '') + '. ' +
    `Published files ${r.identical ? '**byte-identical** to the single-machine run' : `**differ**: ${r.differing.join(', ')}`}. ` +
    `1-minute load average before → after: ${r.load_before} → ${r.load_after} (2 cores).`, '');
  L.push('| phase | wall s | jobs |', '|---|---:|---:|', ...Object.entries(r.phases).map(([k, v]) => `| ${k} | ${v.seconds.toFixed(2)} | ${v.jobs || '–'} |`), '');
  const parts = r.job_overhead_parts;
  L.push((parts
    ? `**Per-job overhead: ${(1000 * (parts.progress_update + parts.thread_handoff + parts.bullmq)).toFixed(0)} ms** on the worker beyond the job's computation, each worker's first job aside ` +
      `(${(1000 * parts.progress_update).toFixed(0)} ms saying which worker holds it, ${(1000 * parts.thread_handoff).toFixed(0)} ms handing it to the worker's thread and back, ` +
      `${(1000 * parts.bullmq).toFixed(0)} ms BullMQ's fetch and acknowledgement); ${r.job_overhead_s !== null ? (1000 * r.job_overhead_s).toFixed(0) : '–'} ms over all ${r.jobs} jobs, ` +
      `the first job of each worker also waiting for its thread to load the stages; `
    : `Per-job overhead: ${r.job_overhead_s !== null ? (1000 * r.job_overhead_s).toFixed(0) : '–'} ms on the worker beyond the job's computation (mean of ${r.jobs} jobs); `) +
    `${r.queue_gap_s !== null ? (1000 * r.queue_gap_s).toFixed(0) : '–'} ms between a worker's jobs while jobs were queued; ` +
    `jobs computed ${r.job_compute_s.toFixed(2)} s in all. Shared store: ${(r.store_bytes / MB).toFixed(1)} MB, ` +
    `${r.store_bytes_per_document ?? '–'} bytes per document (${(r.store_bytes / inputBytes).toFixed(2)}× the raw bytes), each read once more by the next phase.`, '');
  return L;
}
