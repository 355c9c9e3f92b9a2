/**
 * Code-unit level helpers for long texts: they walk a string instead of spreading it into an array of
 * characters (which costs memory per character on a 50 MB paragraph). Dependency-free, so any stage can use them.
 */

/** `/\s/u` (and what `String.prototype.trim` strips) on one UTF-16 unit; a surrogate is never a space. */
export function isSpaceUnit(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029
    || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Code points in `s` (`[...s].length` without the array): a lone surrogate counts as one. */
export function countCodePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i + 1 < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) { n--; i++; }
    }
  }
  return n;
}

/** The first `max` code points of `s` (a surrogate pair is one). */
export function cutCodePoints(s: string, max: number): string {
  let i = 0;
  for (let k = 0; i < s.length && k < max; i++, k++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) i++;
    }
  }
  return s.slice(0, i);
}

/** `YYYY-MM-DD` for a calendar date, or null when the month or day does not exist (2月30日). */
export function isoDate(y: string | number, m: string | number, d: string | number): string | null {
  const year = Number(y), month = Number(m), day = Number(d);
  if (!Number.isInteger(year) || month < 1 || month > 12 || day < 1) return null;
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
