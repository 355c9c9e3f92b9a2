#!/usr/bin/env -S npx tsx
/**
 * `make bench`: generates (or reuses) a benchmark corpus, runs the whole pipeline on it with 1 and 2 workers
 * and, in the same run, the baselines on the same text — decoding alone and the native OpenCC CLI — then
 * writes `OUT/report.md` (table) and `OUT/report.json` (figures). Ratios are what to read: the machine is shared.
 *
 *   tsx pipeline/bench/run.ts [--size 50MB] [--seed 1] [--workers 1,2] [--repeat 3] [--out out/bench] [--raw raw]
 *                             [--dedupe-docs 100000 | --no-dedupe] [--no-opencc] [--no-ceiling] [--profile] [--warmup]
 *
 * `--warmup` also measures one thread's JIT warm-up (pipeline/bench/warmup.ts): pass 1's chain run three times over
 * the corpus in one process; the first round against the others is what every thread of a run pays once.
 * `--repeat N` measures N rounds, each the native OpenCC baseline then the pipeline with every worker count, one
 * after the other: the headline figures (wall times, peak RSS, the ratio and the speedup) are the medians over the
 * rounds, and every round is in the report. On a shared machine one run can be 20% off either way; a round keeps
 * the pipeline and its baseline minutes apart at most. The per-stage tables come from the first round.
 *
 * Stage names, times and peak RSS come from the runner's `OUT/stages/<stage>.meta.json` (in the order the
 * stages finished), so adding or renaming a stage needs no change here. `--profile` runs every pipeline with
 * `node --cpu-prof` and writes the functions and modules that took the most time to `OUT/profile-w<N>.md`.
 * Peak RSS of a whole run is the kernel's high-water mark (`VmHWM`) of the pipeline process, all threads.
 */
import { parseCommandLine, pathValue, intValue, usage, type Options } from '../lib/cli.js';
import { PipelineError } from '../lib/errors.js';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { availableParallelism, loadavg } from 'node:os';
import * as OpenCC from 'opencc-js';
import { generateCorpus, parseSize, sizeValue, type Manifest } from './generate.js';
import { median } from '../lib/stats.js';
import { distributedMd, distributedRow, type DistributedRow } from './distributed.js';
import { threadSampler, type ThreadCpu } from './threads.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MB = 2 ** 20;
const log = (s: string) => process.stderr.write(s + '\n');
const round = (x: number, d = 2) => Number(x.toFixed(d));

interface FileRow { path: string; encoding: string; script: string; kind: string; bytes: number }

function readFiles(out: string): FileRow[] {
  return readFileSync(path.join(out, 'corpus.files.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => {
    const [p, encoding, script, kind, bytes] = l.split('\t');
    return { path: p!, encoding: encoding!, script: script!, kind: kind!, bytes: Number(bytes) };
  });
}

/** WHATWG label of a generator encoding (a BOM is handled by TextDecoder). */
const label = (enc: string) => (enc === 'utf-8-bom' ? 'utf-8' : enc);

/** The corpus as UTF-8 text, all of it and the Traditional part: what the OpenCC rows convert. Cached by corpus key. */
async function prepareText(out: string, m: Manifest, files: FileRow[]): Promise<{ all: string; trad: string }> {
  const all = path.join(out, 'text.all.txt'), trad = path.join(out, 'text.traditional.txt'), keyFile = path.join(out, 'text.key');
  if (existsSync(all) && existsSync(trad) && existsSync(keyFile) && readFileSync(keyFile, 'utf8') === m.key) return { all, trad };
  const wa = createWriteStream(all), wt = createWriteStream(trad);
  for (const f of files) {
    const text = new TextDecoder(label(f.encoding)).decode(await readFile(path.join(out, 'corpus', f.path)));
    if (!wa.write(text)) await once(wa, 'drain');
    if (f.script === 'Hant' && !wt.write(text)) await once(wt, 'drain');
  }
  await Promise.all([new Promise((r) => wa.end(r)), new Promise((r) => wt.end(r))]);
  writeFileSync(keyFile, m.key);
  return { all, trad };
}

/** Baseline: read and decode every file, nothing else. */
async function decodeBaseline(out: string, files: FileRow[]): Promise<{ seconds: number; chars: number }> {
  const t0 = performance.now();
  let chars = 0;
  for (const f of files) chars += new TextDecoder(label(f.encoding)).decode(await readFile(path.join(out, 'corpus', f.path))).length;
  return { seconds: (performance.now() - t0) / 1000, chars };
}

/** Baseline: opencc-js (the library normalize uses) converting the Traditional text, 1 MB at a time. */
async function openccJs(file: string): Promise<number> {
  const conv = OpenCC.Converter({ from: 'tw', to: 'cn' });
  const t0 = performance.now();
  let rest = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: MB })) {
    const s = rest + (chunk as string);
    const cut = s.lastIndexOf('\n') + 1;
    conv(s.slice(0, cut));
    rest = s.slice(cut);
  }
  conv(rest);
  return (performance.now() - t0) / 1000;
}

function haveOpencc(): boolean {
  return spawnSync('sh', ['-c', 'command -v opencc'], { stdio: 'ignore' }).status === 0;
}

/** Baseline: the native OpenCC CLI (Debian package `opencc`), Traditional → Simplified, output discarded. */
function nativeOpencc(file: string): number {
  const t0 = performance.now();
  const r = spawnSync('opencc', ['-c', 't2s.json', '-i', file, '-o', '/dev/null'], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`opencc failed: ${r.stderr?.toString().trim() || `exit ${r.status}`}`);
  return (performance.now() - t0) / 1000;
}

interface Proc { seconds: number; peak_rss_mb: number | null; cpu_s: number | null; threads: ThreadCpu | null; loadavg: number[]; code: number | null; stdout: string; stderr: string }

