/**
 * `.zip` archives of documents, unpacked in memory: each member becomes its own unit (`source_member` = its path
 * in the archive; nested archives as `outer.zip!/inner.docx`), extracted by the member's own format. The ledger
 * keeps one row per raw file (`format: 'zip'`), its detail summarising members skipped or rejected.
 *
 * Limits (ArchiveLimits) are checked while decompressing, never trusting the sizes the archive declares:
 * members (from the end-of-central-directory record before anything is inflated), total and per-member
 * uncompressed bytes, compression ratio, nesting depth. Exceeding a size limit rejects the file as `zip_bomb`;
 * too many members or too deep a nesting as `archive_limits`.
 *
 * Member names are decoded as UTF-8 when the UTF-8 flag or Info-ZIP Unicode field says so (jszip does that),
 * otherwise as strict UTF-8 if the bytes are valid UTF-8, else GB18030 (Chinese Windows archivers write GBK).
 * Paths are labels only: nothing is ever written to disk, so a member named `../x` or `/etc/x` cannot escape
 * anywhere. Such members are still read; jszip (≥ 3.8) resolves their names (`../../etc/x` → `etc/x`, the raw name
 * kept as `unsafeOriginalName`), the resolved name without leading `/` is the `source_member` (`/etc/x` → `etc/x`),
 * and the detail counts them as `unsafe paths` so a reviewer sees them. A label that would then repeat another
 * member's gets `#2`, `#3`… (counted in the detail as `member labels numbered`).
 *
 * jszip keys members by resolved name, so `../a.txt` replaces `a.txt` and only one of them can be read. Such losses
 * are found by comparing the end-of-central-directory entry count with what jszip returns, and the detail says
 * `N members lost to name collisions` (they count among the archive's members).
 */
import JSZip from 'jszip';
import { unitId } from '../lib/ids.js';
import type { ExtractRecord, RawFileInfo } from '../lib/types.js';
import { errorLine, extractText, sniffFormat, type ExtractConfig, type ExtractResult, type RawInput } from '../stages/extract.js';
import { extractHtml } from './html.js';
import { extractDocx } from './docx.js';
import { extractDoc } from './doc.js';

export interface ArchiveLimits {
  /** Most members (files) in one raw archive, nested ones included. */
  maxMembers: number;
  /** Most uncompressed bytes read from one raw archive, nested ones included. */
  maxTotalBytes: number;
  /** Most uncompressed bytes of one member. */
  maxMemberBytes: number;
  /** Highest uncompressed/compressed ratio of a member over 1 MiB (deflate tops out near 1032; text ~3–10). */
  maxRatio: number;
  /** Archives inside the archive: 1 allows `a.zip!/b.zip!/c.docx`, not one level deeper. */
  maxNesting: number;
}

export const ARCHIVE_DEFAULTS: ArchiveLimits = { maxMembers: 2000, maxTotalBytes: 256 * 1024 * 1024, maxMemberBytes: 64 * 1024 * 1024, maxRatio: 200, maxNesting: 1 };

type Cfg = ExtractConfig & { archive?: ArchiveLimits };

/** Why an archive was refused: `zip_bomb` or `archive_limits`. */
export class ArchiveLimitError extends Error {
  constructor(readonly reason: 'zip_bomb' | 'archive_limits', readonly detail: string) {
    super(detail);
  }
}

/** Bytes read so far from one raw archive, across nesting. */
export interface Budget {
  bytes: number;
  members: number;
  /** Central-directory entries jszip dropped because another entry resolved to the same name. */
  lost?: number;
}

/** Member-name decoder for jszip: strict UTF-8, else GB18030. Counts which one it used. */
export function nameDecoder(used: Record<string, number>): (raw: string[] | Uint8Array | Buffer) => string {
  return (raw) => {
    const bytes = Uint8Array.from(raw as ArrayLike<unknown>, (b) => (typeof b === 'string' ? b.charCodeAt(0) : Number(b)));
    let name: string;
    try {
      name = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      if (bytes.every((b) => b < 0x80)) return name;
      used['utf-8'] = (used['utf-8'] ?? 0) + 1;
    } catch {
      name = new TextDecoder('gb18030').decode(bytes);
      used['gb18030'] = (used['gb18030'] ?? 0) + 1;
    }
    return name;
  };
}

/** Entry count from the end-of-central-directory record, read before jszip parses anything; null if absent. */
export function declaredEntries(bytes: Uint8Array): number | null {
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 0x05 && bytes[i + 3] === 0x06) return bytes[i + 10]! | (bytes[i + 11]! << 8);
  }
  return null;
}

