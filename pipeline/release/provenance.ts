/**
 * What a release may say about when and from what it was built, without breaking byte-identity:
 * the time comes from `SOURCE_DATE_EPOCH` (reproducible-builds.org) or the last commit, never the clock.
 */
import { execFileSync } from 'node:child_process';
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

/** `YYYY-MM-DD` (UTC) of an epoch. */
export function isoDate(epoch: number): string {
  return new Date(epoch * 1000).toISOString().slice(0, 10);
}