/** Runs a node process; wall time and the high-water mark of its resident memory (polled from /proc). */
async function runNode(args: string[], workers = 0): Promise<Proc> {
  const t0 = performance.now();
  const load0 = loadavg()[0]!;
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '', hwm: number | null = null, cpu: number | null = null;
  const threads = threadSampler(child.pid!);
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const poll = () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) hwm = Math.max(hwm ?? 0, Number(m[1]));
      // utime + stime (fields 14 and 15 of /proc/<pid>/stat, in clock ticks of 1/100 s): CPU time of all threads.
      const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
      cpu = (Number(f[11]) + Number(f[12])) / 100;
      threads.read();
    } catch { /* not on Linux, or the process has exited */ }
  };
  const timer = setInterval(poll, 100);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearInterval(timer);
  return { seconds: (performance.now() - t0) / 1000, peak_rss_mb: hwm === null ? null : round(hwm / 1024, 1), cpu_s: cpu, threads: threads.result(workers), loadavg: [round(load0), round(loadavg()[0]!)], code, stdout, stderr };
}

/** A stage's meta: `seconds` is the thread time of its own steps (summed over the threads that ran them); stages run
 * fused in passes, whose wall time is `pass_seconds`. */
interface StageRow { stage: string; seconds: number; peak_rss_mb: number | null; in: number; out: number; workers: number | null; pass: number | null; pass_seconds: number | null; fused: string[] | null }
interface PipelineRun {
  workers: number; workers_flag: boolean; pipeline_wall_s: number; peak_rss_mb: number | null;
  /** CPU seconds of all threads, and the 1-minute load average before and after: is the machine shared right now? */
  cpu_s: number | null; threads: ThreadCpu | null; loadavg: number[]; stages: StageRow[]; documents: number | null; profile?: string }

/** Stage metas in the order the stages finished (file modification time), so new stages need no change here. */
function readMetas(runOut: string): StageRow[] {
  const dir = path.join(runOut, 'stages');
  return readdirSync(dir).filter((n) => n.endsWith('.meta.json'))
    .map((n) => ({ n, t: statSync(path.join(dir, n)).mtimeMs, m: JSON.parse(readFileSync(path.join(dir, n), 'utf8')) }))
    .sort((a, b) => a.t - b.t || (a.n < b.n ? -1 : 1))
    .map(({ m }) => ({ stage: m.stage, seconds: m.seconds, peak_rss_mb: m.peak_rss_mb ?? null, in: m.in, out: m.out, workers: m.workers ?? null, pass: m.pass ?? null, pass_seconds: m.pass_seconds ?? null, fused: m.fused ?? null }));
}

/**
 * How the benchmark starts the pipeline: the compiled dist/run.js that `make dataset` runs (`make bench` builds it
 * first), else the TypeScript sources under tsx (this script run on its own), which costs more start-up; the
 * report says which.
 */
const COMPILED = path.join(root, 'dist/run.js');
const compiled = existsSync(COMPILED);
const pipelineCommand = (): string[] => (compiled ? [COMPILED] : ['--import', 'tsx', 'pipeline/run.ts']);
const pipelineHow = compiled ? 'compiled (dist/run.js, as `make dataset` runs it)' : 'from the TypeScript sources under tsx (dist/ not built)';

async function runPipeline(out: string, workers: number, workersFlag: boolean, profile: boolean): Promise<PipelineRun> {
  const runOut = path.join(out, `run-w${workers}`);
  rmSync(runOut, { recursive: true, force: true });
  const profDir = path.join(out, `profile-w${workers}`);
  const args: string[] = [];
  if (profile) { rmSync(profDir, { recursive: true, force: true }); args.push('--cpu-prof', '--cpu-prof-dir', profDir); }
  args.push(...pipelineCommand(), '--raw', path.join(out, 'corpus'), '--out', runOut, '--quiet');
  if (workersFlag) args.push('--workers', String(workers));
  log(`bench: pipeline with ${workersFlag ? `${workers} worker(s)` : 'the default workers (no --workers flag in pipeline/run.ts)'} → ${path.relative(root, runOut)}`);
  const p = await runNode(args, workers);
  if (p.code !== 0) throw new Error(`pipeline exited with ${p.code}:\n${p.stderr.slice(-3000)}`);
  const stages = readMetas(runOut);
  const last = stages.find((s) => s.stage === 'validate') ?? stages[stages.length - 1];
  const run: PipelineRun = { workers, workers_flag: workersFlag, pipeline_wall_s: round(p.seconds), peak_rss_mb: p.peak_rss_mb, cpu_s: p.cpu_s, threads: p.threads, loadavg: p.loadavg, stages, documents: last?.out ?? null };
  if (profile) {
    run.profile = path.join(out, `profile-w${workers}.md`);
    writeFileSync(run.profile, summarizeProfiles(profDir, `pipeline, ${workers} worker(s)`));
  }
  return run;
}

/**
 * The machine's own parallel ceiling for this workload: two independent 1-worker pipelines at once, each on the
 * corpus into its own OUT. Two single-threaded runs share nothing but the machine, so
 * `2 × (1-worker wall alone) / (wall of the pair)` estimates what a 2-worker run can gain here at best: on a
 * machine where memory-heavy work slows down when both cores run it, that is below 2. It is the ceiling of two
 * copies of the whole chain; the pair also pays start-up and every thread's JIT warm-up twice, which a 2-worker run,
 * whose pass 1 is split between its threads (runner.ts, SPLIT_AFTER), does not, so that run can exceed it.
 */
