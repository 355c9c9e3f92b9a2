/**
 * jieba's exact mode with HMM off — `Jieba.cut(s, false)` of `@node-rs/jieba` (jieba-rs) with its default
 * dictionary — written out over UTF-16 units, so that the pipeline can count words without building them.
 *
 * Why not call `@node-rs/jieba`: on the 50 MB benchmark, counting the words of the published text with it took
 * 5.6 s of the pipeline's 22.4 s of CPU (one worker, `--cpu-prof`), about half of that building a JS string for
 * every token and the array holding them, which a count never reads. Cutting all 160,806 paragraphs of the
 * benchmark corpus's text (12.45 M tokens, identical) took 1.6–1.8 s here against 3.4–5.8 s with the binding,
 * alternating in one process; the validate stage went from 5.8 to 2.5 s of thread time. The binding is kept:
 * its `dict.txt` is the dictionary here, and tests/lib/jieba.test.ts checks that the cuts equal the binding's,
 * token for token, on generated text and on real text.
 *
 * The algorithm is jieba's (jieba-rs `cut_internal` / `cut_dag_no_hmm` / `calc`):
 * 1. The text is split into blocks: runs of Han (the CJK Unified Ideograph blocks, their extensions and the
 *    compatibility ideographs) and ASCII `a-zA-Z0-9+#&._%-`, and what lies between. Between blocks, `\r\n` and each
 *    white-space character are a token, and so is every other character on its own.
 * 2. In a block, every dictionary word starting at a character is an edge; the route from each character is the
 *    edge with the highest `ln(freq) − ln(total) + route(end)`, the longer edge on a tie; a character that starts
 *    no word is a word of frequency 1. The route's words are the tokens, except that consecutive single ASCII
 *    letters or digits join into one token.
 * The dictionary is a trie over UTF-16 units (jieba-rs walks UTF-8 bytes: a Han character is one step here
 * instead of three), and each word's log weight is computed once instead of per edge, with the same operations
 * in the same order, so routes and ties come out the same.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * The binding's `dict.txt`, read when the trie is built and not kept: importing `@node-rs/jieba/dict.js` also reads
 * its 5.9 MB `idf.txt`, and both buffers stayed in every thread for the whole run (10.7 MB each, heap snapshot).
 */
export const DICT = createRequire(import.meta.url).resolve('@node-rs/jieba/dict.txt');

/**
 * The dictionary as a trie over UTF-16 units, numbered breadth first so that the children of a node are
 * consecutive nodes, sorted by unit: node `n`'s children are `FIRST[n] .. FIRST[n + 1] − 1` and `UNIT[c]` is the
 * unit that leads to child `c`. A child is found by binary search in a few bytes of `UNIT`; the children of the
 * root directly by unit. About 8 MB per thread; a hash table of (parent, unit, child) triples took 25 MB and was
 * no faster. Built in ~0.25 s per thread (the binding's own dictionary load took 0.13–0.29 s).
 */
let ROOT: Int32Array = new Int32Array(0);
let FIRST: Int32Array = new Int32Array(0);
let UNIT: Uint16Array = new Uint16Array(0);
/** Per node: `ln(freq) − ln(total)` of the dictionary word that ends there, NaN where none does. */
let WEIGHT: Float64Array = new Float64Array(0);
/** `ln(1) − ln(total)`: the weight of a character that starts no word. */
let UNKNOWN = 0;
let built = false;

/**
 * Recent steps from the first nodes (breadth first: every one-character prefix and the commonest longer ones),
 * keyed by `node << 16 | unit`, direct-mapped: a step from a character into the next is most of the work, and
 * the same character pairs come back again and again in text (the benchmark's text: 2.2 s without, 1.7 s with).
 */
const CACHE_BITS = 16;
const CACHE_KEY = new Int32Array(1 << CACHE_BITS).fill(-1);
const CACHE_NODE = new Int32Array(1 << CACHE_BITS);

/** The child of `node` for unit `u`, or 0. */
function step(node: number, u: number): number {
  if (node === 0) return ROOT[u]!;
  let at = -1;
  if (node < 0x8000) {
    const key = (node << 16) | u;
    at = (Math.imul(key, 0x9e3779b1) >>> (32 - CACHE_BITS));
    if (CACHE_KEY[at] === key) return CACHE_NODE[at]!;
    CACHE_KEY[at] = key;
  }
  let lo = FIRST[node]!;
  let hi = FIRST[node + 1]! - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = UNIT[mid]!;
    if (v < u) lo = mid + 1;
    else if (v > u) hi = mid - 1;
    else { found = mid; break; }
  }
  if (at >= 0) CACHE_NODE[at] = found;
  return found;
}

