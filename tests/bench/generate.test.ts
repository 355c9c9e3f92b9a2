import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { Rng, generateCorpus, cachedManifest, loadSeeds, mulberry32, nearCopy, newArticle, parseSize, pinyinDamage, type Manifest } from '../../pipeline/bench/generate.js';
import { decodeText, DECODE_DEFAULTS } from '../../pipeline/extract/decode.js';

const RAW = path.resolve('raw');
const SIZE = 2 ** 20; // 1 MB

/** sha256 of every file of a corpus, by relative path. */
function digest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const n of readdirSync(d, { withFileTypes: true })) {
      if (n.isDirectory()) walk(path.join(d, n.name), `${rel}${n.name}/`);
      else out[rel + n.name] = createHash('sha256').update(readFileSync(path.join(d, n.name))).digest('hex');
    }
  };
  walk(dir, '');
  return out;
}

describe('parseSize', () => {
  it.each([
    ['50MB', 50 * 2 ** 20],
    ['1mb', 2 ** 20],
    ['2GB', 2 * 2 ** 30],
    ['512KB', 512 * 1024],
    ['1.5MB', 1.5 * 2 ** 20],
    ['1000', 1000],
  ])('%s → %d bytes', (s, n) => expect(parseSize(s)).toBe(n));
  it.each(['', 'fifty', '5TB', '-1MB'])('rejects %j', (s) => expect(() => parseSize(s)).toThrow(/size must look like/));
});