async function parallelCeiling(out: string, aloneWall: number): Promise<{ pair_wall_s: number[]; ceiling: number }> {
  log('bench: two 1-worker pipelines at once (the machine\'s parallel ceiling for this workload)');
  const run = (k: number) => {
    const o = path.join(out, `run-pair-${k}`);
    rmSync(o, { recursive: true, force: true });
    return runNode([...pipelineCommand(), '--raw', path.join(out, 'corpus'), '--out', o, '--quiet', '--workers', '1']).then((p) => {
      rmSync(o, { recursive: true, force: true });
      if (p.code !== 0) throw new Error(`pipeline (pair ${k}) exited with ${p.code}:\n${p.stderr.slice(-2000)}`);
      return p.seconds;
    });
  };
  const walls = await Promise.all([run(1), run(2)]);
  return { pair_wall_s: walls.map((w) => round(w)), ceiling: round((2 * aloneWall) / Math.max(...walls), 3) };
}

// --- CPU profiles ------------------------------------------------------------------------------------------

interface CpuProfile { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }[]; samples: number[]; timeDeltas: number[] }

/** Self time per function and per module over every `.cpuprofile` in `dir` (main thread and workers). */
export function summarizeProfiles(dir: string, title: string, top = 30): string {
  const byFn = new Map<string, number>(), byFile = new Map<string, number>(), selfOf = new Map<string, number>();
  let total = 0;
  const files = existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.cpuprofile')).sort() : [];
  const threads: string[] = [];
  for (const f of files) {
    const prof = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as CpuProfile;
    const nodes = new Map(prof.nodes.map((n) => [n.id, n]));
    let ms = 0;
    const perThread = new Map<string, number>();
    prof.samples.forEach((id, i) => {
      const dt = (prof.timeDeltas[i] ?? 0) / 1000;
      const cf = nodes.get(id)!.callFrame;
      // A worker waiting for its next task (piscina's Atomics.wait loop) is idle, not busy.
      const idle = cf.functionName === '(idle)' || cf.functionName === 'atomicsWaitLoop' ? '(idle)' : cf.functionName === '(program)' ? '(program)' : null;
      if (idle) { selfOf.set(idle, (selfOf.get(idle) ?? 0) + dt); return; }
      const file = cf.url ? cf.url.replace(/^file:\/\//, '').replace(root + '/', '').replace(/^.*node_modules\//, 'node_modules/') : '(native)';
      // tsx compiles a .ts module to one line: its line numbers mean nothing, the function name does.
      const fn = `${cf.functionName || '(anonymous)'} ${file}${/\.ts$/.test(file) || !cf.url ? '' : `:${cf.lineNumber + 1}`}`;
      perThread.set(fn, (perThread.get(fn) ?? 0) + dt);
      byFn.set(fn, (byFn.get(fn) ?? 0) + dt);
      const mod = file.startsWith('node_modules/') ? file.split('/').slice(0, file.split('/')[1]!.startsWith('@') ? 3 : 2).join('/') : file;
      byFile.set(mod, (byFile.get(mod) ?? 0) + dt);
      total += dt;
      ms += dt;
    });
    const tops = [...perThread].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, v]) => `\`${k}\` ${(v / 1000).toFixed(1)} s`).join(', ');
    threads.push(`thread ${f.split('.').slice(-3, -2)[0]}: ${(ms / 1000).toFixed(1)} s busy — ${tops}`);
  }
  const table = (m: Map<string, number>, head: string) => [`| ${head} | self s | share |`, '|---|---:|---:|',
    ...[...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => `| \`${k}\` | ${(v / 1000).toFixed(2)} | ${(100 * v / total).toFixed(1)}% |`)].join('\n');
  return [`# CPU profile: ${title}`, '', `Busy time over all threads: ${(total / 1000).toFixed(1)} s (idle ${((selfOf.get('(idle)') ?? 0) / 1000).toFixed(1)} s, ` +
    `program ${((selfOf.get('(program)') ?? 0) / 1000).toFixed(1)} s).`, '', ...threads.map((t) => `- ${t}`), '', '## By module (self time)', '',
    table(byFile, 'module'), '', '## By function (self time)', '', table(byFn, 'function'), ''].join('\n');
}

// --- dedupe micro-benchmark ------------------------------------------------------------------------------

async function dedupeMicro(docs: number): Promise<Record<string, unknown>> {
  log(`bench: dedupe micro-benchmark on ${docs} synthetic documents`);
  const p = await runNode(['--expose-gc', '--import', 'tsx', 'pipeline/bench/run.ts', '--dedupe-micro', String(docs)]);
  if (p.code !== 0) return { docs, error: p.stderr.trim().split('\n').slice(-3).join(' ') };
  return { ...JSON.parse(p.stdout.trim().split('\n').pop()!), process_peak_rss_mb: p.peak_rss_mb, process_wall_s: round(p.seconds) };
}

// --- JIT warm-up ----------------------------------------------------------------------------------------

interface Warmup { rounds: { round: number; wall_s: number; cpu_s: number; records: number }[]; error?: string }

/** pipeline/bench/warmup.ts in its own process (compiled when the pipeline is), three rounds. */
async function warmupRounds(out: string): Promise<Warmup> {
  log('bench: JIT warm-up of one thread (pass 1\'s chain, three rounds in one process)');
  const script = compiled ? [path.join(root, 'dist/bench/warmup.js')] : ['--import', 'tsx', 'pipeline/bench/warmup.ts'];
  const p = await runNode([...script, '--raw', path.join(out, 'corpus'), '--rounds', '3']);
  if (p.code !== 0) return { rounds: [], error: p.stderr.trim().split('\n').slice(-3).join(' ') };
  return { rounds: p.stdout.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)) };
}

// --- report ----------------------------------------------------------------------------------------------

interface Baselines { decode_s: number; opencc_js_traditional_s: number; native_opencc_wall_s: number | null; native_opencc_traditional_wall_s: number | null; native_note: string | null }

