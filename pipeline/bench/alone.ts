/**
 * What the benchmark's WARC and Parquet rows share: the seed paragraphs their generated files are made of, and
 * one input file through the whole compiled pipeline, alone: the file hard-linked into a fresh raw folder, `node
 * dist/run.js` into a fresh OUT, wall time and the process's peak RSS (all threads) from GNU time
 * (`/usr/bin/time -f %M`, Debian package `time`). Shared by the benchmark's WARC and Parquet rows; both folders are
 * removed afterwards.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { link, mkdir, rm } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';

const exec = promisify(execFile);

/** Paragraphs (≥ 20 characters) of the raw seeds (the text files in `root`/raw/), the material of generated inputs. */
export function seedParagraphs(root: string): string[] {
  const dir = path.join(root, 'raw');
  const out: string[] = [];
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()) {
    for (const l of readFileSync(path.join(dir, f), 'utf8').split('\n')) if (l.trim().length >= 20) out.push(l.trim());
  }
  return out;
}

export interface AloneRun { bytes: number; seconds: number; mb_per_s: number; peak_rss_mb: number; documents: number; units: number }

/** `root`: the repository (dist/run.js is run from it); `dir`: where the raw folder and OUT named after `tag` go. */
export async function runAlone(root: string, file: string, dir: string, tag: string, workers: number): Promise<AloneRun> {
  const raw = path.join(dir, `raw-${tag}`);
  const out = path.join(dir, `out-${tag}`);
  await rm(raw, { recursive: true, force: true });
  await rm(out, { recursive: true, force: true });
  await mkdir(raw, { recursive: true });
  await link(file, path.join(raw, path.basename(file)));
  const t0 = performance.now();
  const { stderr } = await exec('/usr/bin/time', ['-f', 'JW_PEAK_KB %M', process.execPath, path.join(root, 'dist/run.js'), '--raw', raw, '--out', out, '--quiet', '--workers', String(workers)], { cwd: root, maxBuffer: 64 << 20 });
  const seconds = (performance.now() - t0) / 1000;
  const kb = Number(/JW_PEAK_KB (\d+)/.exec(stderr)?.[1] ?? NaN);
  const stats = JSON.parse(readFileSync(path.join(out, 'report/stats.json'), 'utf8')) as Record<string, unknown>;
  const extract = JSON.parse(readFileSync(path.join(out, 'stages/extract.meta.json'), 'utf8')) as { out: number };
  await rm(out, { recursive: true, force: true });
  await rm(raw, { recursive: true, force: true });
  const bytes = statSync(file).size;
  return { bytes, seconds: Number(seconds.toFixed(1)), mb_per_s: Number((bytes / 1e6 / seconds).toFixed(3)), peak_rss_mb: Math.round(kb / 1024), documents: Number(stats['documents']), units: extract.out };
}

/**
 * What dedupe keeps per document for the whole run, on the main thread (README, Dedupe): its prepared value (~640
 * bytes on these pages) and the plan's typed arrays (~120). The memory goal allows that much growth per document.
 */
export const DEDUPE_BYTES_PER_DOCUMENT = 800;
/** Noise allowance of the goal: peaks of one size vary by ±5-10% from run to run on a shared machine (GC timing). */
const NOISE = 1.1;

/** The goal line: memory flat in the archive's size but for dedupe's bytes per document. */
export function memoryGoal(small: { size: string; peak_rss_mb: number; documents: number }, large: { size: string; peak_rss_mb: number; documents: number }): string {
  const more = Math.max(0, large.documents - small.documents);
  const bound = NOISE * small.peak_rss_mb + (more * DEDUPE_BYTES_PER_DOCUMENT) / 2 ** 20;
  const met = large.peak_rss_mb <= bound;
  return `Memory goal (flat but for dedupe's ${DEDUPE_BYTES_PER_DOCUMENT} bytes per document): peak at ${large.size} ≤ ${NOISE} × ${small.peak_rss_mb} MB + ${more.toLocaleString('en-US')} more documents × ${DEDUPE_BYTES_PER_DOCUMENT} bytes = ${Math.round(bound)} MB: ${met ? 'met' : 'NOT met'} (${large.peak_rss_mb} MB).`;
}
