/**
 * Per-file re-runs (pipeline/lib/fileindex.ts, runner.ts `reuse`): when raw files change and no code does, only the
 * new and changed files are extracted and run through pass 1; every other file's rows are copied from the last run's
 * stage files, and every output (documents.*, the stage files, the report, the index) is byte-identical to a fresh
 * build into another OUT. The pool here runs each task in this thread and keeps it, so the test counts the raw files
 * actually handed to extraction.
 */
import { describe, expect, it } from 'vitest';
import { cp, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Piscina } from 'piscina';
import { runStages, type RunOptions } from '../../pipeline/lib/runner.js';
import task, { type ChainTask, type GatherTask, type DuplicatesTask, type WarmTask } from '../../pipeline/lib/worker.js';
import { makeProgress } from '../../pipeline/lib/progress.js';
import { IndexBuilder, sliceOf, INDEX_FILE } from '../../pipeline/lib/fileindex.js';
import { EXTRACT_DEFAULTS } from '../../pipeline/stages/extract.js';
import { ROOT, tempDir } from '../helpers.js';

type AnyTask = ChainTask | GatherTask | DuplicatesTask | WarmTask;

/**
 * Runs the stages with two pools that run every task here, as a run with 2 workers has (pass 1's chain split between
 * them, runner.ts SPLIT_AFTER); returns how many raw files went to extraction.
 */
async function build(raw: string, out: string, extra: Partial<RunOptions> = {}): Promise<{ extracted: number; notes: string[] }> {
  const tasks: AnyTask[] = [];
  const pool = () => ({ async run(t: AnyTask) { tasks.push(t); return task(t); }, async destroy() {} }) as unknown as Piscina;
  const notes: string[] = [];
  const progress = { ...makeProgress(process.stderr, true), note: (m: string) => { notes.push(m); } };
  await runStages({ raw, out, root: ROOT, progress, workers: 2, pools: [pool(), pool()], ...extra });
  return { extracted: tasks.reduce((n, t) => n + (t.kind === 'chain' ? (t.files?.length ?? 0) : 0), 0), notes };
}

/** Every file under `dir` (relative), but for what varies between runs: the metas' times and timings.json. */
async function files(dir: string): Promise<string[]> {
  const all = (await readdir(dir, { recursive: true })).map(String).sort();
  const out: string[] = [];
  for (const f of all) {
    if (!(await stat(path.join(dir, f))).isFile()) continue;
    if (f.endsWith('.meta.json') || f === 'report/timings.json' || f.startsWith('.')) continue;
    out.push(f);
  }
  return out;
}

/** OUT `a` holds the same outputs as a fresh build of `raw` (byte for byte, every file). */
async function expectSameAsFresh(raw: string, a: string): Promise<void> {
  const b = await tempDir('jw-fi-fresh-');
  await build(raw, b);
  const fa = await files(a);
  expect(fa).toEqual(await files(b));
  expect(fa).toContain(`stages/${INDEX_FILE}`);
  expect(fa).toContain('documents.parquet');
  for (const f of fa) expect((await readFile(path.join(a, f))).equals(await readFile(path.join(b, f))), f).toBe(true);
}

async function rawFolder(): Promise<string> {
  const raw = await tempDir('jw-fi-raw-');
  for (const f of ['000_942d9b07ec54e766.txt', '002_88c59f0990eab488.txt', '003_db51f0831cc1980b.txt', '004_91d04d10e2169a48.txt']) await cp(path.join(ROOT, 'raw', f), path.join(raw, f));
  const para = (n: number) => `第${n}段。我们要坚持以人民为中心的发展思想，把学习成果转化为推动工作的实际成效，切实增强责任感和使命感。`;
  await writeFile(path.join(raw, 'a.txt'), ['关于加强理论学习的几点体会', '', ...[1, 2, 3, 4].map(para)].join('\n'));
  // A record file: one raw file, several units.
  await writeFile(path.join(raw, 'records.csv'), 'title,text\n' + [5, 6, 7].map((n) => `第${n}次学习会发言,"${para(n)}${para(n + 1)}"`).join('\n') + '\n');
  await writeFile(path.join(raw, 'README.md'), '# 说明\n');
  return raw;
}