/** One round of `--repeat`: the native OpenCC baseline on the whole text, then the pipeline per worker count. */
interface Round { native_opencc_wall_s: number | null; pipeline: { workers: number; wall_s: number; peak_rss_mb: number | null; cpu_s: number | null }[] }

/** Medians over the rounds: each worker count's wall time and peak RSS, and the native baseline. */
function medians(rounds: Round[]): { native: number | null; wall: Map<number, number>; peak: Map<number, number | null> } {
  const wall = new Map<number, number>(), peak = new Map<number, number | null>();
  for (const w of rounds[0]!.pipeline.map((p) => p.workers)) {
    const of = rounds.map((r) => r.pipeline.find((p) => p.workers === w)!);
    wall.set(w, round(median(of.map((p) => p.wall_s))!));
    const peaks = of.map((p) => p.peak_rss_mb).filter((x): x is number => x !== null);
    peak.set(w, peaks.length ? round(median(peaks)!, 1) : null);
  }
  const natives = rounds.map((r) => r.native_opencc_wall_s).filter((x): x is number => x !== null);
  return { native: natives.length ? round(median(natives)!, 3) : null, wall, peak };
}

function reportMd(size: string, m: Manifest, runs: PipelineRun[], b: Baselines, dd: Record<string, unknown> | null, others: Record<string, unknown>[], ceiling: { pair_wall_s: number[]; ceiling: number } | null = null, rounds: Round[] = [], warm: Warmup | null = null): string {
  const mb = m.bytes / MB;
  const head = runs[runs.length - 1]!;
  const base = runs[0]!;
  const med = rounds.length ? medians(rounds) : null;
  const headWall = med?.wall.get(head.workers) ?? head.pipeline_wall_s, baseWall = med?.wall.get(base.workers) ?? base.pipeline_wall_s;
  const native = med ? med.native : b.native_opencc_wall_s;
  const names = [...new Set(runs.flatMap((r) => r.stages.map((s) => s.stage)))];
  const stageOf = (r: PipelineRun, n: string) => r.stages.find((s) => s.stage === n);
  const L: string[] = [];
  L.push(`# jingwen benchmark: ${size} corpus (${mb.toFixed(1)} MB, ${m.files} files, ${m.articles} articles planted, seed ${m.seed})`, '');
  L.push(`Corpus: ${m.files_by_kind['single']} single, ${m.files_by_kind['compilation']} compilations, ${m.files_by_kind['html']} HTML; ` +
    `${m.files_traditional} Traditional (${(100 * m.traditional_share_bytes).toFixed(1)}% of bytes, ${m.files_pinyin_damage} with pinyin damage); ` +
    `encodings ${Object.entries(m.files_by_encoding).map(([k, v]) => `${k} ${v}`).join(', ')}; planted ${m.exact_duplicates} exact and ${m.near_duplicates} near copies ` +
    `(${(100 * m.exact_duplicates / m.articles).toFixed(1)}% / ${(100 * m.near_duplicates / m.articles).toFixed(1)}% of articles).`, '');
  const wcols = runs.map((r) => `w${r.workers}`);
  if (rounds.length > 1) L.push(`Figures per stage and per pass are from the first of ${rounds.length} rounds; the headline wall times, ratio and speedup are the medians over the rounds (see Rounds below).`, '');
  L.push(`## Per stage`, '', `Stages run fused in passes (see below), so a stage has no wall time of its own: **thread s** is the time its own ` +
    `steps took in the threads that ran them (summed over threads, so it can exceed the wall time with ${head.workers} workers). ` +
    `MB/s = corpus bytes / thread s; docs/s = records in / thread s, at ${head.workers} worker(s). Peak RSS is the process's during the stage's pass.`, '');
  L.push(`| stage | ${wcols.map((w) => `${w} thread s`).join(' | ')} | pass | MB/s | docs/s | share of thread time | ${wcols.map((w) => `peak RSS ${w} MB`).join(' | ')} |`);
  L.push(`|---|${wcols.map(() => '---:').join('|')}|---:|---:|---:|---:|${wcols.map(() => '---:').join('|')}|`);
  const headTotal = head.stages.reduce((a, s) => a + s.seconds, 0);
  for (const n of names) {
    const h = stageOf(head, n);
    const cells = runs.map((r) => stageOf(r, n)?.seconds.toFixed(2) ?? '–');
    L.push(`| ${n} | ${cells.join(' | ')} | ${h?.pass ?? '–'} | ${h ? (mb / h.seconds).toFixed(2) : '–'} | ${h ? Math.round(h.in / h.seconds) : '–'} | ${h ? (100 * h.seconds / headTotal).toFixed(0) + '%' : '–'} | ${runs.map((r) => stageOf(r, n)?.peak_rss_mb ?? '–').join(' | ')} |`);
  }
  L.push('');
  L.push('## Passes (wall time)', '', `| pass | stages | ${wcols.map((w) => `${w} s`).join(' | ')} |${runs.length > 1 ? ` speedup w${head.workers}/w${base.workers} |` : ''}`, `|---:|---|${wcols.map(() => '---:').join('|')}|${runs.length > 1 ? '---:|' : ''}`);
  const passes = (r: PipelineRun) => {
    const by = new Map<number, { stages: string[]; seconds: number }>();
    for (const st of r.stages) if (st.pass !== null && st.pass_seconds !== null && !by.has(st.pass)) by.set(st.pass, { stages: st.fused ?? [st.stage], seconds: st.pass_seconds });
    return by;
  };
  const hp = passes(head), bp = passes(base);
  for (const [k, v] of [...hp.entries()].sort((a, b2) => a[0] - b2[0])) {
    const cells = runs.map((r) => passes(r).get(k)?.seconds.toFixed(2) ?? '–');
    const b0 = bp.get(k);
    L.push(`| ${k} | ${v.stages.join(' → ')} | ${cells.join(' | ')} |${runs.length > 1 ? ` ${b0 ? (b0.seconds / v.seconds).toFixed(2) + '×' : '–'} |` : ''}`);
  }
  L.push(`| | **pipeline (wall, whole process)** | ${runs.map((r) => `**${r.pipeline_wall_s.toFixed(2)}**`).join(' | ')} |${runs.length > 1 ? ` **${(base.pipeline_wall_s / head.pipeline_wall_s).toFixed(2)}×** |` : ''}`, '');
  L.push(`Whole process: ${(mb / head.pipeline_wall_s).toFixed(2)} MB/s, ${head.documents !== null ? Math.round(head.documents / head.pipeline_wall_s) : '–'} documents/s at ${head.workers} worker(s); peak RSS ${runs.map((r) => `w${r.workers} ${r.peak_rss_mb ?? '–'} MB`).join(', ')}. ` +
    'The rest of the wall time is start-up (Node, loading the stages), the dedupe plan between the passes, and the export\'s files and report after pass 2. ' +
    `The pipeline ran ${pipelineHow}.`, '');
  L.push(`Pipeline CPU time (all threads) / wall: ${runs.map((r) => `w${r.workers} ${r.cpu_s ?? '–'} s / ${r.pipeline_wall_s} s = ${r.cpu_s ? (r.cpu_s / r.pipeline_wall_s).toFixed(2) : '–'} cores`).join('; ')}. ` +
    `1-minute load average before → after: ${runs.map((r) => `w${r.workers} ${r.loadavg.join(' → ')}`).join('; ')} (${availableParallelism()} cores; above that, other processes took CPU time and the times are inflated).`, '');
  if (runs.some((r) => r.threads)) {
    L.push('CPU seconds by thread (the last reading before the process exited; `pool` = the worker threads, `V8 platform` = its scheduler ' +
      'and four helper threads: concurrent marking and sweeping, parallel scavenges, optimising compilation; `other` = libuv\'s and DuckDB\'s threads):', '',
      '| run | main | pool | V8 platform | other | all |', '|---|---:|---:|---:|---:|---:|');
    for (const r of runs) {
      const t = r.threads;
      if (t) L.push(`| w${r.workers} | ${t.main_s.toFixed(2)} | ${t.pool_s.map((x) => x.toFixed(2)).join(' + ')} | ${t.v8_platform_s.toFixed(2)} | ${t.other_s.toFixed(2)} | ${(t.main_s + t.pool_s.reduce((a, x) => a + x, 0) + t.v8_platform_s + t.other_s).toFixed(2)} |`);
    }
    L.push('');
  }
  if (runs.some((r) => !r.workers_flag)) L.push('Note: pipeline/run.ts has no `--workers` flag yet: the pipeline ran once, with its default.', '');
  if (rounds.length > 1) {
    L.push(`## Rounds (${rounds.length}: the native baseline, then the pipeline with each worker count)`, '',
      `| round | native OpenCC s | ${wcols.map((w) => `pipeline ${w} s`).join(' | ')} | ratio w${head.workers} / native |${runs.length > 1 ? ` speedup w${head.workers}/w${base.workers} |` : ''}`,
      `|---:|---:|${wcols.map(() => '---:').join('|')}|---:|${runs.length > 1 ? '---:|' : ''}`);
    const wallOf = (r: Round, w: number) => r.pipeline.find((p) => p.workers === w)!.wall_s;
    rounds.forEach((r, k) => L.push(`| ${k + 1} | ${r.native_opencc_wall_s ?? '–'} | ${runs.map((x) => wallOf(r, x.workers).toFixed(2)).join(' | ')} | ` +
      `${r.native_opencc_wall_s ? (wallOf(r, head.workers) / r.native_opencc_wall_s).toFixed(2) : '–'} |${runs.length > 1 ? ` ${(wallOf(r, base.workers) / wallOf(r, head.workers)).toFixed(2)}× |` : ''}`));
    L.push(`| **median** | **${native ?? '–'}** | ${runs.map((x) => `**${med!.wall.get(x.workers)!.toFixed(2)}**`).join(' | ')} | **${native ? (headWall / native).toFixed(2) : '–'}** (of the medians) |${runs.length > 1 ? ` **${(baseWall / headWall).toFixed(2)}×** (of the medians) |` : ''}`, '');
    L.push(`Peak RSS, median over the rounds: ${runs.map((x) => `w${x.workers} ${med!.peak.get(x.workers) ?? '–'} MB`).join(', ')}.`, '');
  }
  L.push('## Baselines (same text, same run)', '', `| baseline | seconds | MB/s | pipeline ÷ baseline |`, '|---|---:|---:|---:|');
  const row = (name: string, s: number | null, bytes: number) => L.push(s === null ? `| ${name} | skipped | | |` : `| ${name} | ${s.toFixed(2)} | ${(bytes / MB / s).toFixed(1)} | ${(headWall / s).toFixed(2)}× |`);
  row('decode only (read + TextDecoder, every file)', b.decode_s, m.bytes);
  row(`native OpenCC CLI t2s, whole corpus text (${(m.bytes / MB).toFixed(0)} MB as UTF-8)${rounds.length > 1 ? ', median of the rounds' : ''}`, native, m.bytes);
  row(`native OpenCC CLI t2s, Traditional files only (${(m.traditional_text_bytes / MB).toFixed(1)} MB)`, b.native_opencc_traditional_wall_s, m.traditional_text_bytes);
  row(`opencc-js tw→cn, Traditional files only (${(m.traditional_text_bytes / MB).toFixed(1)} MB)`, b.opencc_js_traditional_s, m.traditional_text_bytes);
  if (b.native_note) L.push('', b.native_note);
  L.push('');
  if (native !== null) {
    const ratio = headWall / native;
    L.push(`**Ratio pipeline / native OpenCC (whole text) = ${ratio.toFixed(2)}** (goal < 1)` + (runs.length > 1 ? `; **speedup ${head.workers} vs ${base.workers} workers = ${(baseWall / headWall).toFixed(2)}×** (goal ≥ 1.7)` : '') +
      (rounds.length > 1 ? `: medians over ${rounds.length} rounds.` : '.'), '');
  }
  if (ceiling) {
    L.push(`**Parallel ceiling of this machine for this workload: ${ceiling.ceiling.toFixed(2)}×** — two independent 1-worker pipelines run at once took ` +
      `${ceiling.pair_wall_s.join(' s and ')} s, against ${base.pipeline_wall_s} s for one alone (2 × alone / pair): about the most two copies of the whole chain can gain here ` +
      `(a 2-worker run splits pass 1 between its threads, each warming up only its half, so it can exceed it); ` +
      `the pipeline's ${(baseWall / headWall).toFixed(2)}× is ${(100 * (baseWall / headWall) / ceiling.ceiling).toFixed(0)}% of it.`, '');
  }
  if (warm) {
    L.push('## JIT warm-up of one thread (pipeline/bench/warmup.ts)', '',
      'Pass 1\'s chain (extract → segment → normalize → clean → dedupe\'s prepare) over the whole corpus, three times in one process. ' +
      'The first round pays V8\'s warm-up (interpreting, compiling, deoptimising, compiling again); every thread of a pipeline run pays it once, whatever its share of the work.', '');
    if (warm.error || warm.rounds.length < 2) L.push(`Failed: ${warm.error ?? 'no rounds'}`, '');
    else {
      L.push('| round | wall s | CPU s (all threads) |', '|---:|---:|---:|', ...warm.rounds.map((r) => `| ${r.round} | ${r.wall_s.toFixed(2)} | ${r.cpu_s.toFixed(2)} |`), '');
      const first = warm.rounds[0]!, later = warm.rounds.slice(1);
      const wall = median(later.map((r) => r.wall_s))!, cpu = median(later.map((r) => r.cpu_s))!;
      L.push(`**Warm-up: ${(first.wall_s - wall).toFixed(2)} s of wall time and ${(first.cpu_s - cpu).toFixed(2)} s of CPU time per thread** ` +
        `(${(100 * (first.cpu_s - cpu) / first.cpu_s).toFixed(0)}% of the first round's CPU).`, '');
    }
  }
  if (dd) {
    L.push('## Dedupe micro-benchmark (pipeline/dedup/bench.ts: synthetic documents, the dedupe stage alone)', '');
    L.push('| documents | kept | exact | near | seconds | docs/s | peak RSS MB |', '|---:|---:|---:|---:|---:|---:|---:|');
    L.push(dd['error'] ? `| ${dd['docs']} | failed: ${String(dd['error'])} | | | | | |` : `| ${dd['docs']} | ${dd['kept']} | ${dd['exact']} | ${dd['near']} | ${Number(dd['seconds']).toFixed(2)} | ${Math.round(Number(dd['docs']) / Number(dd['seconds']))} | ${dd['process_peak_rss_mb'] ?? dd['peak_rss_mb']} |`, '');
  }
  if (others.length > 1) {
    L.push('## Peak RSS by corpus size (from out/bench/report-<size>.json of earlier runs)', '',
      'Dedupe index = documents × the resident bytes (RSS) per document the dedupe micro-benchmark measures with its values alive after plan, ' +
      'the unit the goal compares; the JS heap + array buffers they occupy (smaller: the heap commits more than it uses) is shown beside it. ' +
      'The goal: peak RSS at the largest size ≤ 1.2 × peak RSS at the smallest + the dedupe index at the largest.', '',
      '| corpus | MB | workers | documents | pipeline wall s | MB/s | peak RSS MB (process) | dedupe bytes/doc RSS (heap + buffers) | dedupe index MB RSS (heap + buffers) |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|');
    const perDoc = (o: Record<string, unknown>) => ((o['dedupe_micro'] as Record<string, unknown> | null)?.['bytes_per_doc'] as { after_plan?: { heap: number; array_buffers: number; rss?: number } } | undefined)?.after_plan;
    // The micro-benchmark's documents are synthetic, the same whatever the corpus size: a run made without it
    // (BENCH_ARGS=--no-dedupe, as for the large sizes) takes the figure of a report that has it.
    const anyPer = others.map(perDoc).find((p) => p !== undefined);
    const indexMb = (o: Record<string, unknown>) => {
      const per = perDoc(o) ?? anyPer;
      if (!per) return null;
      const docs = Number(o['documents_in_dedupe'] ?? o['documents']);
      // A micro-benchmark report from before the RSS figure was read has the heap figure only.
      const rss = per.rss ?? per.heap + per.array_buffers;
      return { per: rss, heapPer: per.heap + per.array_buffers, mb: (rss * docs) / MB, heapMb: ((per.heap + per.array_buffers) * docs) / MB };
    };
    for (const o of others) {
      const ix = indexMb(o);
      L.push(`| ${o['size']} | ${(Number(o['input_bytes']) / MB).toFixed(1)} | ${o['workers']} | ${o['documents']} | ${o['pipeline_wall_s']} | ${(Number(o['input_bytes']) / MB / Number(o['pipeline_wall_s'])).toFixed(2)} | ${o['peak_rss_mb']} | ` +
        `${ix ? `${Math.round(ix.per)} (${Math.round(ix.heapPer)})` : '–'} | ${ix ? `${ix.mb.toFixed(1)} (${ix.heapMb.toFixed(1)})` : '–'} |`);
    }
    const small = others[0]!, big = others[others.length - 1]!;
    const ix = indexMb(big);
    if (ix && small['peak_rss_mb'] && big['peak_rss_mb']) {
      const peak = Number(big['peak_rss_mb']);
      const bound = 1.2 * Number(small['peak_rss_mb']) + ix.mb;
      const heapBound = 1.2 * Number(small['peak_rss_mb']) + ix.heapMb;
      L.push('', `**Memory: ${big['size']} peak ${peak} MB vs bound 1.2 × ${small['peak_rss_mb']} + ${ix.mb.toFixed(1)} = ${bound.toFixed(1)} MB: ` +
        `${peak <= bound ? 'within' : 'over'}** (ratio ${(peak / Number(small['peak_rss_mb'])).toFixed(2)}× the ${small['size']} peak); ` +
        `with the index at its heap + buffers instead, the bound is ${heapBound.toFixed(1)} MB: ${peak <= heapBound ? 'within' : 'over'}.`);
    }
    L.push('');
  }
  for (const r of runs) if (r.profile) L.push(`CPU profile (${r.workers} worker(s)): ${path.relative(root, r.profile)}`);
  return L.join('\n') + '\n';
}

