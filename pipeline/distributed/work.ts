#!/usr/bin/env -S npx tsx
/**
 * `jingwen work`: a worker process of a distributed run. Takes jobs from the BullMQ queue on Redis and runs them
 * (jobs.ts) on its compute thread (thread.ts), `--concurrency` at a time; start as many as you like, on any machine
 * that reaches Redis and the shared storage. Stop it with SIGTERM or Ctrl-C: it finishes its jobs first. A worker
 * killed outright (SIGKILL, a lost machine) stops renewing its job's lock; after `--lock-ms` another worker's
 * stalled-job check puts the job back in the queue, and it runs again (its output is content-addressed: the same
 * bytes, whoever writes them).
 *
 *   node dist/distributed/work.js --redis redis://HOST:6379 [--queue jingwen] [--concurrency 1]
 *                                 [--store DIR] [--raw DIR] [--lock-ms 30000] [--name NAME]
 *
 * --store and --raw map the shared storage and the raw folder when this machine mounts them elsewhere than the
 * coordinator (by default the paths in the job). Exit codes: 0 after a clean stop; 2 for a configuration error.
 */
import path from 'node:path';
import { hostname } from 'node:os';
import { Worker, UnrecoverableError, type Job as BullJob } from 'bullmq';
import type { Piscina } from 'piscina';
import { PipelineError } from '../lib/errors.js';
import { intValue, parseCommandLine, pathValue, textValue, usage, type Options } from '../lib/cli.js';
import { startPool } from '../lib/pool.js';
import { BUDGET_DEFAULTS } from '../lib/budget.js';
import type { Job, MergeJob } from './jobs.js';
import { Store } from './store.js';
import type { JobResult, JobTask, WarmAllTask } from './thread.js';

/** The command line (pipeline/lib/cli.ts, as run.ts): add an option here, with its check. */
export const OPTIONS = {
  redis: { type: 'string', arg: 'URL', help: 'Redis of the run (redis://host:port), as given to the coordinator (default $JINGWEN_REDIS)', check: textValue },
  queue: { type: 'string', arg: 'NAME', help: 'BullMQ queue (default jingwen)', check: textValue, default: 'jingwen' },
  concurrency: { type: 'string', arg: 'N', help: 'jobs at a time, each on its own thread (default 1)', check: intValue(1, 256), default: 1 },
  store: { type: 'string', arg: 'DIR', help: 'shared storage, if mounted elsewhere here than on the coordinator', check: pathValue },
  raw: { type: 'string', arg: 'DIR', help: 'the raw folder, if mounted elsewhere here than on the coordinator', check: pathValue },
  'lock-ms': { type: 'string', arg: 'MS', help: 'a job\'s lock; a killed worker\'s job is taken over after about this long (default 30000)', check: intValue(1000, 86_400_000), default: 30_000 },
  name: { type: 'string', arg: 'NAME', help: 'this worker\'s name in the coordinator\'s progress (default host:pid)', check: textValue },
} as const satisfies Options;

export const USAGE = usage('node dist/distributed/work.js', OPTIONS);

/** What a BullMQ job of a distributed run carries: the job, and where the coordinator's shared storage is. */
export interface QueuedJob { job: Job; store: string }

/** Reason codes that no retry can cure: the job fails at once (the coordinator reports it). */
const FATAL = new Set(['code_mismatch', 'config', 'schema_violation', 'duplicate_id']);

export interface WorkerOptions { redis: string; queue: string; concurrency: number; store?: string; raw?: string; lockMs: number; name: string }

/**
 * A merge job of more shards than this runs in a thread of its own, without the per-file heap cap: the merge is the
 * one job whose heap grows with the corpus (README, How it scales: a few GB at 1 TB). Smaller ones (64 shards are
 * 1 GB of raw files at the default 16 MB) run on the compute thread, which has the stages warm already.
 */
const MERGE_OWN_THREAD_SHARDS = 64;

/**
 * Starts a worker; returns a function that stops it (after its running jobs). Its main thread talks to Redis and,
 * for a shard job, cuts the shard into batches and writes their rows to the store (jobs.ts runShard); all the
 * computation runs on the compute threads (thread.ts), `--concurrency` of them, each batch of raw files under the
 * per-file budget (a file over it is a ledger row; its thread is replaced).
 */
