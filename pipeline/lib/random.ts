/** Deterministic randomness for generators, benchmarks and tests: the same seed gives the same numbers everywhere. */

/** mulberry32: a 32-bit seeded PRNG (Tommy Ettinger's), uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