describe('per-file re-run', () => {
  it('one file changed, added, deleted, renamed: only that file runs, and the outputs are a fresh build\'s', async () => {
    const raw = await rawFolder();
    const out = await tempDir('jw-fi-out-');
    expect((await build(raw, out)).extracted).toBe(6);

    const steps: [string, () => Promise<void>, number][] = [
      ['changed', () => writeFile(path.join(raw, 'a.txt'), '关于加强理论学习的几点体会（修订）\n\n第一段。我们要坚持以人民为中心的发展思想，切实增强责任感和使命感，推动各项工作落地见效。\n'), 1],
      ['added', () => writeFile(path.join(raw, 'b.txt'), '基层治理专题研讨发言\n\n我们要坚持问题导向，扎实推进各项工作落地见效，不断提高服务群众的能力和水平。各级干部要带头学习，带头实践。\n'), 1],
      ['deleted', () => rm(path.join(raw, '002_88c59f0990eab488.txt')), 0],
      ['renamed', () => rename(path.join(raw, '004_91d04d10e2169a48.txt'), path.join(raw, '005_renamed.txt')), 1],
    ];
    for (const [what, change, n] of steps) {
      await change();
      const r = await build(raw, out);
      expect(r.extracted, what).toBe(n);
      const meta = JSON.parse(await readFile(path.join(out, 'stages/extract.meta.json'), 'utf8')) as { files_extracted: number; files_reused: number };
      expect(meta.files_extracted, what).toBe(n);
      // Every other source file's rows were copied (README.md is answered without reading, every run).
      const sources = (await readdir(raw)).filter((f) => f !== 'README.md').length;
      expect(meta.files_reused, what).toBe(sources - n);
      await expectSameAsFresh(raw, out);
    }
  });

  it('a file whose units came in chunks (worker.ts runStreamed) is reused whole: its chunks summed into one entry', async () => {
    const raw = await rawFolder();
    await cp(path.join(ROOT, 'tests/fixtures/warc/site.warc.gz'), path.join(raw, 'site.warc.gz'));
    const out = await tempDir('jw-fi-chunks-');
    // Chunks of 2 units: the archive's 5 pages and the CSV's 3 records each span chunks.
    expect((await build(raw, out, { chunk: { chunkUnits: 2 } })).extracted).toBe(7);
    const index = (await readFile(path.join(out, 'stages', INDEX_FILE), 'utf8')).trim().split('\n').slice(1).map((l) => JSON.parse(l) as { path: string });
    expect(index.filter((e) => e.path === 'site.warc.gz')).toHaveLength(1);
    await writeFile(path.join(raw, 'a.txt'), '关于加强理论学习的几点体会（修订）\n\n第一段。我们要坚持以人民为中心的发展思想，切实增强责任感和使命感，推动各项工作落地见效。\n');
    expect((await build(raw, out, { chunk: { chunkUnits: 2 } })).extracted).toBe(1);
    await expectSameAsFresh(raw, out);
  });

  it('a code or configuration change runs every file; so does a stage file or index that is not as written', async () => {
    const raw = await rawFolder();
    const out = await tempDir('jw-fi-conf-');
    await build(raw, out);
    // Extraction's configuration changes (a record column set by name): every file runs again.
    const extract = { ...EXTRACT_DEFAULTS, records: { ...EXTRACT_DEFAULTS.records, text: 'text' } };
    await writeFile(path.join(raw, 'a.txt'), '学习体会\n\n这是修改后的一段正文，我们要坚持以人民为中心的发展思想，切实增强责任感和使命感。\n');
    expect((await build(raw, out, { extract })).extracted).toBe(6);

    // Back to the defaults with one more change: the index was written under the other configuration. Extraction's
    // key changed, so it runs alone in pass 1 (the later stages may turn out cached) and writes an index of itself
    // only; the next change runs the whole of pass 1 again, and writes the full index.
    for (const n of ['再次', '又一次']) {
      await writeFile(path.join(raw, 'a.txt'), `学习体会\n\n这是${n}修改的一段正文，我们要坚持以人民为中心的发展思想，切实增强责任感和使命感。\n`);
      expect((await build(raw, out)).extracted).toBe(6);
    }
    await writeFile(path.join(raw, 'a.txt'), '学习体会\n\n这是第三次修改的一段正文，我们要坚持以人民为中心的发展思想，切实增强责任感和使命感。\n');
    expect((await build(raw, out)).extracted).toBe(1);

    // A stage file altered by hand (same size): never copied from; every file runs and the outputs are whole.
    const seg = path.join(out, 'stages/segment.jsonl');
    const b = await readFile(seg);
    const i = b.indexOf('"text":"') + 8;
    b[i] = b[i] === 0x41 ? 0x42 : 0x41;
    await writeFile(seg, b);
    await writeFile(path.join(raw, 'a.txt'), '学习体会\n\n这是第四次修改的一段正文，我们要坚持以人民为中心的发展思想，切实增强责任感和使命感。\n');
    const r = await build(raw, out);
    expect(r.extracted).toBe(6);
    expect(r.notes.join('\n')).toMatch(/stages\/segment\.jsonl is no longer as written/);
    await expectSameAsFresh(raw, out);

    // The index itself edited: not used.
    const idx = path.join(out, 'stages', INDEX_FILE);
    await writeFile(idx, (await readFile(idx, 'utf8')).replace(/"units":(\d+)/, (_m, n: string) => `"units":${Number(n) + 1}`));
    await writeFile(path.join(raw, 'a.txt'), '学习体会\n\n这是第五次修改的一段正文，我们要坚持以人民为中心的发展思想，切实增强责任感和使命感。\n');
    expect((await build(raw, out)).extracted).toBe(6);
    await expectSameAsFresh(raw, out);
  });
});

