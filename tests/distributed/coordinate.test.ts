/**
 * A distributed build on BullMQ and a real redis-server (127.0.0.1, a free port), with worker processes: byte for
 * byte the single-machine run, a worker SIGKILLed in the middle of a job (its job is taken over), Redis restarted
 * empty mid-run (the coordinator enqueues again and finishes with the same bytes), Redis gone (a clear failure,
 * OUT untouched). Skipped, saying so, only when redis-server is not installed (.ci/run installs it).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { Queue } from 'bullmq';
import { haveRedisServer, startRedis, type LocalRedis } from '../../pipeline/distributed/local.js';
import { coordinate } from '../../pipeline/distributed/coordinate.js';
import { ROOT, tempDir, readLines } from '../helpers.js';
import { differing, isStageRows, singleRun, smallRaw } from './helpers.js';

const HAVE = haveRedisServer();
if (!HAVE) process.stderr.write('tests/distributed/coordinate.test.ts: SKIPPED: redis-server is not installed (apt-get install redis-server; .ci/run installs it)\n');

/** A lock of 2 s: a killed worker's job is taken over within a few seconds. */
const LOCK_MS = 2000;

function startWorkers(url: string, queue: string, names: string[]): Map<string, ChildProcess> {
  const procs = new Map<string, ChildProcess>();
  for (const name of names) {
    // node itself with tsx's loader (not the tsx wrapper, which runs node as its child: a SIGKILL would miss it).
    const p = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'pipeline/distributed/work.ts'), '--redis', url, '--queue', queue, '--name', name, '--lock-ms', String(LOCK_MS)], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    p.stderr!.resume();
    procs.set(name, p);
  }
  return procs;
}

async function stopWorkers(procs: Map<string, ChildProcess>): Promise<void> {
  await Promise.all([...procs.values()].map((p) => new Promise<void>((resolve) => {
    if (p.exitCode !== null || p.signalCode !== null) return resolve();
    p.once('exit', () => resolve());
    p.kill('SIGTERM');
  })));
}

