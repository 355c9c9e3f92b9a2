#!/usr/bin/env -S npx tsx
/**
 * The JIT warm-up of one thread: runs pass 1's chain (extract → segment → normalize → clean → dedupe's prepare)
 * over the same raw files several times in one process, in batches as a worker thread gets them
 * (lib/worker.ts's `runChain`), and prints each round's wall time and CPU time (all threads: V8 compiles on
 * background threads). The first round pays for V8's warm-up — interpreting, compiling, deoptimising and
 * compiling again — and the later ones run optimised code. The difference is a fixed cost every thread of a run
 * pays once, whatever its share of the work: it is why 2 workers are far from twice as fast on a small corpus
 * (#9). Measured in one process, it is free of the pool's scheduling and much less noisy than whole runs.
 *
 *   node dist/bench/warmup.js --raw out/bench/corpus [--rounds 3]     (make bench BENCH_ARGS=--warmup runs it)
 *
 * Prints one JSON line per round: `{"round":1,"wall_s":…,"cpu_s":…,"records":…}`.
 */
import { parseCommandLine, pathValue, intValue, usage } from '../lib/cli.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { walkRaw } from '../lib/walk.js';
import { runChain, type ChainStep } from '../lib/worker.js';
import { EXTRACT_BATCH_FILES as BATCH } from '../lib/runner.js';
import { STAGES } from '../stages/index.js';

/** Pass 1's steps after extraction, as a fresh run fuses them: the per-record stages, then the first whole-corpus
 *  stage's prepare. */
const first = STAGES.findIndex((s) => s.kind === 'global');
const STEPS: ChainStep[] = [
  ...STAGES.slice(0, first).map((s): ChainStep => ({ stage: s.name, op: 'map' })),
  ...(first >= 0 ? [{ stage: STAGES[first]!.name, op: 'prepare' } as ChainStep] : []),
];

export interface WarmupRound { round: number; wall_s: number; cpu_s: number; records: number }

export async function warmup(raw: string, rounds: number, each: (r: WarmupRound) => void = () => undefined): Promise<WarmupRound[]> {
  const files = (await walkRaw(raw)).filter((e) => e.kind === 'file').map((e) => ({ rel: e.rel, abs: new Uint8Array(e.abs) }));
  const out: WarmupRound[] = [];
  for (let round = 1; round <= rounds; round++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let records = 0;
    for (let i = 0; i < files.length; i += BATCH) records += (await runChain({ kind: 'chain', files: files.slice(i, i + BATCH), steps: STEPS })).prepared?.length ?? 0;
    const c = process.cpuUsage(c0);
    const r = { round, wall_s: Number(((performance.now() - t0) / 1000).toFixed(3)), cpu_s: Number(((c.user + c.system) / 1e6).toFixed(3)), records };
    out.push(r);
    each(r);
  }
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const options = {
    rounds: { type: 'string', arg: 'N', help: 'rounds (default 3)', check: intValue(2, 100), default: 3 },
    raw: { type: 'string', arg: 'DIR', help: 'corpus (default out/bench/corpus)', check: pathValue, default: 'out/bench/corpus' },
  } as const;
  const args = parseCommandLine(process.argv.slice(2), options);
  if (!args) process.stdout.write(usage('tsx pipeline/bench/warmup.ts', options));
  else await warmup(path.resolve(args.raw), args.rounds, (r) => process.stdout.write(JSON.stringify(r) + '\n'));
}
