/**
 * Issue 23's adversarial personal-data suite (pipeline/eval/pii-cases.ts, seeded): ≥ 200 items written the ways
 * people and sites write them, in text and in file and member names. Each must be gone from every output: through
 * the clean stage one by one, through maskPath, and through the real pipeline and a release on a raw folder that has
 * them in text AND in file, folder and archive member names (0 leaks anywhere in OUT outside OUT/stages).
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import JSZip from 'jszip';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonical, leaked, pathVariants, piiVariants, type PathVariant, type PIIVariant } from '../../pipeline/eval/pii-cases.js';
import { maskPath } from '../../pipeline/lib/pii.js';
import { cleanText } from '../fixtures/clean/make-doc.js';
import { readLines, ROOT, runCli, tempDir, type CliResult } from '../helpers.js';

const VARIANTS = piiVariants();
const PATHS = pathVariants();

describe('the generated suite', () => {
  it('has at least 200 text variants of every kind and form, seeded', () => {
    expect(VARIANTS.length).toBeGreaterThanOrEqual(200);
    expect(new Set(VARIANTS.map((v) => v.id)).size).toBe(VARIANTS.length);
    expect(new Set(VARIANTS.map((v) => v.kind))).toEqual(new Set(['mobile', 'landline', 'service', 'id18', 'id15', 'card', 'email', 'qq', 'wechat', 'plate', 'address', 'name']));
    for (const f of ['plain', 'hyphen', 'space', 'dot', 'underscore', 'spaced', 'fullwidth', 'numerals', 'linebreak', 'idn', 'obfuscated']) {
      expect(VARIANTS.some((v) => v.form === f)).toBe(true);
    }
    expect(piiVariants()).toEqual(VARIANTS);
    expect(piiVariants(24)).not.toEqual(VARIANTS);
  });
  it('every secret is readable in its own text (so a leak would be seen)', () => {
    for (const v of VARIANTS) expect(leaked([v], v.text)).toEqual([v]);
    for (const p of PATHS) expect(leaked([p], p.name)).toEqual([p]);
  });
});

describe('0 leaks through the clean stage and maskPath', () => {
  it.each(VARIANTS.map((v) => [v.id, v] as const))('%s', (_id, v: PIIVariant) => {
    expect(leaked([v], cleanText(v.text))).toEqual([]);
  });
  it.each(PATHS.map((p) => [p.id, p] as const))('%s', (_id, p: PathVariant) => {
    const masked = maskPath(`材料/${p.name}.docx`);
    expect(leaked([p], masked)).toEqual([]);
    expect(masked).toMatch(/^材料\/.*\.docx$/);
  });
});

const exec = promisify(execFile);

/** Every output under `dir` as text (Parquet read back by DuckDB, the tarball skipped: it holds the release's files), stages/ left out. */
async function publishedText(dir: string): Promise<{ file: string; text: string }[]> {
  const res: { file: string; text: string }[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (path.relative(dir, p) !== 'stages') await walk(p);
      } else if (e.name.endsWith('.parquet')) {
        const db = await DuckDBInstance.create(':memory:');
        const con = await db.connect();
        const rows = (await con.runAndReadAll(`SELECT * FROM read_parquet('${p.replace(/'/g, "''")}')`)).getRowObjectsJS();
        con.closeSync();
        db.closeSync();
        res.push({ file: p, text: JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)) });
      } else if (!e.name.endsWith('.tar.gz')) {
        res.push({ file: p, text: (await readFile(p)).toString('utf8') });
      }
    }
  };
  await walk(dir);
  return res;
}

