#!/usr/bin/env -S npx tsx
/**
 * `jingwen coordinate` (`make dataset-distributed`): the coordinator of a distributed run on BullMQ and Redis.
 *
 *   1. walks RAW (sorted by path) and cuts it into shards, consecutive runs of about equal bytes (jobs.ts);
 *   2. enqueues a BullMQ flow: one `shard` job per shard under a `barrier` parent (BullMQ runs the parent once every
 *      child completed); waits for their outputs in shared storage;
 *   3. the dedupe plan by buckets (dedupe.ts): a flow of B `bucket` jobs; then a flow of B `verify` jobs under the
 *      `merge` job;
 *   4. a last flow under a `barrier`: one `apply` job per shard, and the `plan` (report) job over B `para` jobs;
 *   5. concatenates everything into OUT in shard order (assemble.ts): the same bytes as `make dataset`.
 * Any number of workers (work.ts) on any machines run the jobs. It prints progress (shards done/failed/retried,
 * throughput, which worker holds which job) and writes report/timings.json with the run's figures.
 *
 * Progress is read from shared storage: a job is done when its output is there, whoever wrote it and whenever. So
 * when Redis loses the run's jobs (restarted without persistence), the coordinator enqueues the phase again and the
 * jobs already done return at once; when Redis stays unreachable longer than --redis-timeout, it stops with a
 * clear message and OUT untouched (run the same command again to resume: done jobs are reused). It never writes
 * OUT from anything but complete, content-addressed outputs.
 *
 *   node dist/distributed/coordinate.js --raw raw --out out --redis redis://HOST:6379 [--store DIR] [--shards N]
 *                                       [--queue jingwen] [--redis-timeout 60] [--quiet]
 */
import path from 'node:path';
import { stat } from 'node:fs/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FlowProducer, Queue, type FlowJob } from 'bullmq';
import { haveRedisServer, startRedis, type LocalRedis } from './local.js';
import { walkRaw } from '../lib/walk.js';
import { acquireLock } from '../lib/lock.js';
import { writeAtomic } from '../lib/io.js';
import { DISTRIBUTED_STORE, markOut } from '../lib/outdir.js';
import { PipelineError } from '../lib/errors.js';
import { trace } from '../lib/trace.js';
import { intValue, parseCommandLine, pathValue, textValue, usage, type Options } from '../lib/cli.js';
import { BUDGET_DEFAULTS, type FileBudget } from '../lib/budget.js';
import type { StageMeta } from '../lib/runner.js';
import { Store } from './store.js';
// jobs.ts and assemble.ts load every stage (half a second of CPU): imported when the coordinator needs them, so that
// `main` starts Redis and the local workers first and their start-up overlaps this process's.
import type { ApplyJob, BarrierJob, Job, ShardJob } from './jobs.js';
import type { Kind } from './store.js';
import type { Moved } from './dedupe.js';
import type { QueuedJob } from './work.js';

/** The command line (pipeline/lib/cli.ts, as run.ts): add an option here, with its check. */
export const OPTIONS = {
  raw: { type: 'string', arg: 'DIR', help: 'raw folder, on storage every worker reaches at this path (or maps: work.ts --raw) (default raw)', check: pathValue, default: 'raw' },
  out: { type: 'string', arg: 'DIR', help: 'output folder, written by this process only (default out)', check: pathValue, default: 'out' },
  redis: { type: 'string', arg: 'URL', help: 'Redis the workers use (redis://host:port; default $JINGWEN_REDIS); without one, a redis-server of this run\'s own on 127.0.0.1, stopped at the end', check: textValue },
  workers: { type: 'string', arg: 'N', help: 'also start N worker processes on this machine, stopped at the end (default 0; 2 without --redis)', check: intValue(0, 64) },
  store: { type: 'string', arg: 'DIR', help: 'shared storage for the jobs\' outputs, every worker must reach it (default OUT/.distributed)', check: pathValue },
  'keep-store': { type: 'boolean', help: 'keep the shared storage after a successful run (default: removed once OUT is written)' },
  'stage-rows': { type: 'boolean', help: 'also write OUT/stages/<stage>.jsonl, every stage\'s rows as make dataset writes them (default: only the published files, the report and the stages\' removal and drop rows)' },
  shards: { type: 'string', arg: 'N', help: 'shards of the raw folder (default: one per 16 MB, at least 8, a multiple of 8)', check: intValue(1, 1_000_000) },
  buckets: { type: 'string', arg: 'N', help: 'buckets of the distributed dedupe (default: one per GB of input, at least 4)', check: intValue(1, 65_536) },
  'file-seconds': { type: 'string', arg: 'S', help: `each raw file's time budget in a shard job, as make dataset's (default ${BUDGET_DEFAULTS.seconds}; over it: rejected as timeout)`, check: intValue(1, 86_400) },
  'file-heap-mb': { type: 'string', arg: 'MB', help: `heap of the thread working on a raw file (default ${BUDGET_DEFAULTS.heapMb}; over it: rejected as resource_limit)`, check: intValue(64, 65_536) },
  queue: { type: 'string', arg: 'NAME', help: 'BullMQ queue (default jingwen)', check: textValue, default: 'jingwen' },
  'redis-timeout': { type: 'string', arg: 'S', help: 'stop when Redis is unreachable this long (default 60)', check: intValue(1, 86_400), default: 60 },
  quiet: { type: 'boolean', help: 'no progress lines' },
} as const satisfies Options;

