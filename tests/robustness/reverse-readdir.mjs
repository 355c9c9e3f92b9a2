// Loaded with `node --import` by determinism.test.ts: every fs.promises.readdir returns its names reversed, so
// a run sees the file system list files in another order. Not part of the pipeline.
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';

const real = fsp.readdir;
fsp.readdir = async (...args) => {
  const r = await real(...args);
  return Array.isArray(r) ? [...r].reverse() : r;
};
syncBuiltinESMExports();
