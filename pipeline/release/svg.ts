/**
 * A length histogram as a small, hand-made SVG: no fonts embedded, no ids, no times, numbers printed with a
 * fixed precision, so the same values always give the same bytes.
 */

export interface Bin { from: number; to: number; count: number }

/** A "nice" whole step (1, 2 or 5 × 10^k, at least 1) so that `span / step` needs at most `maxSteps` steps. */
export function niceStep(span: number, maxSteps: number): number {
  const s = Math.max(span / maxSteps, 1);
  const p = 10 ** Math.floor(Math.log10(s));
  for (const m of [1, 2, 5, 10]) if (m * p >= s) return m * p;
  return 10 * p;
}

/** Equal-width bins starting at 0, of a nice width, at most `maxBins` of them; `to` is exclusive. */
export function binValues(values: number[], maxBins = 20): Bin[] {
  if (values.length === 0) return [];
  const max = Math.max(...values);
  const w = niceStep(max + 1, maxBins);
  const n = Math.max(1, Math.ceil((max + 1) / w));
  const bins: Bin[] = Array.from({ length: n }, (_, i) => ({ from: i * w, to: (i + 1) * w, count: 0 }));
  for (const v of values) bins[Math.min(n - 1, Math.floor(v / w))]!.count++;
  return bins;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));
/** 12000 → "12k", 1500 → "1.5k": short tick labels. */
const short = (x: number) => (x >= 1000 ? `${num(x / 1000)}k` : String(x));

export interface HistogramOptions { title: string; xLabel: string; yLabel: string; width?: number; height?: number }

/** The histogram of `values` as an SVG document (UTF-8 text, ends with a newline). */
export function histogramSvg(values: number[], o: HistogramOptions): string {
  const W = o.width ?? 720;
  const H = o.height ?? 360;
  const m = { left: 56, right: 16, top: 40, bottom: 56 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const bins = binValues(values);
  const maxCount = Math.max(1, ...bins.map((b) => b.count));
  const yStep = niceStep(maxCount, 5);
  const yMax = Math.ceil(maxCount / yStep) * yStep;
  const x = (i: number) => m.left + (pw * i) / Math.max(1, bins.length);
  const y = (c: number) => m.top + ph - (ph * c) / yMax;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<title>${esc(o.title)}</title>`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(o.title)}</text>`);
  for (let c = 0; c <= yMax; c += yStep) {
    out.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${num(y(c))}" y2="${num(y(c))}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${m.left - 6}" y="${num(y(c) + 4)}" text-anchor="end" fill="#444">${c}</text>`);
  }
  bins.forEach((b, i) => {
    const x0 = x(i) + 1;
    const bw = x(i + 1) - x(i) - 2;
    if (b.count > 0) {
      out.push(`<rect x="${num(x0)}" y="${num(y(b.count))}" width="${num(bw)}" height="${num(y(0) - y(b.count))}" fill="#3b6ea8"><title>${b.from}–${b.to - 1}: ${b.count}</title></rect>`);
      out.push(`<text x="${num(x0 + bw / 2)}" y="${num(y(b.count) - 4)}" text-anchor="middle" font-size="10" fill="#222">${b.count}</text>`);
    }
  });
  const labelEvery = Math.max(1, Math.ceil(bins.length / 10));
  for (let i = 0; i <= bins.length; i += labelEvery) {
    out.push(`<text x="${num(x(i))}" y="${m.top + ph + 16}" text-anchor="middle" fill="#444">${short(i * (bins[0]?.to ?? 1))}</text>`);
  }
  out.push(`<line x1="${m.left}" x2="${W - m.right}" y1="${m.top + ph}" y2="${m.top + ph}" stroke="#444"/>`);
  out.push(`<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + ph}" stroke="#444"/>`);
  out.push(`<text x="${m.left + pw / 2}" y="${H - 16}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