export const USAGE = usage('node dist/distributed/coordinate.js', OPTIONS);

export interface CoordinateOptions {
  raw: string; out: string; redis: string; store?: string; shards?: number; queue?: string;
  /** Buckets of the distributed dedupe (default: one per GB of input, at least 4). */
  buckets?: number;
  /** Each raw file's budget in the shard jobs (default BUDGET_DEFAULTS). */
  budget?: FileBudget;
  /** Keep the shared storage after a successful run (default: removed once OUT is written). */
  keepStore?: boolean;
  /**
   * Write OUT/stages/<stage>.jsonl as `make dataset` does (default false: those rows are 6× the raw bytes on the
   * benchmark corpus; serialising them, moving them through the store and writing them through the one coordinator
   * was a sixth of the run's CPU, and at scale the coordinator's disk would be the run's bottleneck).
   */
  stageRows?: boolean;
  /** Milliseconds Redis may be unreachable before the run stops (default 60 s). */
  redisTimeoutMs?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** Milliseconds between polls (default 250). */
  pollMs?: number;
  /** Called once every job has completed, before the export's finish (main: the local workers and Redis stop meanwhile). */
  jobsDone?: () => void;
}

/** One job as the coordinator saw it finish (from BullMQ), for the figures. */
export interface JobFact {
  id: string; phase: string; worker: string | null; started: number | null; finished: number | null; ms: number | null;
  /** Times a worker started it, and times it was found stalled (its worker gone) and put back in the queue. */
  attempts: number; stalled: number;
  /** Milliseconds the worker spent saying it holds the job (a Redis round trip) and handing it to its thread and
   *  back, computation included (the rest of finished − started is BullMQ's own bookkeeping). */
  progress_ms: number | null; thread_ms: number | null;
  /** Bytes a dedupe plan job read and wrote (dedupe.ts Moved), when it reported them. */
  moved?: Moved;
  /** Milliseconds of a job's parts, when it reported them (jobs.ts: a shard job's chain, dedupe files, publish). */
  parts?: Record<string, number>;
}

export interface CoordinateResult {
  metas: StageMeta[];
  facts: {
    shards: number; files: number; input_bytes: number; wall_seconds: number;
    phases: Record<string, { seconds: number; jobs: number }>;
    workers: string[]; retried: number; requeued_after_redis_loss: number;
    /** Per job: mean seconds between its start and end on the worker that completed it, less its computation. */
    job_overhead_seconds: number | null;
    /** The overhead's parts, per job but each worker's first (means, seconds): the progress update, the hand-off to
     *  the worker's thread and back (its time less the computation), and BullMQ's own bookkeeping (the rest). */
    job_overhead_parts: { progress_update: number; thread_handoff: number; bullmq: number } | null;
    /** Per job: mean seconds a worker waited between finishing one job and starting its next, while jobs were queued. */
    queue_gap_seconds: number | null;
    /** Bytes the dedupe plan's jobs read and wrote, summed over its jobs (dedupe.ts Moved): shard partitions read,
     *  single documents fetched (prepared values and JSON lines, with their offsets), job outputs read and written;
     *  and their sum per document. Null when no dedupe job reported (all reused from the store). */
    dedupe_bytes: { partitions: number; fetched: number; outputs: number; per_document: number } | null;
    jobs: JobFact[];
  };
}

