/**
 * `npm ci` installs exactly package-lock.json, and fails when the lockfile lacks a package some locked package
 * needs. npm leaves out the platform packages of other machines (optionalDependencies such as
 * @esbuild/darwin-arm64) when it writes the lockfile on one machine, and `npm ci` then fails on a fresh clone (#25):
 * every optional dependency a locked package declares must be locked too, for every platform. And esbuild, which
 * `make build` runs, must be declared.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers.js';

interface LockEntry { version?: string; optionalDependencies?: Record<string, string>; dependencies?: Record<string, string>; devDependencies?: Record<string, string>; os?: string[]; cpu?: string[] }
interface Lock { lockfileVersion: number; packages: Record<string, LockEntry> }

/** Where Node would find `dep` from the package at `at` (a lockfile key): its own node_modules, then each parent's. */
function resolve(lock: Lock, at: string, dep: string): string | null {
  let base = at;
  for (;;) {
    const key = base ? `${base}/node_modules/${dep}` : `node_modules/${dep}`;
    if (lock.packages[key]) return key;
    if (!base) return null;
    const i = base.lastIndexOf('/node_modules/');
    base = i >= 0 ? base.slice(0, i) : '';
  }
}

/** Optional dependencies that some locked package declares and the lockfile does not hold: `<package> → <dep>`. */
function missingOptional(lock: Lock): string[] {
  const missing: string[] = [];
  for (const [key, entry] of Object.entries(lock.packages)) {
    for (const dep of Object.keys(entry.optionalDependencies ?? {})) if (!resolve(lock, key, dep)) missing.push(`${key || '(root)'} → ${dep}`);
  }
  return missing;
}

const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as Lock;
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as LockEntry;

describe('package-lock.json', () => {
  it('holds every optional (platform) package that a locked package declares', () => {
    expect(missingOptional(lock)).toEqual([]);
    // The packages with native builds this repository needs, for more than this machine's platform.
    for (const name of ['esbuild', '@node-rs/jieba', '@duckdb/node-bindings']) {
      const key = resolve(lock, '', name);
      expect(key, name).not.toBeNull();
      expect(Object.keys(lock.packages[key!]!.optionalDependencies ?? {}).length, name).toBeGreaterThan(3);
    }
  });

  it('the check finds a platform package left out', () => {
    const key = resolve(lock, '', 'esbuild')!;
    const dep = Object.keys(lock.packages[key]!.optionalDependencies!).find((d) => d.includes('darwin'))!;
    const cut: Lock = { ...lock, packages: { ...lock.packages } };
    delete cut.packages[resolve(lock, key, dep)!];
    expect(missingOptional(cut)).toEqual([`${key} → ${dep}`]);
  });

  it('declares esbuild (make build runs it) and locks what package.json declares', () => {
    expect(pkg.devDependencies?.['esbuild'] ?? pkg.dependencies?.['esbuild']).toBeTruthy();
    const root = lock.packages['']!;
    expect(root.dependencies ?? {}).toEqual(pkg.dependencies ?? {});
    expect(root.devDependencies ?? {}).toEqual(pkg.devDependencies ?? {});
    for (const name of [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]) expect(resolve(lock, '', name), name).not.toBeNull();
  });
});
