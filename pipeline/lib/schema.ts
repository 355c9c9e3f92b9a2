/**
 * JSON Schema checks with ajv: every schema in schemas/ is loaded once, each validator compiled once.
 * A record that breaks its stage's schema is a bug in our code: `assertValid` throws with the record's id
 * and ajv's error path, and the runner stops.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Ajv, type ValidateFunction, type AnySchema } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { PipelineError } from './errors.js';

export const SCHEMA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../schemas');

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;

/**
 * Formats of our own, for checks a `pattern` would make over unbounded text. A regular expression like
 * `^[^\n]+$` runs V8's backtracking engine, whose stack grows with the match: on a 12 M-character line of CJK text
 * (a one-line 36 MB `.txt`) it threw `Maximum call stack size exceeded` and stopped the run. A plain scan is linear
 * and has no stack. tests/lib/schema.test.ts runs every `pattern` left in schemas/ over 12 M-character strings.
 */
export const FORMATS: Record<string, (s: string) => boolean> = {
  /** One non-empty line: no `\n`. */
  'single-line': (s) => s.length > 0 && !s.includes('\n'),
  /** A relative POSIX path inside a release folder: not absolute, no backslash, no `..` segment. */
  'release-path': (s) => s.length > 0 && !s.startsWith('/') && !s.includes('\\') && !s.split('/').includes('..'),
};

let ajv: Ajv | null = null;
const compiled = new Map<string, ValidateFunction>();

function instance(): Ajv {
  if (ajv) return ajv;
  ajv = new Ajv({ allErrors: false, strict: true, strictTypes: false, allowUnionTypes: true });
  addFormats(ajv);
  for (const [name, validate] of Object.entries(FORMATS)) ajv.addFormat(name, { type: 'string', validate });
  for (const f of readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.schema.json')).sort()) {
    const schema = JSON.parse(readFileSync(path.join(SCHEMA_DIR, f), 'utf8')) as AnySchema & { $id?: string };
    ajv.addSchema(schema, f);
  }
  return ajv;
}

/** The compiled validator for `schemas/<name>.schema.json`. */
export function validator(name: string): ValidateFunction {
  let v = compiled.get(name);
  if (!v) {
    const a = instance();
    v = a.getSchema(`${name}.schema.json`);
    if (!v) throw new PipelineError('schema_missing', `no schema schemas/${name}.schema.json`);
    compiled.set(name, v);
  }
  return v;
}

/** ajv's first error as `path: message` (e.g. `/paragraphs/3: must match pattern "^[^\\n]+$"`). */
export function describeErrors(v: ValidateFunction): string {
  return (v.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? 'invalid'}${e.params ? ' ' + JSON.stringify(e.params) : ''}`).join('; ');
}

/** Throws `schema_violation` naming the record id and the failing path when `rec` breaks the schema. */
export function assertValid(name: string, rec: unknown, idField = 'id'): void {
  const v = validator(name);
  if (!v(rec)) {
    const id = (rec as Record<string, unknown> | null)?.[idField] ?? (rec as Record<string, unknown> | null)?.['unit_id'] ?? '?';
    throw new PipelineError('schema_violation', `record ${String(id)} breaks schemas/${name}.schema.json: ${describeErrors(v)}`);
  }
}

/** Returns ajv's error text, or null when valid (for tests and release checks). */
export function check(name: string, rec: unknown): string | null {
  const v = validator(name);
  return v(rec) ? null : describeErrors(v);
}
