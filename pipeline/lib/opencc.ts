/**
 * OpenCC conversion as opencc-js (`OpenCC.Converter({ from, to })`) does it — the same dictionaries (opencc-js's
 * `Locale`), the same configurations (its `Locale.configs`: a normalization pass, a segmentation, a conversion
 * chain applied segment by segment) and the same matching (longest dictionary prefix by code points; an
 * Ideographic Description Sequence is one unit) — over flat tries instead of a Map per trie node.
 *
 * Why not call opencc-js: conversion took normalize 0.52 s of thread time on the 50 MB benchmark (`--cpu-prof`), in
 * the thread that bounds pass 1 with 2 workers: a Map lookup per character and trie step, four scans, and an array
 * of pieces and a `join` per segment. Converting the benchmark's Traditional text (3.2 M characters, tw → cn, by
 * paragraph) took 205 ms here against 450 ms with opencc-js, with the same result for every paragraph. The library
 * stays the source of the data and the reference: tests/lib/opencc.test.ts checks that every conversion equals
 * opencc-js's on OpenCC's own test cases and golden texts, and on generated strings built from dictionary words,
 * Ideographic Description Sequences and surrogates.
 */
import * as OpenCC from 'opencc-js';

/**
 * A dictionary group as a trie over code points, numbered breadth first so that the children of a node are
 * consecutive, sorted by code point: node `n`'s children are `first[n] .. first[n + 1] − 1`, `cp[c]` is the code
 * point leading to child `c`, and `value[c]` indexes `values` (−1 where no word ends). The root's children are
 * also found directly for a BMP code point (`root`, 0 = none; the root is node 0 and no one's child).
 */
interface FlatTrie { root: Int32Array; first: Int32Array; cp: Int32Array; value: Int32Array; values: string[] }

/** The nested form a group is loaded into first (opencc-js's own, so that later entries override as there). */
interface Node { children: Map<number, Node>; value?: string }

/** Loads a dictionary ("src dst|src dst|…", or [src, dst] pairs) into `root`; a later entry overrides. */
function loadDict(root: Node, dict: unknown): void {
  const entries: [string, string][] = typeof dict === 'string'
    ? dict.split('|').map((e) => e.split(' ') as [string, string])
    : (dict as [string, string][]);
  for (const [src, dst] of entries) {
    if (typeof src !== 'string' || typeof dst !== 'string') throw new Error(`opencc: invalid dictionary entry ${JSON.stringify([src, dst])}`);
    let node = root;
    for (const ch of src) {
      const c = ch.codePointAt(0)!;
      let next = node.children.get(c);
      if (!next) node.children.set(c, (next = { children: new Map() }));
      node = next;
    }
    node.value = dst;
  }
}

/** A group's trie: its dictionaries loaded last to first, so the first dictionary of the group wins (opencc-js). */
function buildTrie(group: readonly unknown[]): FlatTrie {
  const top: Node = { children: new Map() };
  for (let k = group.length - 1; k >= 0; k--) loadDict(top, group[k]);
  const order: Node[] = [top];
  const firstList: number[] = [];
  const cpList: number[] = [0];
  const valueList: number[] = [-1];
  const values: string[] = [];
  for (let n = 0; n < order.length; n++) {
    firstList.push(order.length);
    for (const c of [...order[n]!.children.keys()].sort((a, b) => a - b)) {
      const child = order[n]!.children.get(c)!;
      order.push(child);
      cpList.push(c);
      valueList.push(child.value === undefined ? -1 : values.push(child.value) - 1);
    }
  }
  firstList.push(order.length);
  const first = Int32Array.from(firstList);
  const cp = Int32Array.from(cpList);
  const root = new Int32Array(0x10000);
  for (let c = first[0]!; c < first[1]!; c++) if (cp[c]! < 0x10000) root[cp[c]!] = c;
  return { root, first, cp, value: Int32Array.from(valueList), values };
}

