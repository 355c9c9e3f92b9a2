import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { warmup } from '../../pipeline/bench/warmup.js';
import { runChain } from '../../pipeline/lib/worker.js';
import { walkRaw } from '../../pipeline/lib/walk.js';
import { ROOT } from '../helpers.js';

describe('bench: JIT warm-up rounds', () => {
  const raw = path.join(ROOT, 'raw');

  it('runs pass 1\'s chain over every file each round: the documents dedupe would prepare, the same every round', async () => {
    const seen: number[] = [];
    const rounds = await warmup(raw, 2, (r) => seen.push(r.round));
    expect(seen).toEqual([1, 2]);
    // The documents one chain over all the files prepares, counted independently.
    const files = (await walkRaw(raw)).filter((e) => e.kind === 'file').map((e) => ({ rel: e.rel, abs: new Uint8Array(e.abs) }));
    const once = await runChain({ kind: 'chain', files, steps: [{ stage: 'segment', op: 'map' }, { stage: 'normalize', op: 'map' }, { stage: 'clean', op: 'map' }, { stage: 'dedupe', op: 'prepare' }] });
    expect(once.prepared!.length).toBeGreaterThan(5);
    expect(rounds.map((r) => r.records)).toEqual([once.prepared!.length, once.prepared!.length]);
    for (const r of rounds) expect(r.wall_s > 0 && r.cpu_s > 0).toBe(true);
  });
});
