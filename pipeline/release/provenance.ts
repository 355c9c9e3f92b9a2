/**
 * What a release may say about when and from what it was built, without breaking byte-identity:
 * the time comes from `SOURCE_DATE_EPOCH` (reproducible-builds.org) or the last commit, never the clock.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { PipelineError, quote } from '../lib/errors.js';

function git(root: string, args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null;
  }
}

/** Seconds since 1970: `SOURCE_DATE_EPOCH` if set, else the last commit's time, else 0. */
export function sourceDateEpoch(root: string, env: NodeJS.ProcessEnv = process.env): number {
  const s = env['SOURCE_DATE_EPOCH'];
  if (s !== undefined && s !== '') {
    if (!/^\d{1,12}$/.test(s)) throw new PipelineError('config', `SOURCE_DATE_EPOCH must be whole seconds since 1970, got ${quote(s)}`);
    return Number(s);
  }
  const ct = git(root, ['log', '-1', '--format=%ct']);
  return ct && /^\d+$/.test(ct) ? Number(ct) : 0;
}

/** The commit the code was built from (full hash), or null outside a git checkout. */
export function sourceCommit(root: string): string | null {
  const h = git(root, ['rev-parse', 'HEAD']);
  return h && /^[0-9a-f]{40}$/.test(h) ? h : null;
}

/**
 * Paths (relative to the repository) with changes not committed — modified, added, deleted, untracked, never
 * ignored files — sorted; [] for a clean tree, null outside a git checkout. A release built from such a tree was
 * not built from its commit alone, and its card says so.
 */
export function uncommitted(root: string): string[] | null {
  if (!sourceCommit(root)) return null;
  let s: string;
  try {
    // Not trimmed: each entry starts with its two status letters, the first often a space.
    s = execFileSync('git', ['status', '--porcelain=v1', '-z', '--untracked-files=all'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
  const paths: string[] = [];
  const parts = s.split('\0').filter(Boolean);
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k]!;
    paths.push(p.slice(3));
    if (p[0] === 'R' || p[0] === 'C') k++; // a rename's second path (its origin) follows
  }
  return paths.sort();
}

/** Where the raw files came from, as a release may say it: the project's raw/ folder, or another one by its path's hash. */
export interface RawOrigin {
  /** RAW is the project's own raw/ folder. */
  inProject: boolean;
  /** sha256 of RAW's absolute path (the path itself may name a person or a machine: never published). */
  pathSha256: string;
}

export function rawOrigin(root: string, raw: string): RawOrigin {
  const abs = path.resolve(raw);
  return { inProject: abs === path.resolve(root, 'raw'), pathSha256: createHash('sha256').update(abs).digest('hex') };
}

/** `YYYY-MM-DD` (UTC) of an epoch. */
export function isoDate(epoch: number): string {
  return new Date(epoch * 1000).toISOString().slice(0, 10);
}