/** A comma-separated list of worker counts, each 1–256. */
function workerListValue(text: string): number[] {
  const list = text.split(',').map((t) => t.trim());
  if (list.some((t) => !/^\d+$/.test(t) || Number(t) < 1 || Number(t) > 256)) throw new Error(`must list worker counts from 1 to 256, e.g. 1,2; got ${JSON.stringify(text)}`);
  return list.map(Number);
}

/** The command line (pipeline/lib/cli.ts). */
const OPTIONS = {
  size: { type: 'string', arg: 'SIZE', help: 'corpus size (default 50MB)', check: sizeValue, default: '50MB' },
  seed: { type: 'string', arg: 'N', help: 'corpus seed (default 1)', check: intValue(0, 2 ** 31 - 1), default: 1 },
  workers: { type: 'string', arg: 'LIST', help: 'worker counts to run, comma-separated (default 1,2)', check: workerListValue, default: [1, 2] },
  repeat: { type: 'string', arg: 'N', help: 'rounds to measure (default 3)', check: intValue(1, 100), default: 3 },
  out: { type: 'string', arg: 'DIR', help: 'where the corpus and the report go (default out/bench)', check: pathValue, default: 'out/bench' },
  raw: { type: 'string', arg: 'DIR', help: 'seed raw folder (default raw)', check: pathValue, default: 'raw' },
  'dedupe-docs': { type: 'string', arg: 'N', help: 'documents of the dedupe micro-benchmark (default 100000)', check: intValue(1, 10_000_000), default: 100000 },
  'dedupe-micro': { type: 'string', arg: 'N', help: 'run only the dedupe micro-benchmark over N documents, print JSON', check: intValue(1, 10_000_000) },
  profile: { type: 'boolean', help: 'write CPU profiles (out/bench/profile-w<N>.md)' },
  warmup: { type: 'boolean', help: "add one thread's JIT warm-up rounds" },
  'no-opencc': { type: 'boolean', help: 'skip the native OpenCC baseline' },
  'no-ceiling': { type: 'boolean', help: 'skip the parallel ceiling (two 1-worker runs at once)' },
  'no-dedupe': { type: 'boolean', help: 'skip the dedupe micro-benchmark' },
  distributed: { type: 'string', arg: 'N', help: 'worker processes of the distributed row (pipeline/bench/distributed.ts; default 2, 0 skips it)', check: intValue(0, 64), default: 2 },
} as const satisfies Options;

