/**
 * Builds one release folder in a staging folder from a built dataset in OUT: copies the four data files, writes
 * the histogram, CHANGELOG.md, croissant.json, README.md (the card), datapackage.json and SHA256SUMS — the two
 * metadata files checked against their schemas — fixes modes and times, and packs the tarball.
 */
import path from 'node:path';
import { chmod, copyFile, mkdir, readFile, readdir, utimes, writeFile } from 'node:fs/promises';
import { PipelineError } from '../lib/errors.js';
import { exists, stableJson } from '../lib/io.js';
import { check } from '../lib/schema.js';
import { OUTPUT_FILES } from '../stages/export.js';
import { requireSemver, previousVersion } from './semver.js';
import { sourceCommit, isoDate, uncommitted, rawOrigin } from './provenance.js';
import { datasetMeta } from './meta.js';
import { collectFacts } from './facts.js';
import { fileEntry } from './files.js';
import { tarballName } from './names.js';
import { renderCard, HISTOGRAM_FILE } from './card.js';
import { histogramSvg } from './svg.js';
import { buildDataPackage } from './datapackage.js';
import { buildCroissant } from './croissant.js';
import { readRelease, renderChangelog } from './changelog.js';
import { writeTarball } from './tarball.js';

/** SHA256SUMS in the format `sha256sum -c` reads: `<hex>  <name>`, sorted by name. */
async function sha256sums(dir: string): Promise<string> {
  const names = (await readdir(dir)).filter((n) => n !== 'SHA256SUMS').sort();
  const lines = await Promise.all(names.map(async (n) => `${(await fileEntry(dir, n)).sha256}  ${n}`));
  return lines.join('\n') + '\n';
}

function validated(name: string, obj: unknown): string {
  const err = check(name, obj);
  if (err) throw new PipelineError('schema_violation', `${name}.json breaks schemas/${name}.schema.json: ${err}`);
  return stableJson(obj);
}

export interface BuildInput { root: string; raw: string; out: string; releases: string; staging: string; version: string; epoch: number }

/**
 * The build's report files a release ships (the card cites them): from OUT/report/ to the release folder, flat.
 * Their excerpts are already redacted (pipeline/lib/redact.ts), as in OUT/report/.
 */
export const REPORT_FILES: [from: string, to: string][] = [['report/ledger.jsonl', 'ledger.jsonl'], ['report/stats.json', 'stats.json'], ['report/removed.jsonl', 'removed.jsonl']];

/** Returns the staged folder, the staged tarball and the number of documents. */
export async function buildRelease({ root, raw, out, releases, staging, version, epoch }: BuildInput): Promise<{ dir: string; tar: string; documents: number }> {
  // 2. The release folder, in staging; its name inside the tarball is jingwen-<version>/.
  const name = tarballName(version).replace(/\.tar\.gz$/, '');
  const dir = path.join(staging, name);
  await mkdir(dir, { recursive: true });
  for (const f of OUTPUT_FILES) await copyFile(path.join(out, f), path.join(dir, f));
  for (const [from, to] of REPORT_FILES) await copyFile(path.join(out, from), path.join(dir, to));
  const meta = datasetMeta(root);
  const facts = await collectFacts({
    version, epoch, date: isoDate(epoch), dateFrom: process.env['SOURCE_DATE_EPOCH'] ? 'from SOURCE_DATE_EPOCH' : "the source commit's time", commit: sourceCommit(root), uncommitted: uncommitted(root), raw: rawOrigin(root, raw), meta, out, releaseDir: dir, dataFiles: OUTPUT_FILES,
  });

  await writeFile(path.join(dir, HISTOGRAM_FILE), histogramSvg(facts.rows.map((r) => r.n_chars), {
    title: `Document length, jingwen ${version} (${facts.rows.length} documents)`, xLabel: 'characters per document (n_chars)', yLabel: 'documents',
  }));

  const prev = previousVersion(await readdir(releases), requireSemver(version));
  const prevDir = prev ? path.join(releases, prev.raw) : null;
  const docs = await readRelease(dir);
  const changelog = renderChangelog(version, docs, prev && prevDir ? {
    version: prev.raw, docs: await readRelease(prevDir),
    changelog: (await exists(path.join(prevDir, 'CHANGELOG.md'))) ? await readFile(path.join(prevDir, 'CHANGELOG.md'), 'utf8') : null,
  } : null);
  await writeFile(path.join(dir, 'CHANGELOG.md'), changelog);

  await writeFile(path.join(dir, 'croissant.json'), validated('croissant', buildCroissant(facts)));
  await writeFile(path.join(dir, 'README.md'), renderCard(facts));
  const described = (await readdir(dir)).filter((n) => n !== 'datapackage.json' && n !== 'SHA256SUMS').sort();
  const entries = await Promise.all(described.map((n) => fileEntry(dir, n)));
  await writeFile(path.join(dir, 'datapackage.json'), validated('datapackage', buildDataPackage(facts, entries)));
  await writeFile(path.join(dir, 'SHA256SUMS'), await sha256sums(dir));

  // 3. Fixed modes and times, so the folder is as reproducible as the tarball made from it.
  for (const n of await readdir(dir)) {
    await chmod(path.join(dir, n), 0o644);
    await utimes(path.join(dir, n), epoch, epoch);
  }
  await chmod(dir, 0o755);
  await utimes(dir, epoch, epoch);
  const stagedTar = path.join(staging, tarballName(version));
  await writeTarball(staging, name, stagedTar, epoch);
  await chmod(stagedTar, 0o644);

  return { dir, tar: stagedTar, documents: facts.rows.length };
}
