/**
 * Comparing single lines with a gold text, for the boilerplate figures of make eval: is a removed line part of the
 * article (a wrong removal), is a kept first/last line of a document chrome?
 *
 * Both sides go through `lineKey`: NFKC (full-width ↔ half-width), Traditional → Simplified with OpenCC (gold texts
 * of Traditional pages stay Traditional, the pipeline publishes Simplified), lower case, and only letters and digits
 * kept (punctuation, symbols and whitespace are what normalize rewrites, so they would make a kept line differ from
 * the gold for reasons that are not content). The same key stores the hand labels, so a label survives a change of
 * the rules that cut or reword a line around its words.
 */
import { converter } from '../lib/opencc.js';

let t2s: ((s: string) => string) | undefined;

export function lineKey(text: string): string {
  return simplified(text.normalize('NFKC')).toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/**
 * A text in Simplified characters (OpenCC t → cn, as normalize converts): the main-text F1 compares both sides so,
 * since the pipeline publishes a Traditional page in Simplified by design and its gold stays as the page shows it.
 */
export function simplified(text: string): string {
  t2s ??= converter('t', 'cn');
  return t2s(text);
}

/** Keys shorter than this (`图集`, `+1`, a page number) cannot be told apart from chance matches in a long gold text. */
export const MIN_KEY = 2;
/** Window of the fuzzy match for long lines. */
const CHUNK = 6;

/** The CHUNK-grams of the gold keys seen last (one page's gold is asked about many lines in a row). */
const gramCache = new Map<string, Set<string>>();
function gramsOf(goldKey: string): Set<string> {
  let g = gramCache.get(goldKey);
  if (!g) {
    if (gramCache.size > 8) gramCache.clear();
    const cps = [...goldKey];
    g = new Set<string>();
    for (let i = 0; i + CHUNK <= cps.length; i++) g.add(cps.slice(i, i + CHUNK).join(''));
    gramCache.set(goldKey, g);
  }
  return g;
}

/**
 * Whether a line (its key) is part of a gold text (its key): null when the line is too short to decide; true when it
 * is a substring; for lines of ≥ 2·CHUNK characters, true when ≥ 80% of its characters lie in a CHUNK-character
 * window that occurs in the gold (a kept line may hold a placeholder, a converted character or a cut where the gold
 * has none; a chrome line shares at most a few such windows with an article by chance).
 */
export function inGold(key: string, goldKey: string): boolean | null {
  if ([...key].length < MIN_KEY) return null;
  if (goldKey.includes(key)) return true;
  const cps = [...key];
  if (cps.length < 2 * CHUNK) return false;
  const grams = gramsOf(goldKey);
  const covered = new Uint8Array(cps.length);
  for (let i = 0; i + CHUNK <= cps.length; i++) if (grams.has(cps.slice(i, i + CHUNK).join(''))) covered.fill(1, i, i + CHUNK);
  return covered.reduce((a, b) => a + b, 0) >= 0.8 * cps.length;
}

/** The first and last non-empty lines of a text (one line: itself once). */
export function edgeLines(text: string): string[] {
  const ls = text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (ls.length === 0) return [];
  return ls.length === 1 ? [ls[0]!] : [ls[0]!, ls[ls.length - 1]!];
}

/** Same title, up to punctuation, spaces, script and width; a title split into title + subtitle also counts. */
export function sameTitle(gold: string, title: string | null, subtitle: string | null): boolean {
  if (title === null) return false;
  const g = lineKey(gold);
  return g === lineKey(title) || (subtitle !== null && g === lineKey(title + subtitle));
}
