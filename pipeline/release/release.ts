#!/usr/bin/env -S npx tsx
/**
 * `make release VERSION=x.y.z` entry (a zx script): builds the dataset into OUT, then writes
 * `OUT/releases/<version>/` (the four data files, README.md dataset card, length-histogram.svg, CHANGELOG.md,
 * datapackage.json, croissant.json, SHA256SUMS) and `OUT/releases/jingwen-<version>.tar.gz` beside it.
 *
 *   tsx pipeline/release/release.ts --version 0.1.0 [--raw raw] [--out out] [--quiet] [--csv-bom] [--workers N]
 *
 * Byte-identical for the same raw files and commit: times come from SOURCE_DATE_EPOCH or the last commit.
 * Everything is built in a staging folder and renamed into place last, so a killed release leaves no version.
 * Exit codes: 0 done; 2 a bad VERSION, an existing release, or another release running; else the pipeline's.
 */
import { $ } from 'zx';
import { parseCommandLine, pathValue, intValue, usage, type Options } from '../lib/cli.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { existsSync, rmSync } from 'node:fs';
import { PipelineError } from '../lib/errors.js';
import { exists } from '../lib/io.js';
import { acquireLock, LENT_LOCK, lockToken } from '../lib/lock.js';
import { requireSemver } from './semver.js';
import { sourceDateEpoch } from './provenance.js';
import { tarballName } from './names.js';
import { fileEntry } from './files.js';
import { datasetMeta } from './meta.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const show = (p: string) => path.relative(process.cwd(), p) || '.';

/** The command line (pipeline/lib/cli.ts). */
const OPTIONS = {
  version: { type: 'string', arg: 'X.Y.Z', help: 'the semantic version to publish (required)', check: (t: string) => requireSemver(t).raw },
  raw: { type: 'string', arg: 'DIR', help: 'raw folder (default raw)', check: pathValue, default: 'raw' },
  out: { type: 'string', arg: 'DIR', help: 'output folder; the release goes to OUT/releases/ (default out)', check: pathValue, default: 'out' },
  quiet: { type: 'boolean', help: "no progress lines from the pipeline" },
  // Options of the dataset build, passed on to it as `make dataset` passes them (`make release CSV_BOM=1`, ARGS=…).
  'csv-bom': { type: 'boolean', help: 'documents.csv starts with a UTF-8 BOM, so Excel opens it as UTF-8 (the card says which)' },
  workers: { type: 'string', arg: 'N', help: 'worker threads of the dataset build (default: the number of cores)', check: intValue(1, 256) },
} as const satisfies Options;

async function main(): Promise<number> {
  const args = parseCommandLine(process.argv.slice(2), OPTIONS);
  if (!args) {
    process.stdout.write(usage('tsx pipeline/release/release.ts', OPTIONS));
    return 0;
  }
  const version = args.version ?? requireSemver(undefined).raw;
  const raw = path.resolve(args.raw);
  const out = path.resolve(args.out);
  const releases = path.join(out, 'releases');
  const target = path.join(releases, version);
  const tarball = path.join(releases, tarballName(version));
  const refuse = () => new PipelineError('exists', `release ${version} already exists (${show(target)}); a published version never changes — choose a new VERSION`);
  if (await exists(target)) throw refuse();
  const epoch = sourceDateEpoch(root);

  // OUT's lock first, held until the release is in place: the pipeline it runs borrows it (LENT_LOCK), and no other
  // run can write OUT between that pipeline and the reading of its outputs (a release with RAW=A published another
  // run's documents, #23). Then the releases' own lock.
  const unlockOut = await acquireLock(out);
  const token = await lockToken(out);
  await mkdir(releases, { recursive: true });
  const unlock = await acquireLock(releases).catch(async (e: unknown) => {
    await unlockOut();
    throw e;
  });
  const staging = path.join(releases, `.staging-${version}-${process.pid}`);
  // A signal between here and the last rename leaves no staging folder, no tarball without its folder, no lock.
  const onSignal = (sig: NodeJS.Signals) => {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(target)) rmSync(tarball, { force: true });
    rmSync(path.join(releases, '.lock'), { force: true });
    rmSync(path.join(out, '.lock'), { force: true });
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // Staging folders of killed releases (the lock says no other release is running).
    for (const n of await readdir(releases)) if (n.startsWith('.staging-')) await rm(path.join(releases, n), { recursive: true, force: true });

    // 1. The dataset, built exactly as `make dataset` builds it.
    const tsx = path.join(root, 'node_modules/.bin/tsx');
    const build = [...(args.quiet ? ['--quiet'] : []), ...(args['csv-bom'] ? ['--csv-bom'] : []), ...(args.workers !== undefined ? ['--workers', String(args.workers)] : [])];
    const run = await $({ nothrow: true, stdio: ['ignore', 'inherit', 'inherit'], cwd: root, env: { ...process.env, [LENT_LOCK]: token } })`${tsx} ${path.join(root, 'pipeline/run.ts')} --raw ${raw} --out ${out} ${build}`;
    if (run.exitCode !== 0) {
      process.stderr.write(`jingwen release: the pipeline failed (exit ${run.exitCode}); no release written\n`);
      return run.exitCode ?? 1;
    }

    // 2.–3. The release folder and its tarball, in staging (the heavy modules load only now).
    const { buildRelease } = await import('./build.js');
    const { dir, tar, documents } = await buildRelease({ root, raw, out, releases, staging, version, epoch });

    // 4. Into place: the tarball first, the folder last — the folder's existence is what makes a version exist.
    if (await exists(target)) throw refuse();
    await rename(tar, tarball);
    await rename(dir, target);
    const sums = await fileEntry(releases, tarballName(version));
    process.stdout.write(`jingwen release ${version}: ${show(target)}/ (${(await readdir(target)).length} files, ${documents} documents)\n`);
    process.stdout.write(`  ${show(tarball)}  ${sums.bytes} bytes  sha256 ${sums.sha256}\n`);
    const meta = datasetMeta(root);
    if (meta.homepagePlaceholder) process.stderr.write(`jingwen release: note: no homepage in package.json (the metadata's URL is the placeholder ${meta.homepage}); the card says so — set "homepage" before publishing\n`);
    return 0;
  } finally {
    await rm(staging, { recursive: true, force: true });
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await unlock();
    await unlockOut();
  }
}

try {
  process.exitCode = await main();
} catch (err) {
  if (err instanceof PipelineError) {
    process.stderr.write(`jingwen release: ${err.code}: ${err.message}\n`);
    process.exitCode = err.code === 'schema_violation' ? 1 : 2;
  } else {
    process.stderr.write(`jingwen release: internal error (a bug — please report it):\n${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  }
}
