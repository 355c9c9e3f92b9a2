import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkManifest, MIN_PAGES, MIN_SITES, sitesOf, type EvalManifest, type EvalPage } from '../../pipeline/eval/manifest.js';

const DIR = 'tests/fixtures/eval-real';
const manifest = JSON.parse(readFileSync(path.join(DIR, 'manifest.json'), 'utf8')) as EvalManifest;
const exists = (f: string) => existsSync(path.join(DIR, f));
const read = (f: string) => readFileSync(path.join(DIR, f), 'utf8');

describe('the evaluation set of real pages (tests/fixtures/eval-real/manifest.json)', () => {
  it('passes every check: files present, gold non-empty, provenance and labels well formed', () => {
    expect(checkManifest(manifest, exists, read)).toEqual([]);
  });

  it(`has at least ${MIN_PAGES} pages from at least ${MIN_SITES} sites, of every kind issue 21 names`, () => {
    expect(manifest.pages.length).toBeGreaterThanOrEqual(MIN_PAGES);
    expect(sitesOf(manifest).size).toBeGreaterThanOrEqual(MIN_SITES);
    const kinds = new Set(manifest.pages.map((p) => p.kind));
    for (const k of ['news', 'gov', 'wechat', 'document', 'forum'] as const) expect(kinds, k).toContain(k);
  });

  it('lists every page file under pages/ exactly once, and each page file is a saved HTML page (a page of an old site may open with its layout <table>: myrice.com)', () => {
    const files = manifest.pages.map((p) => p.file);
    expect(new Set(files).size).toBe(files.length);
    for (const p of manifest.pages) expect(read(p.file).slice(0, 4000), p.id).toMatch(/<(html|head|meta|!doctype|title|body|div|table)/i);
  });

  it('gold texts hold the article, not its title line alone (each gold file has ≥ 30 characters)', () => {
    for (const p of manifest.pages) if (p.gold) expect(read(p.gold).replace(/\s+/gu, '').length, p.id).toBeGreaterThanOrEqual(30);
  });

  it('the hand labels are keyed by lineKey and say boilerplate or content', async () => {
    const { lineKey } = await import('../../pipeline/eval/lines.js');
    const labels = (JSON.parse(read('labels.json')) as { labels: { key: string; text: string; type: string; label: string }[] }).labels;
    for (const l of labels) {
      expect(['boilerplate', 'content'], l.text).toContain(l.label);
      expect(['removal', 'edge'], l.text).toContain(l.type);
      expect(l.key, l.text).toBe(lineKey(l.text));
    }
    const keys = labels.map((l) => `${l.type}:${l.key}`);
    expect(new Set(keys).size, 'one label per type and key').toBe(keys.length);
    expect(labels.filter((l) => l.type === 'removal').length, 'labelled removals').toBeGreaterThanOrEqual(100);
    expect(labels.filter((l) => l.type === 'edge').length, 'labelled edge lines').toBeGreaterThanOrEqual(100);
  });
});

describe('checkManifest finds what is wrong', () => {
  const page = (over: Partial<EvalPage>): EvalPage => ({
    id: 'a', file: 'pages/a.html', site: 'a.cn', kind: 'news', url: 'http://a.cn/1', licence: 'MIT',
    source: { repo: 'o/r', path: 'p.html', commit: 'a'.repeat(40) }, title: '标题', date: '2024-05-01',
    single_article: true, gold: 'gold/a.txt', gold_origin: 'hand', ...over,
  });
  const many = (n: number, sites: number): EvalManifest => ({
    about: '', pages: Array.from({ length: n }, (_, i) => page({ id: `p${i}`, file: `pages/p${i}.html`, gold: `gold/p${i}.txt`, site: `s${i % sites}.cn` })),
  });
  const yes = () => true;
  const text = () => '正文内容足够长';

  it('accepts a sound manifest', () => {
    expect(checkManifest(many(60, 20), yes, text)).toEqual([]);
  });
  it('too few pages or sites', () => {
    expect(checkManifest(many(59, 20), yes, text)).toEqual(['59 pages, fewer than 60']);
    expect(checkManifest(many(60, 19), yes, text)).toEqual(['19 sites, fewer than 20']);
  });
  it('a missing page file, a missing or empty gold file', () => {
    const m = many(60, 20);
    const p = checkManifest(m, (f) => f !== 'pages/p3.html' && f !== 'gold/p4.txt', (f) => (f === 'gold/p5.txt' ? ' \n ' : '正文'));
    expect(p).toEqual([
      'page p3: page file pages/p3.html does not exist',
      'page p4: gold file gold/p4.txt does not exist',
      'page p5: gold file gold/p5.txt is empty',
    ]);
  });
  it('bad dates, kinds, provenance, duplicate ids, a single-article page without a title', () => {
    const m = many(60, 20);
    m.pages[1] = page({ id: 'p1', date: '2024年5月1日' });
    m.pages[2] = page({ id: 'p2', kind: 'blogpost' as never });
    m.pages[3] = page({ id: 'p3', source: { repo: 'o/r', path: 'x', commit: 'abc' } });
    m.pages[4] = page({ id: 'p0' });
    m.pages[6] = page({ id: 'p6', title: null });
    const p = checkManifest(m, yes, text);
    expect(p).toContain('page p1: date 2024年5月1日 is not YYYY-MM-DD or null');
    expect(p.some((x) => x.startsWith('page p2: kind blogpost'))).toBe(true);
    expect(p).toContain('page p3: source needs repo, path and a 40-hex commit');
    expect(p).toContain('page p0: missing or duplicate id');
    expect(p).toContain('page p6: a single-article page needs a gold title');
  });
});
