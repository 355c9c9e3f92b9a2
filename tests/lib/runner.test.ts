/**
 * The runner's placement of work on threads: every batch goes to the pool (whose threads have the per-file budget),
 * chains from the raw files whole, with a progress buffer for the watchdog; the main thread runs none. The pool here is a stand-in that runs each task in this thread and records it,
 * so the test sees exactly what the runner hands over (tests/robustness/determinism.test.ts runs real pools with 1, 2
 * and 3 workers and checks the outputs are byte-identical).
 */
import { describe, expect, it } from 'vitest';
import { cp, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Piscina } from 'piscina';
import { runStages, CACHE_CHECKS, idsOfRows, BusyClock, extractBatchFiles } from '../../pipeline/lib/runner.js';
import task, { type ChainTask, type GatherTask, type DuplicatesTask, type WarmTask } from '../../pipeline/lib/worker.js';
import { makeProgress } from '../../pipeline/lib/progress.js';
import { charsOf } from '../../pipeline/lib/stage.js';
import { ROOT, tempDir } from '../helpers.js';

type AnyTask = ChainTask | GatherTask | DuplicatesTask | WarmTask;

/** A pool that runs every task here, in order, and keeps what it was given. */
function recordingPool(): { pool: Piscina; tasks: AnyTask[] } {
  const tasks: AnyTask[] = [];
  const pool = {
    async run(t: AnyTask) {
      tasks.push(t);
      return task(t);
    },
    async destroy() {},
  };
  return { pool: pool as unknown as Piscina, tasks };
}

/** Six made-up essays, each with a title and a few paragraphs, one in Traditional script. */
async function rawFolder(): Promise<string> {
  const raw = await tempDir('jw-runner-');
  const para = (n: number) => `第${n}段。我们要坚持以人民为中心的发展思想，把学习成果转化为推动工作的实际成效，切实增强责任感和使命感。`;
  await writeFile(path.join(raw, 'a.txt'), ['关于加强理论学习的几点体会', '', ...[1, 2, 3, 4].map(para)].join('\n'));
  await writeFile(path.join(raw, 'b.txt'), ['關於推進基層治理的思考', '', '我們要堅持問題導向，紮實推進各項工作落地見效，不斷提高服務群眾的能力和水平。', '', '各級幹部要帶頭學習，帶頭實踐，做到學思用貫通、知信行統一。'].join('\n'));
  for (const n of [3, 4, 5, 6]) await writeFile(path.join(raw, `c${n}.txt`), [`第${n}次专题学习会发言`, '', ...[n, n + 1, n + 2].map(para)].join('\n'));
  return raw;
}

async function runWith(workers: number): Promise<{ tasks: AnyTask[]; out: string }> {
  const raw = await rawFolder();
  const out = await tempDir('jw-runner-out-');
  const { pool, tasks } = recordingPool();
  await runStages({ raw, out, root: ROOT, progress: makeProgress(process.stderr, true), workers, pool });
  return { tasks, out };
}

const chains = (tasks: AnyTask[]) => tasks.filter((t): t is ChainTask => t.kind === 'chain');

