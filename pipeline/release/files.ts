/** Size and sha256 of a release file. */
import path from 'node:path';
import { stat } from 'node:fs/promises';
import { sha256File } from '../lib/io.js';

export interface FileEntry { path: string; bytes: number; sha256: string }

/** Size and sha256 of `name` inside `dir`. */
export async function fileEntry(dir: string, name: string): Promise<FileEntry> {
  const p = path.join(dir, name);
  return { path: name, bytes: (await stat(p)).size, sha256: await sha256File(p) };
}