async function main(): Promise<number> {
  const args = parseCommandLine(process.argv.slice(2), OPTIONS);
  if (!args) {
    process.stdout.write(usage('tsx pipeline/bench/run.ts', OPTIONS));
    return 0;
  }
  if (args['dedupe-micro'] !== undefined) {
    const { benchDedupe } = await import('../dedup/bench.js');
    process.stdout.write(JSON.stringify(await benchDedupe(args['dedupe-micro'])) + '\n');
    return 0;
  }
  const size = args.size;
  const out = path.resolve(args.out);
  const raw = path.resolve(args.raw);
  const workerList = args.workers;
  const repeat = args.repeat;
  mkdirSync(out, { recursive: true });

  const m = generateCorpus({ raw, out, bytes: parseSize(size), seed: args.seed, log });
  const files = readFiles(out);
  log('bench: preparing the UTF-8 text for the OpenCC baselines');
  const text = await prepareText(out, m, files);

  // Baselines first, on a warm page cache like the pipeline's own reads.
  const dec = await decodeBaseline(out, files);
  log(`bench: decode only ${dec.seconds.toFixed(2)} s`);
  const b: Baselines = { decode_s: round(dec.seconds, 3), opencc_js_traditional_s: round(await openccJs(text.trad), 3), native_opencc_wall_s: null, native_opencc_traditional_wall_s: null, native_note: null };
  if (args['no-opencc']) b.native_note = 'Native OpenCC rows skipped (--no-opencc).';
  else if (!haveOpencc()) b.native_note = 'Native OpenCC rows skipped: the `opencc` CLI is not installed (Debian package `opencc`; `make bench` installs it when run as root).';
  else {
    b.native_opencc_wall_s = round(nativeOpencc(text.all), 3);
    b.native_opencc_traditional_wall_s = round(nativeOpencc(text.trad), 3);
    log(`bench: native OpenCC ${b.native_opencc_wall_s} s (whole text), ${b.native_opencc_traditional_wall_s} s (Traditional files)`);
  }
  if (b.native_note) log(`bench: ${b.native_note}`);

  const workersFlag = readFileSync(path.join(root, 'pipeline/run.ts'), 'utf8').includes('--workers');
  const runs: PipelineRun[] = [];
  for (const w of workersFlag ? workerList : [workerList[workerList.length - 1]!]) {
    runs.push(await runPipeline(out, w, workersFlag, args.profile));
    log(`bench: ${w} worker(s): ${runs[runs.length - 1]!.pipeline_wall_s} s`);
  }
  const w1 = runs.find((r) => r.workers === 1);
  const ceiling = w1 && runs.length > 1 && !args['no-ceiling'] ? await parallelCeiling(out, w1.pipeline_wall_s) : null;
  const rounds: Round[] = [{ native_opencc_wall_s: b.native_opencc_wall_s, pipeline: runs.map((r) => ({ workers: r.workers, wall_s: r.pipeline_wall_s, peak_rss_mb: r.peak_rss_mb, cpu_s: r.cpu_s })) }];
  for (let k = 2; k <= repeat; k++) {
    log(`bench: round ${k} of ${repeat}`);
    const native = b.native_opencc_wall_s === null ? null : round(nativeOpencc(text.all), 3);
    const pipeline: Round['pipeline'] = [];
    for (const r of runs) {
      const again = await runPipeline(out, r.workers, workersFlag, false);
      pipeline.push({ workers: r.workers, wall_s: again.pipeline_wall_s, peak_rss_mb: again.peak_rss_mb, cpu_s: again.cpu_s });
    }
    rounds.push({ native_opencc_wall_s: native, pipeline });
    log(`bench: round ${k}: native OpenCC ${native ?? '–'} s, pipeline ${pipeline.map((p) => `w${p.workers} ${p.wall_s} s`).join(', ')}`);
  }
  const med = medians(rounds);
  const distributed: DistributedRow | null = args.distributed > 0
    ? await distributedRow({ root, corpus: path.join(out, 'corpus'), out, reference: path.join(out, `run-w${runs[0]!.workers}`), workers: args.distributed, w1Wall: w1 ? (med.wall.get(1) ?? w1.pipeline_wall_s) : null, w1Cpu: w1?.cpu_s ?? null, ceiling: ceiling?.ceiling ?? null, log })
    : null;
  if (distributed) log(`bench: distributed ${distributed.error ?? `${distributed.wall_s.toFixed(2)} s, ${distributed.identical ? 'byte-identical' : 'DIFFERENT'}`}`);
  const warm = args.warmup ? await warmupRounds(out) : null;
  const dd = args['no-dedupe'] ? null : await dedupeMicro(args['dedupe-docs']);

  const head = runs[runs.length - 1]!, base = runs[0]!;
  const headWall = med.wall.get(head.workers)!, baseWall = med.wall.get(base.workers)!;
  const json = {
    size, seed: m.seed, input_bytes: m.bytes, files: m.files, articles_planted: m.articles, documents: head.documents,
    documents_in_dedupe: head.stages.find((s) => s.stage === 'dedupe')?.in ?? null,
    workers: head.workers,
    pipeline_run: compiled ? 'compiled' : 'tsx',
    stages: Object.fromEntries(head.stages.map((s) => [s.stage, { seconds: round(s.seconds, 3), peak_rss_mb: s.peak_rss_mb, in: s.in, out: s.out, mb_per_s: round(m.bytes / MB / s.seconds), docs_per_s: Math.round(s.in / s.seconds) }])),
    /** Medians over the rounds (`rounds`): the wall time and peak RSS of the run with the most workers. */
    pipeline_wall_s: headWall,
    peak_rss_mb: med.peak.get(head.workers) ?? null,
    decode_wall_s: b.decode_s,
    native_opencc_wall_s: med.native,
    native_opencc_traditional_wall_s: b.native_opencc_traditional_wall_s,
    opencc_js_traditional_s: b.opencc_js_traditional_s,
    ratio: med.native === null ? null : round(headWall / med.native, 3),
    ratio_traditional_only: b.native_opencc_traditional_wall_s === null ? null : round(headWall / b.native_opencc_traditional_wall_s, 3),
    speedup_2_vs_1: runs.length > 1 ? round(baseWall / headWall, 3) : null,
    repeat,
    rounds,
    /** One thread's JIT warm-up (`--warmup`): pass 1's chain, three rounds in one process. */
    warmup: warm,
    /** Two 1-worker runs at once: 2 × w1 wall / pair wall, the most any 2-worker design can reach on this machine. */
    parallel_ceiling: ceiling,
    runs,
    dedupe_micro: dd,
    /** The distributed row (pipeline/bench/distributed.ts). */
    distributed,
    corpus: { ...m, config: undefined, key: undefined },
  };
  writeFileSync(path.join(out, 'report.json'), JSON.stringify(json, null, 2) + '\n');
  writeFileSync(path.join(out, `report-${size}.json`), JSON.stringify(json, null, 2) + '\n');
  const others = readdirSync(out).filter((n) => /^report-.+\.json$/.test(n)).map((n) => JSON.parse(readFileSync(path.join(out, n), 'utf8')) as Record<string, unknown>)
    .sort((a, b2) => Number(a['input_bytes']) - Number(b2['input_bytes']));
  const md = reportMd(size, m, runs, b, dd, others, ceiling, rounds, warm) + (distributed ? distributedMd(distributed, m.bytes, ceiling?.ceiling ?? null).join('\n') + '\n' : '');
  writeFileSync(path.join(out, 'report.md'), md);
  process.stdout.write(md);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = await main();
  } catch (err) {
    process.stderr.write(`bench: ${err instanceof PipelineError ? err.code + ': ' : ''}${(err as Error).message}\n`);
    process.exitCode = err instanceof PipelineError ? 2 : 1;
  }
}
