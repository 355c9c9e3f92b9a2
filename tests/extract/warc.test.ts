/**
 * Web archives (pipeline/extract/warc.ts) on WARCs written by GNU Wget (`wget --warc-file`, tests/fixtures/warc/
 * README.md): one unit per HTML response record with its target URI, record id and date; every other record
 * counted; a truncated archive keeps what came before the damage; a file that is not a WARC is rejected.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { extractPath, streamedFormat } from '../../pipeline/stages/extract.js';
import { sha256Hex } from '../../pipeline/lib/ids.js';
import { check } from '../../pipeline/lib/schema.js';
import { ROOT } from '../helpers.js';

const DIR = path.join(ROOT, 'tests/fixtures/warc');
const run = (name: string) => {
  const abs = path.join(DIR, name);
  return extractPath({ path: name, abs, bytes: statSync(abs).size, sha256: sha256Hex(readFileSync(abs)) });
};
const PAGES = ['index.html', 'a0.html', 'a1.html', 'a2.html', 'a3.html'].map((p) => `http://127.0.0.1:8765/${p}`);
const OTHERS = '7 request, 2 resource, 1 HTML response with HTTP status 404, 1 metadata, 1 response image/png, 1 warcinfo';

describe('WARC files', () => {
  it.each(['site.warc.gz', 'site.warc'])('%s: each HTML response a unit with its URI, record id and date; other records counted', async (name) => {
    expect(streamedFormat(name)).toBe('warc');
    const r = await run(name);
    expect(r.info).toMatchObject({ status: 'ok', format: 'warc', detail: `5 HTML pages from 18 records; not used: ${OTHERS}` });
    expect(r.units.map((u) => u.source_url)).toEqual(PAGES);
    expect(r.units.every((u) => /^urn:uuid:[0-9a-f-]{36}$/.test(u.source_member!) && u.source_format === 'html' && u.source_row === null)).toBe(true);
    // The page's own date where it has one (a0: 2024-01-10), else the day it was fetched (the index page).
    expect(r.units.map((u) => u.published)).toEqual(['2026-12-07', '2024-01-10', '2024-02-11', '2024-03-12', '2024-04-13']);
    // a1.html was served in GBK: decoded by its declared charset.
    expect(r.units[2]!.text).toContain('日前召开的中央政治局会议强调');
    expect(r.units[1]!.title).toBe('“时时放心不下”专题研讨发言');
    expect(new Set(r.units.map((u) => u.unit_id)).size).toBe(5);
    for (const u of r.units) expect(check('extract', u)).toBeNull();
  });

  it('an archive read in many parts: records and header lines across the 64 KB reads come out whole', async () => {
    // site.warc (26.6 KB) twelve times over: 318 KB, so records and their header lines straddle read boundaries.
    const dir = mkdtempSync(path.join(tmpdir(), 'jw-warc-'));
    try {
      const abs = path.join(dir, 'twelve.warc');
      const one = readFileSync(path.join(DIR, 'site.warc'));
      writeFileSync(abs, Buffer.concat(Array.from({ length: 12 }, () => one)));
      const r = await extractPath({ path: 'twelve.warc', abs, bytes: statSync(abs).size, sha256: sha256Hex(readFileSync(abs)) });
      expect(r.info.detail).toBe(`60 HTML pages from 216 records; not used: ${OTHERS.replace(/(\d+) /g, (_m, n: string) => `${Number(n) * 12} `)}`);
      expect(r.units.map((u) => u.source_url)).toEqual(Array.from({ length: 12 }, () => PAGES).flat());
      expect(r.units[2 + 5 * 11]!.text).toContain('日前召开的中央政治局会议强调');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a truncated .warc.gz: the pages before the damage, and the detail says where it stopped', async () => {
    const r = await run('truncated.warc.gz');
    expect(r.info.status).toBe('ok');
    expect(r.units.map((u) => u.source_url)).toEqual(PAGES.slice(0, 3));
    expect(r.info.detail).toBe('3 HTML pages from 10 records; not used: 5 request, 1 HTML response with HTTP status 404, 1 warcinfo; stopped at a damaged record (Error: unexpected end of file)');
  });

  it('a text file named .warc → corrupt_warc', async () => {
    const r = await run('not-a-warc.warc');
    expect(r.info).toMatchObject({ status: 'rejected', reason: 'corrupt_warc', detail: 'cannot read the WARC file: Error: not a WARC file: no WARC/1.x version line at the start' });
  });
});
