/**
 * Character-encoding detection and decoding for text-like files. Decides, never assumes:
 *   1. a byte-order mark (UTF-8, UTF-16 LE/BE);
 *   2. a UTF-16 without BOM, from the pattern of NUL bytes, or (Han-heavy text, few NULs) from how plausible
 *      the UTF-16 reading is when the bytes would otherwise look binary;
 *   3. strict UTF-8 (TextDecoder with `fatal`): pure ASCII and valid UTF-8 are UTF-8;
 *   4. HZ-GB-2312 (7-bit escapes `~{…~}`), only for pure-ASCII bytes carrying HZ escapes;
 *   5. otherwise the candidates GB18030 (covers GBK and GB2312) and Big5 (WHATWG Big5 = Big5-HKSCS): when only
 *      one of them decodes strictly, that one (`only_strict`); when both do, jschardet's distribution analysis
 *      (the detector VS Code uses) picks one when it is confident; else each candidate is scored by how much of
 *      its output is ordinary text (common CJK, ASCII, CJK punctuation) and the best wins;
 *   6. UTF-8 with a few invalid sequences (a corrupted download) stays UTF-8, the bad bytes become U+FFFD
 *      (normalize removes and records them);
 *   7. likewise GB18030 or Big5 with a few broken sequences (titles a server cut mid-character); anything else is
 *      `undecodable`.
 * Decoding itself uses the WHATWG TextDecoder (Node's ICU), which has the strict mode iconv-lite lacks.
 */
import { lazy } from '../lib/lazy.js';
import { trace } from '../lib/trace.js';
import { decodeHz, looksLikeHz } from './hz.js';

const jschardet = lazy<typeof import('jschardet')>('jschardet');

export interface Decoded {
  ok: true;
  text: string;
  encoding: string;
  method: string;
  /** Invalid byte sequences replaced by U+FFFD. */
  replaced: number;
}
export interface Undecodable {
  ok: false;
  reason: 'undecodable' | 'binary';
  detail: string;
}

export interface DecodeConfig {
  /** Minimum jschardet confidence to trust its choice (its own default threshold is 0.2). */
  detectorMinConfidence: number;
  /** A UTF-8 file whose invalid sequences are at most this share of its non-ASCII bytes stays UTF-8. */
  utf8LossyMaxShare: number;
  /** Share of NUL or C0 control bytes above which a non-UTF-16 file is binary. */
  binaryControlShare: number;
  /**
   * Least plausibility (share of ordinary-text characters) for bytes with many control bytes to be read as
   * UTF-16 without BOM. Han prose scores above 0.95; random bytes read as UTF-16 score about 0.2.
   */
  utf16MinPlausibility?: number;
  /**
   * Least plausibility for GB18030 or Big5 with a few broken sequences to be read (step 7). Random high bytes read
   * as GB18030 score about 0.5 (half their pairs land among the common Han characters); a real page above 0.99.
   */
  legacyLossyMinPlausibility?: number;
}

export const DECODE_DEFAULTS: DecodeConfig = { detectorMinConfidence: 0.2, utf8LossyMaxShare: 0.01, binaryControlShare: 0.01, utf16MinPlausibility: 0.9, legacyLossyMinPlausibility: 0.9 };

const JSCHARDET_TO_WHATWG: Record<string, string> = { 'GB2312': 'gb18030', 'GB18030': 'gb18030', 'Big5': 'big5', 'UTF-8': 'utf-8', 'ascii': 'utf-8' };

