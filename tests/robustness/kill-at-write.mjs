// Loaded with `node --import` by crash.test.ts: SIGKILLs the process while it is writing a file whose name matches
// the regular expression $JW_KILL_AT_WRITE — right after the first chunk went to disk, so a half-written temporary
// file is left behind. Deterministic, unlike polling the folder from outside. Not part of the pipeline.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { syncBuiltinESMExports } from 'node:module';

const re = process.env.JW_KILL_AT_WRITE ? new RegExp(process.env.JW_KILL_AT_WRITE) : null;
const hit = (p) => re !== null && re.test(path.basename(String(p)));
const die = () => process.kill(process.pid, 'SIGKILL');

const realStream = fs.createWriteStream;
fs.createWriteStream = function (p, opts) {
  const s = realStream.call(this, p, opts);
  if (hit(p)) {
    const write = s.write.bind(s);
    s.write = (chunk, ...rest) => {
      write(chunk, () => die());
      return true;
    };
  }
  return s;
};

const realWriteFile = fsp.writeFile;
fsp.writeFile = async (p, data, opts) => {
  if (hit(p)) {
    const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data);
    await realWriteFile(p, bytes.subarray(0, Math.max(1, bytes.length >> 1)), opts);
    die();
  }
  return realWriteFile(p, data, opts);
};
syncBuiltinESMExports();
