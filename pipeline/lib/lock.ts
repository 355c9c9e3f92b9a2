/**
 * One run per output folder: `OUT/.lock` holds the holder's pid. A second run stops at once with a clear
 * message; a lock left by a killed run (its pid no longer alive) is taken over, so it never outlives its holder.
 */
import { open, readFile, rm, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PipelineError } from './errors.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function acquireLock(out: string): Promise<() => Promise<void>> {
  await mkdir(out, { recursive: true });
  const file = path.join(out, '.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(file, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      return async () => {
        await rm(file, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
      if (Number.isFinite(pid) && pid !== process.pid && alive(pid)) {
        throw new PipelineError('locked', `another run (pid ${pid}) is writing ${out}; wait for it or use another OUT`);
      }
      await rm(file, { force: true }); // stale: its holder is gone
    }
  }
  throw new PipelineError('locked', `cannot take the lock ${file}`);
}