function strict(bytes: Uint8Array, enc: string): string | null {
  try {
    return new TextDecoder(enc, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

function countReplacements(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\ufffd'); i >= 0; i = s.indexOf('\ufffd', i + 1)) n++;
  return n;
}

let common: Set<number> | null = null;

/**
 * The common Han characters of both scripts: GB2312's 6,763 (rows 0xB0–0xF7, the Simplified standard set)
 * and Big5's 5,401 frequently used characters (0xA440–0xC67E), read off the decoders themselves.
 */
function commonHan(): Set<number> {
  if (common) return common;
  common = new Set();
  const gb = new TextDecoder('gb18030');
  const b5 = new TextDecoder('big5');
  for (let hi = 0xb0; hi <= 0xf7; hi++) for (let lo = 0xa1; lo <= 0xfe; lo++) common.add(gb.decode(new Uint8Array([hi, lo])).codePointAt(0)!);
  for (let hi = 0xa4; hi <= 0xc6; hi++) for (const [a, b] of [[0x40, 0x7e], [0xa1, 0xfe]] as const) for (let lo = a; lo <= b; lo++) common.add(b5.decode(new Uint8Array([hi, lo])).codePointAt(0)!);
  common.delete(0xfffd);
  return common;
}

/**
 * How much of a decoding looks like ordinary text: common Han characters, ASCII printable, whitespace and
 * CJK/full-width punctuation count; rare ideographs, private-use, box drawing, Hangul, Kana and combining marks
 * (the usual debris of a wrong legacy decoding) do not.
 */
export function plausibility(s: string): number {
  const han = commonHan();
  let good = 0;
  let total = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    total++;
    if (han.has(c) || (c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x09 || c === 0x0d || (c >= 0x3000 && c <= 0x303f) || (c >= 0xff01 && c <= 0xff5e) || (c >= 0x2010 && c <= 0x2027)) good++;
  }
  return total === 0 ? 0 : good / total;
}

/** UTF-16 without BOM from the NUL pattern of the first 4 KB (step 2), else null. */
export function utf16WithoutBom(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  if (bytes.length < 4) return null;
  const n = Math.min(bytes.length, 4096);
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i + 1 < n; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  // ASCII-heavy UTF-16 has a NUL in every other byte; require a strong, one-sided pattern.
  if (oddNul > pairs * 0.3 && evenNul < pairs * 0.05) return 'utf-16le';
  if (evenNul > pairs * 0.3 && oddNul < pairs * 0.05) return 'utf-16be';
  return null;
}

/** UTF-16 (LE, then BE) that decodes strictly and reads as ordinary text (see plausibility), else null. */
function utf16ByContent(bytes: Uint8Array, min: number): { text: string; enc: string; score: number } | null {
  if (bytes.length < 4) return null;
  let best: { text: string; enc: string; score: number } | null = null;
  for (const enc of ['utf-16le', 'utf-16be']) {
    const text = strict(bytes, enc);
    if (text === null) continue;
    const score = plausibility(text);
    if (score >= min && (!best || score > best.score)) best = { text, enc, score };
  }
  return best;
}

/** Share of NUL and C0 control bytes in the first 64 KB (the `binary` test). */
export function controlShare(bytes: Uint8Array): number {
  const n = Math.min(bytes.length, 1 << 16);
  let ctl = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) ctl++;
  }
  return n === 0 ? 0 : ctl / n;
}

function decoded(text: string, encoding: string, method: string, replaced = 0): Decoded {
  return { ok: true, text, encoding, method, replaced };
}

/**
 * Runs `f` (synchronous) with console.warn routed to the trace. jschardet prints a warning with console.warn when
 * nothing it may choose matches (`no_match_encoding 'cp1252' is excluded by include_encodings…`, e.g. for the bytes
 * 81 40): that is an expected answer here (the plausibility score decides next), and printed from a worker thread it
 * broke the progress line. Shown with JINGWEN_TRACE=1.
 */
export function withoutWarnings<T>(f: () => T): T {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => trace(`jschardet: ${args.map(String).join(' ')}`);
  try {
    return f();
  } finally {
    console.warn = warn;
  }
}

export function decodeText(bytes: Uint8Array, cfg: DecodeConfig = DECODE_DEFAULTS): Decoded | Undecodable {
  // 1. Byte-order marks.
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    const body = bytes.subarray(3);
    const s = strict(body, 'utf-8');
    if (s !== null) return decoded(s, 'utf-8', 'bom');
    const lossy = new TextDecoder('utf-8', { ignoreBOM: true }).decode(body);
    return decoded(lossy, 'utf-8', 'bom_lossy', countReplacements(lossy));
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    const s = new TextDecoder('utf-16le', { ignoreBOM: true }).decode(bytes.subarray(2));
    return decoded(s, 'utf-16le', 'bom', countReplacements(s));
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const s = new TextDecoder('utf-16be', { ignoreBOM: true }).decode(bytes.subarray(2));
    return decoded(s, 'utf-16be', 'bom', countReplacements(s));
  }
  // 2. UTF-16 without BOM. An odd length (a stray byte after the last code unit: a truncated copy, a newline
  // appended by a tool that wrote bytes) would make every strict UTF-16 decoding fail and the file look binary:
  // the code units are read from the even prefix, and the stray byte becomes one U+FFFD, counted as replaced.
  const stray = bytes.length % 2;
  const even = stray ? bytes.subarray(0, bytes.length - 1) : bytes;
  const u16 = utf16WithoutBom(even);
  if (u16) {
    const s = strict(even, u16);
    if (s !== null && plausibility(s) > 0.5) return stray ? decoded(s + '\ufffd', u16, 'nul_pattern', 1) : decoded(s, u16, 'nul_pattern');
  }
  // Binary content that no signature caught: many NUL/C0 control bytes.
  const ctl = controlShare(bytes);
  if (ctl > cfg.binaryControlShare) {
    // Han-heavy UTF-16 without BOM has too few ASCII characters for the NUL pattern, and its code units put
    // C0 bytes everywhere: before calling it binary, see whether it reads as ordinary text in UTF-16.
    const asText = utf16ByContent(even, cfg.utf16MinPlausibility ?? DECODE_DEFAULTS.utf16MinPlausibility!);
    if (asText) return decoded(asText.text + (stray ? '\ufffd' : ''), asText.enc, `utf16_plausibility:${asText.score.toFixed(2)}`, stray);
    return { ok: false, reason: 'binary', detail: `${(ctl * 100).toFixed(1)}% control bytes` };
  }
  // 3. Strict UTF-8 (ASCII included).
  const utf8 = strict(bytes, 'utf-8');
  if (utf8 !== null) {
    // 4. HZ is pure 7-bit, so it is also valid UTF-8: look for its escapes.
    if (looksLikeHz(utf8)) {
      const hz = decodeHz(utf8);
      if (hz !== null) return decoded(hz, 'hz-gb-2312', 'hz_escapes');
    }
    return decoded(utf8, 'utf-8', 'utf8_valid');
  }
  // 5. Legacy CJK encodings.
  const candidates = ['gb18030', 'big5'];
  const strictOk = new Map<string, string>();
  for (const enc of candidates) {
    const s = strict(bytes, enc);
    if (s !== null) strictOk.set(enc, s);
  }
  // One candidate left: no detector can change the decision (its guess would either be that candidate or be
  // overruled by the plausibility ranking of one), so it is not asked. GBK text with bytes Big5 lacks (trail
  // 0x80–0xA0) is the common case: 90 of the 50 MB benchmark's 429 legacy files, 0.15 s of jschardet.
  if (strictOk.size === 1) {
    const [enc, s] = [...strictOk][0]!;
    return decoded(s, enc, 'only_strict');
  }
  const guess = withoutWarnings(() => jschardet().detect(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { detectEncodings: ['UTF-8', 'GB2312', 'GB18030', 'Big5'] }));
  const guessed = guess.encoding ? JSCHARDET_TO_WHATWG[guess.encoding] : undefined;
  if (guessed && guessed !== 'utf-8' && guess.confidence >= cfg.detectorMinConfidence && strictOk.has(guessed)) {
    return decoded(strictOk.get(guessed)!, guessed, `detector:jschardet:${guess.confidence.toFixed(2)}`);
  }
  if (strictOk.size > 0) {
    const ranked = [...strictOk.entries()].map(([enc, s]) => ({ enc, s, score: plausibility(s) })).sort((a, b) => b.score - a.score || candidates.indexOf(a.enc) - candidates.indexOf(b.enc));
    const best = ranked[0]!;
    return decoded(best.s, best.enc, `plausibility:${best.score.toFixed(2)}`);
  }
  // 6. Mostly-valid UTF-8 with some corrupt sequences.
  const lossy = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  const bad = countReplacements(lossy);
  let high = 0;
  for (const b of bytes) if (b >= 0x80) high++;
  if (high > 0 && bad / high <= cfg.utf8LossyMaxShare) return decoded(lossy, 'utf-8', 'utf8_lossy', bad);
  // 7. Mostly-valid GB18030 or Big5 with some broken sequences: a forum or list page whose server cut each title at
  // a byte count, in the middle of a character (`…激\xc7...`: a lead byte before the ellipsis; a real zol.com.cn
  // board page has two in 5,624 non-ASCII bytes), or a copy with a damaged block. Each candidate decoded with
  // U+FFFD for what it cannot read; the one with the fewest (then the most plausible) wins when they are at most
  // the same share of its non-ASCII bytes as for UTF-8 (utf8LossyMaxShare) and it reads as ordinary text
  // (legacyLossyMinPlausibility: random high bytes are most of them valid GB18030); the bad bytes become U+FFFD, which
  // normalize removes and records. UTF-8 went first: Chinese UTF-8 read as GB18030 has broken sequences too.
  const legacy = candidates.map((enc) => {
    const s = new TextDecoder(enc, { ignoreBOM: true }).decode(bytes);
    return { enc, s, bad: countReplacements(s) };
  }).filter((c) => c.bad / high <= cfg.utf8LossyMaxShare);
  const minScore = cfg.legacyLossyMinPlausibility ?? DECODE_DEFAULTS.legacyLossyMinPlausibility!;
  const best = legacy.map((c) => ({ ...c, score: plausibility(c.s) })).filter((c) => c.score >= minScore)
    .sort((a, b) => a.bad - b.bad || b.score - a.score || candidates.indexOf(a.enc) - candidates.indexOf(b.enc))[0];
  if (best) return decoded(best.s, best.enc, `${best.enc}_lossy`, best.bad);
  return { ok: false, reason: 'undecodable', detail: `not valid UTF-8 (${bad} invalid sequences in ${high} non-ASCII bytes), GB18030 or Big5` };
}
