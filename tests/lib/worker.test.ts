import { describe, expect, it } from 'vitest';
import { checkKeepsIds, readRaw, runChain, runExtract, runGather, recordsOf } from '../../pipeline/lib/worker.js';
import { PipelineError } from '../../pipeline/lib/errors.js';
import { STAGES } from '../../pipeline/stages/index.js';
import { duplicatesLines, DUPLICATES_FROM } from '../../pipeline/lib/duplicates.js';
import { runGlobalInMemory } from '../../pipeline/lib/stage.js';
import { dedupe, DEDUPE_DEFAULTS } from '../../pipeline/stages/dedupe.js';
import { essays000 } from '../fixtures/dedupe/seeds.js';

import { mkdtempSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../helpers.js';

const bytes = (lines: string[]) => new TextEncoder().encode(lines.join('\n') + '\n');
const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b ?? new Uint8Array(0));

describe('worker: gather', () => {
  it('parses only the lines asked about, numbering records as the non-empty lines', () => {
    const [, a, b] = essays000();
    // The unasked first line is not JSON: reading it would throw. The empty line is not a record.
    const input = bytes(['{not json', JSON.stringify(a), '', JSON.stringify(b)]);
    const asks = [undefined, { id: a!.id, shingles: 1 << 5 }, { id: b!.id, shingles: 1 << 5, paragraphs: [] }];
    const r = runGather({ kind: 'gather', stage: 'dedupe', bytes: input, asks });
    expect(r.at).toEqual([1, 2]);
    expect(r.values).toEqual([dedupe.gather!(a!, asks[1]!, DEDUPE_DEFAULTS), dedupe.gather!(b!, asks[2]!, DEDUPE_DEFAULTS)]);
    expect((r.values[0] as { sets: unknown[] }).sets).toHaveLength(1);
  });
});

describe('worker: report/duplicates.jsonl rows built in the chain', () => {
  it('are the rows built afterwards from dedupe\'s dropped file, byte for byte', async () => {
    const docs = essays000();
    // An exact copy of the first essay in another file, and a near copy of the second (one paragraph gone).
    const copies = [
      { ...docs[0]!, id: 'jw_' + 'f'.repeat(20), source_file: 'copy.txt' },
      { ...docs[1]!, id: 'jw_' + 'e'.repeat(20), source_file: 'near.txt', paragraphs: docs[1]!.paragraphs.slice(0, -1) },
    ];
    const input = [...docs, ...copies];
    const { plan } = await runGlobalInMemory(dedupe, input, DEDUPE_DEFAULTS);
    const res = await runChain({
      kind: 'chain', bytes: bytes(input.map((d) => JSON.stringify(d))),
      steps: [{ stage: 'dedupe', op: 'apply', decisions: plan.decisions }, { stage: 'validate', op: 'map' }, { stage: 'export', op: 'export', duplicatesOf: DUPLICATES_FROM }],
    });
    const dropped = recordsOf(res.steps[0]!.dropped);
    expect(dropped.length).toBeGreaterThanOrEqual(1);
    const later = duplicatesLines(dropped).map((l) => l + '\n').join('');
    expect(text(res.duplicates)).toBe(later);
    expect(text(res.duplicates)).toContain('"dup_of":"' + docs[0]!.id + '"');
    // Without duplicatesOf the chain leaves them to the export's finish.
    const plain = await runChain({
      kind: 'chain', bytes: bytes(input.map((d) => JSON.stringify(d))),
      steps: [{ stage: 'dedupe', op: 'apply', decisions: plan.decisions }, { stage: 'validate', op: 'map' }, { stage: 'export', op: 'export' }],
    });
    expect(plain.duplicates).toBeUndefined();
  });
});

