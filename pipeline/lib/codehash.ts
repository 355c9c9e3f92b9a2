/**
 * A fingerprint of the code a stage runs: its source file and every project file it imports, followed
 * transitively through relative imports, plus the lockfile (library versions) and the Node/ICU version
 * (Intl.Segmenter and TextDecoder come from ICU). A re-run redoes a stage only when this or its input changed.
 */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';

const IMPORT_RE = /(?:import|export)\s[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function resolveTs(from: string, spec: string): string | null {
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [base.replace(/\.js$/, '.ts'), base, base + '.ts', path.join(base, 'index.ts')]) if (existsSync(c) && c.endsWith('.ts')) return c;
  for (const c of [base]) if (existsSync(c)) return c;
  return null;
}

/** Project files `entry` imports, transitively; imports into folders under `stop` are not followed. */
export function codeFiles(entry: string, stop: string[] = []): string[] {
  const seen = new Set<string>();
  const stack = [path.resolve(entry)];
  const stopped = (f: string) => stop.some((d) => f.startsWith(path.resolve(d) + path.sep));
  while (stack.length) {
    const f = stack.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    if (!f.endsWith('.ts')) continue;
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(IMPORT_RE)) {
      const r = resolveTs(f, (m[1] ?? m[2])!);
      if (r && !stopped(r)) stack.push(r);
    }
  }
  return [...seen].sort();
}

/**
 * Fingerprint of `entry` and what it imports. For the runner's own plumbing pass `stop: [pipeline/stages]`, so that
 * editing one stage changes that stage's key only, not every stage's.
 */
export function codeHash(entry: string, root: string, stop: string[] = []): string {
  const h = createHash('sha256');
  for (const f of codeFiles(entry, stop)) {
    h.update(path.relative(root, f) + '\0');
    h.update(readFileSync(f));
  }
  const lock = path.join(root, 'package-lock.json');
  if (existsSync(lock)) h.update(readFileSync(lock));
  h.update(`${process.version} icu ${process.versions.icu ?? ''}`);
  return h.digest('hex');
}
