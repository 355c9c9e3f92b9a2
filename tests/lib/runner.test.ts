/**
 * The runner's placement of work on threads: with 2 workers, the chain from the raw files is split after
 * SPLIT_AFTER (the main thread extracts and segments, the pool runs the rest from segment's output records); with
 * more, whole chains go to the pool. The pool here is a stand-in that runs each task in this thread and records it,
 * so the test sees exactly what the runner hands over (tests/robustness/determinism.test.ts runs real pools with 1, 2
 * and 3 workers and checks the outputs are byte-identical).
 */
import { describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Piscina } from 'piscina';
import { runStages, SPLIT_AFTER } from '../../pipeline/lib/runner.js';
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
  it('with 2 workers, the pool gets pass 1 as segment\'s output records, never the raw files', async () => {
    const { tasks, out } = await runWith(2);
    const pass1 = chains(tasks).filter((t) => t.steps.some((s) => s.op === 'prepare'));
    expect(pass1.length).toBeGreaterThan(0);
    for (const t of pass1) {
      expect(t.files).toBeUndefined();
      expect(t.steps.map((s) => s.stage)).toEqual(['normalize', 'clean', 'dedupe']);
      expect(t.counts).toEqual(t.records!.map(charsOf));
    }
    // The first batches grow (1, 2, 4… files): the pool thread starts after one extracted file.
    const files = (t: ChainTask) => [...new Set(t.records!.map((r) => (r as { source_file: string }).source_file))];
    expect(pass1.slice(0, 3).map(files)).toEqual([['a.txt'], ['b.txt', 'c3.txt'], ['c4.txt', 'c5.txt', 'c6.txt']]);
    // What the pool was given is what segment wrote, batch after batch.
    const given = pass1.flatMap((t) => t.records!.map((r) => JSON.stringify(r) + '\n')).join('');
    expect(given).toBe(await readFile(path.join(out, 'stages', `${SPLIT_AFTER}.jsonl`), 'utf8'));
    expect(given.length).toBeGreaterThan(0);
    expect(chains(tasks).some((t) => t.files)).toBe(false);
  });

  it('with 3 workers, whole chains from the raw files go to the pool', async () => {
    const { tasks } = await runWith(3);
    const fromFiles = chains(tasks).filter((t) => t.files);
    expect(fromFiles.length).toBeGreaterThan(0);
    expect(fromFiles[0]!.steps.map((s) => s.stage)).toEqual(['segment', 'normalize', 'clean', 'dedupe']);
    // Before its first batch, each pool thread loads ahead everything a whole chain runs, extraction included.
    expect(tasks.slice(0, 2)).toEqual([0, 1].map(() => ({ kind: 'warm', stages: ['extract', 'segment', 'normalize', 'clean', 'dedupe'] })));
  });

  it('the pool loads ahead what it will run: before pass 1\'s first batch, and while the main thread plans', async () => {
    const { tasks } = await runWith(2);
    // The stages after the split, before any chain; then dedupe's and pass 2's stages once pass 1 is over.
    expect(tasks[0]).toEqual({ kind: 'warm', stages: ['normalize', 'clean', 'dedupe'] });
    const lastPrepare = tasks.map((t) => t.kind === 'chain' && t.steps.some((s) => s.op === 'prepare')).lastIndexOf(true);
    expect(tasks[lastPrepare + 1]).toEqual({ kind: 'warm', stages: ['dedupe', 'validate'] });
    // A warm-up answers nothing, and a stage that does not exist is an error (the first batch would report it too).
    expect(await task({ kind: 'warm', stages: ['extract', 'segment', 'normalize', 'clean', 'dedupe', 'validate'] })).toBeNull();
    expect(await task({ kind: 'warm', stages: ['nonesuch'] })).toMatchObject({ error: { code: 'config' } });
  });
});