export async function startWorker(o: WorkerOptions): Promise<{ worker: Worker; stop: () => Promise<void> }> {
  const module = new URL(import.meta.url.endsWith('.ts') ? './thread.ts' : './thread.js', import.meta.url).href;
  // The compute threads, their heap capped at the shard jobs' budget; started again for another cap (a run with
  // another --file-heap-mb), as the runner's pool is made for its run's budget.
  let pool: { heapMb: number; pool: Piscina } | null = null;
  let big: Piscina | null = null;
  const poolFor = async (heapMb: number): Promise<Piscina> => {
    if (pool?.heapMb !== heapMb) {
      await pool?.pool.destroy();
      pool = { heapMb, pool: startPool(o.concurrency, { ...BUDGET_DEFAULTS, heapMb }, module) };
    }
    return pool.pool;
  };
  // Each thread loads and warms every stage now, while the worker connects, not in its first job's time; started
  // before this thread loads the stages itself (jobs.ts, for the shard jobs it cuts into batches), so that both
  // load at once.
  void poolFor(BUDGET_DEFAULTS.heapMb).then((p) => Promise.all(Array.from({ length: o.concurrency }, () => p.run({ kind: 'warm-all' } satisfies WarmAllTask)))).catch(() => undefined);
  const { runShard, setPoolRun } = await import('./jobs.js');
  setPoolRun(async (task, signal, heapMb) => (await poolFor(heapMb)).run(task, { signal }));
  const worker = new Worker<QueuedJob>(
    o.queue,
    async (job: BullJob<QueuedJob>) => {
      const t0 = performance.now();
      await job.updateProgress({ worker: o.name, started: Date.now() });
      const t1 = performance.now();
      const data = job.data.job;
      const store = o.store ?? job.data.store;
      let r: JobResult;
      if (data.kind === 'shard') {
        // Here, batch by batch to the compute thread (jobs.ts runBatch, under the per-file budget).
        const c0 = performance.now();
        try {
          r = { ok: true, value: await runShard(data, new Store(store), o.raw ?? data.raw), ms: 0 };
          r.ms = performance.now() - c0;
        } catch (e) {
          r = e instanceof PipelineError ? { ok: false, code: e.code, message: e.message } : { ok: false, code: 'internal', message: (e as Error)?.stack ?? String(e) };
        }
      } else {
        const task: JobTask = { kind: 'job', job: data, store, ...(o.raw ? { raw: o.raw } : {}) };
        if (data.kind === 'merge' && (data as MergeJob).shards.length > MERGE_OWN_THREAD_SHARDS) {
          big ??= startPool(1, { ...BUDGET_DEFAULTS, heapMb: 32_768 }, module);
          r = (await big.run(task)) as JobResult;
        } else {
          r = (await (await poolFor(pool?.heapMb ?? BUDGET_DEFAULTS.heapMb)).run(task)) as JobResult;
        }
      }
      // The parts of the job's time on this worker (coordinate.ts sums them into the per-job overhead).
      if (r.ok) return { value: r.value, ms: r.ms, worker: o.name, progress_ms: t1 - t0, thread_ms: performance.now() - t1 };
      const msg = `${r.code}: ${r.message}`;
      if (FATAL.has(r.code)) throw new UnrecoverableError(msg);
      throw new Error(msg);
    },
    {
      connection: { url: o.redis, maxRetriesPerRequest: null },
      concurrency: o.concurrency,
      name: o.name,
      lockDuration: o.lockMs,
      stalledInterval: Math.max(500, Math.floor(o.lockMs / 2)),
      // A job is taken over after a crash once or twice; a job that kills its worker every time fails then.
      maxStalledCount: 2,
    },
  );
  // Lost connections are retried by ioredis; say so once per error instead of crashing the process.
  worker.on('error', (e) => process.stderr.write(`jingwen work (${o.name}): ${e.message.split('\n')[0]}\n`));
  return {
    worker,
    async stop() {
      await worker.close();
      await pool?.pool.destroy();
      await big?.destroy();
    },
  };
}

async function main(): Promise<number> {
  const args = parseCommandLine(process.argv.slice(2), OPTIONS);
  if (!args) {
    process.stdout.write(USAGE);
    return 0;
  }
  const redis = args.redis ?? process.env.JINGWEN_REDIS ?? '';
  if (!redis) throw new PipelineError('config', '--redis URL is required (or $JINGWEN_REDIS) (--help lists the options)');
  const { concurrency, queue } = args;
  const lockMs = args['lock-ms'];
  const name = args.name ?? `${hostname()}:${process.pid}`;
  const w = await startWorker({
    redis, queue, concurrency, lockMs, name,
    ...(args.store ? { store: path.resolve(args.store) } : {}),
    ...(args.raw ? { raw: path.resolve(args.raw) } : {}),
  });
  await w.worker.waitUntilReady();
  process.stderr.write(`jingwen work: ${name} ready (${redis}, queue ${queue})\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await w.stop();
  return 0;
}

if (process.argv[1] && /distributed[/\\]work\.(ts|js)$/.test(process.argv[1])) {
  try {
    process.exitCode = await main();
  } catch (err) {
    process.stderr.write(err instanceof PipelineError ? `jingwen work: ${err.code}: ${err.message}\n` : `jingwen work: internal error: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = err instanceof PipelineError ? 2 : 1;
  }
}
