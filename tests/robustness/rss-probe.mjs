// Loaded with `node --import` by tests/robustness/util.ts: on exit, writes the process's peak resident memory
// (KiB, all threads) to $JW_RSS_FILE. Not part of the pipeline.
import { writeFileSync } from 'node:fs';

const file = process.env.JW_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
