/**
 * `.zip` archives of documents, unpacked in memory: each member becomes its own unit (`source_member` = its path
 * in the archive; nested archives as `outer.zip!/inner.docx`), extracted by the member's own format. The ledger
 * keeps one row per raw file (`format: 'zip'`), its detail summarising members skipped or rejected.
 *
 * Limits (ArchiveLimits) are checked twice. First from the central directory, walked here record by record before
 * jszip parses anything or a byte is inflated (centralDirectory): the real number of records (not the count the
 * end record claims: a 98 MB zip of 1 M entries claiming 1 took jszip to 4.4 GB), the total declared size, and
 * members whose data overlap (entries sharing one compressed block: the overlapping-file zip bomb). Then while
 * decompressing, never trusting the declared sizes: total and per-member inflated bytes, compression ratio, nesting
 * depth, each member's CRC-32 (checked on the stream; jszip's own check inflated every member at load).
 * What breaks an archive-wide limit (members, total size, overlap) rejects the file: `archive_limits`, `zip_bomb`.
 * A member over the per-member size or ratio, nested too deep, or corrupt is skipped alone and named in the
 * archive's detail (`zip_bomb`, `archive_limits`, `corrupt_member`); the archive's good members stay.
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
import { crc32 } from 'node:zlib';
import { unitId } from '../lib/ids.js';
import type { ExtractRecord, RawFileInfo } from '../lib/types.js';
import { errorLine, extractText, sniffFormat, type ExtractConfig, type ExtractResult, type RawInput } from '../stages/extract.js';
import { extractHtml } from './html.js';
import { extractDocx } from './docx.js';
import { extractDoc } from './doc.js';
import { extractPptx } from './pptx.js';
import { extractPdf } from './pdf.js';
import { extractRecords } from './records.js';

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

/**
 * Why an archive, or one member of it (`member`: the member alone is skipped), was refused: `zip_bomb`,
 * `archive_limits`, `corrupt_member`.
 */
export class ArchiveLimitError extends Error {
  constructor(readonly reason: 'zip_bomb' | 'archive_limits' | 'corrupt_member', readonly detail: string, readonly scope: 'archive' | 'member' = 'archive') {
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

/** What the central directory says, walked before anything is parsed or inflated (centralDirectory). */
export interface Directory {
  /** Central-directory records found (folders included). */
  records: number;
  /** Sum of the members' declared uncompressed sizes. */
  declaredBytes: number;
}

/** Little-endian reads that return -1 past the end instead of throwing. */
const u16 = (b: Uint8Array, i: number) => (i + 2 <= b.length ? b[i]! | (b[i + 1]! << 8) : -1);
const u32 = (b: Uint8Array, i: number) => (i + 4 <= b.length ? (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16)) + b[i + 3]! * 0x1000000 : -1);
const u64 = (b: Uint8Array, i: number) => (i + 8 <= b.length ? u32(b, i) + u32(b, i + 4) * 0x100000000 : -1);

/**
 * Walks the central directory record by record (the end record, ZIP64's when the classic one says 0xffff/0xffffffff,
 * then each 46-byte record and its ZIP64 extra field) and checks the archive-wide limits on it: at most
 * `maxMembers` − `budget.members` records (the walk stops at the first one over), a declared total within
 * `maxTotalBytes`, and no two members whose data overlap (each member's local header and compressed data must end
 * before the next member's starts). Hand-written because no library exposes the directory without parsing every
 * record into objects first (jszip, yauzl's lazy reader still opens a file descriptor). Returns null when there is
 * no end record (jszip then reports the archive corrupt). Throws ArchiveLimitError.
 */
export function centralDirectory(bytes: Uint8Array, limits: ArchiveLimits, budget: Budget): Directory | null {
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 0x05 && bytes[i + 3] === 0x06) { eocd = i; break; }
  }
  if (eocd < 0) return null;
  let cdSize = u32(bytes, eocd + 12);
  let cdOffset = u32(bytes, eocd + 16);
  let end = eocd;
  if (u32(bytes, eocd - 20) === 0x07064b50 && (u16(bytes, eocd + 10) === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff)) {
    const z = u64(bytes, eocd - 20 + 8);
    if (z >= 0 && u32(bytes, z) === 0x06064b50) {
      cdSize = u64(bytes, z + 40);
      cdOffset = u64(bytes, z + 48);
      end = z;
    }
  }
  // Bytes before the archive (a self-extracting stub) shift every offset, as jszip allows.
  const shift = Math.max(0, end - (cdOffset + cdSize));
  const room = limits.maxMembers - budget.members;
  const spans: { from: number; to: number }[] = [];
  let records = 0;
  let declaredBytes = 0;
  for (let at = cdOffset + shift; u32(bytes, at) === 0x02014b50;) {
    if (++records > room) throw new ArchiveLimitError('archive_limits', `more than ${limits.maxMembers} members in the central directory`);
    let compressed = u32(bytes, at + 20);
    let size = u32(bytes, at + 24);
    const nameLen = u16(bytes, at + 28);
    const extraLen = u16(bytes, at + 30);
    const commentLen = u16(bytes, at + 32);
    let local = u32(bytes, at + 42);
    if (size === 0xffffffff || compressed === 0xffffffff || local === 0xffffffff) {
      for (let x = at + 46 + nameLen; x + 4 <= at + 46 + nameLen + extraLen;) {
        const id = u16(bytes, x);
        const len = u16(bytes, x + 2);
        if (id === 0x0001) {
          let k = x + 4;
          if (size === 0xffffffff) { size = u64(bytes, k); k += 8; }
          if (compressed === 0xffffffff) { compressed = u64(bytes, k); k += 8; }
          if (local === 0xffffffff) local = u64(bytes, k);
          break;
        }
        x += 4 + len;
      }
    }
    declaredBytes += Math.max(0, size);
    const from = local + shift;
    const localLen = u16(bytes, from + 26) + u16(bytes, from + 28);
    if (u32(bytes, from) === 0x04034b50 && localLen >= 0) spans.push({ from, to: from + 30 + localLen + Math.max(0, compressed) });
    at += 46 + nameLen + extraLen + commentLen;
  }
  if (budget.bytes + declaredBytes > limits.maxTotalBytes) throw new ArchiveLimitError('zip_bomb', `members declare ${declaredBytes} bytes > limit ${limits.maxTotalBytes}`);
  spans.sort((a, b) => a.from - b.from);
  for (let k = 1; k < spans.length; k++) {
    if (spans[k]!.from < spans[k - 1]!.to) throw new ArchiveLimitError('zip_bomb', 'members overlap (entries sharing compressed data)');
  }
  return { records, declaredBytes };
}

