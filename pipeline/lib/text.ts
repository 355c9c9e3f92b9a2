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
  const chars = [...paragraph];
  let start = 0;
  let i = 0;
  while (i < chars.length) {
    const c = chars[i]!;
    const ellipsis = c === '…' || (c === '.' && chars[i + 1] === '.' && chars[i + 2] === '.');
    if (!TERMINAL.has(c) && !ellipsis) { i++; continue; }
    // Consume the whole run of closing marks (`？！`, `……`, `...`) and the closers after it.
    while (i < chars.length && (TERMINAL.has(chars[i]!) || chars[i] === '…' || (ellipsis && chars[i] === '.'))) i++;
    while (i < chars.length && CLOSER.has(chars[i]!)) i++;
    push(out, chars.slice(start, i).join(''));
    start = i;
  }
  push(out, chars.slice(start).join(''));
  return out;
}

function push(out: string[], s: string): void {
  const t = s.trim();
  if (t) out.push(t);
}

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
  jieba ??= Jieba.withDict(dict);
  const out: string[] = [];
  let at = 0;
  for (const m of text.matchAll(WHOLE)) {
    out.push(...jieba.cut(text.slice(at, m.index), false).filter((w) => WORDLIKE.test(w)), m[0]);
    at = m.index + m[0].length;
  }
  out.push(...jieba.cut(text.slice(at), false).filter((w) => WORDLIKE.test(w)));
  return out;
}

/** Count words with jieba (see the module comment for why not Intl.Segmenter). */
export function countWords(text: string): number {
  return words(text).length;
}
