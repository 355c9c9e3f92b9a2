/**
 * `make dataset` runs the pipeline compiled to dist/ (`make build`, esbuild); the tests run its TypeScript sources
 * under tsx. Both must be the same program: the compiled run, with one and with two workers (the pool loads
 * dist/lib/worker.js) and its threads loading jieba's trie from dist/lib/jieba.trie, writes byte for byte the files
 * the sources write.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { runCli, tempDir, ROOT } from '../helpers.js';
import { loadTrie } from '../../pipeline/lib/jieba.js';

const exec = promisify(execFile);

/** Every output file except the run's own timings, by path. */
async function files(dir: string): Promise<Map<string, Buffer>> {
  const res = new Map<string, Buffer>();
  const walk = async (d: string) => {
    for (const f of await readdir(d, { withFileTypes: true })) {
      const p = path.join(d, f.name);
      if (f.isDirectory()) await walk(p);
      else if (!f.name.endsWith('.meta.json') && f.name !== 'timings.json') res.set(path.relative(dir, p), await readFile(p));
    }
  };
  await walk(dir);
  return res;
}

describe('the compiled pipeline (dist/)', () => {
  let sources = new Map<string, Buffer>();
  const raw = path.join(ROOT, 'tests/fixtures/encodings');

  beforeAll(async () => {
    await exec('make', ['build'], { cwd: ROOT });
    const out = await tempDir();
    const r = await runCli(['--raw', raw, '--out', out, '--quiet', '--workers', '1']);
    expect(r.code, r.stderr).toBe(0);
    sources = await files(out);
  }, 120_000);

  it('has one .js file in dist/ for every .ts file of pipeline/, and nothing else', async () => {
    const tree = async (dir: string, ext: string) => (await readdir(dir, { recursive: true }))
      .filter((f) => f.endsWith(ext)).map((f) => f.slice(0, -ext.length)).sort();
    const sources = await tree(path.join(ROOT, 'pipeline'), '.ts');
    expect(sources).toContain('lib/worker');
    expect(await tree(path.join(ROOT, 'dist'), '.js')).toEqual(sources);
  });

  it("has jieba's dictionary as a trie file that loads (built from the installed dict.txt)", () => {
    expect(loadTrie(path.join(ROOT, 'dist/lib/jieba.trie'))).toBe(true);
  });

  for (const workers of [1, 2]) {
    it(`writes the same bytes as the sources, ${workers} worker(s)`, async () => {
      const out = await tempDir();
      const r = await exec(process.execPath, [path.join(ROOT, 'dist/run.js'), '--raw', raw, '--out', out, '--quiet', '--workers', String(workers)], { cwd: ROOT });
      expect(r.stderr).toBe('');
      const compiled = await files(out);
      expect([...compiled.keys()].sort()).toEqual([...sources.keys()].sort());
      expect(sources.has('documents.parquet') && sources.has('report/ledger.jsonl')).toBe(true);
      for (const [name, bytes] of sources) expect(compiled.get(name)!.equals(bytes), name).toBe(true);
    }, 120_000);
  }
});
