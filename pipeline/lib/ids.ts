/** Stable identifiers: derived only from the raw file (path + content hash) and the segmentation. */
import { createHash } from 'node:crypto';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Id of an extracted unit (a file, or one member of an archive). */
export function unitId(sourceFile: string, sourceSha256: string, member: string | null): string {
  return 'u_' + sha256Hex(`${sourceFile}\0${sourceSha256}\0${member ?? ''}`).slice(0, 20);
}

/** Id of a document: URL-safe, stable across runs and pipeline versions for the same file and segment. */
export function docId(sourceFile: string, sourceSha256: string, member: string | null, segment: number): string {
  return 'jw_' + sha256Hex(`${sourceFile}\0${sourceSha256}\0${member ?? ''}\0${segment}`).slice(0, 20);
}
