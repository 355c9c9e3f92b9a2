/**
 * A Redis server of our own on this machine, for `make dataset-distributed` without a REDIS URL, the tests and
 * the benchmark: Debian's redis-server on 127.0.0.1 (never another address) on a free port, without persistence
 * (the run's state is rebuilt from shared storage after a restart: coordinate.ts), in a temporary folder.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface LocalRedis { url: string; port: number; proc: ChildProcess; stop(): Promise<void>; restart(): Promise<void> }

/** Whether Debian's redis-server is installed (`apt-get install redis-server`). */
export function haveRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** A TCP port free on 127.0.0.1 right now (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

function launch(port: number, dir: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const proc = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'yes'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const onData = (b: Buffer) => {
      log += b.toString();
      if (log.includes('Ready to accept connections')) { proc.stdout!.off('data', onData); proc.stdout!.resume(); resolve(proc); }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.resume();
    proc.once('error', reject);
    proc.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready: ${log.slice(-400)}`)));
  });
}

function stopProc(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    proc.once('exit', () => resolve());
    proc.kill('SIGTERM');
  });
}

/** Starts redis-server on 127.0.0.1 on a free port; `stop()` ends it and removes its folder. */
export async function startRedis(): Promise<LocalRedis> {
  const dir = await mkdtemp(path.join(tmpdir(), 'jw-redis-'));
  let port = 0;
  let proc: ChildProcess | null = null;
  for (let attempt = 0; !proc; attempt++) {
    port = await freePort();
    try {
      proc = await launch(port, dir);
    } catch (e) {
      if (attempt >= 4) throw e; // another process took the port in between: try another
    }
  }
  const r: LocalRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    proc,
    async stop() {
      await stopProc(r.proc);
      await rm(dir, { recursive: true, force: true });
    },
    /** Stops the server and starts a new one on the same port: an empty server (no persistence). */
    async restart() {
      await stopProc(r.proc);
      r.proc = await launch(port, dir);
    },
  };
  return r;
}
