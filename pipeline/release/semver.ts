/** Semantic versions (semver.org 2.0.0): parse, compare, and the one check every release entry runs first. */
import { PipelineError, quote } from '../lib/errors.js';

export interface SemVer { major: number; minor: number; patch: number; pre: string[]; raw: string }

// The regular expression semver.org recommends (section "Is there a suggested regular expression"), build
// metadata included; leading zeros are refused in numeric parts.
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** The parsed version, or null when `s` is not a semantic version. */
export function parseSemver(s: string): SemVer | null {
  const m = SEMVER.exec(s);
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre: m[4] ? m[4].split('.') : [], raw: s };
}

/** Parses `s` or throws a `config` error that quotes it and shows the expected form. */
export function requireSemver(s: unknown, what = 'VERSION'): SemVer {
  const v = typeof s === 'string' ? parseSemver(s) : null;
  if (!v) throw new PipelineError('config', `${what} must be a semantic version like 0.1.0 or 1.2.0-rc.1 (semver.org), got ${quote(s === undefined ? '' : String(s))}`);
  return v;
}

/** Orders versions by precedence (semver §11): numbers first, a pre-release sorts before its release. */
export function compareSemver(a: SemVer, b: SemVer): number {
  for (const k of ['major', 'minor', 'patch'] as const) if (a[k] !== b[k]) return a[k] - b[k];
  if (a.pre.length === 0 || b.pre.length === 0) return b.pre.length - a.pre.length;
  for (let i = 0; i < Math.max(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i];
    const y = b.pre[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny && Number(x) !== Number(y)) return Number(x) - Number(y);
    if (nx !== ny) return nx ? -1 : 1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** The highest version in `names` below `v` (names that are not versions are ignored), or null. */
export function previousVersion(names: string[], v: SemVer): SemVer | null {
  let best: SemVer | null = null;
  for (const n of names) {
    const p = parseSemver(n);
    if (p && compareSemver(p, v) < 0 && (!best || compareSemver(p, best) > 0)) best = p;
  }
  return best;
}
