/** Unit tests of the release pieces: versions, histogram, changelog diff, size buckets, tarball reproducibility. */
import { describe, it, expect } from 'vitest';
import { mkdir, writeFile, readFile, utimes } from 'node:fs/promises';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { tempDir } from '../helpers.js';
import { parseSemver, requireSemver, compareSemver, previousVersion } from '../../pipeline/release/semver.js';
import { binValues, histogramSvg, niceStep } from '../../pipeline/release/svg.js';
import { diffReleases, renderDiff, renderChangelog, type DocSummary } from '../../pipeline/release/changelog.js';
import { sizeCategory, fmt } from '../../pipeline/release/card.js';
import { writeTarball } from '../../pipeline/release/tarball.js';
import { sourceDateEpoch, isoDate } from '../../pipeline/release/provenance.js';
import { tableSchema } from '../../pipeline/release/datapackage.js';
import { documentColumns } from '../../pipeline/release/columns.js';
import { COLUMNS } from '../../pipeline/stages/validate.js';

describe('semver', () => {
  it.each(['0.1.0', '1.0.0', '10.20.30', '1.0.0-rc.1', '1.0.0-alpha.beta+build.5', '0.0.0+20240101'])('accepts %s', (v) => {
    expect(parseSemver(v)?.raw).toBe(v);
  });
  it.each(['', '1', '1.0', 'v1.0.0', '01.0.0', '1.0.0-', '1.0.0-01', '1.0.0.0', ' 1.0.0', '1.0.0/..', '../1.0.0'])('rejects %j', (v) => {
    expect(parseSemver(v)).toBeNull();
    expect(() => requireSemver(v)).toThrow(/VERSION must be a semantic version like 0\.1\.0/);
  });
  it('orders by precedence (semver §11)', () => {
    const order = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.2.0', '2.0.0'];
    const shuffled = [...order].reverse().map((v) => parseSemver(v)!);
    expect(shuffled.sort(compareSemver).map((v) => v.raw)).toEqual(order);
  });
  it.each([
    [['0.1.0', '0.2.0', '0.10.0', '.staging-x', 'jingwen-0.1.0.tar.gz'], '0.3.0', '0.2.0'],
    [['0.1.0', '0.2.0', '0.10.0'], '0.11.0', '0.10.0'],
    [['0.1.0', '1.0.0-rc.1'], '1.0.0', '1.0.0-rc.1'],
    [['0.2.0'], '0.1.0', null],
    [[], '0.1.0', null],
  ])('previous of %j below %s is %s', (names, v, prev) => {
    expect(previousVersion(names, parseSemver(v)!)?.raw ?? null).toBe(prev);
  });
});

describe('histogram', () => {
  it.each([[17768, 20, 1000], [999, 20, 50], [5, 5, 1], [0, 20, 1], [120, 5, 50]])('niceStep(%i, %i) = %i', (span, n, step) => {
    expect(niceStep(span, n)).toBe(step);
  });
  it('bins from 0 with a nice width, every value counted once', () => {
    const bins = binValues([0, 999, 1000, 1500, 17768]);
    expect(bins[0]).toEqual({ from: 0, to: 1000, count: 2 });
    expect(bins[1]).toEqual({ from: 1000, to: 2000, count: 2 });
    expect(bins.length).toBe(18);
    expect(bins.reduce((a, b) => a + b.count, 0)).toBe(5);
  });
  it('is deterministic, escapes text and has no ids or times', () => {
    const o = { title: 'Length <&> "x"', xLabel: 'characters', yLabel: 'documents' };
    const a = histogramSvg([3, 1, 2, 1000], o);
    expect(histogramSvg([1000, 2, 1, 3], o)).toBe(a);
    expect(a).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(a).toContain('Length &lt;&amp;&gt; &quot;x&quot;');
    expect(a).not.toMatch(/\bid=|Date|\d{4}-\d\d-\d\d/);
    expect(histogramSvg([], o)).toContain('</svg>');
  });
});

const doc = (id: string, file: string, seg: number, text: string, sha = 'a'.repeat(64)): DocSummary => ({
  id, title: `t${seg}`, source_file: file, source_member: null, source_sha256: sha, segment: seg, text_sha256: text,
});

