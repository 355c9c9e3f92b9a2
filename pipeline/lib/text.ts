/**
 * Sentence and word units for the `n_sentences` / `n_words` columns.
 *
 * Words are counted with jieba (`@node-rs/jieba`, default dictionary, HMM off), not `Intl.Segmenter('zh')`.
 * Measured on the five seed files (0.166 MB, Node 20, one core): jieba 9–10 MB/s, Intl.Segmenter 0.3 MB/s
 * (about 30× slower); the dictionary loads once in ~0.16 s. On 8 hand-segmented sentences from the seeds
 * (tests/lib/text.test.ts), word-boundary F1 is 0.89 for jieba (HMM off), 0.88 (HMM on), 0.73 for Intl.Segmenter:
 * ICU's dictionary falls back to single characters on this domain's words (`脱|贫|攻|坚|战|收|官` for jieba's
 * `脱贫|攻坚战|收官`, `疫|情`, `操作|员`). HMM is off: its guesses merged across words (`工作中要有` → `中要`)
 * and it was not better overall. Numbers (`3.5`, `10:03`)
 * and Latin words count as one word each; punctuation and spaces are not words.
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';

/** Sentence-closing marks: 。！？； and their ASCII forms. `…` runs and `...` are handled apart. */
const TERMINAL = new Set(['。', '！', '？', '；', '!', '?', ';']);
/** Marks that stay with the sentence they follow: closing quotes and brackets. */
const CLOSER = new Set(['”', '’', '"', "'", '」', '』', '）', ')', ']', '】', '》', '〉']);

/**
 * Split a paragraph into sentences after Chinese closing punctuation (。！？； …… and their ASCII forms), keeping
 * closing quotes with their sentence (`他说：“好。”` is one sentence). `.` and `:` never split, so `3.5` and
 * `10:03` stay inside their sentence. A trailing piece without closing punctuation is a sentence too.
 */
export function splitSentences(paragraph: string): string[] {
  const out: string[] = [];
  sentences(paragraph, (from, to) => {
    const t = paragraph.slice(from, to).trim();
    if (t) out.push(t);
  });
  return out;
}

/** How many sentences splitSentences finds, without building them. */
export function countSentences(paragraph: string): number {
  let n = 0;
  sentences(paragraph, (from, to) => {
    for (let i = from; i < to; i++) {
      if (!isSpaceUnit(paragraph.charCodeAt(i))) { n++; return; }
    }
  });
  return n;
}

/**
 * Calls `each(from, to)` for every piece of `paragraph` (UTF-16 offsets) that splitSentences trims and keeps
 * when not blank. Every mark it looks for is one UTF-16 unit, so it scans units, not code points.
 */
function sentences(paragraph: string, each: (from: number, to: number) => void): void {
  const n = paragraph.length;
  let start = 0;
  let i = 0;
  while (i < n) {
    const c = paragraph[i]!;
    const ellipsis = c === '…' || (c === '.' && paragraph[i + 1] === '.' && paragraph[i + 2] === '.');
    if (!TERMINAL.has(c) && !ellipsis) { i++; continue; }
    // Consume the whole run of closing marks (`？！`, `……`, `...`) and the closers after it.
    while (i < n && (TERMINAL.has(paragraph[i]!) || paragraph[i] === '…' || (ellipsis && paragraph[i] === '.'))) i++;
    while (i < n && CLOSER.has(paragraph[i]!)) i++;
    each(start, i);
    start = i;
  }
  each(start, n);
}

import { isSpaceUnit, countCodePoints } from './unicode.js';

export { isSpaceUnit, countCodePoints };

let jieba: Jieba | null = null;
/** A word has at least one letter or digit (Han characters are letters). */
const WORDLIKE = /[\p{L}\p{N}]/u;

/**
 * Tokens kept whole, outside jieba: a number with its decimal point, time colon or thousands commas (`3.5`,
 * `10:03`, `1,200`), and a Latin word with its diacritics (`wù`, which jieba would cut into `w|ù`).
 */
const WHOLE = /[0-9０-９]+(?:[.．:：,][0-9０-９]+)*|\p{Script=Latin}+(?:['’-]\p{Script=Latin}+)*/gu;

/** The words of `text` as jieba cuts them (HMM off), numbers whole, punctuation and spaces left out. */
export function words(text: string): string[] {
  const out: string[] = [];
  eachWord(text, (w) => out.push(w));
  return out;
}

/** Count words with jieba (see the module comment for why not Intl.Segmenter); builds no word list. */
export function countWords(text: string): number {
  let n = 0;
  eachWord(text, () => n++);
  return n;
}

function eachWord(text: string, each: (w: string) => void): void {
  jieba ??= Jieba.withDict(dict);
  const cut = (s: string) => {
    for (const piece of piecesForJieba(s)) {
      for (const w of jieba!.cut(piece, false)) if (WORDLIKE.test(w)) each(w);
    }
  };
  let at = 0;
  for (const m of text.matchAll(WHOLE)) {
    cut(text.slice(at, m.index));
    each(m[0]);
    at = m.index + m[0].length;
  }
  cut(text.slice(at));
}

/** Longest piece of text handed to jieba at once (UTF-16 units): its word list for 50 MB was ~0.5 GB. */
const JIEBA_PIECE = 1 << 20;
/**
 * Where a long text may be cut without changing jieba's words: right after Chinese punctuation. jieba cuts
 * its input into runs of word characters (Han, ASCII letters and digits, `+#&._%-`) and emits every other
 * character on its own, so a run never spans these marks (checked in tests/lib/text.test.ts).
 */
const SAFE_CUT = new Set([...'，。！？；：、'].map((c) => c.charCodeAt(0)));

/**
 * `s` cut into pieces of at most `max` units after a SAFE_CUT mark, for jieba; a stretch of more than `max`
 * units without one stays whole. `pieces.join('') === s`.
 */
export function piecesForJieba(s: string, max = JIEBA_PIECE): string[] {
  const out: string[] = [];
  let from = 0;
  while (s.length - from > max) {
    let end = -1;
    for (let j = from + max - 1; j > from; j--) {
      if (SAFE_CUT.has(s.charCodeAt(j))) { end = j + 1; break; }
    }
    if (end < 0) break;
    out.push(s.slice(from, end));
    from = end;
  }
  out.push(from === 0 ? s : s.slice(from));
  return out;
}
