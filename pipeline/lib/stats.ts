/** Small descriptive statistics shared by the benchmark and the dataset card. */

/** The median of `xs` (the mean of the middle two for an even count); null for no values. `xs` is not reordered. */
export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const v = [...xs].sort((a, b) => a - b);
  const h = v.length >> 1;
  return v.length % 2 === 1 ? v[h]! : (v[h - 1]! + v[h]!) / 2;
}