/** The child of `node` for code point `c`, or 0. */
function child(t: FlatTrie, node: number, c: number): number {
  if (node === 0 && c < 0x10000) return t.root[c]!;
  let lo = t.first[node]!;
  let hi = t.first[node + 1]! - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = t.cp[mid]!;
    if (v < c) lo = mid + 1;
    else if (v > c) hi = mid - 1;
    else return mid;
  }
  return 0;
}

/** The code point at `i` of `s`, read as if `s` ended at `end` (a pair cut by `end` is its high surrogate). */
function cpAt(s: string, i: number, end: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
  }
  return c;
}

/** Value index of the longest match found by the last `matchEnd` call. */
let matched = -1;

/** End of the longest dictionary word of `t` starting at `at` in `s` (up to `end`), or 0; its value in `matched`. */
function matchEnd(t: FlatTrie, s: string, at: number, end: number): number {
  let node = 0;
  let best = 0;
  for (let i = at; i < end;) {
    const c = cpAt(s, i, end);
    i += c > 0xffff ? 2 : 1;
    node = child(t, node, c);
    if (node === 0) break;
    if (t.value[node]! >= 0) {
      best = i;
      matched = t.value[node]!;
    }
  }
  return best;
}

/** Operands of an Ideographic Description Character (U+2FF0–2FFF), 0 for any other code point. */
function idsArity(c: number): number {
  return c >= 0x2ff0 && c <= 0x2ff1 ? 2 : c >= 0x2ff2 && c <= 0x2ff3 ? 3 : c >= 0x2ff4 && c <= 0x2fff ? 2 : 0;
}

/** End of the Ideographic Description Sequence starting at `at` (up to `end`), or 0 when there is none. */
function idsEnd(s: string, at: number, end: number): number {
  const c = cpAt(s, at, end);
  const arity = idsArity(c);
  if (arity === 0) return 0;
  let i = at + (c > 0xffff ? 2 : 1);
  for (let k = 0; k < arity; k++) {
    if (i >= end) return 0;
    const inner = idsEnd(s, i, end);
    i = inner || i + (cpAt(s, i, end) > 0xffff ? 2 : 1);
  }
  return i;
}

/** Units of the unit that starts at `at`: an Ideographic Description Sequence, else one code point. */
function unitLength(s: string, at: number, end: number): number {
  const ids = idsEnd(s, at, end);
  return ids > at ? ids - at : cpAt(s, at, end) > 0xffff ? 2 : 1;
}

/** Whether a match of `t` can start at unit `u` of a text: false for most units, which are then skipped at once. */
function mayStart(t: FlatTrie, u: number): boolean {
  return t.root[u] !== 0 || (u >= 0xd800 && u <= 0xdbff) || (u >= 0x2ff0 && u <= 0x2fff);
}

/**
 * `s` with every longest match of `t` replaced by its value (opencc-js's Trie.convert), each segment on its own: a
 * segment ends at each of `ends` (ascending, the last = s.length) and no match crosses an end. Returns the text and
 * where the segments end in it. One sweep over the whole text, instead of a string and a call per segment.
 */
function convertSegments(t: FlatTrie, s: string, ends: Int32Array): { text: string; ends: Int32Array } {
  let out = '';
  const outEnds = new Int32Array(ends.length);
  let i = 0;
  for (let k = 0; k < ends.length; k++) {
    const end = ends[k]!;
    let kept = i; // start of the text not yet copied
    while (i < end) {
      if (!mayStart(t, s.charCodeAt(i))) {
        i++;
        continue;
      }
      const m = matchEnd(t, s, i, end);
      if (m > 0) {
        if (i > kept) out += s.slice(kept, i);
        out += t.values[matched]!;
        i = m;
        kept = m;
      } else i += unitLength(s, i, end);
    }
    if (end > kept) out += kept === 0 && end === s.length ? s : s.slice(kept, end);
    outEnds[k] = out.length;
  }
  return { text: out, ends: outEnds };
}

