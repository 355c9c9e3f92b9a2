#!/usr/bin/env -S npx tsx
/**
 * `make diff A=x.y.z B=x.y.z` entry: prints what changed from release A to release B in OUT/releases/,
 * by document id (added, removed, text changed), as the Markdown section CHANGELOG.md uses.
 *
 *   tsx pipeline/release/diff.ts [--out out] --a 0.1.0 --b 0.2.0
 */
import { parseArgv } from 'zx';
import path from 'node:path';
import { readdir } from 'node:fs/promises';
import { PipelineError } from '../lib/errors.js';
import { exists } from '../lib/io.js';
import { requireSemver, parseSemver, compareSemver } from './semver.js';
import { diffReleases, readRelease, renderDiff } from './changelog.js';

async function main(): Promise<number> {
  const args = parseArgv(process.argv.slice(2), { string: ['a', 'b', 'out', '_'] });
  const a = requireSemver(args['a'] ?? args._[0], 'A').raw;
  const b = requireSemver(args['b'] ?? args._[1], 'B').raw;
  const releases = path.join(path.resolve(String(args['out'] || 'out')), 'releases');
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