/** The longest the coordinator waits for one answer from Redis before it counts Redis as unreachable. */
const MAX_CALL_MS = 5000;

const JOB_OPTS = { attempts: 3, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 7 * 86_400 } };

/**
 * One bucket per GB of input (a bucket job holds about 0.6 KB per document of its bucket's entries: README), and at
 * least 4, so that the bucket and verify phases keep several workers busy on a small corpus too.
 */
export function defaultBuckets(bytes: number): number {
  return Math.max(4, Math.ceil(bytes / 2 ** 30));
}

/**
 * One shard per 16 MB, at least 8, rounded up to a multiple of 8 (so that 2, 4 or 8 workers get as many shards each
 * and finish together: 13 shards of the 200 MB benchmark corpus left one of 2 workers idle for a shard's time, 3 s),
 * and no more than the raw entries.
 */
export function defaultShards(bytes: number, files: number): number {
  return Math.max(1, Math.min(files, 8 * Math.ceil(Math.max(8, Math.ceil(bytes / (16 << 20))) / 8)));
}

/** Milliseconds between two looks at the store for the outputs a phase or the assembly waits for. */
const STORE_POLL_MS = 40;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `p`, or a rejection after `ms`: BullMQ waits for a connection that is not ready instead of failing, and the poll
 * loop must see the failure to judge how long Redis has been gone.
 */
function bounded<T>(p: Promise<T>, ms: number): Promise<T> {
  p.catch(() => undefined);
  let t: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_, reject) => { t = setTimeout(() => reject(new Error(`no answer from Redis in ${ms} ms`)), ms); })]).finally(() => clearTimeout(t));
}

