/** Stable identifiers: derived only from the raw file (path + content hash) and the segmentation. */
import { createHash } from 'node:crypto';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Id of an extracted unit (a file, one member of an archive, one record of a record file or WARC). The record
 * number enters the hash only when there is one, so the ids of every other kind of unit are what they always were.
 */
export function unitId(sourceFile: string, sourceSha256: string, member: string | null, row: number | null = null): string {
  return 'u_' + sha256Hex(`${sourceFile}\0${sourceSha256}\0${member ?? ''}${row === null ? '' : `\0r${row}`}`).slice(0, 20);
}

/**
 * Id of a document: URL-safe, stable across runs and pipeline versions for the same file and segment (and record,
 * for a record file: the file + row identity of the record; null leaves the ids of other files unchanged).
 */
export function docId(sourceFile: string, sourceSha256: string, member: string | null, segment: number, row: number | null = null): string {
  return 'jw_' + sha256Hex(`${sourceFile}\0${sourceSha256}\0${member ?? ''}\0${segment}${row === null ? '' : `\0r${row}`}`).slice(0, 20);
}
