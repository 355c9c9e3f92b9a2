/**
 * File plumbing: JSONL streams, atomic writes (temp name + rename, so a killed run never leaves a half file
 * that looks whole), hashing of files.
 */
import { createReadStream, createWriteStream, fdatasync, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile, readFile, stat, open } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import path from 'node:path';

/** A unique temporary name next to `file` (same directory, so rename is atomic). */
export function tempName(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
}

/**
 * Move a finished temporary file into place: its data is flushed to disk first (fsync), so that after a crash
 * of the machine, not only of the process, the name never points at a file whose blocks were not written.
 */
export async function commitTemp(tmp: string, file: string): Promise<void> {
  const fh = await open(tmp, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
}

/**
 * Waits for every one of `work` to settle, then throws the first failure. For commits that run side by side: their
 * fsyncs overlap (a pass's eleven files took 145 ms one after the other on the 50 MB benchmark, with both
 * threads idle), and unlike Promise.all nothing is still writing when the caller goes on to clean up.
 */
export async function settleAll(work: Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(work)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Bytes a file grows by between two background write-backs (WriteBack). */
export const WRITE_BACK_BYTES = 16 << 20;

/**
 * Background write-back of a file while it is written: every WRITE_BACK_BYTES, an fdatasync on a libuv thread, not
 * waited for. The kernel otherwise keeps a run's output in memory until the commit's fsync (commitTemp), so every
 * stage file of a pass reached the disk at the pass's end while both threads waited: 130 ms at the end of pass 1
 * and 250 ms at the start of the export's finish on the 50 MB benchmark (#9, profiled; strace showed the fsyncs
 * taking 25–60 ms each). Written back as it goes, little is left for the fsync. Durability is unchanged: the
 * commit still fsyncs before it renames. A failure here is ignored; the commit's fsync reports it.
 *
 * `settle()` must be awaited before the file's descriptor is closed, so that no fdatasync runs on a closed (or by
 * then reused) descriptor.
 */
export class WriteBack {
  private since = 0;
  private running: Promise<void> | null = null;
  /** `fd` gives the descriptor once the file is open (undefined or null before). */
  constructor(private readonly fd: () => number | null | undefined) {}
  /** Counts `n` more bytes handed to the file; starts a write-back when enough have come since the last one. */
  wrote(n: number): void {
    this.since += n;
    const fd = this.fd();
    if (this.since < WRITE_BACK_BYTES || this.running || typeof fd !== 'number') return;
    this.since = 0;
    this.running = new Promise<void>((resolve) => fdatasync(fd, () => resolve())).then(() => { this.running = null; });
  }
  /** Waits for the write-back in flight, if any. */
  async settle(): Promise<void> {
    await this.running;
  }
}

/** Write a whole file atomically. */
export async function writeAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = tempName(file);
  await writeFile(tmp, data);
  await commitTemp(tmp, file);
}

/** Stream records of a JSONL file, one parsed object per line. */
export async function* readJsonl<T>(file: string): AsyncGenerator<T> {
  const input = createReadStream(file, { encoding: 'utf8' });
  const rl = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of rl) if (line.length > 0) yield JSON.parse(line) as T;
  } finally {
    // A consumer that stops early must not leave the file open.
    rl.close();
    input.destroy();
  }
}

export async function readJsonlAll<T>(file: string): Promise<T[]> {
  const out: T[] = [];
  for await (const r of readJsonl<T>(file)) out.push(r);
  return out;
}

/** Bytes a writer buffers before `write` waits for the disk. */
export const WRITE_BUFFER = 4 << 20;

/** Appends JSON lines to a temporary file; `commit()` renames it into place, `abort()` removes it. */
/**
 * Waits for a write stream's 'drain', or rejects with its error: a full disk (ENOSPC) or an I/O error ends a stream
 * with 'error', never 'drain', and waiting for 'drain' alone hung.
 */
export function drained(s: WriteStream): Promise<void> {
  if (s.errored) return Promise.reject(s.errored);
  return new Promise<void>((resolve, reject) => {
    const ok = () => {
      s.off('error', bad);
      resolve();
    };
    const bad = (e: Error) => {
      s.off('drain', ok);
      reject(e);
    };
    s.once('drain', ok);
    s.once('error', bad);
  });
}

export class JsonlWriter {
  private stream: WriteStream | null = null;
  private readonly back = new WriteBack(() => (this.stream as (WriteStream & { fd?: number | null }) | null)?.fd);
  private readonly tmp: string;
  count = 0;
  constructor(readonly file: string) {
    this.tmp = tempName(file);
  }
  private async open(): Promise<WriteStream> {
    if (!this.stream) {
      await mkdir(path.dirname(this.file), { recursive: true });
      // A few MB of buffer: the writer rarely waits for the disk between batches (the default is 16 KB).
      this.stream = createWriteStream(this.tmp, { highWaterMark: WRITE_BUFFER });
      // An error (ENOSPC, EIO) is kept on the stream (`errored`) and thrown by the next write or the commit; without
      // a listener it was an uncaught 'error' event that ended the process with a raw stack.
      this.stream.on('error', () => undefined);
    }
    if (this.stream.errored) throw this.stream.errored;
    return this.stream;
  }
  async write(rec: unknown): Promise<void> {
    await this.writeLine(JSON.stringify(rec));
  }
  /** Append already-serialised JSON lines (whole lines, each ending in a newline). */
  async writeBytes(bytes: Uint8Array): Promise<void> {
    if (bytes.length === 0) return;
    const s = await this.open();
    this.back.wrote(bytes.length);
    if (!s.write(bytes)) await drained(s);
  }
  /** Append one already-serialised JSON line (without its newline). */
  async writeLine(line: string): Promise<void> {
    const s = await this.open();
    this.count++;
    this.back.wrote(line.length + 1); // UTF-16 units: near enough for pacing write-backs
    if (!s.write(line + '\n')) await drained(s);
  }
  async commit(): Promise<void> {
    const s = await this.open();
    await this.back.settle();
    await new Promise<void>((resolve, reject) => s.end((err?: Error | null) => (err ? reject(err) : resolve())));
    await commitTemp(this.tmp, this.file);
  }
  async abort(): Promise<void> {
    await this.back.settle();
    const s = this.stream;
    if (s && !s.destroyed) await new Promise<void>((r) => s.end(() => r()));
    await rm(this.tmp, { force: true });
  }
}

export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

export async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}

/** Stable JSON: object keys sorted, so that written JSON is byte-identical whatever the insertion order. */
export function stableJson(v: unknown, indent = 2): string {
  const sort = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sort);
    if (x && typeof x === 'object') {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(x as object).sort()) o[k] = sort((x as Record<string, unknown>)[k]);
      return o;
    }
    return x;
  };
  return JSON.stringify(sort(v), null, indent) + '\n';
}