describe('the real pipeline on a raw folder with personal data in text and in names: 0 leaks in OUT outside stages/', () => {
  let raw = '';
  let out = '';
  let run: CliResult;
  let release: { code: number; stderr: string };
  const names: string[] = [];
  beforeAll(async () => {
    raw = await tempDir('jw-pii-raw-');
    out = await tempDir('jw-pii-out-');
    // 20 text files named after the path variants (4 of them in a folder named after another), 10 items each; an
    // archive whose members carry the other names and the rest of the items.
    const per = 10;
    const own = new Set(['line', 'slash', 'compiled', 'contact_line']);
    const body = (vs: PIIVariant[]) => ['关于做好近期有关工作的通知', ...vs.flatMap((v) => (own.has(v.form) ? [v.text, '为进一步做好相关工作，现将有关事项通知如下。'] : [`为进一步做好相关工作，现将有关事项通知如下。${v.text}`]))].join('\n') + '\n';
    for (let i = 0; i < 20; i++) {
      const dir = i >= 16 ? `${PATHS[20]!.name}` : '';
      const rel = path.join(dir, `${PATHS[i]!.name}.txt`);
      await mkdir(path.join(raw, dir), { recursive: true });
      await writeFile(path.join(raw, rel), body(VARIANTS.slice(i * per, (i + 1) * per)));
      names.push(rel);
    }
    const z = new JSZip();
    const rest = VARIANTS.slice(20 * per);
    for (let m = 21; m < PATHS.length; m++) z.file(`${PATHS[m]!.name}/材料.txt`, body(rest.filter((_, k) => k % 3 === m - 21)));
    await writeFile(path.join(raw, '汇编.zip'), await z.generateAsync({ type: 'uint8array', compression: 'DEFLATE' }));
    run = await runCli(['--raw', raw, '--out', out, '--quiet', '--workers', '2'], { JINGWEN_PII_KEY: 'test-key' });
    const env = { ...process.env, SOURCE_DATE_EPOCH: '1700000000', JINGWEN_PII_KEY: 'test-key' };
    try {
      await exec(path.join(ROOT, 'node_modules/.bin/tsx'), [path.join(ROOT, 'pipeline/release/release.ts'), '--version', '0.0.1', '--raw', raw, '--out', out, '--quiet'], { cwd: ROOT, env, maxBuffer: 64 << 20 });
      release = { code: 0, stderr: '' };
    } catch (e) {
      release = { code: (e as { code?: number }).code ?? 1, stderr: (e as { stderr?: string }).stderr ?? '' };
    }
  }, 600_000);

  it('the run and the release finish', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(release).toEqual({ code: 0, stderr: '' });
  });
  it('every raw file is in the ledger, with its path masked and a keyed fingerprint', async () => {
    const ledger = await readLines<{ path: string; path_fingerprint?: string | null; status: string; documents: number; chars_unaccounted: number }>(path.join(out, 'report/ledger.jsonl'));
    expect(ledger.length).toBe(21);
    for (const r of ledger) {
      expect(r.status).toBe('ok');
      expect(r.chars_unaccounted).toBe(0);
      if (r.path === '汇编.zip') {
        expect(r.path_fingerprint).toBeUndefined();
        continue;
      }
      expect(r.path).toMatch(/<(?:PHONE|ID|EMAIL|NAME)>/);
      expect(r.path_fingerprint).toMatch(/^[0-9a-f]{16}$/);
    }
    expect(new Set(ledger.map((r) => r.path_fingerprint)).size).toBe(21);
    expect(ledger.reduce((a, r) => a + r.documents, 0)).toBeGreaterThan(0);
  });
  it('documents name their masked source file and member', async () => {
    const docs = await readLines<{ source_file: string; source_member: string | null }>(path.join(out, 'documents.jsonl'));
    expect(docs.some((d) => d.source_member !== null && d.source_member.includes('<'))).toBe(true);
    for (const d of docs) expect(d.source_file === '汇编.zip' || d.source_file.includes('<')).toBe(true);
  });
  it('no item and no raw name anywhere in OUT outside OUT/stages (release included)', async () => {
    const files = await publishedText(out);
    expect(files.some((f) => f.file.includes(`${path.sep}releases${path.sep}`) && f.file.endsWith('README.md'))).toBe(true);
    expect(files.some((f) => f.file.endsWith('datapackage.json'))).toBe(true);
    const leaks: string[] = [];
    for (const f of files) {
      const c = canonical(f.text);
      for (const v of leaked(VARIANTS, c, true)) leaks.push(`${path.relative(out, f.file)}: ${v.id}`);
      for (const p of leaked(PATHS, c, true)) leaks.push(`${path.relative(out, f.file)}: ${p.id}`);
    }
    expect(leaks).toEqual([]);
    // …while the stage files, which are not published, still hold them: the check can see a leak.
    const stages = canonical(await readFile(path.join(out, 'stages/extract.jsonl'), 'utf8'));
    expect(leaked(VARIANTS, stages, true).length).toBeGreaterThan(VARIANTS.length / 2);
    expect(leaked(PATHS, stages, true).length).toBeGreaterThan(0);
  });
});

describe('make eval prints the leak count (pipeline/eval/pii.ts)', () => {
  it('0 of ≥ 200 in text, 0 in names; real-page removals counted by rule', async () => {
    const { piiModule } = await import('../../pipeline/eval/pii.js');
    const r = await piiModule.run({ removals: [{ rule: 'pii_mobile' }, { rule: 'pii_mobile' }, { rule: 'html_tag' }] });
    const json = r.json as { text: { variants: number; leaks: number }; names: { leaks: number }; real: { removals: number; by_rule: Record<string, number> } };
    expect(json.text.variants).toBeGreaterThanOrEqual(200);
    expect(json.text.leaks).toBe(0);
    expect(json.names.leaks).toBe(0);
    expect(json.real).toEqual({ removals: 2, by_rule: { pii_mobile: 2 } });
    expect(r.lines[0]).toMatch(/^personal data, adversarial: 0 leaks of \d+ items in text/);
  });
});