describe.skipIf(!HAVE)('a distributed build on BullMQ and Redis', () => {
  let redis: LocalRedis;
  let raw = '';
  let single = '';
  let workers: Map<string, ChildProcess>;
  const queue = 'test';
  beforeAll(async () => {
    redis = await startRedis();
    // The workers load while the reference run and the raw folder are made.
    workers = startWorkers(redis.url, queue, ['w1', 'w2', 'w3']);
    raw = await smallRaw();
    single = await singleRun(raw);
  }, 120_000);
  afterAll(async () => {
    if (workers) await stopWorkers(workers);
    await redis?.stop();
  });

  it('3 workers over 9 shards and 3 dedupe buckets, one SIGKILLed mid-job: its job is taken over, the single-machine bytes; bad files are ledger rows', async () => {
    const watch = new Queue(queue, { connection: { url: redis.url } });
    let killed: string | null = null;
    let victim = '';
    // Kill the first worker seen holding a shard job, while it holds it.
    const spy = setInterval(() => {
      void watch.getActive().then((jobs) => {
        if (killed) return;
        const j = jobs.find((x) => x.name === 'shard' && (x.progress as { worker?: string })?.worker);
        if (j && !killed) {
          killed = j.id!;
          victim = (j.progress as { worker: string }).worker;
          workers.get(victim)!.kill('SIGKILL');
        }
      }, () => undefined);
    }, 20);
    try {
      const out = await tempDir('jw-dist-out-');
      const r = await coordinate({ raw, out, redis: redis.url, queue, shards: 9, buckets: 3 });
      expect(killed, 'a worker was killed while it held a shard job').not.toBeNull();
      expect(r.facts.shards).toBe(9);
      // Without --stage-rows: the published files, the report and the stages' removal and drop rows are the
      // single-machine run's; no stage's rows are written (the next test writes them).
      expect(await differing(single, out, false)).toEqual([]);
      expect((await readdir(path.join(out, 'stages'))).filter((f) => isStageRows(path.join('stages', f)))).toEqual([]);
      // The shared storage (OUT/.distributed by default) is removed once OUT is written.
      expect(existsSync(path.join(out, '.distributed'))).toBe(false);
      // The killed worker's job was taken over: started more than once, completed by another worker.
      const fact = r.facts.jobs.find((f) => f.id === killed)!;
      expect(fact.stalled, JSON.stringify(fact)).toBeGreaterThanOrEqual(1);
      expect(fact.worker).toMatch(/^w[123]$/);
      expect(fact.worker).not.toBe(victim);
      expect(r.facts.retried).toBeGreaterThanOrEqual(1);
      const ledger = await readLines<{ path: string; status: string; reason: string | null }>(path.join(out, 'report/ledger.jsonl'));
      expect(ledger.find((x) => x.path === 'bad/broken.docx')).toMatchObject({ status: 'rejected', reason: 'corrupt_docx' });
      expect(ledger.find((x) => x.path === 'bad/empty.txt')).toMatchObject({ status: 'rejected', reason: 'empty' });
    } finally {
      clearInterval(spy);
      await watch.close();
    }
  }, 120_000);

  it('Redis restarted empty mid-run: the coordinator enqueues again, done jobs are reused, the bytes are the same', async () => {
    const out = await tempDir('jw-dist-out-');
    const store = await tempDir('jw-store-');
    const watch = new Queue(queue, { connection: { url: redis.url, maxRetriesPerRequest: 1, enableOfflineQueue: false } });
    watch.on('error', () => undefined);
    let restarted = false;
    // While several shard jobs wait in the queue, Redis goes down and comes back empty: the waiting
    // jobs are lost, so the phase cannot end without the coordinator enqueueing it again.
    const spy = setInterval(() => {
      if (restarted) return;
      void watch.getJobCounts('waiting').then((c) => {
        if (restarted || (c['waiting'] ?? 0) < 4) return;
        restarted = true;
        void redis.restart();
      }, () => undefined);
    }, 20);
    try {
      // --stage-rows: every stage's rows too, byte for byte.
      const r = await coordinate({ raw, out, redis: redis.url, queue, shards: 16, store, stageRows: true });
      expect(restarted).toBe(true);
      expect(r.facts.requeued_after_redis_loss).toBeGreaterThanOrEqual(1);
      expect(await differing(single, out)).toEqual([]);
    } finally {
      clearInterval(spy);
      await watch.close().catch(() => undefined);
    }
  }, 120_000);

  // Also: a shard of this run with the same content key as one of the run before (another store, Redis restarted)
  // is a completed job in BullMQ whose output is not in this store: run again, not counted done.
  it('a store emptied after a run: the same command finds the completed jobs in BullMQ without outputs and runs them again', async () => {
    const store = await tempDir('jw-store-');
    // --keep-store: the outputs stay after the run.
    await coordinate({ raw, out: await tempDir('jw-dist-out-'), redis: redis.url, queue, shards: 8, store, keepStore: true });
    expect((await readdir(store)).sort()).toEqual(['apply', 'bucket', 'merge', 'para', 'plan', 'recur', 'shard', 'verify']);
    await rm(store, { recursive: true, force: true });
    const out = await tempDir('jw-dist-out-');
    const lines: string[] = [];
    await coordinate({ raw, out, redis: redis.url, queue, shards: 8, store, log: (l) => lines.push(l) });
    expect(lines.some((l) => /completed earlier but their outputs are not in/.test(l))).toBe(true);
    expect(await differing(single, out, false)).toEqual([]);
    // Without --keep-store the run's outputs are removed, and the store's folder with them (nothing else was in it).
    expect(existsSync(store)).toBe(false);
  }, 120_000);

  it('a file that hangs its shard job is a ledger row (timeout, the per-file budget), not a failed or stalled flow', async () => {
    // A 12 M-character line (issue #23's hostile case): seconds of work, against a budget of 3 s.
    const hraw = await tempDir('jw-dist-hang-');
    await mkdir(path.join(hraw, 'a'));
    const s = '各级领导干部要有时时放心不下的责任感，担当作为求真务实，防止各类风险事件发生。';
    await writeFile(path.join(hraw, 'a', 'one-line.txt'), `关于推进工作的讲话\n\n${s.repeat(Math.ceil(12e6 / s.length)).slice(0, 12e6)}\n`);
    for (const f of ['000_942d9b07ec54e766.txt', '004_91d04d10e2169a48.txt']) await writeFile(path.join(hraw, f), await import('node:fs/promises').then((m) => m.readFile(path.join(ROOT, 'raw', f))));
    const out = await tempDir('jw-dist-out-');
    const r = await coordinate({ raw: hraw, out, redis: redis.url, queue, shards: 2, budget: { seconds: 3, heapMb: 2048 } });
    const ledger = await readLines<{ path: string; status: string; reason: string | null; detail: string | null }>(path.join(out, 'report/ledger.jsonl'));
    expect(ledger.find((x) => x.path === 'a/one-line.txt')).toMatchObject({ status: 'rejected', reason: 'timeout', detail: 'extraction and stages ran past the budget of 3 s' });
    expect(ledger.filter((x) => x.path !== 'a/one-line.txt').map((x) => x.status)).toEqual(['ok', 'ok']);
    // Its shard job completed on its first attempt: the file was stopped, not the job.
    const job = r.facts.jobs.find((f) => f.phase === 'shard' && f.id.endsWith('-1'))!;
    expect(job).toMatchObject({ attempts: 1, stalled: 0 });
  }, 180_000);

  it('Redis gone: fails with redis_unreachable after the timeout and leaves OUT unwritten', async () => {
    const gone = await startRedis();
    const url = gone.url;
    await gone.stop();
    const out = await tempDir('jw-dist-out-');
    await expect(coordinate({ raw, out, redis: url, queue: 'gone', shards: 8, redisTimeoutMs: 1500 })).rejects.toMatchObject({ code: 'redis_unreachable' });
    expect(existsSync(path.join(out, 'documents.jsonl'))).toBe(false);
  }, 60_000);
});