/** Opens an archive in memory after the member-count check. */
export async function openZip(bytes: Uint8Array, limits: ArchiveLimits, budget: Budget, names: Record<string, number>): Promise<JSZip> {
  const declared = declaredEntries(bytes);
  if (declared !== null && budget.members + declared > limits.maxMembers) throw new ArchiveLimitError('archive_limits', `${budget.members + declared} members > limit ${limits.maxMembers}`);
  const zip = await JSZip.loadAsync(bytes, { decodeFileName: nameDecoder(names), createFolders: false, checkCRC32: true });
  const files = Object.values(zip.files).filter((f) => !f.dir);
  // 0xffff: a ZIP64 archive keeps the real count elsewhere; jszip read it, there is nothing to compare with here.
  const lost = declared !== null && declared !== 0xffff ? Math.max(0, declared - Object.keys(zip.files).length) : 0;
  budget.lost = (budget.lost ?? 0) + lost;
  budget.members += files.length + lost;
  if (budget.members > limits.maxMembers) throw new ArchiveLimitError('archive_limits', `${budget.members} members > limit ${limits.maxMembers}`);
  return zip;
}

interface StreamHelper {
  on(ev: 'data', fn: (chunk: Uint8Array) => void): StreamHelper;
  on(ev: 'error', fn: (e: Error) => void): StreamHelper;
  on(ev: 'end', fn: () => void): StreamHelper;
  resume(): StreamHelper;
  pause(): StreamHelper;
}

/** A member's bytes, decompressed chunk by chunk and stopped as soon as a size or ratio limit is crossed. */
export function readMember(file: JSZip.JSZipObject, limits: ArchiveLimits, budget: Budget): Promise<Uint8Array> {
  const compressed = (file as unknown as { _data?: { compressedSize?: number } })._data?.compressedSize ?? 0;
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let n = 0;
    let done = false;
    const stream = (file as unknown as { internalStream(t: 'uint8array'): StreamHelper }).internalStream('uint8array');
    const fail = (e: Error) => {
      if (done) return;
      done = true;
      stream.pause();
      reject(e);
    };
    stream
      .on('data', (c: Uint8Array) => {
        if (done) return;
        n += c.length;
        budget.bytes += c.length;
        if (n > limits.maxMemberBytes) return fail(new ArchiveLimitError('zip_bomb', `member ${file.name} inflates past ${limits.maxMemberBytes} bytes`));
        if (budget.bytes > limits.maxTotalBytes) return fail(new ArchiveLimitError('zip_bomb', `archive inflates past ${limits.maxTotalBytes} bytes`));
        if (n > 1 << 20 && compressed > 0 && n / compressed > limits.maxRatio) return fail(new ArchiveLimitError('zip_bomb', `member ${file.name} compression ratio over ${limits.maxRatio}`));
        chunks.push(c);
      })
      .on('error', (e: Error) => fail(e))
      .on('end', () => {
        if (done) return;
        done = true;
        const out = new Uint8Array(n);
        let off = 0;
        for (const c of chunks) {
          out.set(c, off);
          off += c.length;
        }
        resolve(out);
      })
      .resume();
  });
}

/** Files archivers add that are not documents: macOS resource forks and folder metadata, Windows thumbnails. */
const JUNK_MEMBER = /(?:^|\/)(?:__MACOSX\/|\._|\.DS_Store$|Thumbs\.db$|desktop\.ini$)/i;
/** A member path that would escape a destination folder if anyone extracted it to disk. */
const UNSAFE_PATH = /(?:^|[\\/])\.\.(?:[\\/]|$)|^[\\/]|^[A-Za-z]:/;

/** Whether an opened zip is a Word document (an OOXML package with a main document part). */
export function isDocxPackage(zip: JSZip): boolean {
  return zip.file('word/document.xml') !== null && zip.file('[Content_Types].xml') !== null;
}

interface Walk {
  units: ExtractRecord[];
  notes: string[];
  unsafe: number;
  /** Labels given a `#n` suffix because stripping a leading `/` made them repeat another member's. */
  numbered: number;
  names: Record<string, number>;
  budget: Budget;
}

