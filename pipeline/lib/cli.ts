/**
 * Command lines of every entry point (run, release, diff, bench, eval): Node's `util.parseArgs` in strict mode,
 * then a check of every value. A bad command line is a configuration error (PipelineError 'config', exit 2) with
 * one line saying what is wrong: `--out` with no value or an empty one, `--quiet=false` (a flag takes no value),
 * `--workers -1`, an unknown option or a stray positional argument.
 *
 * An entry point declares its options in one table (`Options`): type, help text, and for a string a `check` that
 * turns the text into the value (or throws with the reason). Add an option by adding a row; `usage()` prints the
 * table, so `--help` never disagrees with what is parsed.
 */
import { parseArgs } from 'node:util';
import { PipelineError } from './errors.js';

interface FlagSpec { type: 'boolean'; help: string }
interface ValueSpec<T> {
  type: 'string';
  /** Shown after the option in the usage: `--out DIR`. */
  arg: string;
  help: string;
  /** Turns the text into the value; throws an Error whose message is the reason (`must be …, got …`). */
  check: (text: string) => T;
  /** Used when the option is absent (not checked). */
  default?: T;
}
export type OptionSpec = FlagSpec | ValueSpec<unknown>;
export type Options = Record<string, OptionSpec>;

type ValueOf<S> = S extends FlagSpec ? boolean : S extends ValueSpec<infer T> ? (S extends { default: T } ? T : T | undefined) : never;
export type Parsed<O extends Options> = { [K in keyof O]: ValueOf<O[K]> };

/** A path option: any text but an empty (or blank) one, which `make … OUT=` would send and which would mean ".". */
export function pathValue(text: string): string {
  if (text.trim() === '') throw new Error('must be a folder path, got an empty value');
  return text;
}

/** An integer option in [min, max], written in decimal digits (a sign only for a negative min). */
export function intValue(min: number, max: number): (text: string) => number {
  return (text) => {
    const n = /^[+-]?\d+$/.test(text.trim()) ? Number(text) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new Error(`must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
    return n;
  };
}

/** A non-empty text option. */
export function textValue(text: string): string {
  if (text.trim() === '') throw new Error('must not be empty');
  return text;
}

/** The usage lines of an options table. */
export function usage(command: string, options: Options): string {
  const rows = Object.entries(options).map(([name, s]) => [`--${name}${s.type === 'string' ? ' ' + s.arg : ''}`, s.help] as const);
  const width = Math.max(...rows.map((r) => r[0].length));
  const synopsis = Object.entries(options).map(([name, s]) => `[--${name}${s.type === 'string' ? ' ' + s.arg : ''}]`).join(' ');
  return `usage: ${command} ${synopsis}\n${rows.map(([a, h]) => `  ${a.padEnd(width)}  ${h}`).join('\n')}\n  --help${' '.repeat(Math.max(0, width - 6))}  this text\n`;
}

/**
 * Parses `args` against `options`. Returns null for `--help` (the caller prints `usage`). Throws PipelineError
 * 'config' with one line for anything else that is not a valid command line.
 */
export function parseCommandLine<O extends Options>(args: string[], options: O): Parsed<O> | null {
  const config: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const [name, s] of Object.entries(options)) config[name] = { type: s.type };
  // `--workers -1`: parseArgs calls a value starting with '-' ambiguous; a negative number is a value (and then
  // fails its check with the reason), so it is attached with '='.
  const joined: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    const next = args[k + 1];
    const name = a.startsWith('--') && !a.includes('=') ? a.slice(2) : null;
    if (name && config[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${a}=${next}`);
      k++;
    } else joined.push(a);
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: joined, options: config, strict: true, allowPositionals: false });
  } catch (e) {
    throw new PipelineError('config', `${oneLine(e as Error)} (--help lists the options)`);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values['help']) return null;
  const result: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(options)) {
    const v = values[name];
    if (s.type === 'boolean') result[name] = v === true;
    else if (v === undefined) result[name] = s.default;
    else {
      try {
        result[name] = s.check(v as string);
      } catch (e) {
        // A check that throws a PipelineError has its own full message (release's VERSION).
        throw e instanceof PipelineError ? e : new PipelineError('config', `--${name} ${(e as Error).message}`);
      }
    }
  }
  return result as Parsed<O>;
}

/** parseArgs's message in one line: "Option '--out' argument is ambiguous.\nDid you forget…" → its first sentence. */
function oneLine(e: Error): string {
  const first = e.message.split('\n')[0]!.trim();
  const m = /^Option '(--[^' <]+)(?: <value>)?' argument missing$/.exec(first);
  if (m) return `${m[1]} needs a value`;
  const amb = /^Option '(--[^']+)' argument is ambiguous\.$/.exec(first);
  if (amb) return `${amb[1]} needs a value (the next argument is an option; write ${amb[1]}=VALUE for a value starting with '-')`;
  const flag = /^Option '(--[^']+)' does not take an argument$/.exec(first);
  if (flag) return `${flag[1]} is a flag and takes no value (leave it out for false)`;
  return first.replace(/\. To specify a positional argument.*$/, '');
}