/** `s` with every longest match of `t` replaced by its value (opencc-js's Trie.convert). */
function convert(t: FlatTrie, s: string): string {
  return convertSegments(t, s, Int32Array.of(s.length)).text;
}

/** Where the segments of `s` end: each longest match of `t`, and each run of text between two (opencc-js's
 *  Trie.segment, as positions). */
function segmentEnds(t: FlatTrie, s: string): Int32Array {
  let ends = new Int32Array(64);
  let n = 0;
  const push = (e: number) => {
    if (n === ends.length) { const b = new Int32Array(n * 2); b.set(ends); ends = b; }
    ends[n++] = e;
  };
  let inRun = false;
  for (let i = 0; i < s.length;) {
    const m = mayStart(t, s.charCodeAt(i)) ? matchEnd(t, s, i, s.length) : 0;
    if (m > 0) {
      if (inRun) push(i);
      inRun = false;
      push(m);
      i = m;
    } else {
      inRun = true;
      i += unitLength(s, i, s.length);
    }
  }
  if (inRun || n === 0) push(s.length);
  return ends.subarray(0, n);
}

/** A configuration of opencc-js's `Locale.configs`, with its tries. */
interface Config { normalization: FlatTrie[]; segmentation: FlatTrie | null; conversion: FlatTrie[] }

/** Tries by dictionary group (groups are shared between configurations: t2s, tw2s and hk2s all end in TS). A
 *  group is recognised by its dictionaries, the very string objects of opencc-js's Locale. */
const tries: { group: readonly unknown[]; trie: FlatTrie }[] = [];
function trieOf(group: readonly unknown[]): FlatTrie {
  const known = tries.find((t) => t.group.length === group.length && t.group.every((d, k) => d === group[k]));
  if (known) return known.trie;
  const trie = buildTrie(group);
  tries.push({ group, trie });
  return trie;
}

type LocaleConfig = { normalizationChain?: unknown[][]; segmentation?: unknown[]; conversionChain: unknown[][] };

/** opencc-js's name of the configuration for a conversion (its Converter's lookup). */
function configName(from: string, to: string): string {
  if (from === 'cn') return `s2${to}`;
  if (to === 'cn') return from === 'hkp' ? 'hk2sp' : from === 'twp' ? 'tw2sp' : `${from}2s`;
  return `${from}2${to}`;
}

function configOf(from: string, to: string): Config {
  const locale = OpenCC.Locale as unknown as { configs?: Record<string, LocaleConfig> };
  const c = locale.configs?.[configName(from, to)];
  if (!c) throw new Error(`opencc: opencc-js has no configuration ${configName(from, to)}`);
  return {
    normalization: (c.normalizationChain ?? []).map(trieOf),
    segmentation: c.segmentation ? trieOf(c.segmentation) : null,
    conversion: c.conversionChain.map(trieOf),
  };
}

/**
 * A converter equal to `OpenCC.Converter({ from, to })` of opencc-js for the configurations it ships (each has a
 * conversion chain; `from: 't'` to `'cn'` is t2s, and so on).
 */
export function converter(from: string, to: string): (text: string) => string {
  const c = configOf(from, to);
  if (c.conversion.length === 0) throw new Error(`opencc: configuration ${configName(from, to)} has no conversion chain`);
  return (text: string): string => {
    let s = text;
    for (const t of c.normalization) s = convert(t, s);
    if (s.length === 0) return s;
    // The chain converts each segment on its own (no match crosses a segment's end), as opencc-js does; without a
    // segmentation the text is one segment.
    let seg = { text: s, ends: c.segmentation ? segmentEnds(c.segmentation, s) : Int32Array.of(s.length) };
    for (const t of c.conversion) seg = convertSegments(t, seg.text, seg.ends);
    return seg.text;
  };
}