async function walk(zip: JSZip, prefix: string, depth: number, input: RawInput, info: RawFileInfo, cfg: Cfg, w: Walk): Promise<void> {
  const limits = cfg.archive ?? ARCHIVE_DEFAULTS;
  for (const { f, label } of memberLabels(zip, w)) {
    const member = prefix + label;
    if (JUNK_MEMBER.test(label)) {
      w.notes.push(`${member}: skipped (archiver metadata)`);
      continue;
    }
    const original = (f as unknown as { unsafeOriginalName?: string }).unsafeOriginalName ?? f.name;
    if (UNSAFE_PATH.test(original)) w.unsafe++;
    const bytes = await readMember(f, limits, w.budget);
    let format = bytes.length === 0 ? 'empty' : sniffFormat(label, bytes).format;
    if (format === 'zip') {
      const inner = await openZip(bytes, limits, w.budget, w.names);
      if (isDocxPackage(inner)) format = 'docx';
      else {
        if (depth + 1 > limits.maxNesting) throw new ArchiveLimitError('archive_limits', `archive nested deeper than ${limits.maxNesting} (${member})`);
        await walk(inner, member + '!/', depth + 1, input, info, cfg, w);
        continue;
      }
    }
    let r: ExtractResult;
    try {
      r = await extractMember(format, { path: label, bytes }, info, cfg);
    } catch (err) {
      if (err instanceof ArchiveLimitError) throw err;
      w.notes.push(`${member}: extract_error (${errorLine(err)})`);
      continue;
    }
    if (r.info.status !== 'ok' || r.units.length === 0) {
      w.notes.push(`${member}: ${r.info.reason ?? 'no text'}`);
      continue;
    }
    for (const u of r.units) {
      w.units.push({ ...u, unit_id: unitId(input.path, info.sha256, member), source_file: input.path, source_member: member, source_sha256: info.sha256 });
    }
  }
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The files of an opened zip with their labels, in label order: the resolved name without leading `/`, numbered
 * `#2`, `#3`… if that repeats another member's name or label.
 */
function memberLabels(zip: JSZip, w: Walk): { f: JSZip.JSZipObject; label: string }[] {
  const files = Object.values(zip.files).filter((f) => !f.dir).sort((a, b) => byString(a.name, b.name));
  const taken = new Set(files.map((f) => f.name));
  const out = files.map((f) => {
    const stripped = f.name.replace(/^\/+/, '');
    if (stripped === f.name || !taken.has(stripped)) {
      taken.add(stripped);
      return { f, label: stripped };
    }
    let k = 2;
    while (taken.has(`${stripped}#${k}`)) k++;
    taken.add(`${stripped}#${k}`);
    w.numbered++;
    return { f, label: `${stripped}#${k}` };
  });
  return out.sort((a, b) => byString(a.label, b.label));
}

/** One member through the extractor of its format (the member's own name decides like a raw file's would). */
async function extractMember(format: string, m: RawInput, info: RawFileInfo, cfg: Cfg): Promise<ExtractResult> {
  const sub: RawFileInfo = { ...info, path: m.path, bytes: m.bytes.length };
  if (format === 'empty') return { info: { ...sub, status: 'rejected', reason: 'empty', detail: 'zero bytes' }, units: [] };
  if (format === 'binary') return { info: { ...sub, status: 'rejected', reason: 'binary', detail: null }, units: [] };
  const byFormat: Record<string, (i: RawInput, f: RawFileInfo, c: Cfg) => ExtractResult | Promise<ExtractResult>> = {
    text: extractText, html: extractHtml, docx: extractDocx, doc: extractDoc,
  };
  const fn = byFormat[format];
  if (!fn) return { info: { ...sub, status: 'rejected', reason: 'unsupported_format', detail: format }, units: [] };
  return fn(m, sub, cfg);
}

/** The registered extractor for `zip` files. A zip that is really a Word package goes to the docx extractor. */
export async function extractArchive(input: RawInput, info: RawFileInfo, cfg: Cfg): Promise<ExtractResult> {
  const limits = cfg.archive ?? ARCHIVE_DEFAULTS;
  const base: RawFileInfo = { ...info, format: 'zip', encoding: null, encoding_method: 'container' };
  const w: Walk = { units: [], notes: [], unsafe: 0, numbered: 0, names: {}, budget: { bytes: 0, members: 0, lost: 0 } };
  try {
    const zip = await openZip(input.bytes, limits, w.budget, w.names);
    if (isDocxPackage(zip)) return extractDocx(input, info, cfg);
    await walk(zip, '', 0, input, info, cfg, w);
  } catch (err) {
    if (err instanceof ArchiveLimitError) return { info: { ...base, status: 'rejected', reason: err.reason, detail: err.detail }, units: [] };
    return { info: { ...base, status: 'rejected', reason: 'corrupt_archive', detail: `cannot read the archive: ${(err as Error).message.slice(0, 120)}` }, units: [] };
  }
  const facts = [`${w.units.length} documents from ${w.budget.members} members`];
  const enc = Object.keys(w.names).sort();
  if (enc.length) facts.push(`member names ${enc.join('+')}`);
  if (w.unsafe) facts.push(`${w.unsafe} unsafe paths (read by name only)`);
  if (w.budget.lost) facts.push(`${w.budget.lost} members lost to name collisions`);
  if (w.numbered) facts.push(`${w.numbered} member labels numbered to stay unique`);
  if (w.notes.length) facts.push(`not used: ${w.notes.slice(0, 5).join(', ')}${w.notes.length > 5 ? ` … ${w.notes.length - 5} more` : ''}`);
  const out: RawFileInfo = { ...base, detail: facts.join('; ') };
  if (w.units.length === 0) return { info: { ...out, status: 'rejected', reason: 'empty_archive' }, units: [] };
  return { info: out, units: w.units };
}
