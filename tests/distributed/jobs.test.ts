/**
 * The jobs of a distributed run, run in this process without Redis: shard planning, idempotent content-addressed
 * outputs, and the core promise: for any number of shards, the assembled OUT is byte for byte the single-machine
 * run's (tests/distributed/coordinate.test.ts runs the same through BullMQ with worker processes).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import path from 'node:path';
import { readdir, readFile } from 'node:fs/promises';
import { walkRaw, type RawEntry } from '../../pipeline/lib/walk.js';
import { Store } from '../../pipeline/distributed/store.js';
import { BUDGET_DEFAULTS } from '../../pipeline/lib/budget.js';
import { codeKey, planShards, runJob, runShard, type ShardJob } from '../../pipeline/distributed/jobs.js';
import { tempDir, readLines } from '../helpers.js';
import { differing, inProcess, isStageRows, singleRun, smallRaw } from './helpers.js';

const entry = (rel: string, size: number, kind: RawEntry['kind'] = 'file'): RawEntry => ({ rel, abs: Buffer.from('/r/' + rel), kind, size, mtimeMs: 0, mode: 0o644, nameEncoding: null, error: null });

describe('planShards', () => {
  const entries = Array.from({ length: 30 }, (_, i) => entry(`f${String(i).padStart(2, '0')}`, (i * 7919) % 1000 + 10));

  it('cuts the sorted entries into consecutive runs that cover every entry once, in order', () => {
    for (const n of [1, 2, 3, 8, 29, 30, 31, 100]) {
      const shards = planShards(entries, n);
      expect(shards.length).toBe(Math.min(n, entries.length));
      expect(shards.every((s) => s.length > 0)).toBe(true);
      expect(shards.flat().map((e) => e.rel)).toEqual(entries.map((e) => e.rel));
    }
  });

  it('balances bytes: no shard much over its share but for one entry', () => {
    const shards = planShards(entries, 5);
    const total = entries.reduce((s, e) => s + e.size + 1, 0);
    const biggest = Math.max(...entries.map((e) => e.size + 1));
    for (const s of shards) expect(s.reduce((a, e) => a + e.size + 1, 0)).toBeLessThanOrEqual(total / 5 + biggest);
  });

  it('depends on the entries and the count only', () => {
    expect(planShards(entries, 7).map((s) => s.map((e) => e.rel))).toEqual(planShards([...entries], 7).map((s) => s.map((e) => e.rel)));
    expect(planShards([], 4)).toEqual([[]]);
  });
});

describe('jobs without Redis', () => {
  let raw = '';
  let single = '';
  let entries: RawEntry[] = [];
  beforeAll(async () => {
    raw = await smallRaw(400 << 10, 5);
    single = await singleRun(raw);
    entries = await walkRaw(raw);
  }, 120_000);

  const distributed = (n: number, store: Store, buckets = 3, rows = true) => inProcess(raw, entries, n, store, buckets, rows);

  it('writes the single-machine bytes with 1, 4 and 13 shards and 1, 2, 3 and 5 dedupe buckets, with and without the stage rows', async () => {
    for (const [n, b, rows] of [[1, 1, true], [4, 2, true], [13, 3, true], [4, 5, false], [13, 2, false]] as const) {
      const { out } = await distributed(n, new Store(await tempDir('jw-store-')), b, rows);
      expect(await differing(single, out, rows), `${n} shards, ${b} buckets, rows ${rows}`).toEqual([]);
      const rowFiles = (await readdir(path.join(out, 'stages'))).filter((f) => isStageRows(path.join('stages', f)));
      expect(rowFiles.length > 0, `stage rows written: ${rowFiles.join(', ')}`).toBe(rows);
    }
    // The comparison sees every published file, and the bad files are ledger rows.
    const ledger = await readLines<{ path: string; status: string; reason: string | null }>(path.join(single, 'report/ledger.jsonl'));
    expect(ledger.find((r) => r.path === 'bad/broken.docx')).toMatchObject({ status: 'rejected', reason: 'corrupt_docx' });
    expect(ledger.find((r) => r.path === 'bad/empty.txt')).toMatchObject({ status: 'rejected', reason: 'empty' });
  }, 180_000);

  it('is idempotent: a job run again (at-least-once) finds its output and rewrites nothing', async () => {
    const store = new Store(await tempDir('jw-store-'));
    const { shards } = await distributed(3, store);
    const dir = store.dir('shard', shards[1]!.key);
    const before = await readFile(path.join(dir, 'batches.bin'));
    const again = await runJob(shards[1]!, store);
    expect(again).toMatchObject({ index: 1, cached: true });
    expect((await readFile(path.join(dir, 'batches.bin'))).equals(before)).toBe(true);
    // Only complete outputs and no temporary folders.
    expect((await readdir(path.join(store.root, 'shard'))).filter((f) => f.startsWith('.'))).toEqual([]);
  }, 120_000);

  it('refuses a job made by other code (code_mismatch)', async () => {
    const store = new Store(await tempDir('jw-store-'));
    const s: ShardJob = { kind: 'shard', code: 'f'.repeat(64), raw, index: 0, key: 'k', buckets: 1, budget: BUDGET_DEFAULTS, rows: false, entries: [] };
    await expect(runShard(s, store)).rejects.toMatchObject({ code: 'code_mismatch' });
  });

  it('a second publisher of the same output leaves the first one in place', async () => {
    const store = new Store(await tempDir('jw-store-'));
    expect(await store.publish('plan', 'abc', { 'x.bin': Buffer.from('one') })).toBe(true);
    expect(await store.publish('plan', 'abc', { 'x.bin': Buffer.from('one') })).toBe(false);
    expect((await store.bytes('plan', 'abc', 'x.bin')).toString()).toBe('one');
  });

  it('an output written while its job runs (OutputWriter) appears whole at its commit, nothing before, nothing after an abort', async () => {
    const store = new Store(await tempDir('jw-store-'));
    const w = await store.writer('apply', 'k1');
    // More than one write-back's worth (4 MB), in pieces, to two files; offsets are where each piece starts.
    const piece = (n: number, b: number) => Buffer.alloc(n, b);
    const offsets = [w.append('data.bin', piece(3 << 20, 1)), w.append('data.bin', piece(3 << 20, 2)), w.append('data.bin', piece(10, 3))];
    expect(offsets).toEqual([0, 3 << 20, 6 << 20]);
    expect(w.append('index.bin', Buffer.from('idx'))).toBe(0);
    expect(w.append('empty.bin', Buffer.alloc(0))).toBe(0);
    expect(await store.has('apply', 'k1')).toBe(false);
    expect(await w.commit()).toBe(true);
    await w.abort(); // after a commit: nothing left to remove, the output stays
    const data = await store.bytes('apply', 'k1', 'data.bin');
    expect(data.length).toBe((6 << 20) + 10);
    expect([data[0], data[(3 << 20) - 1], data[3 << 20], data[(6 << 20) - 1], data[6 << 20]]).toEqual([1, 1, 2, 2, 3]);
    expect((await store.bytes('apply', 'k1', 'index.bin')).toString()).toBe('idx');
    expect((await store.bytes('apply', 'k1', 'empty.bin')).length).toBe(0);
    // A second writer of the same output gives way; an aborted one leaves no trace.
    const again = await store.writer('apply', 'k1');
    again.append('data.bin', Buffer.from('other'));
    expect(await again.commit()).toBe(false);
    await again.abort();
    expect((await store.bytes('apply', 'k1', 'data.bin')).length).toBe((6 << 20) + 10);
    const dropped = await store.writer('apply', 'k2');
    dropped.append('data.bin', piece(5 << 20, 4));
    await dropped.abort();
    expect(await store.has('apply', 'k2')).toBe(false);
    expect(await readdir(path.join(store.root, 'apply'))).toEqual(['k1']);
  });

  it('removes one run\'s outputs and the folders left empty, never another run\'s', async () => {
    const root = await tempDir('jw-store-');
    const store = new Store(path.join(root, 'store'));
    await store.publish('shard', 'mine', { 'x.bin': Buffer.from('1') });
    await store.publish('merge', 'mine2', { 'x.bin': Buffer.from('2') });
    await store.publish('shard', 'theirs', { 'x.bin': Buffer.from('3') });
    await store.remove([['shard', 'mine'], ['merge', 'mine2']]);
    expect(await readdir(store.root)).toEqual(['shard']);
    expect(await readdir(path.join(store.root, 'shard'))).toEqual(['theirs']);
    await store.remove([['shard', 'theirs']]);
    expect(await readdir(root)).toEqual([]);
  });
});

describe('defaultShards', () => {
  it('one per 16 MB, at least 8, a multiple of 8 (2, 4 or 8 workers get as many each), never more than the entries', async () => {
    const { defaultShards } = await import('../../pipeline/distributed/coordinate.js');
    const MB = 1 << 20;
    expect(defaultShards(50 * MB, 2621)).toBe(8);
    expect(defaultShards(210 * MB, 10_383)).toBe(16); // 14 by size (the 200 MB benchmark corpus): 16
    expect(defaultShards(1024 * MB, 100_000)).toBe(64);
    expect(defaultShards(1030 * MB, 100_000)).toBe(72);
    expect(defaultShards(50 * MB, 3)).toBe(3);
    expect(defaultShards(0, 0)).toBe(1);
  });
});