describe('worker: stages that keep their input ids (keepsIds)', () => {
  it('a record that keeps its id, or is dropped, passes; a new id or a split is a bug that stops the run', () => {
    const doc = { id: 'jw_a', title: 't' };
    expect(() => checkKeepsIds('s', 'jw_a', [doc])).not.toThrow();
    expect(() => checkKeepsIds('s', 'jw_a', [])).not.toThrow();
    const err = (f: () => void) => { try { f(); } catch (e) { return e; } return null; };
    const renamed = err(() => checkKeepsIds('s', 'jw_a', [{ ...doc, id: 'jw_b' }]));
    expect(renamed).toBeInstanceOf(PipelineError);
    expect((renamed as PipelineError).code).toBe('duplicate_id');
    expect((renamed as PipelineError).message).toContain('gave record jw_a the id jw_b');
    expect((err(() => checkKeepsIds('s', 'jw_a', [doc, doc])) as PipelineError).message).toContain('into 2 records');
  });

  it('declare it: every stage after segment, whose split gives documents new ids', () => {
    expect(STAGES.filter((s) => s.keepsIds).map((s) => s.name)).toEqual(['normalize', 'clean', 'dedupe', 'validate']);
  });

  it('send no ids to the main thread; the others send every output id', async () => {
    const docs = essays000().slice(0, 3);
    const res = await runChain({ kind: 'chain', bytes: bytes(docs.map((d) => JSON.stringify(d))), steps: [{ stage: 'normalize', op: 'map' }, { stage: 'clean', op: 'map' }, { stage: 'validate', op: 'map' }] });
    expect(res.steps.map((s) => s.ids)).toEqual([[], [], []]);
    expect(res.steps.map((s) => s.tally.out)).toEqual([3, 3, 3]);
    const lines = recordsOf(res.steps[2]!.out) as { id: string }[];
    expect(lines.map((r) => r.id)).toEqual(docs.map((d) => d.id));
    // segment makes documents of a unit: their ids are new, and go to the main thread's set.
    const seed = readdirSync(path.join(ROOT, 'raw')).filter((f) => f.endsWith('.txt')).sort()[0]!;
    const split = await runChain({ kind: 'chain', files: [{ rel: seed, abs: new TextEncoder().encode(path.join(ROOT, 'raw', seed)) }], steps: [{ stage: 'segment', op: 'map' }, { stage: 'normalize', op: 'map' }] });
    expect(split.steps[0]!.tally.out).toBeGreaterThan(1);
    expect(split.steps[0]!.ids).toEqual((recordsOf(split.steps[0]!.out) as { id: string }[]).map((r) => r.id));
    expect(split.steps[1]!.ids).toEqual([]);
  });

  it('rows: false (a distributed run without --stage-rows): no rows serialised, everything else the same', async () => {
    const seed = readdirSync(path.join(ROOT, 'raw')).filter((f) => f.endsWith('.txt')).sort()[0]!;
    const files = [{ rel: seed, abs: new TextEncoder().encode(path.join(ROOT, 'raw', seed)) }];
    const steps = (rows: boolean) => (['segment', 'normalize', 'clean'] as const).map((stage, k) => ({ stage, op: 'map' as const, ...(rows || k === 2 ? {} : { rows: false as const }) }));
    const full = await runChain({ kind: 'chain', files, steps: steps(true) });
    const lean = await runChain({ kind: 'chain', files, steps: steps(false), unitRows: false });
    expect(full.files![0]!.units.length).toBeGreaterThan(0);
    expect(lean.files![0]!.units.length).toBe(0);
    expect(lean.files![0]!.chars).toEqual(full.files![0]!.chars);
    expect(lean.files![0]!.info).toEqual(full.files![0]!.info);
    for (const k of [0, 1, 2]) {
      const [a, b] = [full.steps[k]!, lean.steps[k]!];
      expect(b.out.length === 0, `step ${k}`).toBe(k < 2);
      expect(Buffer.from(b.removed).equals(Buffer.from(a.removed))).toBe(true);
      expect(Buffer.from(b.dropped).equals(Buffer.from(a.dropped))).toBe(true);
      expect([b.tally, b.ids, b.removedByFile]).toEqual([a.tally, a.ids, a.removedByFile]);
    }
    expect(Buffer.from(lean.steps[2]!.out).equals(Buffer.from(full.steps[2]!.out))).toBe(true);
  });
});