describe('runner: work on threads', () => {
  it.each([1, 2])('with %i worker(s), every chain goes to the pool, the raw files\' whole with a progress buffer', async (workers) => {
    const { tasks, out } = await runWith(workers);
    const pass1 = chains(tasks).filter((t) => t.steps.some((s) => s.op === 'prepare'));
    expect(pass1.length).toBeGreaterThan(0);
    for (const t of pass1) {
      expect(t.files!.length).toBeGreaterThan(0);
      expect(t.progress).toBeInstanceOf(SharedArrayBuffer);
      expect(t.steps.map((s) => s.stage)).toEqual(['segment', 'normalize', 'clean', 'dedupe']);
    }
    // The first batches grow (1, 2, 4… files).
    expect(pass1.slice(0, 3).map((t) => t.files!.map((f) => f.rel))).toEqual([['a.txt'], ['b.txt', 'c3.txt'], ['c4.txt', 'c5.txt', 'c6.txt']]);
    // Pass 2 too: the documents came out of the pool's chains only.
    const exported = chains(tasks).filter((t) => t.steps.some((s) => s.op === 'export'));
    expect(exported.length).toBeGreaterThan(0);
    expect((await readFile(path.join(out, 'documents.jsonl'), 'utf8')).length).toBeGreaterThan(0);
  });

  it('with 3 workers, whole chains from the raw files go to the pool', async () => {
    const { tasks } = await runWith(3);
    const fromFiles = chains(tasks).filter((t) => t.files);
    expect(fromFiles.length).toBeGreaterThan(0);
    expect(fromFiles[0]!.steps.map((s) => s.stage)).toEqual(['segment', 'normalize', 'clean', 'dedupe']);
    // Before its first batch, each pool thread loads ahead everything a whole chain runs, extraction included.
    expect(tasks.slice(0, 3)).toEqual([0, 1, 2].map(() => ({ kind: 'warm', stages: ['extract', 'segment', 'normalize', 'clean', 'dedupe'] })));
  });

  it('the pool loads ahead what it will run: before pass 1\'s first batch, and while the main thread plans', async () => {
    const { tasks } = await runWith(2);
    // Everything pass 1 runs, extraction included, before any chain; then dedupe's and pass 2's stages once pass 1 is over.
    expect(tasks[0]).toEqual({ kind: 'warm', stages: ['extract', 'segment', 'normalize', 'clean', 'dedupe'] });
    const lastPrepare = tasks.map((t) => t.kind === 'chain' && t.steps.some((s) => s.op === 'prepare')).lastIndexOf(true);
    expect(tasks[lastPrepare + 1]).toEqual({ kind: 'warm', stages: ['dedupe', 'validate'] });
    // A warm-up answers nothing, and a stage that does not exist is an error (the first batch would report it too).
    expect(await task({ kind: 'warm', stages: ['extract', 'segment', 'normalize', 'clean', 'dedupe', 'validate'] })).toBeNull();
    expect(await task({ kind: 'warm', stages: ['nonesuch'] })).toMatchObject({ error: { code: 'config' } });
  });
});

describe('runner: the busy clock behind the trace\'s idle figures', () => {
  it('counts, per pool, the time since a pass started when it had no task in hand', () => {
    const c = new BusyClock();
    c.start(0, 100);
    c.stop(0, 400);
    c.start(1, 50);
    c.stop(1, 150);
    c.start(0, 600);
    // Pass from 0 to 1000 ms: pool 0 busy 100-400 and 600-1000 (still running), pool 1 busy 50-150.
    expect(c.idle(0, 1000).map((x) => Number(x.toFixed(3)))).toEqual([0.3, 0.9]);
    // A pass that started at 120 ms counts only what came after.
    expect(c.idle(120, 1000).map((x) => Number(x.toFixed(3)))).toEqual([0.2, 0.85]);
  });
});

