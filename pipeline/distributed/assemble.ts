/**
 * The final concatenation of a distributed run: the shards' and apply jobs' batches, in shard order and batch
 * order, written through the runner's own writers (StageOutput, ExtractOutput, ExportOutput), exactly as a
 * single-machine run writes the batches of its passes: `OUT/stages/*`, then the published files and the report
 * (pipeline/stages/export.ts). Shards are consecutive runs of the sorted raw entries (jobs.ts planShards), so shard
 * order is the single-machine input order and every file comes out byte for byte the same.
 *
 * Stage metas are written with a key of the distributed run (`distributed:…`), which a later `make dataset`
 * never takes for its own: it re-runs every stage instead of trusting outputs it did not make.
 */
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ExtractOutput, StageOutput, type StageMeta } from '../lib/runner.js';
import { settleAll, stableJson, writeAtomic } from '../lib/io.js';
import { ExportOutput, type RemovedSums } from '../stages/export.js';
import { STAGES } from '../stages/index.js';
import { Store, type Kind } from './store.js';
import { layout, unpackExport, unpackStep, unref, type ApplyBatch, type PlanOutput, type ShardBatch } from './jobs.js';

export interface AssembleInput {
  out: string;
  store: Store;
  /** Shard keys, in shard order; the plan's key; the apply jobs' keys, in shard order. */
  shards: string[];
  plan: string;
  applies: string[];
  /** The run's key (for the metas). */
  run: string;
  /** Whether the jobs kept every stage's rows (coordinate.ts --stage-rows): OUT/stages/<stage>.jsonl written or not. */
  rows?: boolean;
  workers: number;
  /**
   * Waits until the output `kind/key` is in the store (the coordinator: so that each output is written into OUT as
   * soon as it lands, in shard order, while the later jobs run). Absent: every output is there already.
   */
  ready?: (kind: Kind, key: string) => Promise<void>;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** What the first half of the assembly leaves for the second: the metas so far and the removed sums. */
export interface Assembled { metas: StageMeta[]; removedSums: RemovedSums }

function metaFinisher(a: Pick<AssembleInput, 'run' | 'workers'>, dir: string, done: Assembled) {
  // `workers` read when the metas are written (the coordinator's count grows as workers take jobs).
  const common = () => ({ key: `distributed:${a.run}`, code_key: `distributed:${a.run}`, workers: a.workers });
  const finish = async (outputs: [string, StageOutput][], extra: (name: string, o: StageOutput) => Partial<StageMeta>) => {
    await settleAll(outputs.map(([, o]) => o.commit()));
    for (const [name, o] of outputs) {
      const m = o.log.meta({ ...common(), output_sha256: o.sha256(), seconds: round3(o.ms / 1000), ...extra(name, o) });
      await writeAtomic(path.join(dir, `${name}.meta.json`), stableJson(m));
      done.metas.push(m);
      // Extraction's too: its removals (a PDF's page edges) are counted in the ledger as the runner counts them.
      for (const [f, n] of o.removedByFile) done.removedSums.byFile.set(f, (done.removedSums.byFile.get(f) ?? 0) + n);
      done.removedSums.stages.add(name);
      o.release();
    }
  };
  return { common, finish };
}

/**
 * The first half: extraction and the stages before the whole-corpus one, from the shards' batches. Needs only the
 * shard jobs' outputs, so the coordinator runs it while the apply jobs run.
 */
export async function assembleShards(a: Pick<AssembleInput, 'out' | 'store' | 'shards' | 'run' | 'workers' | 'ready' | 'rows'>): Promise<Assembled> {
  const dir = path.join(a.out, 'stages');
  const { before } = layout();
  const rows = a.rows !== false;
  // No stale voucher while the files are rewritten (as the runner's passes do); without stage rows, no stage file of
  // an earlier run is left to pass for this run's (the per-file index of a single-machine run included).
  for (const n of ['extract', ...STAGES.map((s) => s.name), 'export']) {
    await rm(path.join(dir, `${n}.meta.json`), { force: true });
    if (!rows) await rm(path.join(dir, `${n}.jsonl`), { force: true });
  }
  if (!rows) await rm(path.join(dir, 'files.index.jsonl'), { force: true });
  const done: Assembled = { metas: [], removedSums: { byFile: new Map(), stages: new Set() } };
  const { finish } = metaFinisher(a, dir, done);
  const ex = new ExtractOutput(dir, rows);
  // The last stage's rows are the shards' input.jsonl, kept in any case; written into OUT with the others only.
  const first = before.map((n) => [n, new StageOutput(dir, n, rows)] as [string, StageOutput]);
  try {
    for (const key of a.shards) {
      await a.ready?.('shard', key);
      const batches = await a.store.value<ShardBatch[]>('shard', key, 'batches.bin');
      const data = await a.store.bytes('shard', key, 'data.bin');
      const input = rows ? await a.store.bytes('shard', key, 'input.jsonl') : Buffer.alloc(0);
      let at = 0;
      for (const b of batches) {
        for (const f of b.files) await ex.file(f.info, unref(data, f.units), f.chars, f.removed);
        ex.ms += b.extractMs;
        for (let k = 0; k < b.steps.length; k++) {
          const s = unpackStep(data, b.steps[k]!);
          // The last stage's output bytes were kept once, in the shard's input.jsonl (jobs.ts ShardBatch).
          const last = k === b.steps.length - 1 ? input.subarray(at, (at += b.lastOutBytes)) : null;
          await first[k]![1].add({ ...s, out: !last ? s.out : rows ? last : new Uint8Array(0) });
        }
      }
    }
  } catch (e) {
    await ex.abort();
    for (const [, o] of first) await o.abort();
    throw e;
  }
  await finish([['extract', ex], ...first], (name, o) => (name === 'extract' ? { input_bytes: (o as ExtractOutput).inputBytes } : { longest_line_units: o.longest }));
  return done;
}

/**
 * The second half: the whole-corpus stage's reports, its apply, the later stages and the export, from the plan's
 * and the apply jobs' outputs. Returns the stage metas (export's last), as runStages does. `first` is the first
 * half (assembleShards), which may still be running: the apply jobs' rows are written meanwhile (other files), and
 * the metas and the export's finish wait for it.
 */
export async function assembleApplied(a: AssembleInput, first: Assembled | Promise<Assembled>): Promise<StageMeta[]> {
  const dir = path.join(a.out, 'stages');
  const { global: g, after } = layout();
  // The last stage's rows are the published rows (export.ts copies them to documents.jsonl): written in any case.
  const names = [g.name, ...after];
  const second = names.map((n, k) => [n, new StageOutput(dir, n, a.rows !== false || k === names.length - 1)] as [string, StageOutput]);
  const exported = new ExportOutput(a.out, true);
  let plan: PlanOutput;
  try {
    for (const key of a.applies) {
      await a.ready?.('apply', key);
      const data = await a.store.bytes('apply', key, 'data.bin');
      for (const b of await a.store.value<ApplyBatch[]>('apply', key, 'batches.bin')) {
        for (let k = 0; k < b.steps.length; k++) await second[k]![1].add(unpackStep(data, b.steps[k]!));
        await exported.addDuplicates(unref(data, b.duplicates));
        await exported.add(unpackExport(data, b.export));
      }
    }
    await a.ready?.('plan', a.plan);
    plan = await a.store.value<PlanOutput>('plan', a.plan, 'plan.bin');
    for (const [k, n] of Object.entries(plan.counts)) second[0]![1].log.tally.count(k, n);
  } catch (e) {
    for (const [, o] of second) await o.abort();
    await exported.abort();
    throw e;
  }
  for (const [name, rows] of Object.entries(plan.reports)) {
    await writeAtomic(path.join(dir, `${g.name}.report.${name}.jsonl`), rows.map((r) => JSON.stringify(r) + '\n').join(''));
  }
  let done: Assembled;
  try {
    done = await first;
  } catch (e) {
    for (const [, o] of second) await o.abort();
    await exported.abort();
    throw e;
  }
  const { common, finish } = metaFinisher(a, dir, done);
  await finish(second, (_n, o) => ({ longest_line_units: o.longest }));
  const t0 = performance.now();
  const stats = await exported.finish(dir, done.metas, async () => undefined, done.removedSums);
  const n = stats['documents'] as number;
  const exportMeta: StageMeta = { stage: 'export', ...common(), output_sha256: '', in: n, out: n, dropped: {}, removed: {}, counters: {}, seconds: round3((performance.now() - t0) / 1000) };
  await writeAtomic(path.join(dir, 'export.meta.json'), stableJson(exportMeta));
  done.metas.push(exportMeta);
  return done.metas;
}

/** Writes OUT from the jobs' outputs (both halves). Returns the stage metas (export's last), as runStages does. */
export async function assemble(a: AssembleInput): Promise<StageMeta[]> {
  return assembleApplied(a, await assembleShards(a));
}

/** report/timings.json of a distributed run (times vary from run to run: kept apart from stats.json, as run.ts does). */
export async function writeTimings(out: string, facts: Record<string, unknown>): Promise<void> {
  await writeFile(path.join(out, 'report', 'timings.json'), stableJson(facts));
}
