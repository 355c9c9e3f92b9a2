// Loaded with `node --import` by crash.test.ts: records the path of every file the run opens for writing
// (fs.promises writeFile/appendFile/open/copyFile, fs.createWriteStream and the sync forms) into $JW_WRITES_FILE,
// one per line, so the test can check each is a temporary name. Not part of the pipeline.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';

const log = process.env.JW_WRITES_FILE;
const appendLog = fs.appendFileSync;
const note = (p, how) => {
  if (log && (typeof p === 'string' || Buffer.isBuffer(p) || p instanceof URL)) appendLog(log, `${how}\t${String(p)}\n`);
};
const writing = (flags) => typeof flags === 'string' && /[wa+]/.test(flags);

const wrap = (obj, name, pick) => {
  const real = obj[name];
  obj[name] = function (...args) {
    const hit = pick(args);
    if (hit) note(hit, name);
    return real.apply(this, args);
  };
};
wrap(fsp, 'writeFile', (a) => a[0]);
wrap(fsp, 'appendFile', (a) => a[0]);
wrap(fsp, 'open', (a) => (writing(a[1]) ? a[0] : null));
wrap(fsp, 'copyFile', (a) => a[1]);
wrap(fs, 'createWriteStream', (a) => a[0]);
// The peak-memory probe (rss-probe.mjs) is the test's, not the run's.
wrap(fs, 'writeFileSync', (a) => (a[0] === log || a[0] === process.env.JW_RSS_FILE ? null : a[0]));
wrap(fs, 'copyFileSync', (a) => a[1]);
wrap(fs, 'openSync', (a) => (writing(a[1]) ? a[0] : null));
syncBuiltinESMExports();
