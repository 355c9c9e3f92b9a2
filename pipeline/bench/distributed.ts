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
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Queue } from 'bullmq';
import { startRedis } from '../distributed/local.js';
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
  /**
   * CPU seconds of the whole run, every process (coordinator, workers, Redis: GNU time's user + sys of the
   * coordinator, whose children are waited for), and the 1-worker single-machine run's: on a machine whose cores are
   * all busy, wall time ≥ CPU / cores, so `w1_cpu_s / cpu_s` bounds the share of the ceiling the run can reach.
   */
  cpu_s: number | null; w1_cpu_s: number | null;
  /**
   * The same corpus by standing workers (the deployment README "Several machines" describes: `jingwen work`
   * processes started once, serving run after run): a redis-server and the workers started first, one run to warm
   * them (its figures aside), then the measured run, from an empty store. What it leaves out, against the row above,
   * is every worker process's start-up: loading the modules and the JIT's warm-up, paid once per worker, not per run.
   */
  standing: { wall_s: number; cpu_s: number | null; speedup_vs_w1: number | null; of_ceiling: number | null; identical: boolean; differing: string[]; first_wall_s: number } | null;
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

export async function distributedRow(o: { root: string; corpus: string; out: string; reference: string; workers: number; shards?: number; w1Wall: number | null; w1Cpu?: number | null; ceiling: number | null; log: (s: string) => void }): Promise<DistributedRow> {
  const runOut = path.join(o.out, `run-distributed-w${o.workers}`);
  rmSync(runOut, { recursive: true, force: true });
  const compiled = path.join(o.root, 'dist/distributed/coordinate.js');
  const cmd = existsSync(compiled) ? [compiled] : ['--import', 'tsx', path.join(o.root, 'pipeline/distributed/coordinate.ts')];
  // --keep-store: the store's size is one of the row's figures (read below), so it stays until then.
  const args = [...cmd, '--raw', o.corpus, '--out', runOut, '--workers', String(o.workers), '--quiet', '--keep-store', ...(o.shards ? ['--shards', String(o.shards)] : [])];
  o.log(`bench: distributed run, ${o.workers} worker processes → ${path.relative(o.root, runOut)}`);
  const loadBefore = Number(loadavg()[0]!.toFixed(2));
  const { code, wall, cpu, stderr } = await runCoordinator(o.root, args);
  const empty: DistributedRow = { load_before: loadBefore, load_after: Number(loadavg()[0]!.toFixed(2)), workers: o.workers, shards: 0, wall_s: wall, speedup_vs_w1: null, of_ceiling: null, phases: {}, job_overhead_s: null, job_overhead_parts: null, queue_gap_s: null, jobs: 0, job_compute_s: 0, store_bytes: 0, store_bytes_per_document: null, documents: null, identical: null, differing: [], cpu_s: cpu, w1_cpu_s: o.w1Cpu ?? null, standing: null };
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
    standing: await standingRun(o, cmd).catch((e) => { o.log(`bench: standing workers failed: ${(e as Error).message}`); return null; }),
  };
}

/**
 * Runs the coordinator with `args`, under GNU time (Debian package `time`) when there is one: its wall time and CPU
 * time, the processes it waits for (its local workers, its Redis) included.
 */
