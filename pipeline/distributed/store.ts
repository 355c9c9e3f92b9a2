/**
 * Shared storage of a distributed run: a directory that the coordinator and every worker reach at the same path (a
 * network file system, or a local directory when all processes run on one machine). Every job's output is one
 * folder named by a content key (the hash of everything the output depends on: code, configuration, inputs), so
 *
 * - a job that runs twice (BullMQ is at-least-once: a stalled job is taken over, a lost reply retried) writes the
 *   same bytes under the same name, and a job whose folder exists is already done: it returns at once;
 * - a folder appears whole or not at all: its files are written and fsynced in a temporary folder beside it, then
 *   the folder is renamed into place (atomic on one file system). A second writer finding the name taken drops its
 *   own copy. A worker killed mid-write leaves only a temporary folder (`.tmp-…`), which nothing reads.
 *
 * Values are written with v8.serialize (structured clone: typed arrays, Maps, strings, in Node's own format);
 * text that is read again as JSON lines stays as its bytes.
 */
import { mkdir, open, readFile, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';

export type Kind = 'shard' | 'bucket' | 'verify' | 'merge' | 'para' | 'plan' | 'apply';

export class Store {
  constructor(readonly root: string) {}

  dir(kind: Kind, key: string): string {
    return path.join(this.root, kind, key);
  }

  /** Whether the output `kind/key` is complete. */
  async has(kind: Kind, key: string): Promise<boolean> {
    return (await stat(this.dir(kind, key)).catch(() => null))?.isDirectory() ?? false;
  }

  /**
   * Publishes `files` (name → bytes) as the output `kind/key`, atomically (see the header). Returns false when the
   * output was already there (another attempt or another worker published it first: the same bytes).
   */
  async publish(kind: Kind, key: string, files: Record<string, Uint8Array>): Promise<boolean> {
    const final = this.dir(kind, key);
    if (await this.has(kind, key)) return false;
    const tmp = path.join(this.root, kind, `.tmp-${key}-${randomUUID()}`);
    await mkdir(tmp, { recursive: true });
    try {
      for (const [name, bytes] of Object.entries(files)) {
        const fh = await open(path.join(tmp, name), 'w');
        try {
          await fh.writeFile(bytes);
          await fh.sync();
        } finally {
          await fh.close();
        }
      }
      try {
        await rename(tmp, final);
        return true;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
        throw e;
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  /**
   * Removes the outputs `kind/key` of one run (and temporary folders its killed jobs left), then the folders left
   * empty, the store's own folder included: another run's outputs in a shared store stay.
   */
  async remove(outputs: Iterable<[Kind, string]>): Promise<void> {
    const kinds = new Set<Kind>();
    for (const [kind, key] of outputs) {
      kinds.add(kind);
      await rm(this.dir(kind, key), { recursive: true, force: true });
    }
    for (const kind of kinds) {
      const dir = path.join(this.root, kind);
      const names = await readdir(dir).catch(() => [] as string[]);
      for (const n of names) if (n.startsWith('.tmp-')) await rm(path.join(dir, n), { recursive: true, force: true });
      await rmdir(dir).catch(() => undefined);
    }
    await rmdir(this.root).catch(() => undefined);
  }

  async bytes(kind: Kind, key: string, name: string): Promise<Buffer> {
    return readFile(path.join(this.dir(kind, key), name));
  }

  async value<T>(kind: Kind, key: string, name: string): Promise<T> {
    return deserialize(await this.bytes(kind, key, name)) as T;
  }
}

/** A value as bytes for `Store.publish` (v8.serialize). */
export function ser(v: unknown): Uint8Array {
  return serialize(v);
}