/** jieba's `dict.txt` as words sorted by UTF-16 units, each once, with its frequency (the last line's). */
function readDict(text: string): { words: string[]; freqs: number[] } {
  let words: string[] = [];
  let freqs: number[] = [];
  let sorted = true;
  // Fields as jieba-rs's `split_whitespace` reads them: the word, its frequency (0 when absent), its tag. Split
  // here on ASCII white space, by hand (a regex split per line took a third of the build); dict.txt has no other.
  const space = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);
  const n = text.length;
  for (let at = 0; at < n;) {
    while (at < n && space(text.charCodeAt(at))) at++;
    const start = at;
    while (at < n && !space(text.charCodeAt(at))) at++;
    if (at === start) break;
    const word = text.slice(start, at);
    while (at < n && space(text.charCodeAt(at)) && text.charCodeAt(at) !== 0x0a) at++;
    let freq = 0;
    for (let c: number; at < n && (c = text.charCodeAt(at)) >= 0x30 && c <= 0x39; at++) freq = freq * 10 + (c - 0x30);
    while (at < n && text.charCodeAt(at) !== 0x0a) at++; // the tag
    if (sorted && words.length && !(words[words.length - 1]! < word)) sorted = false;
    words.push(word);
    freqs.push(freq);
  }
  if (!sorted) {
    const byWord = new Map<string, number>();
    words.forEach((w, k) => byWord.set(w, freqs[k]!));
    words = [...byWord.keys()].sort();
    freqs = words.map((w) => byWord.get(w)!);
  }
  return { words, freqs };
}

/**
 * The trie as a file, written next to the compiled module by `make build` (`dist/lib/jieba.trie`): every
 * thread of a run loads it in ~17 ms instead of building the trie from dict.txt (0.16–0.25 s of CPU per thread
 * on this machine, at the start of validate: 0.33 s of the 50 MB benchmark's CPU with 2 workers, profiled).
 * It carries the sha256 of the dict.txt it was built from and is ignored (the trie is built) when that differs
 * or the file is absent, as when the sources run under tsx. tests/lib/jieba.test.ts checks that a written and
 * loaded trie cuts as the binding does, and that a stale or damaged file is refused.
 *
 * Layout (native byte order, checked by a marker): magic `JWTRIE1\n`, the marker 0x01020304 (u32), the node
 * count (u32), dict.txt's sha256 (32 bytes), UNKNOWN (f64), then FIRST (i32 × nodes + 1, padded to 8 bytes),
 * WEIGHT (f64 × nodes), UNIT (u16 × nodes).
 */
const TRIE_FILE = new URL('./jieba.trie', import.meta.url);
const MAGIC = 'JWTRIE1\n';
const HEAD = 8 + 4 + 4 + 32 + 8;

function dictSha(dict: Buffer): Buffer {
  return createHash('sha256').update(dict).digest();
}

