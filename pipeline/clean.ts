#!/usr/bin/env -S npx tsx
/**
 * `make clean` entry: removes what jingwen runs wrote in OUT (pipeline/lib/outdir.ts) — only from a folder a run
 * marked, never releases/, never the raw folder, never while a run holds OUT's lock.
 *
 *   tsx pipeline/clean.ts [--out out] [--raw raw]
 *
 * Exit codes: 0 cleaned (or nothing to clean); 2 refused (not an output folder, the raw folder, a run writing).
 */
import path from 'node:path';
import { PipelineError } from './lib/errors.js';
import { parseCommandLine, pathValue, usage, type Options } from './lib/cli.js';
import { cleanOut } from './lib/outdir.js';

const OPTIONS = {
  out: { type: 'string', arg: 'DIR', help: 'the output folder to clean (default out)', check: pathValue, default: 'out' },
  raw: { type: 'string', arg: 'DIR', help: 'the raw folder, which is never touched (default raw)', check: pathValue, default: 'raw' },
} as const satisfies Options;

const show = (p: string) => path.relative(process.cwd(), p) || '.';

try {
  const args = parseCommandLine(process.argv.slice(2), OPTIONS);
  if (!args) process.stdout.write(usage('tsx pipeline/clean.ts', OPTIONS));
  else {
    const out = path.resolve(args.out);
    const { removed, kept } = await cleanOut(out, path.resolve(args.raw));
    process.stdout.write(`jingwen clean: ${show(out)}: removed ${removed.length ? removed.join(', ') : 'nothing'}${kept.length ? `; kept ${kept.join(', ')}` : ''}\n`);
  }
} catch (err) {
  if (err instanceof PipelineError) {
    process.stderr.write(`jingwen clean: ${err.code}: ${err.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`jingwen clean: internal error (a bug — please report it):\n${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  }
}