describe('runner: with 2 workers, pass 1 split between two threads', () => {
  it('the first batches of raw files grow 1, 2, 4… files, or 2, 4, 8… when split', () => {
    expect([0, 1, 2, 3, 4, 5].map((b) => extractBatchFiles(b))).toEqual([1, 2, 4, 8, 16, 16]);
    expect([0, 1, 2, 3, 4].map((b) => extractBatchFiles(b, true))).toEqual([2, 4, 8, 16, 16]);
  });

  /** Twenty made-up essays: enough batches for the cut to move (SPLIT_AFTER). */
  async function manyFiles(): Promise<string> {
    const raw = await tempDir('jw-split-');
    const para = (n: number, k: number) => `第${n}篇第${k}段。我们要坚持问题导向，扎实推进各项工作落地见效，不断提高服务群众的能力和水平。`;
    for (let n = 0; n < 20; n++) await writeFile(path.join(raw, `f${String(n).padStart(2, '0')}.txt`), [`第${n}次专题学习会发言`, '', ...[1, 2, 3].map((k) => para(n, k))].join('\n'));
    await writeFile(path.join(raw, 'g.txt'), ['關於推進基層治理的思考', '', '我們要堅持問題導向，紮實推進各項工作落地見效，不斷提高服務群眾的能力和水平。'].join('\n'));
    return raw;
  }
  /** A stand-in pool whose tasks start a little late, so that the first thread falls behind and the cut moves. */
  function slowPool(): { pool: Piscina; tasks: AnyTask[] } {
    const { pool, tasks } = recordingPool();
    const run = (pool as unknown as { run: (t: AnyTask) => Promise<unknown> }).run;
    return { pool: { ...pool, run: async (t: AnyTask) => { await new Promise((r) => setTimeout(r, 5)); return run(t); } } as unknown as Piscina, tasks };
  }

  it('extraction and the stages up to the cut go to the first thread, the rest file by file to the second; the outputs are the whole chain\'s', async () => {
    const raw = await manyFiles();
    const a = slowPool();
    const b = recordingPool();
    const out = await tempDir('jw-split-out-');
    await runStages({ raw, out, root: ROOT, progress: makeProgress(process.stderr, true), workers: 2, pools: [a.pool, b.pool] });
    // Each thread loads ahead only its part of the chain (normalize, between the two cuts, on both).
    expect(a.tasks[0]).toEqual({ kind: 'warm', stages: ['extract', 'segment', 'normalize'] });
    expect(b.tasks[0]).toEqual({ kind: 'warm', stages: ['normalize', 'clean', 'dedupe'] });
    // The first batch takes two files (a batch of one would send its units in chunks and run whole in the first
    // thread, which would then load the second half's stages): every batch is split, from the first.
    expect(chains(a.tasks).filter((t) => t.files && t.steps.length === 4)).toEqual([]);
    const heads = chains(a.tasks).filter((t) => t.files && t.steps.length < 4);
    expect(heads.slice(0, 3).map((t) => t.files!.map((f) => f.rel))).toEqual([['f00.txt', 'f01.txt'], ['f02.txt', 'f03.txt', 'f04.txt', 'f05.txt'], ['f06.txt', 'f07.txt', 'f08.txt', 'f09.txt', 'f10.txt', 'f11.txt', 'f12.txt', 'f13.txt']]);
    const tails = chains(b.tasks).filter((t) => t.perFile);
    expect(chains(b.tasks).filter((t) => t.files)).toEqual([]);
    expect(tails.length).toBe(heads.length);
    // Both cuts were taken: after normalize while the threads kept up, after segment once the first fell behind.
    const cuts = new Set(heads.map((t) => t.steps.map((s) => s.stage).join(',')));
    expect([...cuts].sort()).toEqual(['segment', 'segment,normalize']);
    for (const [k, t] of tails.entries()) {
      expect(t.progress).toBeInstanceOf(SharedArrayBuffer);
      expect(t.perFile!.map((f) => f.path)).toEqual(heads[k]!.files!.map((f) => f.rel));
      expect(t.steps.map((s) => s.stage)).toEqual([...(heads[k]!.steps.length === 1 ? ['normalize'] : []), 'clean', 'dedupe']);
    }
    // Every output, the per-file index included, is what one thread running whole chains writes.
    const whole = await tempDir('jw-split-whole-');
    await runStages({ raw, out: whole, root: ROOT, progress: makeProgress(process.stderr, true), workers: 1 });
    const [x, y] = [await outputs(out), await outputs(whole)];
    expect(Object.keys(x)).toContain('stages/files.index.jsonl');
    expect(x).toEqual(y);
  });

  it('a file past its time budget in the second half is rejected as timeout, and the batch\'s other files are kept', async () => {
    const raw = await manyFiles();
    const a = recordingPool();
    const b = recordingPool();
    const run = (b.pool as unknown as { run: (t: AnyTask) => Promise<unknown> }).run;
    // The second thread never ends its work on f05.txt (it says so in the progress buffer) until the watchdog aborts it.
    const hanging = {
      ...b.pool,
      async run(t: AnyTask, opts?: { signal?: AbortSignal }) {
        const i = t.kind === 'chain' && t.perFile ? t.perFile.findIndex((f) => f.path === 'f05.txt') : -1;
        if (i >= 0) {
          const p = new Float64Array((t as ChainTask).progress!);
          p[1] = Date.now();
          p[0] = i;
          await new Promise((_, reject) => opts!.signal!.addEventListener('abort', () => reject(new Error('aborted'))));
        }
        return run(t);
      },
    } as unknown as Piscina;
    const out = await tempDir('jw-split-budget-');
    await runStages({ raw, out, root: ROOT, progress: makeProgress(process.stderr, true), workers: 2, pools: [a.pool, hanging], budget: { seconds: 0.3, heapMb: 512 } });
    const ledger = (await readFile(path.join(out, 'report/ledger.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { path: string; status: string; reason: string | null });
    expect(ledger.length).toBe(21);
    expect(ledger.find((r) => r.path === 'f05.txt')).toMatchObject({ status: 'rejected', reason: 'timeout' });
    expect(ledger.filter((r) => r.status === 'ok').length).toBe(20);
    const docs = (await readFile(path.join(out, 'documents.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { source_file: string });
    expect(docs.some((d) => d.source_file === 'f05.txt')).toBe(false);
    expect(docs.length).toBeGreaterThan(0);
  });
});

/** Output files of a run that must not depend on how it was cut into batches (metas and timings aside). */
async function outputs(out: string): Promise<Record<string, string>> {
  const { readdir } = await import('node:fs/promises');
  const files: Record<string, string> = {};
  for (const rel of (await readdir(out, { recursive: true, withFileTypes: true })).filter((d) => d.isFile()).map((d) => path.relative(out, path.join(d.parentPath, d.name))).sort()) {
    if (/meta\.json$|timings\.json$|run\.json$/.test(rel)) continue;
    files[rel] = (await readFile(path.join(out, rel))).toString('base64');
  }
  return files;
}

describe('runner: a raw file\'s units in chunks', () => {
  /** A web archive, a CSV of 58 speeches, a Parquet file and two text files (tests/robustness/chunks.test.ts too). */
  async function mixedRaw(): Promise<string> {
    const { copyFile } = await import('node:fs/promises');
    const raw = await tempDir('jw-chunks-');
    await copyFile(path.join(ROOT, 'tests/fixtures/warc/site.warc.gz'), path.join(raw, 'b-site.warc.gz'));
    await copyFile(path.join(ROOT, 'tests/fixtures/records/speeches.csv'), path.join(raw, 'c-speeches.csv'));
    await copyFile(path.join(ROOT, 'tests/fixtures/records/items.parquet'), path.join(raw, 'd-items.parquet'));
    await copyFile(path.join(ROOT, 'raw/003_db51f0831cc1980b.txt'), path.join(raw, 'a.txt'));
    await copyFile(path.join(ROOT, 'raw/004_91d04d10e2169a48.txt'), path.join(raw, 'e.txt'));
    return raw;
  }

  it('with a small chunk, a file\'s units span several chunks and every output equals the run without chunks', async () => {
    const raw = await mixedRaw();
    // Chunks counted as the worker posts them (the stand-in pool runs the task on this thread).
    const posted = new Map<string, number>();
    const { pool, tasks } = recordingPool();
    const counting = {
      ...pool,
      async run(t: AnyTask) {
        if (t.kind === 'chain' && t.chunks) {
          const port = t.chunks;
          const rel = t.files![0]!.rel;
          const post = port.postMessage.bind(port);
          port.postMessage = ((m: unknown, tr?: readonly ArrayBuffer[]) => { posted.set(rel, (posted.get(rel) ?? 0) + 1); post(m, tr as ArrayBuffer[]); }) as typeof port.postMessage;
        }
        return (pool as unknown as { run: (t: AnyTask) => Promise<unknown> }).run(t);
      },
    } as unknown as Piscina;
    const chunked = await tempDir('jw-chunks-out-');
    await runStages({ raw, out: chunked, root: ROOT, progress: makeProgress(process.stderr, true), workers: 2, pool: counting, chunk: { chunkUnits: 2 } });
    // A chunk is sent once it holds 2 units: 58 speeches → 29 (the last, empty, comes with the file's ledger row);
    // the archive's 5 pages → 2; the Parquet file's 3 records → 1. Text files have one unit: never sent early.
    expect(Object.fromEntries(posted)).toEqual({ 'b-site.warc.gz': 2, 'c-speeches.csv': 29, 'd-items.parquet': 1 });
    expect(chains(tasks).filter((t) => t.chunks).length).toBe(5);
    const whole = await tempDir('jw-chunks-whole-');
    await runStages({ raw, out: whole, root: ROOT, progress: makeProgress(process.stderr, true), workers: 1 });
    const [a, b] = [await outputs(chunked), await outputs(whole)];
    expect(Object.keys(a)).toEqual(Object.keys(b));
    expect(Object.keys(a)).toContain('documents.parquet');
    for (const f of Object.keys(b)) expect(a[f], f).toBe(b[f]);
    // The ledger counts every unit of a chunked file.
    const files = (await readFile(path.join(chunked, 'stages/extract.files.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { path: string; units: number });
    expect(files.find((f) => f.path === 'c-speeches.csv')!.units).toBe(58);
  });
});

describe('runner: checking cached stage files', () => {
  /** Runs into `out` and says what the cache checks did, and the notes of the stale files. */
  async function rerun(raw: string, out: string): Promise<{ hashed: number; stamped: number; notes: string[] }> {
    const { pool } = recordingPool();
    const notes: string[] = [];
    CACHE_CHECKS.hashed = 0;
    CACHE_CHECKS.stamped = 0;
    await runStages({ raw, out, root: ROOT, progress: { ...makeProgress(process.stderr, true), note: (m) => { notes.push(m); } }, workers: 2, pool });
    return { ...CACHE_CHECKS, notes };
  }
  const outputs = (out: string) => Promise.all(['documents.jsonl', 'report/stats.json', 'report/ledger.jsonl', 'stages/normalize.jsonl'].map((f) => readFile(path.join(out, f))));

  it('a re-run with nothing changed reads no stage file back (their stamps vouch); an edit that keeps the size and sets the mtime back is still found', async () => {
    const raw = await rawFolder();
    const out = await tempDir('jw-stamp-');
    await rerun(raw, out);
    const before = await outputs(out);
    // Every stage file with a sha256: extract's two and the index, three each for segment … validate.
    const idle = await rerun(raw, out);
    expect(idle.hashed).toBe(0);
    expect(idle.stamped).toBeGreaterThanOrEqual(17);

    // One byte changed, same size, the modification time set back to what it was: only the status-change time
    // (which no program can set) tells.
    // (The mtime is first set to a round value, so that setting it back is exact; that run hashes the file once.)
    const file = path.join(out, 'stages/normalize.jsonl');
    const t = new Date('2024-01-01T00:00:00Z');
    await utimes(file, t, t);
    expect((await rerun(raw, out)).hashed).toBe(1);
    const mtime = (await stat(file, { bigint: true })).mtimeNs;
    const b = await readFile(file);
    const i = b.indexOf('"text":"') + 8;
    b[i] = b[i] === 0x41 ? 0x42 : 0x41;
    await writeFile(file, b);
    await utimes(file, t, t);
    expect((await stat(file, { bigint: true })).mtimeNs).toBe(mtime);
    const edited = await rerun(raw, out);
    expect(edited.notes.join('\n')).toMatch(/normalize: cached output no longer as written \(stages\/normalize\.jsonl: content changed \(sha256\)\)/);
    (await outputs(out)).forEach((x, k) => expect(x.equals(before[k]!)).toBe(true));

    // Truncated: its size tells at once.
    await writeFile(file, b.subarray(0, b.length >> 1));
    expect((await rerun(raw, out)).notes.join('\n')).toMatch(/stages\/normalize\.jsonl: \d+ bytes, \d+ written/);
    (await outputs(out)).forEach((x, k) => expect(x.equals(before[k]!)).toBe(true));
  });

  it('an OUT copied elsewhere is read and hashed once, then stamped anew', async () => {
    const raw = await rawFolder();
    const out = await tempDir('jw-stamp-a-');
    await rerun(raw, out);
    const copy = await tempDir('jw-stamp-b-');
    await cp(out, copy, { recursive: true });
    const first = await rerun(raw, copy);
    expect(first.stamped).toBe(0);
    expect(first.hashed).toBeGreaterThanOrEqual(17);
    expect(first.notes).toEqual([]);
    const second = await rerun(raw, copy);
    expect(second.hashed).toBe(0);
  });
});

describe('idsOfRows (the ids of reused rows, checked for uniqueness like the rows a stage writes)', () => {
  it('reads the id at the start of a line, else parses the line', () => {
    const rows = ['{"id":"jw_0123456789abcdef0123","text":"甲"}', '{"title":"乙","id":"jw_ffff"}', '{"id":"jw_\\u0041b","text":"丙"}', '{"unit_id":"u_1"}'];
    expect(idsOfRows(new TextEncoder().encode(rows.join('\n') + '\n'))).toEqual(['jw_0123456789abcdef0123', 'jw_ffff', 'jw_Ab', 'u_1']);
    expect(idsOfRows(new Uint8Array(0))).toEqual([]);
  });
});
