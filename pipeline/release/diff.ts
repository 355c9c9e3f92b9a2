#!/usr/bin/env -S npx tsx
/**
 * `make diff A=x.y.z B=x.y.z` entry: prints what changed from release A to release B in OUT/releases/,
 * by document id (added, removed, text changed), as the Markdown section CHANGELOG.md uses.
 *
 *   tsx pipeline/release/diff.ts [--out out] --a 0.1.0 --b 0.2.0
 */
import path from 'node:path';
import { readdir } from 'node:fs/promises';
import { PipelineError } from '../lib/errors.js';
import { parseCommandLine, pathValue, usage, type Options } from '../lib/cli.js';
import { exists } from '../lib/io.js';
import { requireSemver, parseSemver, compareSemver } from './semver.js';
import { diffReleases, readRelease, renderDiff } from './changelog.js';

/** The command line (pipeline/lib/cli.ts). */
const OPTIONS = {
  a: { type: 'string', arg: 'X.Y.Z', help: 'the older release (required)', check: (t: string) => requireSemver(t, 'A').raw },
  b: { type: 'string', arg: 'X.Y.Z', help: 'the newer release (required)', check: (t: string) => requireSemver(t, 'B').raw },
  out: { type: 'string', arg: 'DIR', help: 'output folder holding releases/ (default out)', check: pathValue, default: 'out' },
} as const satisfies Options;

async function main(): Promise<number> {
  const args = parseCommandLine(process.argv.slice(2), OPTIONS);
  if (!args) {
    process.stdout.write(usage('tsx pipeline/release/diff.ts', OPTIONS));
    return 0;
  }
  const a = args.a ?? requireSemver(undefined, 'A').raw;
  const b = args.b ?? requireSemver(undefined, 'B').raw;
  const releases = path.join(path.resolve(args.out), 'releases');
  for (const v of [a, b]) {
    if (!(await exists(path.join(releases, v, 'documents.jsonl')))) {
      const have = (await readdir(releases).catch(() => [] as string[])).flatMap((n) => { const p = parseSemver(n); return p ? [p] : []; }).sort(compareSemver).map((p) => p.raw);
      throw new PipelineError('config', `no release ${v} in ${releases} (have: ${have.join(', ') || 'none'})`);
    }
  }
  process.stdout.write(renderDiff(diffReleases(a, await readRelease(path.join(releases, a)), b, await readRelease(path.join(releases, b)))));
  return 0;
}

try {
  process.exitCode = await main();
} catch (err) {
  if (err instanceof PipelineError) {
    process.stderr.write(`jingwen diff: ${err.code}: ${err.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`jingwen diff: internal error (a bug — please report it):\n${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  }
}