/** Runs a distributed build of RAW into OUT. Workers must be running (or start later). */
export async function coordinate(o: CoordinateOptions): Promise<CoordinateResult> {
  const t0 = performance.now();
  trace('coordinate: start');
  const { applyKey, codeKey, planJobs, planShards, shardKey, toWire } = await import('./jobs.js');
  trace('coordinate: jobs.ts loaded');
  // The assembly (the runner's writers, the export: Arrow, DuckDB) is loaded once the first flow is enqueued: its
  // loading would otherwise delay the enqueueing, while the workers wait for their first jobs.
  let enqueued!: () => void;
  const firstEnqueued = new Promise<void>((r) => { enqueued = r; });
  const assembling = firstEnqueued.then(() => import('./assemble.js'));
  const log = o.log ?? (() => undefined);
  const CALL_MS = Math.min(MAX_CALL_MS, o.redisTimeoutMs ?? 60_000);
  const queueName = o.queue ?? 'jingwen';
  const storeDir = path.resolve(o.store ?? path.join(o.out, DISTRIBUTED_STORE));
  const store = new Store(storeDir);
  const raw = path.resolve(o.raw);
  const entries = await walkRaw(raw);
  trace(`coordinate: RAW walked (${entries.length} entries)`);
  const code = codeKey();
  const inputBytes = entries.reduce((s, e) => s + (e.kind === 'file' ? e.size : 0), 0);
  const buckets = o.buckets ?? defaultBuckets(inputBytes);
  const budget = o.budget ?? BUDGET_DEFAULTS;
  const rows = o.stageRows === true;
  const shards: ShardJob[] = planShards(entries, o.shards ?? defaultShards(inputBytes, entries.length)).map((es, index) => {
    const wire = es.map((e) => toWire(raw, e));
    return { kind: 'shard', code, raw, index, buckets, budget, rows, key: shardKey(code, wire, buckets, budget, rows), entries: wire };
  });
  const shardKeys = shards.map((s) => s.key);
  const pj = planJobs(code, shardKeys, buckets);
  const pk = pj.plan.key;
  const applies: ApplyJob[] = shards.map((s) => ({ kind: 'apply', code, index: s.index, shard: s.key, merge: pj.merge.key, recurs: pj.recurs.map((j) => j.key), rows, key: applyKey(pj.merge.key, s.key, s.index, rows, pj.recurs.map((j) => j.key)) }));
  const barrier = (outs: { kind: Kind; key: string }[]): BarrierJob => ({ kind: 'barrier', code, outputs: outs.map((x) => [x.kind, x.key]) });
  log(`jingwen coordinate: ${entries.length} raw entries (${(inputBytes / 1e6).toFixed(1)} MB) in ${shards.length} shards, dedupe in ${buckets} bucket(s); run ${pk.slice(0, 12)}; store ${storeDir}`);

  const connection = { url: o.redis, maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: () => 500 };
  const queue = new Queue<QueuedJob>(queueName, { connection });
  const flows = new FlowProducer({ connection });
  // Connection errors are the poll loop's to judge (redis_unreachable after the timeout), not crashes.
  queue.on('error', () => undefined);
  flows.on('error', () => undefined);
  // A job that is some flow's child fails its parent when it fails for good (the phase then fails with its reason).
  const node = (name: string, job: Job, id: string, children?: FlowJob[], child = !children): FlowJob => ({
    name, queueName, data: { job, store: storeDir } satisfies QueuedJob, opts: { ...JOB_OPTS, jobId: id, ...(child ? { failParentOnFailure: true } : {}) }, ...(children ? { children } : {}),
  });
  const leaf = (job: Job & { key: string; kind: Kind }, index?: number) => node(job.kind, job, `${job.kind}-${job.key}${index === undefined ? '' : `-${index}`}`);

  const workers = new Set<string>();
  const retried = new Set<string>();
  const facts: JobFact[] = [];
  const phases: CoordinateResult['facts']['phases'] = {};
  let requeued = 0;
  const moved: Moved = { partitions: 0, fetched: 0, outputs: 0 };
  let movedJobs = 0;
  /** The assembly's failure, if it failed while the jobs run (a bug: the run stops at once). */
  const assembly: { error?: unknown } = {};

  /**
   * Enqueues a flow and waits until every output it must publish is in the store (read there, not in Redis).
   */
  const runPhase = async (name: string, tree: FlowJob, parentId: string, outputs: { id: string; kind: Kind; key: string; bytes: number }[]) => {
    const p0 = performance.now();
    const pending = new Map(outputs.map((x) => [x.id, x]));
    let lastContact = Date.now();
    let added = false;
    let doneBytes = 0;
    let lastLine = '';
    let lastPrint = 0;
    const children = new Set(outputs.map((x) => x.id));
    let lastAsk = -Infinity;
    for (;;) {
      if (assembly.error) throw assembly.error;
      const listed = new Map<Kind, Set<string>>();
      for (const x of pending.values()) if (!listed.has(x.kind)) listed.set(x.kind, await store.complete(x.kind));
      for (const [id, x] of pending) if (listed.get(x.kind)!.has(x.key)) { pending.delete(id); doneBytes += x.bytes; }
      if (pending.size === 0) break;
      // The store is looked at every STORE_POLL_MS (a phase's end is seen at once), Redis every pollMs.
      if (added && performance.now() - lastAsk < (o.pollMs ?? 250)) { await sleep(STORE_POLL_MS); continue; }
      lastAsk = performance.now();
      try {
        const parent = await bounded(queue.getJob(parentId), CALL_MS);
        if (!parent) {
          if (added) log(`jingwen coordinate: Redis no longer has this run's jobs (restarted without persistence?): enqueued the ${name} phase again; jobs already done are reused from the store`);
          if (added) requeued++;
          // Job ids are content keys, so another run (another parent: other shards changed, another store) may have
          // left a job of the same id completed in Redis (kept a day) while its output is not in this store (removed
          // after that run, or never there): BullMQ would count it done and not run it again. Removed first.
          for (const x of pending.values()) {
            const j = await bounded(queue.getJob(x.id), CALL_MS);
            const state = j ? await bounded(j.getState(), CALL_MS) : null;
            if (j && (state === 'completed' || state === 'failed') && !(await store.has(x.kind, x.key))) await bounded(j.remove(), CALL_MS);
          }
          await bounded(flows.add(tree), CALL_MS);
          trace(`coordinate: ${name} phase enqueued`);
          added = true;
          enqueued();
        } else if ((await bounded(parent.getState(), CALL_MS)) === 'completed') {
          // Done in Redis but not in the store: an earlier run's jobs (kept a day) whose outputs were removed since.
          // Checked once more (the outputs may have landed since the check above), then enqueued afresh.
          let missing = false;
          for (const x of pending.values()) if (!(await store.has(x.kind, x.key))) missing = true;
          if (missing) {
            log(`jingwen coordinate: the ${name} phase's jobs completed earlier but their outputs are not in ${storeDir}: enqueued again`);
            await bounded(parent.remove({ removeChildren: true }), CALL_MS);
            added = false;
            continue;
          }
        } else if ((await bounded(parent.getState(), CALL_MS)) === 'failed') {
          const reasons: string[] = [];
          for (const id of children) {
            const j = await queue.getJob(id);
            if (j && (await j.getState()) === 'failed') reasons.push(`${id.slice(0, 24)}…: ${j.failedReason}`);
          }
          throw new PipelineError('job_failed', `the ${name} phase failed after ${JOB_OPTS.attempts} attempts: ${reasons.join('; ') || parent.failedReason}`);
        }
        const active = (await bounded(queue.getActive(), CALL_MS)).filter((j) => children.has(j.id!) || j.id === parentId);
        for (const j of active) {
          const w = (j.progress as { worker?: string } | undefined)?.worker;
          if (w) workers.add(w);
          if (j.attemptsStarted > 1 || j.stalledCounter > 0) retried.add(j.id!);
        }
        const failedNow = (await bounded(queue.getDelayed(), CALL_MS)).filter((j) => children.has(j.id!)).length;
        lastContact = Date.now();
        const s = (performance.now() - p0) / 1000;
        const holders = active.map((j) => {
          const index = (j.data.job as Partial<ShardJob>).index;
          return `${(j.progress as { worker?: string } | undefined)?.worker ?? '?'}→${j.name}${index === undefined ? '' : ` ${index}`}`;
        }).join(', ');
        const line = `  ${name.padEnd(6)} ${outputs.length - pending.size}/${outputs.length} done, ${failedNow} failed (retrying), ${retried.size} retried, ${(doneBytes / 1e6 / Math.max(s, 1e-3)).toFixed(1)} MB/s; ${holders || 'waiting for workers'}`;
        if (line !== lastLine && Date.now() - lastPrint > 1000) { log(line); lastLine = line; lastPrint = Date.now(); }
      } catch (e) {
        if (e instanceof PipelineError) throw e;
        const down = Date.now() - lastContact;
        if (down > (o.redisTimeoutMs ?? 60_000)) {
          throw new PipelineError('redis_unreachable', `Redis at ${o.redis} unreachable for ${Math.round(down / 1000)} s (${(e as Error).message.split('\n')[0]}): the run stops, OUT was not written; the jobs done so far are kept in ${storeDir}: run the same command again to resume`);
        }
      }
      await sleep(STORE_POLL_MS);
    }
    // The figures of the jobs that completed (BullMQ keeps them a day).
    for (const id of new Set([...children, parentId])) {
      const j = await bounded(queue.getJob(id), CALL_MS).catch(() => undefined);
      if (!j) continue;
      const rv = j.returnvalue as { ms?: number; worker?: string; progress_ms?: number; thread_ms?: number; value?: { moved?: Moved; parts?: Record<string, number> } } | null;
      if (rv?.worker) workers.add(rv.worker);
      const m = rv?.value?.moved;
      if (m) { moved.partitions += m.partitions; moved.fetched += m.fetched; moved.outputs += m.outputs; movedJobs++; }
      if (j.attemptsStarted > 1 || j.stalledCounter > 0) retried.add(id);
      facts.push({ id, phase: name, worker: rv?.worker ?? j.processedBy ?? null, started: j.processedOn ?? null, finished: j.finishedOn ?? null, ms: rv?.ms ?? null, attempts: j.attemptsStarted, stalled: j.stalledCounter, progress_ms: rv?.progress_ms ?? null, thread_ms: rv?.thread_ms ?? null, ...(m ? { moved: m } : {}), ...(rv?.value?.parts ? { parts: rv.value.parts } : {}) });
    }
    enqueued(); // also when every output of the phase was in the store already (nothing enqueued)
    phases[name] = { seconds: Math.round(performance.now() - p0) / 1000, jobs: outputs.length };
    log(`  ${name.padEnd(6)} ${outputs.length}/${outputs.length} done in ${phases[name]!.seconds.toFixed(1)} s`);
  };

  // OUT is written while the jobs run: each shard's and each apply job's output as soon as it lands, in shard
  // order (assemble.ts), so that after the last job only the export's finish is left. The assembly waits for an
  // output by looking at the store; it stops waiting when the run fails.
  let stopped = false;
  // The assembly's busy time: while at least one of its two halves is not waiting for an output.
  let active = 2, idleMs = 0, idleSince = 0;
  const activity = (d: number) => {
    if (active === 0) idleMs += performance.now() - idleSince;
    active += d;
    if (active === 0) idleSince = performance.now();
  };
  const ready = async (kind: Kind, key: string) => {
    if (await store.has(kind, key)) return;
    activity(-1);
    try {
      while (!(await store.complete(kind)).has(key)) {
        if (stopped) throw new PipelineError('internal', 'the run stopped before its jobs completed');
        await sleep(STORE_POLL_MS);
      }
    } finally {
      activity(+1);
    }
  };
  const a0 = performance.now();
  const input = { out: o.out, store, shards: shardKeys, plan: pk, applies: applies.map((a) => a.key), run: pk, rows, get workers() { return workers.size; }, ready };
  let firstSeconds = 0;
  const first = assembling.then((m) => m.assembleShards(input)).then((r) => {
    firstSeconds = (performance.now() - a0) / 1000;
    activity(-1);
    return r;
  });
  const second = assembling.then((m) => m.assembleApplied(input, first));
  first.catch((e) => { assembly.error ??= e; });
  second.catch((e) => { assembly.error ??= e; });
  try {
    const bytesOf = (s: ShardJob) => s.entries.reduce((a, e) => a + (e.kind === 'file' ? e.size : 0), 0);
    const out = (job: { kind: Kind; key: string }, id: string, bytes = 0) => ({ id, kind: job.kind, key: job.key, bytes });
    const idOf = (t: FlowJob) => t.opts!.jobId!;
    const phase = async (name: string, parent: FlowJob, outputs: ReturnType<typeof out>[]) => runPhase(name, parent, idOf(parent), outputs);
    const shardNodes = shards.map((s) => leaf(s, s.index));
    await phase('shard', node('barrier', barrier(shards), `barrier-shard-${pk}`, shardNodes), shards.map((s, k) => out(s, idOf(shardNodes[k]!), bytesOf(s))));
    const bucketNodes = pj.buckets.map((j) => leaf(j));
    await phase('bucket', node('barrier', barrier(pj.buckets), `barrier-bucket-${pk}`, bucketNodes), pj.buckets.map((j, k) => out(j, idOf(bucketNodes[k]!))));
    const verifyNodes = pj.verifies.map((j) => leaf(j));
    const mergeNode = node('merge', pj.merge, `merge-${pj.merge.key}`, verifyNodes);
    await phase('verify', mergeNode, [...pj.verifies.map((j, k) => out(j, idOf(verifyNodes[k]!))), out(pj.merge, idOf(mergeNode))]);
    // The recurring banners, a bucket of sources each (dedupe.ts recurFiles): the apply jobs need them.
    const recurNodes = pj.recurs.map((j) => leaf(j));
    await phase('recur', node('barrier', barrier(pj.recurs), `barrier-recur-${pk}`, recurNodes), pj.recurs.map((j, k) => out(j, idOf(recurNodes[k]!))));
    const paraNodes = pj.paras.map((j) => leaf(j));
    const planNode = node('plan', pj.plan, `plan-${pk}`, paraNodes, true);
    const applyNodes = applies.map((a) => leaf(a));
    // The report's jobs first: BullMQ hands out a flow's jobs in the order it adds them, leaves before the children
    // of nested parents, so the apply jobs sit under a barrier of their own; the few small report jobs would
    // otherwise run last, one worker busy and the others idle.
    const appliesNode = node('barrier', barrier(applies), `barrier-applies-${pk}`, applyNodes, true);
    await phase(
      'apply',
      node('barrier', barrier([...applies, pj.plan]), `barrier-apply-${pk}`, [planNode, appliesNode]),
      [...applies.map((a, k) => out(a, idOf(applyNodes[k]!), bytesOf(shards[k]!))), ...pj.paras.map((j, k) => out(j, idOf(paraNodes[k]!))), out(pj.plan, idOf(planNode))],
    );
  } catch (e) {
    stopped = true;
    enqueued();
    await second.catch(() => undefined);
    throw e;
  } finally {
    // A close waits for pending commands, forever when Redis is gone: bounded, then the sockets are dropped.
    await bounded(queue.close(), CALL_MS).catch(() => undefined);
    await bounded(flows.close(), CALL_MS).catch(() => undefined);
    await queue.disconnect().catch(() => undefined);
    await flows.disconnect().catch(() => undefined);
  }
  o.jobsDone?.();
  const a1 = performance.now();
  const metas = await second;
  phases['assemble_shards'] = { seconds: Math.round(firstSeconds * 1000) / 1000, jobs: 0 };
  phases['assemble'] = { seconds: Math.round(performance.now() - a1) / 1000, jobs: 0 };
  const busy = (performance.now() - a0 - idleMs) / 1000;
  phases['assemble_busy'] = { seconds: Math.round(busy * 1000) / 1000, jobs: 0 };
  log(`  assemble done in ${phases['assemble'].seconds.toFixed(1)} s after the last job (${busy.toFixed(1)} s of writing OUT in all, the rest beside the jobs)`);
  // OUT is written: the run's outputs in the store are no longer needed (a run of the same RAW would reuse them, so
  // --keep-store keeps them; a failed run keeps them always, to resume). Only this run's outputs are removed.
  if (!o.keepStore) {
    const mine: [Kind, string][] = [
      ...shards.map((s) => ['shard', s.key] as [Kind, string]), ...pj.buckets.map((j) => ['bucket', j.key] as [Kind, string]),
      ...pj.verifies.map((j) => ['verify', j.key] as [Kind, string]), ['merge', pj.merge.key], ...pj.recurs.map((j) => ['recur', j.key] as [Kind, string]), ...pj.paras.map((j) => ['para', j.key] as [Kind, string]),
      ['plan', pj.plan.key], ...applies.map((a) => ['apply', a.key] as [Kind, string]),
    ];
    await store.remove(mine);
  }

  const done = facts.filter((f) => f.started !== null && f.finished !== null && f.ms !== null);
  const mean = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 1e4;
  const overhead = done.length ? done.reduce((s, f) => s + (f.finished! - f.started! - f.ms!), 0) / done.length / 1000 : null;
  // Each worker's first job is left out of the parts: it also pays the thread's first compilation of the stages.
  const firsts = new Set<JobFact>();
  for (const w of new Set(done.map((f) => f.worker))) {
    const mine = done.filter((f) => f.worker === w).sort((x, y) => x.started! - y.started!);
    if (mine[0]) firsts.add(mine[0]);
  }
  const parted = done.filter((f) => f.progress_ms !== null && f.thread_ms !== null && !firsts.has(f));
  const parts = parted.length ? {
    progress_update: mean(parted.map((f) => f.progress_ms!)),
    thread_handoff: mean(parted.map((f) => f.thread_ms! - f.ms!)),
    bullmq: mean(parted.map((f) => f.finished! - f.started! - f.progress_ms! - f.thread_ms!)),
  } : null;
  const gaps: number[] = [];
  const byWorker = new Map<string, JobFact[]>();
  for (const f of done) if (f.worker) (byWorker.get(f.worker) ?? byWorker.set(f.worker, []).get(f.worker)!).push(f);
  for (const list of byWorker.values()) {
    list.sort((x, y) => x.started! - y.started!);
    for (let k = 1; k < list.length; k++) if (list[k]!.phase === list[k - 1]!.phase && list[k]!.started! >= list[k - 1]!.finished!) gaps.push(list[k]!.started! - list[k - 1]!.finished!);
  }
  return {
    metas,
    facts: {
      shards: shards.length, files: entries.length, input_bytes: inputBytes, wall_seconds: Math.round(performance.now() - t0) / 1000, phases,
      workers: [...workers].sort(), retried: retried.size, requeued_after_redis_loss: requeued,
      job_overhead_seconds: overhead === null ? null : Math.round(overhead * 1e4) / 1e4,
      job_overhead_parts: parts,
      queue_gap_seconds: gaps.length ? Math.round(gaps.reduce((a, b) => a + b, 0) / gaps.length) / 1000 : null,
      dedupe_bytes: movedJobs ? { ...moved, per_document: Math.round(((moved.partitions + moved.fetched + moved.outputs) / Math.max(1, metas.find((m) => m.stage === 'dedupe')?.in ?? 0)) * 10) / 10 } : null,
      jobs: facts,
    },
  };
}