describe('worker: open-then-check (the file can change between the walk and the read)', () => {
  const setup = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jw-open-'));
    const outside = path.join(dir, 'outside.txt');
    writeFileSync(outside, '外面的文字，不在原始文件夹里。\n');
    const file = path.join(dir, 'a.txt');
    writeFileSync(file, '正文一段。\n');
    return { dir, file, outside, ino: statSync(file).ino };
  };
  const ref = (file: string, ino?: number) => ({ rel: 'a.txt', abs: new Uint8Array(Buffer.from(file)), ino });

  it('reads an unchanged file', async () => {
    const { file, ino } = setup();
    const r = await runExtract([ref(file, ino)]);
    expect(r.files[0]!.info).toMatchObject({ status: 'ok' });
  });

  it('refuses a file swapped for a symlink, never reading the target', async () => {
    const { file, outside, ino } = setup();
    rmSync(file);
    symlinkSync(outside, file);
    const r = await runExtract([ref(file, ino)]);
    expect(r.files[0]!.info).toMatchObject({ status: 'rejected', reason: 'symlink', sha256: '' });
    expect(r.records).toEqual([]);
  });

  it('refuses a file swapped for a FIFO without waiting for a writer', async () => {
    const { file } = setup();
    rmSync(file);
    execFileSync('mkfifo', [file]);
    const r = await runExtract([ref(file)]);
    expect(r.files[0]!.info).toMatchObject({ status: 'rejected', reason: 'not_regular_file' });
  });

  it('refuses a file grown past the limit by its fstat size, reading nothing', async () => {
    const { file, ino } = setup();
    truncateSync(file, 1 << 30); // 1 GiB, sparse
    const r = readRaw(new Uint8Array(Buffer.from(file)), 1 << 20, ino);
    expect(r).toMatchObject({ reason: 'too_large', bytes: 1 << 30 });
    const x = await runExtract([ref(file, ino)]);
    expect(x.files[0]!.info).toMatchObject({ status: 'rejected', reason: 'too_large', bytes: 1 << 30, sha256: '' });
  });

  it('refuses a device (/dev/zero would never end) before reading', () => {
    expect(readRaw(new Uint8Array(Buffer.from('/dev/zero')), 1 << 20)).toMatchObject({ reason: 'not_regular_file' });
  });

  it('refuses another file than the walk listed (replaced, or a folder on its path swapped for a link)', async () => {
    const { dir, file, ino } = setup();
    const other = path.join(dir, 'b.txt');
    writeFileSync(other, '另一个文件。\n');
    renameSync(other, file);
    const r = await runExtract([ref(file, ino)]);
    expect(r.files[0]!.info).toMatchObject({ status: 'rejected', reason: 'changed_since_walk' });
  });

  it('refuses a file gone since the walk as unreadable', async () => {
    const { file, ino } = setup();
    rmSync(file);
    const r = await runExtract([ref(file, ino)]);
    expect(r.files[0]!.info).toMatchObject({ status: 'rejected', reason: 'unreadable', detail: 'cannot read: ENOENT' });
  });
});

describe('worker: the second half of a split chain (perFile)', () => {
  const steps = [{ stage: 'segment', op: 'map' }, { stage: 'normalize', op: 'map' }, { stage: 'clean', op: 'map' }, { stage: 'dedupe', op: 'prepare' }] as const;
  const files = ['raw/003_db51f0831cc1980b.txt', 'raw/004_91d04d10e2169a48.txt'].map((rel) => ({ rel, abs: new TextEncoder().encode(path.join(ROOT, rel)) }));

  it('runs the records file by file and returns what the whole chain\'s later steps return, per-file slices included', async () => {
    const whole = await runChain({ kind: 'chain', files, steps: [...steps] });
    const head = await runChain({ kind: 'chain', files, steps: [...steps.slice(0, 1)] });
    expect(head.fileMs).toHaveLength(2);
    const perFile = head.slices!.map((s, i) => ({ path: s.path, records: s.steps[0]!.tally.out, spentMs: head.fileMs![i]! }));
    const progress = new SharedArrayBuffer(16);
    const tail = await runChain({ kind: 'chain', bytes: head.steps[0]!.out, steps: [...steps.slice(1)], perFile, progress });
    expect(tail.steps.map((s) => text(s.out))).toEqual(whole.steps.slice(1).map((s) => text(s.out)));
    expect(tail.steps.map((s) => s.tally)).toEqual(whole.steps.slice(1).map((s) => s.tally));
    expect(tail.prepared).toEqual(whole.prepared);
    expect(tail.slices!.map((s) => s.path)).toEqual(files.map((f) => f.rel));
    expect(tail.slices!.map((s) => s.steps)).toEqual(whole.slices!.map((s) => s.steps.slice(1)));
    // The watchdog is left with no file running.
    expect(new Float64Array(progress)[0]).toBe(2);
  });

  it('stops on records that do not add up to the files\' counts (a bug, not bad input)', async () => {
    const head = await runChain({ kind: 'chain', files, steps: [...steps.slice(0, 1)] });
    const perFile = head.slices!.map((s) => ({ path: s.path, records: s.steps[0]!.tally.out + 1, spentMs: 0 }));
    await expect(runChain({ kind: 'chain', bytes: head.steps[0]!.out, steps: [...steps.slice(1)], perFile })).rejects.toThrow(/split chain/);
  });
});