describe('IndexBuilder', () => {
  const step = (out: number, rule: string) => sliceOf({
    ids: [], out: new Uint8Array(out), removed: new Uint8Array(2), dropped: new Uint8Array(0), ms: 1, longest: out,
    tally: { in: 1, out: 1, dropped: {}, removed: { [rule]: { spans: 1, chars: 3 } }, counters: {} },
    removedByFile: { files: ['w.warc'], chars: [3] },
  });
  it('sums the parts of a raw file whose units came in several batches, and adds up to the files written', () => {
    const b = new IndexBuilder(['segment']);
    b.begin();
    b.file('a.txt', 'ka', 10, 50, {});
    b.file('w.warc', 'kw', 100, 0, {});
    b.slices([{ path: 'a.txt', steps: [step(20, 'x')] }, { path: 'w.warc', steps: [step(200, 'x')] }], true);
    // The next batch continues w.warc, then its ledger row comes.
    b.begin();
    b.file('w.warc', 'kw', 30, 60, {});
    b.slices([{ path: 'w.warc', steps: [step(70, 'y')] }], true);
    expect(b.entries.map((e) => [e.path, e.units, e.ledger, e.steps[0]!.bytes[0]])).toEqual([['a.txt', 10, 50, 20], ['w.warc', 130, 60, 270]]);
    const w = b.entries[1]!.steps[0]!;
    expect(w.tally.removed).toEqual({ x: { spans: 1, chars: 3 }, y: { spans: 1, chars: 3 } });
    expect(w.removedByFile).toEqual([['w.warc', 6]]);
    const f = (bytes: number) => ({ bytes, sha256: 'h' });
    const facts = { 'stages/extract.jsonl': f(140), 'stages/extract.files.jsonl': f(110), 'stages/segment.jsonl': f(290), 'stages/segment.removed.jsonl': f(6), 'stages/segment.dropped.jsonl': f(0) };
    expect(b.text({ extract: 'k' }, facts)).not.toBeNull();
    expect(b.text({ extract: 'k' }, { ...facts, 'stages/segment.jsonl': f(291) })).toBeNull();
    // A result that wrote rows without saying whose: no index.
    b.begin();
    b.file('z.txt', 'kz', 1, 1, {});
    b.slices(undefined, true);
    expect(b.text({ extract: 'k' }, facts)).toBeNull();
  });
});