/** Opens an archive in memory after the central directory's checks (centralDirectory). */
export async function openZip(bytes: Uint8Array, limits: ArchiveLimits, budget: Budget, names: Record<string, number>): Promise<JSZip> {
  const declared = declaredEntries(bytes);
  if (declared !== null && budget.members + declared > limits.maxMembers) throw new ArchiveLimitError('archive_limits', `${budget.members + declared} members > limit ${limits.maxMembers}`);
  centralDirectory(bytes, limits, budget);
  // No CRC check here: jszip's inflates every member at load, before any limit could stop it; readMember checks
  // each member's CRC-32 on its stream instead.
  const zip = await JSZip.loadAsync(bytes, { decodeFileName: nameDecoder(names), createFolders: false, checkCRC32: false });
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

/**
 * A member's bytes, decompressed chunk by chunk and stopped as soon as a size or ratio limit is crossed; its declared
 * size and ratio are checked before inflating, its CRC-32 at the end. A member over its own limits is refused alone
 * (scope `member`); crossing the archive's total, the whole archive.
 */
export function readMember(file: JSZip.JSZipObject, limits: ArchiveLimits, budget: Budget): Promise<Uint8Array> {
  const data = (file as unknown as { _data?: { compressedSize?: number; uncompressedSize?: number; crc32?: number } })._data;
  const compressed = data?.compressedSize ?? 0;
  const declared = data?.uncompressedSize ?? 0;
  if (declared > limits.maxMemberBytes) return Promise.reject(new ArchiveLimitError('zip_bomb', `member ${file.name} declares ${declared} bytes > limit ${limits.maxMemberBytes}`, 'member'));
  if (declared > 1 << 20 && compressed > 0 && declared / compressed > limits.maxRatio) return Promise.reject(new ArchiveLimitError('zip_bomb', `member ${file.name} declares a compression ratio over ${limits.maxRatio}`, 'member'));
  let crc = 0;
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
        if (n > limits.maxMemberBytes) return fail(new ArchiveLimitError('zip_bomb', `member ${file.name} inflates past ${limits.maxMemberBytes} bytes`, 'member'));
        if (budget.bytes > limits.maxTotalBytes) return fail(new ArchiveLimitError('zip_bomb', `archive inflates past ${limits.maxTotalBytes} bytes`));
        if (n > 1 << 20 && compressed > 0 && n / compressed > limits.maxRatio) return fail(new ArchiveLimitError('zip_bomb', `member ${file.name} compression ratio over ${limits.maxRatio}`, 'member'));
        crc = crc32(c, crc);
        chunks.push(c);
      })
      .on('error', (e: Error) => fail(e))
      .on('end', () => {
        if (done) return;
        if (data?.crc32 !== undefined && crc >>> 0 !== data.crc32 >>> 0) return fail(new ArchiveLimitError('corrupt_member', `member ${file.name}: CRC-32 mismatch`, 'member'));
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

/**
 * Which Office Open XML package an opened zip is (ECMA-376 Part 2: a `[Content_Types].xml` at the root), by its main
 * part: `word/document.xml`, `ppt/presentation.xml`, `xl/workbook.xml`; `ooxml` for another kind (Visio, a
 * template without its main part…); null when it is not a package, just an archive.
 */
export function ooxmlKind(zip: JSZip): 'docx' | 'pptx' | 'xlsx' | 'ooxml' | null {
  if (zip.file('[Content_Types].xml') === null) return null;
  if (zip.file('word/document.xml') !== null) return 'docx';
  if (zip.file('ppt/presentation.xml') !== null) return 'pptx';
  if (zip.file('xl/workbook.xml') !== null) return 'xlsx';
  return 'ooxml';
}

/** Why an Office package that is not a document is not read (its ledger detail). */
export const OOXML_REJECTS: Record<string, string> = {
  xlsx: 'an Excel workbook: spreadsheets are not documents (save a column of texts as CSV to read it as records)',
  ooxml: 'an Office Open XML package that is neither a Word document nor a PowerPoint deck',
};

interface Walk {
  units: ExtractRecord[];
  notes: string[];
  unsafe: number;
  /** Labels given a `#n` suffix because stripping a leading `/` made them repeat another member's. */
  numbered: number;
  /** Members refused alone (over their own limits, nested too deep, corrupt). */
  refused: number;
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
    let bytes: Uint8Array;
    let format: string;
    try {
      bytes = await readMember(f, limits, w.budget);
      format = bytes.length === 0 ? 'empty' : sniffFormat(label, bytes).format;
      if (format === 'zip') {
        // The inner archive's own faults (too many members, a declared bomb, overlap, corruption) are the member's.
        const inner = await openZip(bytes, limits, w.budget, w.names).catch((e: unknown) => {
          throw e instanceof ArchiveLimitError ? new ArchiveLimitError(e.reason, e.detail, 'member') : new ArchiveLimitError('corrupt_member', `cannot read the inner archive: ${errorLine(e)}`, 'member');
        });
        const kind = ooxmlKind(inner);
        if (kind) format = kind;
        else {
          if (depth + 1 > limits.maxNesting) throw new ArchiveLimitError('archive_limits', `archive nested deeper than ${limits.maxNesting}`, 'member');
          await walk(inner, member + '!/', depth + 1, input, info, cfg, w);
          continue;
        }
      }
    } catch (err) {
      // A member over its own limits, nested too deep or corrupt is skipped alone; the archive's limits stop it all.
      if (!(err instanceof ArchiveLimitError) || err.scope !== 'member') throw err;
      w.notes.push(`${member}: ${err.reason} (${err.detail})`);
      w.refused++;
      continue;
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
      w.units.push({ ...u, unit_id: unitId(input.path, info.sha256, member, u.source_row), source_file: input.path, source_member: member, source_sha256: info.sha256 });
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
    text: extractText, html: extractHtml, docx: extractDocx, doc: extractDoc, pptx: extractPptx, pdf: extractPdf,
    csv: extractRecords, tsv: extractRecords, jsonl: extractRecords, json: extractRecords,
  };
  if (OOXML_REJECTS[format]) return { info: { ...sub, status: 'rejected', reason: 'unsupported_format', detail: format }, units: [] };
  const fn = byFormat[format];
  if (!fn) return { info: { ...sub, status: 'rejected', reason: 'unsupported_format', detail: format }, units: [] };
  return fn(m, sub, cfg);
}

/** The registered extractor for `zip` files. A zip that is really an Office package goes to its own extractor or is rejected. */
export async function extractArchive(input: RawInput, info: RawFileInfo, cfg: Cfg): Promise<ExtractResult> {
  const limits = cfg.archive ?? ARCHIVE_DEFAULTS;
  const base: RawFileInfo = { ...info, format: 'zip', encoding: null, encoding_method: 'container' };
  const w: Walk = { units: [], notes: [], unsafe: 0, numbered: 0, refused: 0, names: {}, budget: { bytes: 0, members: 0, lost: 0 } };
  try {
    const zip = await openZip(input.bytes, limits, w.budget, w.names);
    // An Office file is never unpacked as an archive of XML parts, whatever its name.
    const kind = ooxmlKind(zip);
    if (kind === 'docx') return extractDocx(input, info, cfg);
    if (kind === 'pptx') return extractPptx(input, info, cfg);
    if (kind) return { info: { ...info, format: kind, status: 'rejected', reason: 'unsupported_format', detail: OOXML_REJECTS[kind]! }, units: [] };
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
  if (w.refused) facts.push(`${w.refused} members refused alone`);
  if (w.notes.length) facts.push(`not used: ${w.notes.slice(0, 5).join(', ')}${w.notes.length > 5 ? ` … ${w.notes.length - 5} more` : ''}`);
  const out: RawFileInfo = { ...base, detail: facts.join('; ') };
  if (w.units.length === 0) return { info: { ...out, status: 'rejected', reason: 'empty_archive' }, units: [] };
  return { info: out, units: w.units };
}
