/**
 * The runner's placement of work on threads: every batch goes to the pool (whose threads have the per-file budget),
 * chains from the raw files whole, with a progress buffer for the watchdog; the main thread runs none. The pool here is a stand-in that runs each task in this thread and records it,
 * so the test sees exactly what the runner hands over (tests/robustness/determinism.test.ts runs real pools with 1, 2
 * and 3 workers and checks the outputs are byte-identical).
 */
import { describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Piscina } from 'piscina';
import { runStages } from '../../pipeline/lib/runner.js';
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