/** Writes the trie (built from dict.txt) to `file`, atomically. */
export function writeTrie(file: URL | string = TRIE_FILE): void {
  const dict = readFileSync(DICT);
  buildFrom(dict.toString('utf8'));
  const nodes = UNIT.length;
  const firstBytes = Math.ceil(((nodes + 1) * 4) / 8) * 8;
  const out = new ArrayBuffer(HEAD + firstBytes + nodes * 8 + nodes * 2);
  const bytes = new Uint8Array(out);
  bytes.set(Buffer.from(MAGIC, 'latin1'), 0);
  new Uint32Array(out, 8, 2).set([0x01020304, nodes]);
  bytes.set(dictSha(dict), 16);
  new Float64Array(out, 48, 1)[0] = UNKNOWN;
  new Int32Array(out, HEAD, nodes + 1).set(FIRST);
  new Float64Array(out, HEAD + firstBytes, nodes).set(WEIGHT);
  new Uint16Array(out, HEAD + firstBytes + nodes * 8, nodes).set(UNIT);
  const tmp = `${file instanceof URL ? fileURLToPath(file) : file}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
}

/** Loads the trie from `file` when it exists and was built from this dict.txt; false otherwise. */
export function loadTrie(file: URL | string = TRIE_FILE): boolean {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch {
    return false;
  }
  // Copied into a buffer of its own, 8-aligned, so the typed arrays can view it in place.
  const bytes = new Uint8Array(new ArrayBuffer(buf.length));
  bytes.set(buf);
  if (bytes.length < HEAD || Buffer.from(bytes.buffer, 0, 8).toString('latin1') !== MAGIC) return false;
  const [marker, nodes] = new Uint32Array(bytes.buffer, 8, 2) as unknown as [number, number];
  if (marker !== 0x01020304) return false;
  const firstBytes = Math.ceil(((nodes + 1) * 4) / 8) * 8;
  if (bytes.length !== HEAD + firstBytes + nodes * 10) return false;
  if (!dictSha(readFileSync(DICT)).equals(Buffer.from(bytes.buffer, 16, 32))) return false;
  UNKNOWN = new Float64Array(bytes.buffer, 48, 1)[0]!;
  FIRST = new Int32Array(bytes.buffer, HEAD, nodes + 1);
  WEIGHT = new Float64Array(bytes.buffer, HEAD + firstBytes, nodes);
  UNIT = new Uint16Array(bytes.buffer, HEAD + firstBytes + nodes * 8, nodes);
  ROOT = rootOf(FIRST, UNIT);
  built = true;
  return true;
}

/** The children of the root, by unit. */
function rootOf(first: Int32Array, unit: Uint16Array): Int32Array {
  const root = new Int32Array(0x10000);
  for (let c = first[0]!; c < first[1]!; c++) root[unit[c]!] = c;
  return root;
}

/** Loads the dictionary now instead of on the first cut (a thread with nothing else to do loads it ahead). */
export function warmJieba(): void {
  if (!built) build();
}

/** The trie, from the file `make build` wrote when it is there and current, else built from dict.txt. */
function build(): void {
  if (!loadTrie()) buildFrom(readFileSync(DICT, 'utf8'));
}

/** Builds the trie from jieba's `dict.txt` (`word freq tag` per line; a later line of the same word wins). */
function buildFrom(dictText: string): void {
  // Sorted by UTF-16 units (dict.txt already is), words with a common prefix are consecutive: the nodes of
  // each depth come out in order, children grouped under their parents.
  const { words, freqs } = readDict(dictText);
  let total = 0;
  for (const f of freqs) total += f;
  const logTotal = Math.log(total);
  let most = 1; // nodes at most: one per unit, and the root
  for (const w of words) most += w.length;
  const nodeOf = new Int32Array(words.length); // each word's node at the current depth
  const unit = new Uint16Array(most);
  const first = new Int32Array(most + 1).fill(-1); // a node's first child
  const weight = new Float64Array(most).fill(NaN);
  let nodes = 1;
  let active = Int32Array.from(words.keys());
  for (let depth = 0; active.length; depth++) {
    const next = new Int32Array(active.length);
    let kept = 0;
    let prevParent = -1;
    let prevUnit = -1;
    for (let k = 0; k < active.length; k++) {
      const w = active[k]!;
      const word = words[w]!;
      const parent = nodeOf[w]!;
      const u = word.charCodeAt(depth);
      if (parent !== prevParent || u !== prevUnit) {
        if (first[parent] === -1) first[parent] = nodes;
        unit[nodes++] = u;
        prevParent = parent;
        prevUnit = u;
      }
      nodeOf[w] = nodes - 1;
      if (word.length === depth + 1) weight[nodes - 1] = Math.log(freqs[w]!) - logTotal;
      else next[kept++] = w;
    }
    active = next.subarray(0, kept);
  }
  FIRST = new Int32Array(nodes + 1);
  FIRST[nodes] = nodes;
  for (let n = nodes - 1; n >= 0; n--) FIRST[n] = first[n] === -1 ? FIRST[n + 1]! : first[n]!;
  UNIT = unit.slice(0, nodes);
  ROOT = rootOf(FIRST, UNIT);
  WEIGHT = weight.slice(0, nodes);
  UNKNOWN = Math.log(1) - logTotal;
  built = true;
}

/** Whether the code point `cp` belongs to jieba's blocks (RE_HAN_DEFAULT of jieba-rs). */
function inBlock(cp: number): boolean {
  if (cp < 0x80) return BLOCK_ASCII[cp] === 1;
  return (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xf900 && cp <= 0xfaff)
    || (cp >= 0x20000 && cp <= 0x2a6df) || (cp >= 0x2a700 && cp <= 0x2ebef) || (cp >= 0x2f800 && cp <= 0x2fa1f);
}
const BLOCK_ASCII = new Uint8Array(0x80);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+#&._%-') BLOCK_ASCII[c.charCodeAt(0)] = 1;

function isAsciiAlnum(u: number): boolean {
  return (u >= 0x30 && u <= 0x39) || (u >= 0x41 && u <= 0x5a) || (u >= 0x61 && u <= 0x7a);
}

/** Length in units of the code point at `i` (2 for a surrogate pair, else 1). */
function cpLength(s: string, i: number, to: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < to) {
    const lo = s.charCodeAt(i + 1);
    if (lo >= 0xdc00 && lo <= 0xdfff) return 2;
  }
  return 1;
}

function codePointAt(s: string, i: number, len: number): number {
  return len === 2 ? ((s.charCodeAt(i) - 0xd800) << 10) + (s.charCodeAt(i + 1) - 0xdc00) + 0x10000 : s.charCodeAt(i);
}

// Route of the current block: best log weight and end from each unit. Reused between blocks up to KEEP_ROUTE
// units (text has punctuation every few dozen characters); a longer block gets arrays of its own, not kept.
const KEEP_ROUTE = 1 << 16;
const routeWeight = new Float64Array(KEEP_ROUTE + 1);
const routeEnd = new Int32Array(KEEP_ROUTE + 1);

/** The tokens of the block `s[from, to)`: its maximum-probability route, single ASCII letters and digits joined. */
function cutBlock(s: string, from: number, to: number, each: (from: number, to: number) => void): void {
  const n = to - from;
  const rw = n <= KEEP_ROUTE ? routeWeight : new Float64Array(n + 1);
  const re = n <= KEEP_ROUTE ? routeEnd : new Int32Array(n + 1);
  rw[n] = 0;
  // From the last code point back to the first.
  let next = to; // start of the code point after the current one
  for (let i = to - 1; i >= from; i--) {
    const lo = s.charCodeAt(i);
    if (lo >= 0xdc00 && lo <= 0xdfff && i > from) {
      const hi = s.charCodeAt(i - 1);
      if (hi >= 0xd800 && hi <= 0xdbff) i--;
    }
    let best = -Infinity;
    let bestEnd = -1;
    let node = 0;
    for (let j = i; j < to; j++) {
      node = step(node, s.charCodeAt(j));
      if (node === 0) break;
      const wordWeight = WEIGHT[node]!;
      if (wordWeight === wordWeight) { // a word ends here (not NaN)
        const w = wordWeight + rw[j + 1 - from]!;
        // Ties go to the longer word: jieba-rs takes the maximum of (weight, end) pairs.
        if (w >= best) { best = w; bestEnd = j + 1; }
      }
    }
    if (bestEnd < 0) { best = UNKNOWN + rw[next - from]!; bestEnd = next; }
    rw[i - from] = best;
    re[i - from] = bestEnd;
    next = i;
  }
  let left = -1; // start of a run of single ASCII letters and digits
  for (let x = from; x < to;) {
    const y = re[x - from]!;
    if (y === x + 1 && isAsciiAlnum(s.charCodeAt(x))) {
      if (left < 0) left = x;
    } else {
      if (left >= 0) { each(left, x); left = -1; }
      each(x, y);
    }
    x = y;
  }
  if (left >= 0) each(left, to);
}

/**
 * Calls `each(from, to)` for every token jieba (exact mode, HMM off, default dictionary) cuts `s[from, to)` into,
 * in order, as UTF-16 offsets into `s`. A lone surrogate is a token of its own, as the U+FFFD it becomes in UTF-8.
 */
export function cutRanges(s: string, each: (from: number, to: number) => void, from = 0, to = s.length): void {
  if (!built) build();
  let i = from;
  while (i < to) {
    let len = cpLength(s, i, to);
    if (inBlock(codePointAt(s, i, len))) {
      const start = i;
      do i += len; while (i < to && inBlock(codePointAt(s, i, (len = cpLength(s, i, to)))));
      cutBlock(s, start, i, each);
      continue;
    }
    // Between blocks: `\r\n`, a white-space character, or any other character is a token.
    if (s.charCodeAt(i) === 0x0d && i + 1 < to && s.charCodeAt(i + 1) === 0x0a) len = 2;
    each(i, i + len);
    i += len;
  }
}

/** jieba's tokens of `s` (exact mode, HMM off), as strings: what `Jieba.cut(s, false)` returns. */
export function cut(s: string): string[] {
  const out: string[] = [];
  cutRanges(s, (a, b) => out.push(s.slice(a, b)));
  return out;
}

