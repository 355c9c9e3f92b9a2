/**
 * Lists every file under the raw folder, recursively, in a deterministic order (sorted by path, UTF-16 code units),
 * whatever order the file system returns. Names are read as bytes: a name that is not UTF-8 (GBK bytes from a
 * Windows archive) is decoded as GB18030 for display and still opened by its real bytes.
 * Symlinks are not followed (a link may point outside the raw folder); they get a ledger row instead.
 * A folder that cannot be listed (permissions, I/O error) becomes one `unreadable` entry instead of failing the
 * run; an entry that vanishes between listing and lstat (a crawl still writing) is left out.
 */
import { readdir, lstat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';

export interface RawEntry {
  /** Display path relative to the raw folder, `/`-separated. */
  rel: string;
  /** The real path to open (bytes, so that undecodable names still open). */
  abs: Buffer;
  /** `unreadable`: a folder that could not be listed (see `error`). */
  kind: 'file' | 'symlink' | 'other' | 'unreadable';
  /** `gb18030` when the name was not UTF-8, else null. */
  nameEncoding: string | null;
  /** lstat facts taken during the walk (no second lstat needed, which could race a vanishing file). */
  size: number;
  mtimeMs: number;
  mode: number;
  /** The inode (extraction refuses a file whose opened handle is another one: pipeline/lib/worker.ts readRaw). */
  ino?: number;
  /** The errno code when kind is `unreadable` (`EACCES`, `EIO`…), else null. */
  error: string | null;
  /** When kind is `unreadable`: what failed, listing a folder or the entry's own lstat (a path over PATH_MAX). */
  failed?: 'readdir' | 'lstat';
}

/** Entries of one folder whose lstat is in flight at once (libuv runs 4 at a time; the rest wait queued). */
const WALK_CONCURRENCY = 64;

function decodeName(b: Buffer): { name: string; enc: string | null } {
  try {
    return { name: new TextDecoder('utf-8', { fatal: true }).decode(b), enc: null };
  } catch {
    return { name: new TextDecoder('gb18030').decode(b), enc: 'gb18030' };
  }
}

function kindOf(st: Stats): RawEntry['kind'] {
  return st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : 'other';
}

export async function walkRaw(root: string): Promise<RawEntry[]> {
  const out: RawEntry[] = [];
  async function visit(dir: Buffer, rel: string, nameEnc: string | null, st: Stats | null): Promise<void> {
    let names: Buffer[];
    try {
      names = (await readdir(dir, { encoding: 'buffer' })) as Buffer[];
    } catch (e) {
      // The root itself must be listable: that is a configuration error, reported by the caller.
      if (!st) throw e;
      const error = (e as NodeJS.ErrnoException).code ?? 'EIO';
      out.push({ rel, abs: dir, kind: 'unreadable', nameEncoding: nameEnc, size: 0, mtimeMs: st.mtimeMs, mode: st.mode, error, failed: 'readdir' });
      return;
    }
    // Up to WALK_CONCURRENCY entries of a folder at a time: one lstat after another, each a round trip to libuv's
    // thread pool, took 0.17–0.30 s for the 2,621 files of the 50 MB bench corpus; all of a crawl folder's entries
    // at once would hold a promise per file. The order does not matter, `out` is sorted below.
    for (let k = 0; k < names.length; k += WALK_CONCURRENCY) await Promise.all(names.slice(k, k + WALK_CONCURRENCY).map(async (nb) => {
      const { name, enc } = decodeName(nb);
      const abs = Buffer.concat([dir, Buffer.from(path.sep), nb]);
      const r = rel ? `${rel}/${name}` : name;
      let est: Stats;
      try {
        est = await lstat(abs);
      } catch (e) {
        const error = (e as NodeJS.ErrnoException).code ?? 'EIO';
        if (error === 'ENOENT') return; // vanished since readdir
        // Anything else (ENAMETOOLONG for a path over PATH_MAX, 4,096 bytes; EACCES; EIO) still gets its ledger row.
        out.push({ rel: r, abs, kind: 'unreadable', nameEncoding: enc ?? nameEnc, size: 0, mtimeMs: 0, mode: 0, error, failed: 'lstat' });
        return;
      }
      if (est.isDirectory()) await visit(abs, r, enc ?? nameEnc, est);
      else out.push({ rel: r, abs, kind: kindOf(est), nameEncoding: enc ?? nameEnc, size: est.size, mtimeMs: est.mtimeMs, mode: est.mode, ino: est.ino, error: null });
    }));
  }
  await visit(Buffer.from(path.resolve(root)), '', null, null);
  return uniqueLabels(out, Buffer.byteLength(path.resolve(root)) + 1).sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/**
 * Keeps display paths unique (ids and the ledger are keyed by them). A GBK name can decode to the same text as a
 * UTF-8 sibling's: the legacy-encoded one is labelled with its bytes, `name [name bytes c1ec…]`. A real file can
 * already bear that label (a crawl of this very output, or a hostile name): labels are given in an order that does
 * not depend on the file system's (UTF-8 names keep their text first; legacy ones by their bytes), and a label still
 * taken gets ` #2`, ` #3`… so that no two entries ever share one. `skip` is the length of the root's path prefix.
 */
export function uniqueLabels(entries: RawEntry[], skip: number): RawEntry[] {
  const count = new Map<string, number>();
  for (const e of entries) count.set(e.rel, (count.get(e.rel) ?? 0) + 1);
  const taken = new Set<string>();
  const plain = entries.filter((e) => !e.nameEncoding || count.get(e.rel) === 1);
  for (const e of plain) taken.add(e.rel);
  const legacy = entries.filter((e) => e.nameEncoding && count.get(e.rel)! > 1).map((e) => ({ e, hex: e.abs.subarray(skip).toString('hex') }));
  legacy.sort((a, b) => (a.hex < b.hex ? -1 : a.hex > b.hex ? 1 : 0));
  for (const { e, hex } of legacy) {
    const base = `${e.rel} [name bytes ${hex}]`;
    let label = base;
    for (let k = 2; taken.has(label); k++) label = `${base} #${k}`;
    e.rel = label;
    taken.add(label);
  }
  return entries;
}
