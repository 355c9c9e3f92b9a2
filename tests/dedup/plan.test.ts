import { describe, expect, it } from 'vitest';
import { planDedupe } from '../../pipeline/dedup/plan.js';
import { prepareDoc, gatherDoc } from '../../pipeline/dedup/prepare.js';
import { DEDUPE_DEFAULTS } from '../../pipeline/stages/dedupe.js';
import { mulberry32 } from '../../pipeline/lib/random.js';
import type { Doc } from '../../pipeline/lib/types.js';
import { articles002, essays000, makeDoc } from '../fixtures/dedupe/seeds.js';

/**
 * Pages drawn from a small pool of paragraphs (the raw/ seeds'), as the benchmark's generated web archive makes
 * them: many pairs of pages share paragraphs, so LSH gives candidate pairs across the whole input, some verified
 * (near duplicates) and most rejected.
 */
function pages(n: number, seed: number): Doc[] {
  const pool = [...essays000(), ...articles002()].flatMap((d) => d.paragraphs).filter((p) => p.length >= 20).slice(0, 24);
  const r = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    const k = 3 + Math.floor(r() * 4);
    return makeDoc(`page${String(i).padStart(3, '0')}.html`, 1, null, Array.from({ length: k }, () => pool[Math.floor(r() * pool.length)]!));
  });
}

async function plan(docs: Doc[], cacheBytes?: number) {
  const cfg = DEDUPE_DEFAULTS;
  const prepared = docs.map((d) => prepareDoc(d, cfg));
  let gathers = 0;
  let verify = { rounds: 0, heldPeak: 0 };
  const res = await planDedupe(prepared, cfg, {
    async gather(asks, each) {
      gathers++;
      for (const i of [...asks.keys()].sort((a, b) => a - b)) each(i, structuredClone(gatherDoc(docs[i]!, asks.get(i)!, cfg)));
    },
  }, { ...(cacheBytes !== undefined ? { cacheBytes } : {}), onVerify: (v) => { verify = v; } });
  return { ...res, gathers, verify };
}

describe('dedupe plan: the verification holds a bounded amount of shingle sets', () => {
  it('a small bound takes more gather rounds, holds no more than the bound, and decides the same', async () => {
    const docs = pages(160, 7);
    const free = await plan(docs);
    expect(free.counts.candidate_pairs).toBeGreaterThan(40);
    expect(free.counts.verified_pairs).toBeGreaterThan(0);
    expect(free.counts.rejected_pairs).toBeGreaterThan(0);
    expect(free.verify.rounds).toBe(1);
    expect(free.gathers).toBe(1);
    // A set of these pages is ~2-6 KB: a bound of 16 KB holds a few at once.
    for (const bound of [16 * 1024, 1]) {
      const small = await plan(docs, bound);
      expect(small.verify.rounds).toBeGreaterThan(1);
      expect(small.gathers).toBe(small.verify.rounds);
      expect(small.verify.heldPeak).toBeLessThan(free.verify.heldPeak);
      if (bound > 1) expect(small.verify.heldPeak).toBeLessThanOrEqual(bound);
      expect(small.counts).toEqual(free.counts);
      expect(JSON.stringify(small.decisions)).toBe(JSON.stringify(free.decisions));
    }
  });

  it('nothing is gathered when there is no candidate pair', async () => {
    const docs = essays000();
    const r = await plan(docs, 1);
    expect(r.counts.candidate_pairs).toBe(0);
    expect(r.gathers).toBe(0);
    expect(r.verify.rounds).toBe(0);
  });
});
