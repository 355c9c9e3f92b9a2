/**
 * One run per output folder: `OUT/.lock` holds the holder's pid (and, on Linux, its process start time, so a
 * recycled pid is not mistaken for the holder). A second run stops at once with a clear message; a lock left by
 * a killed run (its holder no longer alive) is taken over, so it never outlives its holder.
 *
 * The lock file appears with its content already written (written to a temporary name, then hard-linked into
 * place: `link` fails if the name exists), so a run starting at the same moment never reads an empty lock.
 * Taking over a stale lock renames it aside first and checks it was the stale one, so two runs racing for a
 * stale lock cannot both win. Whoever holds the lock then removes the temporary files killed runs left behind.
 */
import { link, readFile, readdir, rename, rm, mkdir, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PipelineError } from './errors.js';

interface Holder { pid: number; start: string | null }

/** The process start time (clock ticks since boot, /proc/<pid>/stat field 22), or null off Linux. */
function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing bracket.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function alive(h: Holder): boolean {
  try {
    process.kill(h.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // Same pid, different start time: the pid was recycled, the holder is gone.
  const now = startTime(h.pid);
  return !(h.start && now && now !== h.start);
}

function parse(s: string): Holder | null {
  const [pid, start] = s.trim().split(/\s+/);
  const n = Number.parseInt(pid ?? '', 10);
  return Number.isInteger(n) && n > 0 ? { pid: n, start: start ?? null } : null;
}

/** Files written under a temporary name by io.ts (`.<name>.<pid>.tmp`) in OUT, OUT/stages and OUT/report; not the lock's own. */
const TEMP = /^\.(?!lock\.).+\.\d+\.tmp$/;

/** Remove temporary files a killed run left behind. Only safe while holding the lock. */
export async function sweepTemps(out: string): Promise<string[]> {
  const gone: string[] = [];
  for (const d of [out, path.join(out, 'stages'), path.join(out, 'report')]) {
    const names = await readdir(d).catch(() => [] as string[]);
    for (const n of names.sort()) {
      if (TEMP.test(n)) {
        await rm(path.join(d, n), { force: true });
        gone.push(path.join(d, n));
      }
    }
  }
  return gone;
}

/**
 * The environment variable through which a process holding OUT's lock lends it to a child it runs on the same OUT
 * (`make release` runs the pipeline while it holds the lock, so no other run can write OUT between the pipeline and
 * the release's reading of it): its value is the lock file's content.
 */
export const LENT_LOCK = 'JINGWEN_OUT_LOCK';

/** The content of OUT's lock while this process holds it: what to put in LENT_LOCK for a child. */
export async function lockToken(out: string): Promise<string> {
  return readFile(path.join(out, '.lock'), 'utf8');
}

export async function acquireLock(out: string): Promise<() => Promise<void>> {
  try {
    await mkdir(out, { recursive: true });
  } catch (e) {
    throw new PipelineError('config', `cannot create the output folder ${out}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const file = path.join(out, '.lock');
  // A lock lent by the process that runs this one (LENT_LOCK): held already, by a live holder (through tsx, that
  // process is a grandparent, so only the content and liveness are checked); the lender releases it, not this one.
  const lent = process.env[LENT_LOCK];
  if (lent) {
    const content = await readFile(file, 'utf8').catch(() => null);
    const holder = content === lent ? parse(content) : null;
    if (holder && holder.pid !== process.pid && alive(holder)) return async () => undefined;
  }
  const me = `${process.pid} ${startTime(process.pid) ?? ''}`.trim() + '\n';
  const tmp = path.join(out, `.lock.${process.pid}.tmp`);
  try {
    await writeFile(tmp, me);
  } catch (e) {
    throw new PipelineError('config', `cannot write in the output folder ${out}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await link(tmp, file);
        await sweepTemps(out);
        return async () => {
          // Only remove the lock if it is still ours.
          if ((await readFile(file, 'utf8').catch(() => '')) === me) await rm(file, { force: true });
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const content = await readFile(file, 'utf8').catch(() => null);
      if (content === null) continue; // released meanwhile: try again
      const holder = parse(content);
      if (holder && holder.pid !== process.pid && alive(holder)) {
        throw new PipelineError('locked', `another run (pid ${holder.pid}) is writing ${out}; wait for it to finish or use another OUT`);
      }
      // Stale (holder gone) or unreadable content: move it aside, and check that what moved is what we judged.
      const aside = path.join(out, `.lock.stale.${process.pid}.tmp`);
      try {
        await rename(file, aside);
      } catch {
        continue; // someone else took it over first
      }
      const moved = await readFile(aside, 'utf8').catch(() => null);
      if (moved !== content) {
        // We moved a fresh lock another run had just taken: put it back (link fails if a third run holds it).
        await link(aside, file).catch(() => undefined);
        await rm(aside, { force: true });
        throw new PipelineError('locked', `another run is taking over ${file}; try again`);
      }
      await rm(aside, { force: true });
    }
    throw new PipelineError('locked', `cannot take the lock ${file}; if no run is writing ${out}, remove it`);
  } finally {
    await rm(tmp, { force: true });
  }
}
