/**
 * `make release` end to end, on a temporary raw folder with three of raw/'s files: two releases of 0.1.0 into
 * different output folders are byte-identical (SHA256SUMS and tarball); the card's loading commands run as
 * written inside the release folder; datapackage.json and croissant.json validate and match the files; a second
 * release after editing one raw file shows exactly that change; existing versions and bad versions are refused.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { copyFile, readFile, readdir, writeFile, stat } from 'node:fs/promises';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { YAML } from 'zx';
import { ROOT, tempDir, readLines } from '../helpers.js';
import { check } from '../../pipeline/lib/schema.js';
import { sha256File } from '../../pipeline/lib/io.js';
import { COLUMNS } from '../../pipeline/stages/validate.js';

const exec = promisify(execFile);
const RAW_FILES = ['002_88c59f0990eab488.txt', '003_db51f0831cc1980b.txt', '004_91d04d10e2169a48.txt'];
const edit = JSON.parse(await readFile(path.join(ROOT, 'tests/fixtures/release/edit.json'), 'utf8')) as { file: string; line_starts_with: string; find: string; replace: string };

const git = (args: string[]) => {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
};

interface Res { code: number; stdout: string; stderr: string }
/** `make release|diff …` exactly as a user types it (the environment without SOURCE_DATE_EPOCH). */
async function make(args: string[]): Promise<Res> {
  const env = { ...process.env };
  delete env['SOURCE_DATE_EPOCH'];
  try {
    const r = await exec('make', ['-s', '-C', ROOT, ...args], { env, maxBuffer: 64 << 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

let raw = '';
let outA = '';
let outB = '';
let relA = '';
let relB = '';
const results: Record<string, Res> = {};

beforeAll(async () => {
  raw = await tempDir('jw-rel-raw-');
  for (const f of RAW_FILES) await copyFile(path.join(ROOT, 'raw', f), path.join(raw, f));
  // Two output folders, built at the same time by two processes (different pids, paths and temp names).
  // The checkout is shared: when a commit lands while the two build, they rightly differ (commit, date); build again.
  for (let attempt = 0; attempt < 3; attempt++) {
    outA = await tempDir('jw-rel-a-');
    outB = await tempDir('jw-rel-b-');
    const head = git(['rev-parse', 'HEAD']);
    const [a, b] = await Promise.all([outA, outB].map((o) => make(['release', 'VERSION=0.1.0', `RAW=${raw}`, `OUT=${o}`])));
    results['a'] = a!;
    results['b'] = b!;
    if (git(['rev-parse', 'HEAD']) === head) break;
  }
  relA = path.join(outA, 'releases', '0.1.0');
  relB = path.join(outB, 'releases', '0.1.0');
});

describe('make release VERSION=0.1.0', () => {
  it('writes the release folder and the tarball beside it', async () => {
    expect(results['a']!.stderr).not.toMatch(/internal error/);
    expect(results['a']!.code).toBe(0);
    expect(results['b']!.code).toBe(0);
    expect(results['a']!.stdout).toMatch(/jingwen release 0\.1\.0: .*releases\/0\.1\.0\/ \(13 files, \d+ documents\)/);
    expect((await readdir(relA)).sort()).toEqual(['CHANGELOG.md', 'README.md', 'SHA256SUMS', 'croissant.json', 'datapackage.json', 'documents.arrow', 'documents.csv', 'documents.jsonl', 'documents.parquet', 'ledger.jsonl', 'length-histogram.svg', 'removed.jsonl', 'stats.json']);
    expect((await readdir(path.join(outA, 'releases'))).sort()).toEqual(['0.1.0', 'jingwen-0.1.0.tar.gz']);
  });

  it('is byte-identical in two output folders: SHA256SUMS, every file and the tarball', async () => {
    expect(await readFile(path.join(relA, 'SHA256SUMS'), 'utf8')).toBe(await readFile(path.join(relB, 'SHA256SUMS'), 'utf8'));
    for (const f of await readdir(relA)) expect(await sha256File(path.join(relB, f)), f).toBe(await sha256File(path.join(relA, f)));
    const ta = await readFile(path.join(outA, 'releases', 'jingwen-0.1.0.tar.gz'));
    const tb = await readFile(path.join(outB, 'releases', 'jingwen-0.1.0.tar.gz'));
    expect(Buffer.compare(ta, tb)).toBe(0);
  });

  it('has SHA256SUMS that sha256sum -c accepts, a tarball holding the same files, and no machine paths', async () => {
    const ok = execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: relA, encoding: 'utf8' });
    expect(ok.trim().split('\n')).toHaveLength(12);
    const names = execFileSync('tar', ['-tzf', path.join(outA, 'releases', 'jingwen-0.1.0.tar.gz')], { encoding: 'utf8' }).trim().split('\n');
    expect(names).toEqual(['jingwen-0.1.0/', ...(await readdir(relA)).sort().map((n) => `jingwen-0.1.0/${n}`)]);
    for (const f of ['README.md', 'CHANGELOG.md', 'datapackage.json', 'croissant.json', 'length-histogram.svg', 'documents.jsonl']) {
      const s = await readFile(path.join(relA, f), 'utf8');
      for (const p of [outA, raw, ROOT, '/tmp/']) expect(s.includes(p), `${f} mentions ${p}`).toBe(false);
    }
    expect(((await stat(relA)).mode & 0o777).toString(8)).toBe('755');
  });
});

describe('the dataset card', () => {
  let card = '';
  let front: Record<string, unknown> = {};
  beforeAll(async () => {
    card = await readFile(path.join(relA, 'README.md'), 'utf8');
    front = YAML.parse(/^---\n([\s\S]*?)\n---\n/.exec(card)![1]!) as Record<string, unknown>;
  });

  it('has the Hugging Face front matter', () => {
    expect(front).toMatchObject({
      license: 'other', language: ['zh'], language_details: 'zh-Hans', size_categories: ['n<1K'], task_categories: ['text-generation'],
      configs: [{ config_name: 'default', data_files: [{ split: 'train', path: 'documents.parquet' }] }],
    });
    expect(front['pretty_name']).toMatch(/净文/);
  });

  it('names every raw source with its sha256, every stage with its counts, every column, and the histogram', async () => {
    for (const l of await readLines<{ path: string; sha256: string }>(path.join(outA, 'report', 'ledger.jsonl'))) {
      expect(card).toContain(`\`${l.path}\``);
      expect(card).toContain(`\`${l.sha256}\``);
    }
    for (const s of ['extract', 'segment', 'normalize', 'clean', 'dedupe', 'validate', 'export']) expect(card).toMatch(new RegExp(`^\\| \`${s}\` \\| [^|]+ \\| \\d`, 'm'));
    for (const c of COLUMNS) expect(card).toMatch(new RegExp(`^\\| \`${c}\` \\| (string|int32) \\|`, 'm'));
    const stats = JSON.parse(await readFile(path.join(outA, 'report', 'stats.json'), 'utf8')) as { documents: number; removed_by_rule: Record<string, { chars: number }> };
    expect(card).toContain(`**${stats.documents} documents`);
    for (const rule of Object.keys(stats.removed_by_rule)) expect(card).toContain(`| \`${rule}\` |`);
    for (const h of ['## Where it comes from', '## How it was processed', '## Columns', '## Statistics', '### By source file', '### By genre', '## How to load it', '## Known limitations', '## Licence notes']) expect(card).toContain(h);
    expect(card).toContain('](length-histogram.svg)');
    // Every file the card links to or names as a report is shipped in the release (#25), byte for byte as built.
    const linked = [...card.matchAll(/\]\(([^)#:]+)\)/g)].map((m) => m[1]!);
    expect(linked).toEqual(expect.arrayContaining(['ledger.jsonl', 'stats.json', 'removed.jsonl']));
    for (const l of linked) expect(await readdir(relA), l).toContain(l);
    expect(card).not.toMatch(/report\//);
    for (const [from, to] of [['report/ledger.jsonl', 'ledger.jsonl'], ['report/stats.json', 'stats.json'], ['report/removed.jsonl', 'removed.jsonl']]) {
      expect(await sha256File(path.join(relA, to!)), to).toBe(await sha256File(path.join(outA, from!)));
    }
    // RAW was a folder outside the project: said so, by its path's hash, never "kept byte for byte in raw/".
    expect(card).not.toContain('kept byte for byte');
    expect(card).toContain('outside the project');
    // No homepage in package.json: said plainly.
    expect(card).toContain('No homepage yet');
    const svg = await readFile(path.join(relA, 'length-histogram.svg'), 'utf8');
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<rect x=[\s\S]*<\/svg>\n$/);
  });

  it('has DuckDB commands that run as written inside the release folder', async () => {
    const sql = [...card.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]!).join('\n');
    const statements = sql.split(';').map((s) => s.trim()).filter(Boolean);
    expect(statements.length).toBeGreaterThanOrEqual(3);
    const n = (await readLines(path.join(relA, 'documents.jsonl'))).length;
    const cwd = process.cwd();
    const db = await DuckDBInstance.create(':memory:');
    const con = await db.connect();
    process.chdir(relA);
    try {
      const results = [];
      for (const s of statements) results.push((await con.runAndReadAll(s)).getRowObjectsJS());
      const byGenre = results[0] as { documents: bigint }[];
      expect(byGenre.reduce((a, r) => a + Number(r.documents), 0)).toBe(n);
      expect(results[1]!.length).toBe(Math.min(5, n));
      expect(Number((results[2]![0] as { documents: bigint }).documents)).toBe(n);
    } finally {
      process.chdir(cwd);
      con.closeSync();
      db.closeSync();
    }
  });

  const hasPandas = (() => {
    try {
      execFileSync('python3', ['-c', 'import pandas, pyarrow'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  it.skipIf(!hasPandas)('has pandas commands that run as written inside the release folder', () => {
    const py = [...card.matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1]!).join('\n');
    const out = execFileSync('python3', ['-c', py], { cwd: relA, encoding: 'utf8' });
    expect(out).toMatch(/count/);
  });
});

describe('datapackage.json and croissant.json', () => {
  it('validate against their schemas and describe the files as they are', async () => {
    const dp = JSON.parse(await readFile(path.join(relA, 'datapackage.json'), 'utf8')) as { version: string; resources: { path: string; bytes: number; hash: string; schema?: { fields: { name: string }[] } }[] };
    const cr = JSON.parse(await readFile(path.join(relA, 'croissant.json'), 'utf8')) as { version: string; datePublished: string; distribution: { '@id': string; contentSize: string; sha256: string }[]; recordSet: { field: { name: string }[] }[] };
    expect(check('datapackage', dp)).toBeNull();
    expect(check('croissant', cr)).toBeNull();
    expect(dp.version).toBe('0.1.0');
    expect(cr.version).toBe('0.1.0');
    expect(dp.resources.map((r) => r.path)).toEqual((await readdir(relA)).filter((n) => n !== 'datapackage.json' && n !== 'SHA256SUMS').sort());
    for (const r of dp.resources) {
      expect(r.hash).toBe(`sha256:${await sha256File(path.join(relA, r.path))}`);
      expect(r.bytes).toBe((await stat(path.join(relA, r.path))).size);
      if (r.path.startsWith('documents.')) expect(r.schema!.fields.map((f) => f.name)).toEqual(COLUMNS);
    }
    expect(cr.distribution.map((d) => d['@id'])).toEqual(['documents.jsonl', 'documents.csv', 'documents.arrow', 'documents.parquet']);
    for (const d of cr.distribution) {
      expect(d.sha256).toBe(await sha256File(path.join(relA, d['@id'])));
      expect(d.contentSize).toBe(`${(await stat(path.join(relA, d['@id']))).size} B`);
    }
    expect(cr.recordSet[0]!.field.map((f) => f.name)).toEqual(COLUMNS);
    const commit = /built from commit `([0-9a-f]{40})`/.exec(await readFile(path.join(relA, 'README.md'), 'utf8'))?.[1];
    const commitTime = Number(commit ? git(['show', '-s', '--format=%ct', commit]) : 0);
    expect(cr.datePublished).toBe(new Date(commitTime * 1000).toISOString().slice(0, 10));
  });

  it('are rejected by their schemas when a required field is wrong', async () => {
    const dp = JSON.parse(await readFile(path.join(relA, 'datapackage.json'), 'utf8')) as { resources: { hash: string }[] };
    dp.resources[0]!.hash = 'md5:abc';
    expect(check('datapackage', dp)).toMatch(/hash/);
    const cr = JSON.parse(await readFile(path.join(relA, 'croissant.json'), 'utf8')) as Record<string, unknown>;
    delete cr['conformsTo'];
    expect(check('croissant', cr)).toMatch(/conformsTo/);
  });
});

describe('refusals', () => {
  it('refuses to overwrite an existing version and leaves it untouched', async () => {
    const before = await readFile(path.join(relA, 'SHA256SUMS'), 'utf8');
    const r = await make(['release', 'VERSION=0.1.0', `RAW=${raw}`, `OUT=${outA}`]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/release 0\.1\.0 already exists .*choose a new VERSION/);
    expect(await readFile(path.join(relA, 'SHA256SUMS'), 'utf8')).toBe(before);
    expect((await readdir(path.join(outA, 'releases'))).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('rejects an invalid VERSION before building anything', async () => {
    const bad = ['1.0', '', 'v1.0.0', '../1.0.0'];
    const outs = await Promise.all(bad.map(() => tempDir('jw-rel-bad-')));
    const rs = await Promise.all(bad.map((v, i) => make(['release', `VERSION=${v}`, `RAW=${raw}`, `OUT=${outs[i]}`])));
    for (const [i, r] of rs.entries()) {
      expect(r.code, bad[i]).toBe(2);
      expect(r.stderr).toContain(`VERSION must be a semantic version like 0.1.0 or 1.2.0-rc.1 (semver.org), got ${JSON.stringify(bad[i])}`);
      expect(await readdir(outs[i]!)).toEqual([]);
    }
  });
});

describe('a second release after one raw file changed', () => {
  let changelog = '';
  let second: Res = { code: -1, stdout: '', stderr: '' };
  let before: { id: string; source_file: string; text: string }[] = [];
  let after: typeof before = [];
  beforeAll(async () => {
    const file = path.join(raw, edit.file);
    const lines = (await readFile(file, 'utf8')).split('\n');
    const i = lines.findIndex((l) => l.startsWith(edit.line_starts_with));
    lines[i] = lines[i]!.replace(edit.find, edit.replace);
    await writeFile(file, lines.join('\n'));
    second = await make(['release', 'VERSION=0.2.0', `RAW=${raw}`, `OUT=${outA}`]);
    changelog = await readFile(path.join(outA, 'releases', '0.2.0', 'CHANGELOG.md'), 'utf8');
    before = await readLines(path.join(relA, 'documents.jsonl'));
    after = await readLines(path.join(outA, 'releases', '0.2.0', 'documents.jsonl'));
  });

  it('shows exactly that change, with counts and ids', () => {
    expect(second.code).toBe(0);
    const old = before.filter((d) => d.source_file === edit.file);
    const neu = after.filter((d) => d.source_file === edit.file);
    expect(old).toHaveLength(1);
    expect(neu).toHaveLength(1);
    expect(neu[0]!.text).toContain(edit.replace);
    expect(changelog).toContain('## 0.2.0 — compared with 0.1.0');
    expect(changelog).toContain('| added | 1 |');
    expect(changelog).toContain('| removed | 1 |');
    expect(changelog).toContain('| text changed | 0 |');
    expect(changelog).toContain(`| unchanged | ${before.length - 1} |`);
    expect(changelog).toContain(`Raw sources (by the documents they give): 1 changed, 0 added, 0 removed.`);
    expect(changelog).toContain(`- changed: \`${edit.file}\``);
    expect(changelog).toMatch(new RegExp(`### Added \\(1\\)\\n\\n- \`${neu[0]!.id}\` ${edit.file} #1`));
    expect(changelog).toMatch(new RegExp(`### Removed \\(1\\)\\n\\n- \`${old[0]!.id}\` ${edit.file} #1`));
    expect(changelog).toMatch(new RegExp(`- \`${old[0]!.id}\` → \`${neu[0]!.id}\` ${edit.file} #1: text sha256`));
    // Only that file's document appears; the history of 0.1.0 follows.
    const ids = new Set([...changelog.matchAll(/jw_[0-9a-f]{20}/g)].map((m) => m[0]));
    expect([...ids].sort()).toEqual([old[0]!.id, neu[0]!.id].sort());
    expect(changelog).toMatch(/\n## 0\.1\.0\n\nFirst release: \d+ documents from 3 raw source files\.\n$/);
  });

  it('make diff prints the same comparison', async () => {
    const r = await make(['diff', 'A=0.1.0', 'B=0.2.0', `OUT=${outA}`]);
    expect(r.code).toBe(0);
    expect(changelog).toContain(r.stdout);
    expect(r.stdout).toMatch(/^## 0\.2\.0 — compared with 0\.1\.0/);
    const missing = await make(['diff', 'A=0.1.0', 'B=9.9.9', `OUT=${outA}`]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/no release 9\.9\.9 .*have: 0\.1\.0, 0\.2\.0/);
  });
});

describe('make release CSV_BOM=1 (#25)', () => {
  let res: Res;
  let rel = '';
  beforeAll(async () => {
    const out = await tempDir('jw-rel-bom-');
    res = await make(['release', 'VERSION=0.1.0', 'CSV_BOM=1', `RAW=${raw}`, `OUT=${out}`]);
    rel = path.join(out, 'releases', '0.1.0');
  });

  it('builds documents.csv with a byte-order mark, the rest as without, and the card says which', async () => {
    expect(res.code, res.stderr).toBe(0);
    // The same raw files (edited above) as 0.2.0, which was built without the mark.
    const rel2 = path.join(outA, 'releases', '0.2.0');
    const csv = await readFile(path.join(rel, 'documents.csv'));
    const plain = await readFile(path.join(rel2, 'documents.csv'));
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(plain[0]).not.toBe(0xef);
    expect(csv.subarray(3).equals(plain)).toBe(true);
    for (const f of ['documents.jsonl', 'documents.parquet', 'documents.arrow']) expect((await readFile(path.join(rel, f))).equals(await readFile(path.join(rel2, f))), f).toBe(true);
    const card = await readFile(path.join(rel, 'README.md'), 'utf8');
    expect(card).toContain('`documents.csv` is UTF-8 **with a byte-order mark**');
    expect(card).toContain('make release VERSION=0.1.0 CSV_BOM=1');
    expect(await readFile(path.join(rel2, 'README.md'), 'utf8')).toContain('`documents.csv` is UTF-8 **without a byte-order mark**');
    // SHA256SUMS vouches for the file as shipped.
    expect(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: rel, encoding: 'utf8' })).toContain('documents.csv: OK');
  });

  it('ARGS reaches the release the same way (make dataset\'s convention), and a pipeline option it does not know is refused', async () => {
    const dry = await exec('make', ['-s', '-n', '-C', ROOT, 'release', 'VERSION=0.1.0', 'ARGS=--csv-bom --workers 1'], { encoding: 'utf8' });
    expect(dry.stdout).toMatch(/release\.ts --version "0\.1\.0" .* --csv-bom --workers 1/);
    const bad = await make(['release', 'VERSION=0.3.0', `RAW=${raw}`, `OUT=${outB}`, 'ARGS=--nonesuch']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/nonesuch/);
  });
});
