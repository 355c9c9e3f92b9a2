// Loaded with `node --import` by crash.test.ts: SIGKILLs the process right after a file whose name matches
// $JW_KILL_AFTER is renamed into place — the most adversarial moment for a run (an output committed, its meta
// and the next outputs not yet written). Not part of the pipeline.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { syncBuiltinESMExports } from 'node:module';

const target = process.env.JW_KILL_AFTER;
const real = fsp.rename;
fsp.rename = async (from, to) => {
  await real(from, to);
  if (target && path.basename(String(to)) === target) process.kill(process.pid, 'SIGKILL');
};
syncBuiltinESMExports();
