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
import { mkdir, open, readFile, readdir, rename, rm, rmdir, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';

export type Kind = 'shard' | 'bucket' | 'verify' | 'merge' | 'recur' | 'para' | 'plan' | 'apply';

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
    if (await this.has(kind, key)) return false;
    const w = await this.writer(kind, key);
    try {
      for (const [name, bytes] of Object.entries(files)) w.append(name, bytes);
      return await w.commit();
    } finally {
      await w.abort();
    }
  }

  /**
   * A writer of the output `kind/key` that a job fills while it runs (OutputWriter): its bytes reach the disk
   * while the job computes, and the output appears whole at `commit()`, as `publish` makes it.
   */
  async writer(kind: Kind, key: string): Promise<OutputWriter> {
    const tmp = path.join(this.root, kind, `.tmp-${key}-${randomUUID()}`);
    await mkdir(tmp, { recursive: true });
    return new OutputWriter(tmp, this.dir(kind, key));
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

  /**
   * The complete outputs of `kind` (their keys), in one directory read: what a poll for many outputs asks instead of
   * one `has` each. A temporary folder is not listed (its name starts with a dot); a folder is complete once named.
   */
  async complete(kind: Kind): Promise<Set<string>> {
    const names = await readdir(path.join(this.root, kind)).catch(() => [] as string[]);
    return new Set(names.filter((n) => !n.startsWith('.')));
  }

  async bytes(kind: Kind, key: string, name: string): Promise<Buffer> {
    return readFile(path.join(this.dir(kind, key), name));
  }

  async value<T>(kind: Kind, key: string, name: string): Promise<T> {
    return deserialize(await this.bytes(kind, key, name)) as T;
  }
}

/** Bytes appended to a file of an OutputWriter between two background write-backs (fdatasync, not waited for). */
const WRITE_BACK_BYTES = 4 << 20;

/**
 * The files of one job output, written in a temporary folder while the job runs: `append` queues bytes at the end of
 * a file and returns at once with their offset (the writes run on libuv's threads while the job computes on), and
 * every 4 MB of a file an fdatasync is started in the background, so that little is left to flush at the end;
 * `commit()` waits for the writes, fsyncs every file and renames the folder into place (false when the output was
 * there already: the same bytes); `abort()` removes what is left of the temporary folder (after a commit: nothing).
 */
export class OutputWriter {
  private readonly files = new Map<string, { fh: Promise<FileHandle>; size: number; since: number; tail: Promise<void>; syncs: Promise<void>[] }>();
  private failed: unknown = null;
  constructor(private readonly tmp: string, private readonly final: string) {}

  /** Queues `bytes` at the end of the file `name`; returns their offset in it. */
  append(name: string, bytes: Uint8Array): number {
    let f = this.files.get(name);
    if (!f) {
      const fh = open(path.join(this.tmp, name), 'w');
      fh.catch(() => undefined);
      f = { fh, size: 0, since: 0, tail: fh.then(() => undefined), syncs: [] };
      this.files.set(name, f);
    }
    const at = f.size;
    f.size += bytes.length;
    f.since += bytes.length;
    if (bytes.length > 0) {
      const file = f;
      f.tail = f.tail.then(async () => {
        const fh = await file.fh;
        for (let off = 0; off < bytes.length;) off += (await fh.write(bytes, off, bytes.length - off)).bytesWritten;
      });
      f.tail.catch((e) => { this.failed ??= e; });
      if (f.since >= WRITE_BACK_BYTES) {
        f.since = 0;
        const sync = f.tail.then(async () => { await (await file.fh).datasync(); }).catch(() => undefined);
        f.syncs.push(sync);
      }
    }
    return at;
  }

  /** Bytes queued so far for the file `name`. */
  size(name: string): number {
    return this.files.get(name)?.size ?? 0;
  }

  async commit(): Promise<boolean> {
    for (const f of this.files.values()) {
      await f.tail;
      await Promise.all(f.syncs);
      const fh = await f.fh;
      await fh.sync();
    }
    if (this.failed) throw this.failed;
    await this.close();
    try {
      await rename(this.tmp, this.final);
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
      throw e;
    }
  }

  private async close(): Promise<void> {
    const files = [...this.files.values()];
    this.files.clear();
    for (const f of files) {
      await f.tail.catch(() => undefined);
      await Promise.all(f.syncs);
      await (await f.fh.catch(() => null))?.close();
    }
  }

  async abort(): Promise<void> {
    await this.close();
    await rm(this.tmp, { recursive: true, force: true });
  }
}

/** A value as bytes for `Store.publish` (v8.serialize). */
export function ser(v: unknown): Uint8Array {
  return serialize(v);
}
