/**
 * The card says the truth about how a release was built (#25): the commit only when the tree was clean, uncommitted
 * changes named; the project's raw/ only when RAW was it (else the path's hash, never the path); a placeholder
 * homepage said plainly and left out of datapackage.json.
 */
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { renderCard, builtFrom, rawWhere } from '../../pipeline/release/card.js';
import { startsWithBom } from '../../pipeline/release/facts.js';
import { buildDataPackage } from '../../pipeline/release/datapackage.js';
import { buildCroissant } from '../../pipeline/release/croissant.js';
import { isPlaceholderUrl, FALLBACK_HOMEPAGE } from '../../pipeline/release/meta.js';
import { uncommitted, rawOrigin, sourceCommit } from '../../pipeline/release/provenance.js';
import { documentColumns } from '../../pipeline/release/columns.js';
import { check } from '../../pipeline/lib/schema.js';
import type { ReleaseFacts } from '../../pipeline/release/facts.js';
import { tempDir } from '../helpers.js';

const COMMIT = 'a'.repeat(40);

function facts(over: Partial<ReleaseFacts> = {}, meta: Partial<ReleaseFacts['meta']> = {}): ReleaseFacts {
  return {
    version: '0.1.0', epoch: 0, date: '1970-01-01', dateFrom: "the source commit's time", commit: COMMIT, uncommitted: [],
    raw: { inProject: true, pathSha256: 'b'.repeat(64) },
    meta: {
      name: 'jingwen', prettyName: 'jingwen', description: 'd', homepage: 'https://data.example.cn/jingwen', homepagePlaceholder: false, creator: 'c',
      license: { id: 'other', name: 'n', title: 't' }, codeLicense: 'Apache-2.0', ...meta,
    },
    columns: documentColumns(), stages: [],
    stats: { files: { total: 0, ok: 0, rejected: 0, skipped: 0, by_reason: {}, bytes: 0, chars_in: 0, chars_kept: 0, chars_removed: 0, chars_unaccounted: 0 }, documents: 0, characters: 0, stages: {}, removed_by_rule: {} },
    ledger: [], rows: [], dataFiles: [], csvBom: false,
    ...over,
  };
}

describe('the card says whether documents.csv has a byte-order mark', () => {
  it('with CSV_BOM=1: says so and how it was made; without: says so and how to open it in Excel', () => {
    const bom = renderCard(facts({ csvBom: true }));
    expect(bom).toContain('`documents.csv` is UTF-8 **with a byte-order mark**');
    expect(bom).toContain('with `make release VERSION=0.1.0 CSV_BOM=1`');
    const plain = renderCard(facts());
    expect(plain).toContain('`documents.csv` is UTF-8 **without a byte-order mark**');
    expect(plain).toContain('65001: Unicode (UTF-8)');
    expect(plain).toContain('with `make release VERSION=0.1.0`.');
  });

  it('reads the mark off the file', async () => {
    const dir = await tempDir('jw-bom-');
    await writeFile(path.join(dir, 'a.csv'), '\ufeff"id"\r\n');
    await writeFile(path.join(dir, 'b.csv'), '"id"\r\n');
    await writeFile(path.join(dir, 'c.csv'), '\xef');
    expect(await startsWithBom(path.join(dir, 'a.csv'))).toBe(true);
    expect(await startsWithBom(path.join(dir, 'b.csv'))).toBe(false);
    expect(await startsWithBom(path.join(dir, 'c.csv'))).toBe(false);
    expect(await startsWithBom(path.join(dir, 'none.csv'))).toBe(false);
  });
});

describe('the card says how it was built', () => {
  it('names the commit when the tree was clean and RAW was raw/', () => {
    const card = renderCard(facts());
    expect(card).toContain(`built from commit \`${COMMIT}\``);
    expect(card).toContain("kept byte for byte in the project's `raw/` folder");
    expect(card).not.toContain('uncommitted');
  });

  it('says a tree had uncommitted changes, and which, never "built from commit X"', () => {
    const f = facts({ uncommitted: ['pipeline/stages/clean.ts', 'new.ts'] });
    expect(builtFrom(f)).toMatch(/^built from a working tree at commit `a{40}` \*\*with uncommitted changes\*\* \(2 paths: `pipeline\/stages\/clean\.ts`, `new\.ts`\)/);
    expect(renderCard(f)).not.toContain('built from commit');
    // Changes under raw/ only: the code is the commit's, the raw files are not.
    const r = facts({ uncommitted: ['raw/001.txt'] });
    expect(builtFrom(r)).toBe(`built from commit \`${COMMIT}\``);
    expect(rawWhere(r)).toMatch(/with uncommitted changes\*\* \(1 path: `raw\/001\.txt`\)/);
    expect(renderCard(r)).not.toContain('kept byte for byte');
  });

  it('names another RAW by its path hash, never its path, and never claims raw/', () => {
    const f = facts({ raw: rawOrigin('/repo', '/home/张三/crawl') });
    const card = renderCard(f);
    expect(card).not.toContain('kept byte for byte');
    expect(card).not.toContain('张三');
    expect(card).toContain(`outside the project** (not the project's \`raw/\`; its absolute path has sha256 \`${f.raw.pathSha256}\`)`);
    expect(rawOrigin('/repo', '/repo/raw/')).toMatchObject({ inProject: true });
  });

  it('without a git checkout, names no commit', () => {
    expect(builtFrom(facts({ commit: null, uncommitted: null }))).toBe('built outside a git checkout (no commit to name)');
  });

  it('says plainly that a placeholder homepage is one, and leaves it out of datapackage.json', () => {
    expect(isPlaceholderUrl(FALLBACK_HOMEPAGE)).toBe(true);
    expect(isPlaceholderUrl('https://www.example.com/x')).toBe(true);
    expect(isPlaceholderUrl('https://data.example.cn/jingwen')).toBe(false);
    const f = facts({}, { homepage: FALLBACK_HOMEPAGE, homepagePlaceholder: true });
    expect(renderCard(f)).toContain(`**No homepage yet.** package.json sets none, so the metadata's URL is the placeholder ${FALLBACK_HOMEPAGE}`);
    const dp = buildDataPackage(f, [{ path: 'documents.csv', bytes: 1, sha256: 'c'.repeat(64) }]);
    expect(dp).not.toHaveProperty('homepage');
    expect(check('datapackage', dp)).toBeNull();
    expect(String(buildCroissant(f)['description'])).toContain('is a placeholder');
    const real = facts();
    expect(buildDataPackage(real, [])['homepage']).toBe('https://data.example.cn/jingwen');
    expect(renderCard(real)).not.toContain('No homepage');
  });
});

describe('uncommitted()', () => {
  it('lists modified, added and untracked paths of a checkout, [] when clean, null outside one', async () => {
    const repo = await tempDir('jw-git-');
    const git = (...a: string[]) => execFileSync('git', a, { cwd: repo, stdio: 'ignore', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
    expect(uncommitted(repo)).toBeNull();
    git('init', '-q');
    await writeFile(path.join(repo, 'a.ts'), 'a');
    await mkdir(path.join(repo, 'raw'));
    await writeFile(path.join(repo, 'raw/x.txt'), 'x');
    git('add', '.');
    git('commit', '-qm', 'c');
    expect(sourceCommit(repo)).toMatch(/^[0-9a-f]{40}$/);
    expect(uncommitted(repo)).toEqual([]);
    await writeFile(path.join(repo, 'a.ts'), 'b');
    await writeFile(path.join(repo, 'raw/y.txt'), 'y');
    expect(uncommitted(repo)).toEqual(['a.ts', 'raw/y.txt']);
  });
});