async function main(): Promise<number> {
  const args = parseCommandLine(process.argv.slice(2), OPTIONS);
  if (!args) {
    process.stdout.write(USAGE);
    return 0;
  }
  const raw = path.resolve(args.raw);
  const out = path.resolve(args.out);
  let redis = args.redis ?? process.env.JINGWEN_REDIS ?? '';
  const local = args.workers ?? (redis ? 0 : 2);
  const queue = args.queue;
  if (!(await stat(raw).catch(() => null))?.isDirectory()) throw new PipelineError('config', `raw folder not found: ${raw}`);
  if (out === raw || out.startsWith(raw + path.sep)) throw new PipelineError('config', `OUT (${out}) must not be inside RAW (${raw})`);
  const release = await acquireLock(out);
  // The mark that lets `make clean` clean this folder, as every run leaves it (pipeline/lib/outdir.ts).
  await markOut(out);
  let server: LocalRedis | null = null;
  let procs: ChildProcess[] = [];
  // The local workers and Redis stop while the coordinator finishes OUT (their exit took ~0.4 s after it).
  let stopping: Promise<void> | null = null;
  const stopLocal = () => (stopping ??= (async () => {
    await stopProcs(procs);
    await server?.stop();
  })());
  try {
    if (!redis) {
      if (!haveRedisServer()) throw new PipelineError('config', 'no --redis URL and no redis-server to start one (apt-get install redis-server)');
      server = await startRedis();
      redis = server.url;
      process.stderr.write(`jingwen coordinate: started redis-server on ${redis}\n`);
    }
    procs = startLocalWorkers(local, redis, queue, args.quiet);
    const r = await coordinate({
      raw, out, redis, shards: args.shards, buckets: args.buckets, queue, redisTimeoutMs: args['redis-timeout'] * 1000, keepStore: args['keep-store'], stageRows: args['stage-rows'],
      budget: { seconds: args['file-seconds'] ?? BUDGET_DEFAULTS.seconds, heapMb: args['file-heap-mb'] ?? BUDGET_DEFAULTS.heapMb },
      ...(args.store ? { store: args.store } : {}),
      log: args.quiet ? undefined : (l) => process.stderr.write(l + '\n'),
      jobsDone: () => void stopLocal(),
    });
    const { writeTimings } = await import('./assemble.js');
    await writeTimings(out, { distributed: { ...r.facts, jobs: undefined } });
    // Every job's figures (worker, start, end, computation): for the benchmark's per-job overhead, not published.
    await writeAtomic(path.join(out, 'stages', 'distributed.jobs.json'), JSON.stringify(r.facts.jobs, null, 1) + '\n');
    const stats = r.metas[r.metas.length - 1]!;
    process.stdout.write(`jingwen coordinate: ${stats.out} documents from ${r.facts.files} raw entries in ${r.facts.shards} shards by ${r.facts.workers.length} worker(s) in ${r.facts.wall_seconds.toFixed(1)} s (${r.facts.retried} job(s) retried) → ${out}\n`);
    return 0;
  } finally {
    await stopLocal();
    await release();
  }
}

