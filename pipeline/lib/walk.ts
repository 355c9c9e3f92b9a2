/**
 * Lists every file under the raw folder, recursively, in a deterministic order (sorted by path, UTF-16 code units),
 * whatever order the file system returns. Names are read as bytes: a name that is not UTF-8 (GBK bytes from a
 * Windows archive) is decoded as GB18030 for display and still opened by its real bytes.
 * Symlinks are not followed (a link may point outside the raw folder); they get a ledger row instead.
 */
import { readdir, lstat } from 'node:fs/promises';
import path from 'node:path';

export interface RawEntry {
  /** Display path relative to the raw folder, `/`-separated. */
  rel: string;
  /** The real path to open (bytes, so that undecodable names still open). */
  abs: Buffer;
  kind: 'file' | 'symlink' | 'other';
  /** `gb18030` when the name was not UTF-8, else null. */
  nameEncoding: string | null;
}

function decodeName(b: Buffer): { name: string; enc: string | null } {
  try {
    return { name: new TextDecoder('utf-8', { fatal: true }).decode(b), enc: null };
  } catch {
    return { name: new TextDecoder('gb18030').decode(b), enc: 'gb18030' };
  }
}

export async function walkRaw(root: string): Promise<RawEntry[]> {
  const out: RawEntry[] = [];
  async function visit(dir: Buffer, rel: string, nameEnc: string | null): Promise<void> {
    const names = (await readdir(dir, { encoding: 'buffer' })) as Buffer[];
    for (const nb of names) {
      const { name, enc } = decodeName(nb);
      const abs = Buffer.concat([dir, Buffer.from(path.sep), nb]);
      const r = rel ? `${rel}/${name}` : name;
      const st = await lstat(abs);
      if (st.isDirectory()) await visit(abs, r, enc ?? nameEnc);
      else out.push({ rel: r, abs, kind: st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : 'other', nameEncoding: enc ?? nameEnc });
    }
  }
  await visit(Buffer.from(path.resolve(root)), '', null);
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}