async function runCoordinator(root: string, args: string[]): Promise<{ code: number | null; wall: number; cpu: number | null; stderr: string }> {
  const t0 = performance.now();
  const child = existsSync('/usr/bin/time')
    ? spawn('/usr/bin/time', ['-f', 'JW_CPU %U %S', process.execPath, ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const [code] = (await once(child, 'exit')) as [number | null];
  const wall = (performance.now() - t0) / 1000;
  const m = /JW_CPU ([\d.]+) ([\d.]+)/.exec(stderr);
  return { code, wall, cpu: m ? Number((Number(m[1]) + Number(m[2])).toFixed(2)) : null, stderr };
}

/** CPU seconds (utime + stime, 1/100 s ticks) of a live process, all its threads. */
function procCpu(pid: number | undefined): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

/** DistributedRow.standing: the corpus twice through the same standing workers, the second run measured. */
async function standingRun(o: Parameters<typeof distributedRow>[0], cmd: string[]): Promise<DistributedRow['standing']> {
  o.log(`bench: distributed run by ${o.workers} standing worker processes (a run to warm them, then the measured one)`);
  const redis = await startRedis();
  const queueName = 'jingwen-bench';
  const work = path.join(o.root, existsSync(path.join(o.root, 'dist/distributed/work.js')) ? 'dist/distributed/work.js' : 'pipeline/distributed/work.ts');
  const workers: ChildProcess[] = Array.from({ length: o.workers }, (_, k) => spawn(process.execPath, [...(work.endsWith('.ts') ? ['--import', 'tsx'] : []), work, '--redis', redis.url, '--queue', queueName, '--name', `standing-${k + 1}`], { cwd: o.root, stdio: 'ignore' }));
  const queue = new Queue(queueName, { connection: { url: redis.url } });
  try {
    const run = async (tag: string) => {
      const out = path.join(o.out, `run-distributed-standing-${tag}`);
      rmSync(out, { recursive: true, force: true });
      const before = workers.reduce((a, w) => a + procCpu(w.pid), 0);
      const r = await runCoordinator(o.root, [...cmd, '--raw', o.corpus, '--out', out, '--redis', redis.url, '--queue', queueName, '--workers', '0', '--quiet']);
      if (r.code !== 0) throw new Error(`coordinator exit ${r.code}: ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`);
      // The coordinator's own CPU time, and the workers' over the run (they are not its children).
      const cpu = r.cpu === null ? NaN : r.cpu + workers.reduce((a, w) => a + procCpu(w.pid), 0) - before;
      const wall = r.wall;
      // The next run's jobs have the same ids (content keys): BullMQ's records of these are removed first.
      await queue.obliterate({ force: true });
      return { out, wall, cpu };
    };
    const first = await run('first');
    rmSync(first.out, { recursive: true, force: true });
    const second = await run('second');
    const differing = publishedDiff(o.reference, second.out);
    rmSync(second.out, { recursive: true, force: true });
    const speedup = o.w1Wall ? o.w1Wall / second.wall : null;
    return {
      wall_s: Number(second.wall.toFixed(2)), cpu_s: Number.isFinite(second.cpu) ? Number(second.cpu.toFixed(2)) : null,
      speedup_vs_w1: speedup === null ? null : Number(speedup.toFixed(3)),
      of_ceiling: speedup !== null && o.ceiling ? Number((speedup / o.ceiling).toFixed(3)) : null,
      identical: differing.length === 0, differing, first_wall_s: Number(first.wall.toFixed(2)),
    };
  } finally {
    await queue.close();
    await Promise.all(workers.map((w) => (w.exitCode !== null ? null : new Promise((r) => { w.once('exit', r); w.kill('SIGTERM'); }))));
    await redis.stop();
  }
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
  if (r.cpu_s !== null && r.w1_cpu_s !== null) {
    L.push(`**CPU time: ${r.cpu_s.toFixed(1)} s** in all its processes (coordinator, workers, Redis) against ${r.w1_cpu_s.toFixed(1)} s for the 1-worker run ` +
      `(${(r.cpu_s / r.w1_cpu_s).toFixed(2)}×). With every core busy a run's wall time is at least its CPU time over the cores, so the share of the ceiling it can reach is at most ` +
      `${(100 * r.w1_cpu_s / r.cpu_s).toFixed(0)}% (1-worker CPU / distributed CPU; the ceiling's two runs each pay one process's start-up and JIT warm-up, a distributed run one per worker process for the same corpus).`, '');
  }
  const st = r.standing;
  if (st) {
    L.push(`**Standing workers** (${r.workers} \`jingwen work\` processes started before the run and kept, as a deployment runs them; a first run warmed them in ${st.first_wall_s.toFixed(2)} s): ` +
      `**${st.wall_s.toFixed(2)} s**, **${st.speedup_vs_w1?.toFixed(2) ?? '–'}×** the 1-worker run` + (ceiling ? `, **${st.of_ceiling !== null ? (100 * st.of_ceiling).toFixed(0) : '–'}% of the parallel ceiling**` : '') +
      `, ${st.cpu_s !== null ? `${st.cpu_s.toFixed(1)} CPU s` : 'CPU –'}${st.cpu_s !== null && r.w1_cpu_s !== null ? ` (${(st.cpu_s / r.w1_cpu_s).toFixed(2)}× the 1-worker run's)` : ''}; published files ${st.identical ? 'byte-identical' : `**differ**: ${st.differing.join(', ')}`}.`, '');
  }
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