describe('changelog', () => {
  const a = [doc('jw_1', 'x.txt', 1, 'h1'), doc('jw_2', 'x.txt', 2, 'h2'), doc('jw_3', 'y.txt', 1, 'h3'), doc('jw_4', 'z.txt', 1, 'h4')];
  const b = [
    doc('jw_1', 'x.txt', 1, 'h1'), doc('jw_2', 'x.txt', 2, 'h2-new'), // same id, text changed
    doc('jw_5', 'y.txt', 1, 'h3', 'b'.repeat(64)), // y.txt revised: new id, same text
    doc('jw_6', 'w.txt', 1, 'h6'), // new source
  ];
  const d = diffReleases('0.1.0', a, '0.2.0', b);
  it('lists added, removed and changed by id, sorted', () => {
    expect(d.added.map((x) => x.id)).toEqual(['jw_5', 'jw_6']);
    expect(d.removed.map((x) => x.id)).toEqual(['jw_3', 'jw_4']);
    expect(d.changed.map((x) => x.after.id)).toEqual(['jw_2']);
    expect(d.unchanged).toBe(1);
    expect(d.replaced.map((r) => [r.before.id, r.after.id])).toEqual([['jw_3', 'jw_5']]);
    expect(d.sources).toEqual({ added: ['w.txt'], removed: ['z.txt'], changed: [{ path: 'y.txt', before: 'a'.repeat(64), after: 'b'.repeat(64) }] });
  });
  it('renders counts and ids', () => {
    const md = renderDiff(d);
    expect(md).toMatch(/^## 0\.2\.0 — compared with 0\.1\.0/);
    for (const row of ['| added | 2 |', '| removed | 2 |', '| text changed | 1 |', '| unchanged | 1 |', '### Added (2)', '### Removed (2)', '### Text changed (1)', '`jw_3` → `jw_5` y.txt #1: same text']) expect(md).toContain(row);
  });
  it('keeps the history of earlier releases below the new section', () => {
    const first = renderChangelog('0.1.0', a, null);
    expect(first).toContain('## 0.1.0\n\nFirst release: 4 documents from 3 raw source files.');
    const second = renderChangelog('0.2.0', b, { version: '0.1.0', docs: a, changelog: first });
    expect(second.indexOf('## 0.2.0')).toBeLessThan(second.indexOf('## 0.1.0\n'));
    expect(second.match(/^# Changelog/gm)).toHaveLength(1);
  });
});

describe('card helpers', () => {
  it.each([[0, 'n<1K'], [999, 'n<1K'], [1000, '1K<n<10K'], [25000, '10K<n<100K'], [2_000_000, '1M<n<10M']])('size_categories(%i) = %s', (n, c) => {
    expect(sizeCategory(n)).toBe(c);
  });
  it.each([[0, '0'], [999, '999'], [52487, '52,487'], [1234567, '1,234,567']])('fmt(%i) = %s', (n, s) => expect(fmt(n)).toBe(s));
  it('has a column entry with a description for every published column', () => {
    const cols = documentColumns();
    expect(cols.map((c) => c.name)).toEqual(COLUMNS);
    const fields = (tableSchema(cols)['fields'] as { name: string; type: string }[]);
    expect(fields.find((f) => f.name === 'n_chars')?.type).toBe('integer');
    expect(fields.find((f) => f.name === 'title')?.type).toBe('string');
  });
});

describe('provenance', () => {
  it.each([['1700000000', 1700000000], ['0', 0]])('SOURCE_DATE_EPOCH=%s wins', (s, n) => {
    expect(sourceDateEpoch('/nonexistent', { SOURCE_DATE_EPOCH: s })).toBe(n);
  });
  it('falls back to 0 outside a git checkout, and rejects junk', () => {
    expect(sourceDateEpoch('/', {})).toBe(0);
    expect(() => sourceDateEpoch('/', { SOURCE_DATE_EPOCH: 'yesterday' })).toThrow(/SOURCE_DATE_EPOCH/);
    expect(isoDate(1700000000)).toBe('2023-11-14');
  });
});

describe('tarball', () => {
  it('is byte-identical from different folders, times and umasks; entries sorted, owner 0, mtime = epoch', async () => {
    const build = async (order: string[], mtime: number) => {
      const parent = await tempDir('jw-tar-');
      const dir = path.join(parent, 'jingwen-9.9.9');
      await mkdir(dir);
      for (const n of order) {
        await writeFile(path.join(dir, n), `content of ${n}\n`, { mode: mtime % 2 ? 0o600 : 0o664 });
        await utimes(path.join(dir, n), mtime, mtime);
      }
      const file = path.join(parent, 'out.tar.gz');
      await writeTarball(parent, 'jingwen-9.9.9', file, 1700000000);
      return { file, bytes: await readFile(file) };
    };
    const a = await build(['b.txt', 'a.txt', 'c.json'], 1);
    const b = await build(['c.json', 'a.txt', 'b.txt'], 1234567890);
    expect(Buffer.compare(a.bytes, b.bytes)).toBe(0);
    expect(a.bytes.subarray(4, 8).readUInt32LE(0)).toBe(0); // gzip header mtime
    const list = execFileSync('tar', ['--numeric-owner', '--full-time', '-tvzf', a.file], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } }).trim().split('\n');
    expect(list.map((l) => l.split(/\s+/).at(-1))).toEqual(['jingwen-9.9.9/', 'jingwen-9.9.9/a.txt', 'jingwen-9.9.9/b.txt', 'jingwen-9.9.9/c.json']);
    for (const l of list) expect(l).toMatch(/^[-d]rw[-x]r-[-x]r-[-x] 0\/0 +\d+ 2023-11-14 22:13:20 /);
  });
});