/** Worker processes on this machine (work.ts, compiled or under tsx's loader), named local-1… */
function startLocalWorkers(n: number, redis: string, queue: string, quiet: boolean): ChildProcess[] {
  const ts = import.meta.url.endsWith('.ts');
  const script = fileURLToPath(new URL(ts ? './work.ts' : './work.js', import.meta.url));
  return Array.from({ length: n }, (_, k) => spawn(process.execPath, [...(ts ? ['--import', 'tsx'] : []), script, '--redis', redis, '--name', `local-${k + 1}`, '--queue', queue], { stdio: ['ignore', 'ignore', quiet ? 'ignore' : 'inherit'] }));
}

async function stopProcs(procs: ChildProcess[]): Promise<void> {
  await Promise.all(procs.map((p) => new Promise<void>((resolve) => {
    if (p.exitCode !== null || p.signalCode !== null) return resolve();
    p.once('exit', () => resolve());
    p.kill('SIGTERM');
  })));
}

if (process.argv[1] && /distributed[/\\]coordinate\.(ts|js)$/.test(process.argv[1])) {
  try {
    process.exitCode = await main();
  } catch (err) {
    process.stderr.write(err instanceof PipelineError ? `jingwen coordinate: ${err.code}: ${err.message}\n` : `jingwen coordinate: internal error (a bug — please report it):\n${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = err instanceof PipelineError ? 2 : 1;
  }
  // BullMQ's connections may hold the event loop after an error.
  process.exit();
}