describe('mulberry32', () => {
  it('is a pure function of its seed', () => {
    const a = mulberry32(7), b = mulberry32(7), c = mulberry32(8);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('pinyinDamage', () => {
  it('appends tone-marked pinyin after some Traditional characters only, like raw/004', () => {
    const s = '全心全意為人民服務是我們黨的宗旨，守好責任田，當下要嚴格落實。';
    const d = pinyinDamage(s);
    expect(d.replace(/\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)/g, '')).toBe(s);
    expect(d).toMatch(/\p{Script=Han}\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)/u);
    // Simplified characters and characters the scripts share are never damaged.
    expect(pinyinDamage('我们的人民')).toBe('我们的人民');
    expect(pinyinDamage(s)).toBe(d);
  });
});

describe('articles', () => {
  const bank = loadSeeds(RAW);
  it('cuts the seeds into sentences, clauses and titles, all Simplified and without pinyin damage', () => {
    expect(bank.sentences.length).toBeGreaterThan(500);
    expect(bank.clauses.length).toBeGreaterThan(bank.sentences.length);
    expect(bank.sentences.some((s) => /\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)/.test(s))).toBe(false);
    expect(bank.sentences.some((s) => /[@]|https?:/.test(s))).toBe(false);
    expect(bank.sentences.join('')).not.toMatch(/[們務責當]/);
  });
  it('builds new articles, not the seeds repeated', () => {
    const rng = new Rng(mulberry32(3));
    const a = newArticle(bank, rng), b = newArticle(bank, rng);
    expect(a.paragraphs.length).toBeGreaterThanOrEqual(5);
    expect(a.paragraphs.flat().join('')).not.toBe(b.paragraphs.flat().join(''));
    const near = nearCopy(a, bank, rng, 0.1);
    expect(near.sentences).toBe(a.paragraphs.flat().length);
    expect(near.article.paragraphs.flat().join('')).not.toBe(a.paragraphs.flat().join(''));
  });
});

describe('generateCorpus on 1 MB', () => {
  let dir: string;
  let m: Manifest;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'jw-bench-'));
    m = generateCorpus({ raw: RAW, out: path.join(dir, 'a'), bytes: SIZE, seed: 42 });
    return () => rmSync(dir, { recursive: true, force: true });
  });

  it('is deterministic: same seed, byte-identical corpus and manifest; another seed, another corpus', () => {
    const m2 = generateCorpus({ raw: RAW, out: path.join(dir, 'b'), bytes: SIZE, seed: 42 });
    expect(m2).toEqual(m);
    expect(digest(path.join(dir, 'b', 'corpus'))).toEqual(digest(path.join(dir, 'a', 'corpus')));
    expect(readFileSync(path.join(dir, 'b', 'corpus.files.tsv'), 'utf8')).toBe(readFileSync(path.join(dir, 'a', 'corpus.files.tsv'), 'utf8'));
    const m3 = generateCorpus({ raw: RAW, out: path.join(dir, 'c'), bytes: SIZE, seed: 43 });
    expect(m3.key).not.toBe(m.key);
    expect(digest(path.join(dir, 'c', 'corpus'))).not.toEqual(digest(path.join(dir, 'a', 'corpus')));
  });

  it('reuses a corpus made with the same options', () => {
    expect(cachedManifest({ raw: RAW, out: path.join(dir, 'a'), bytes: SIZE, seed: 42 })?.key).toBe(m.key);
    expect(cachedManifest({ raw: RAW, out: path.join(dir, 'a'), bytes: SIZE * 2, seed: 42 })).toBeNull();
  });

  it('reaches the size and lists every file in the manifest and files.tsv', () => {
    expect(m.bytes).toBeGreaterThanOrEqual(SIZE);
    expect(m.bytes).toBeLessThan(SIZE * 1.2);
    const rows = readFileSync(path.join(dir, 'a', 'corpus.files.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
    expect(rows.length).toBe(m.files);
    expect(rows.reduce((a, r) => a + Number(r[4]), 0)).toBe(m.bytes);
    expect(rows.reduce((a, r) => a + Number(r[5]), 0)).toBe(m.articles);
    expect(Object.values(m.files_by_kind).reduce((a, b) => a + b, 0)).toBe(m.files);
    expect(Object.values(m.files_by_encoding).reduce((a, b) => a + b, 0)).toBe(m.files);
  });

  it('plants every kind of file and duplicates near the configured rates', () => {
    expect(m.files_by_kind['compilation']).toBeGreaterThan(0);
    expect(m.files_by_kind['html']).toBeGreaterThan(0);
    expect(m.files_traditional).toBeGreaterThan(0);
    expect(m.files_pinyin_damage).toBeGreaterThan(0);
    for (const enc of ['utf-8', 'gb18030', 'utf-16le']) expect(m.files_by_encoding[enc]).toBeGreaterThan(0);
    expect(m.exact_duplicates / m.articles).toBeGreaterThan(0.05);
    expect(m.exact_duplicates / m.articles).toBeLessThan(0.15);
    expect(m.near_duplicates / m.articles).toBeGreaterThan(0.05);
    expect(m.near_duplicates / m.articles).toBeLessThan(0.15);
    expect(m.near_sentences_edited_share).toBeGreaterThanOrEqual(0.04);
    expect(m.near_sentences_edited_share).toBeLessThanOrEqual(0.11);
    expect(m.articles_original + m.exact_duplicates + m.near_duplicates).toBe(m.articles);
  });

  it('writes files the extract stage decodes with the encoding they were written in', () => {
    const rows = readFileSync(path.join(dir, 'a', 'corpus.files.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
    const want: Record<string, string> = { 'utf-8': 'utf-8', 'utf-8-bom': 'utf-8', gb18030: 'gb18030', big5: 'big5', 'utf-16le': 'utf-16le' };
    for (const [rel, enc, script, kind] of rows.filter((r) => r[3] !== 'html').slice(0, 200)) {
      const d = decodeText(readFileSync(path.join(dir, 'a', 'corpus', rel!)), DECODE_DEFAULTS);
      expect(d.ok, rel).toBe(true);
      if (!d.ok) continue;
      expect(d.encoding, `${rel} ${enc}`).toBe(want[enc!]);
      expect(d.replaced).toBe(0);
      if (script === 'Hant') expect(d.text).toMatch(/[們這國為說與對]/);
      if (kind === 'compilation') expect(d.text.split('\n').length).toBeGreaterThan(10);
    }
  });
});
