/**
 * The command-line parser every entry point uses (pipeline/lib/cli.ts): strict, every value checked, one line of
 * reason per bad command line. The entry points themselves are run in tests/robustness/exit-codes.test.ts.
 */
import { describe, it, expect } from 'vitest';
import { parseCommandLine, pathValue, intValue, usage, type Options } from '../../pipeline/lib/cli.js';
import { PipelineError } from '../../pipeline/lib/errors.js';

const OPTIONS = {
  out: { type: 'string', arg: 'DIR', help: 'output', check: pathValue, default: 'out' },
  workers: { type: 'string', arg: 'N', help: 'threads', check: intValue(1, 256) },
  quiet: { type: 'boolean', help: 'quiet' },
  strict: { type: 'boolean', help: 'strict' },
} as const satisfies Options;

function fails(args: string[]): string {
  try {
    parseCommandLine(args, OPTIONS);
  } catch (e) {
    expect(e).toBeInstanceOf(PipelineError);
    expect((e as PipelineError).code).toBe('config');
    return (e as Error).message;
  }
  throw new Error(`accepted: ${JSON.stringify(args)}`);
}

describe('parseCommandLine', () => {
  it('reads values, flags and defaults', () => {
    expect(parseCommandLine([], OPTIONS)).toEqual({ out: 'out', workers: undefined, quiet: false, strict: false });
    expect(parseCommandLine(['--out', 'x', '--workers', '4', '--quiet'], OPTIONS)).toEqual({ out: 'x', workers: 4, quiet: true, strict: false });
    expect(parseCommandLine(['--out=y', '--workers=2', '--strict'], OPTIONS)).toEqual({ out: 'y', workers: 2, quiet: false, strict: true });
    expect(parseCommandLine(['--help'], OPTIONS)).toBeNull();
  });

  it.each([
    [['--out'], /^--out needs a value/],
    [['--out', ''], /^--out must be a folder path, got an empty value$/],
    [['--out', '  '], /^--out must be a folder path/],
    [['--out', '--quiet'], /^--out needs a value/],
    [['--quiet=false'], /^--quiet is a flag and takes no value/],
    [['--strict=maybe'], /^--strict is a flag and takes no value/],
    [['--workers', '-1'], /^--workers must be an integer from 1 to 256, got "-1"$/],
    [['--workers', '0'], /^--workers must be an integer from 1 to 256/],
    [['--workers', '1.5'], /^--workers must be an integer from 1 to 256/],
    [['--workers', '2x'], /^--workers must be an integer from 1 to 256/],
    [['--workers', '1e3'], /^--workers must be an integer from 1 to 256/],
    [['--workers', '999'], /^--workers must be an integer from 1 to 256/],
    [['--bogus'], /^Unknown option '--bogus'/],
    [['stray'], /^Unexpected argument 'stray'/],
  ])('%j is refused with one line', (args, msg) => {
    const m = fails(args);
    expect(m).toMatch(msg);
    expect(m).not.toContain('\n');
  });

  it('usage lists every option, --help included', () => {
    const u = usage('cmd', OPTIONS);
    for (const o of ['--out DIR', '--workers N', '--quiet', '--strict', '--help']) expect(u).toContain(o);
  });
});
