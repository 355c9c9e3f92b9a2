import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { assertValid, check, FORMATS, SCHEMA_DIR } from '../../pipeline/lib/schema.js';
import { PipelineError } from '../../pipeline/lib/errors.js';

const row = {
  id: 'jw_0123456789abcdef0123', title: null, subtitle: null, text: '正文。', genre: null, source_file: 'a.txt', source_member: null, source_row: null, source_url: null,
  source_sha256: 'a'.repeat(64), source_encoding: 'utf-8', source_format: 'text', segment: 1, line_start: 1, line_end: 1,
  script_original: 'Hans', source_site: null, author_affiliation: null, published: null, n_chars: 3, n_paragraphs: 1,
  n_sentences: 1, n_words: 1, n_masks: 0, duplicates: 0,
};

describe('schema checks', () => {
  it('accepts a valid published row', () => {
    expect(check('document', row)).toBeNull();
    expect(() => assertValid('validate', row)).not.toThrow();
  });

  it.each([
    ['nested value', { ...row, title: { zh: 'x' } }, '/title'],
    ['empty text', { ...row, text: '' }, '/text'],
    ['bad id', { ...row, id: 'doc 1' }, '/id'],
    ['negative count', { ...row, n_words: -1 }, '/n_words'],
    ['unknown column', { ...row, extra: 1 }, 'additionalProperty":"extra'],
  ])('stops on %s with the record id and the failing path', (_n, bad, where) => {
    try {
      assertValid('document', bad);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PipelineError);
      expect((e as PipelineError).code).toBe('schema_violation');
      expect((e as Error).message).toContain(String((bad as { id: string }).id));
      expect((e as Error).message).toContain(where);
    }
  });

  it('refines the document shape per stage: normalize output must carry its script', () => {
    const doc = {
      id: 'jw_0123456789abcdef0123', source_file: 'a.txt', source_member: null, source_row: null, source_url: null, source_sha256: 'a'.repeat(64), source_encoding: 'utf-8',
      source_format: 'text', segment: 1, line_start: 1, line_end: 2, title: null, subtitle: null, paragraphs: ['正文。'], para_lines: [1],
      genre: null, script_original: null, source_site: null, author_affiliation: null, published: null, n_masks: 0, duplicates: 0,
    };
    expect(check('segment', doc)).toBeNull();
    expect(check('normalize', doc)).toMatch(/script_original/);
    expect(check('normalize', { ...doc, script_original: 'Hant' })).toBeNull();
  });
});

describe('no regular expression over unbounded text', () => {
  const patterns = new Set<string>();
  const collect = (o: unknown): void => {
    if (!o || typeof o !== 'object') return;
    for (const [k, v] of Object.entries(o)) if (k === 'pattern' && typeof v === 'string') patterns.add(v); else collect(v);
  };
  for (const f of readdirSync(SCHEMA_DIR)) collect(JSON.parse(readFileSync(path.join(SCHEMA_DIR, f), 'utf8')));

  // ajv compiles `pattern` with the u flag; a negated class over non-ASCII text (`^[^\n]+$`) overflowed the stack.
  it.each(['a', '中', '😀', '/'])('every pattern left in schemas/ survives a 12 M-character string of %s', (c) => {
    const s = c.repeat(12e6 / c.length);
    for (const p of patterns) expect(() => new RegExp(p, 'u').test(s), p).not.toThrow();
  });

  it('checks a 12 M-character paragraph without overflowing, and still refuses an empty or two-line one', () => {
    const doc = {
      id: 'jw_0123456789abcdef0123', source_file: 'a.txt', source_member: null, source_row: null, source_url: null, source_sha256: 'a'.repeat(64), source_encoding: 'utf-8',
      source_format: 'text', segment: 1, line_start: 1, line_end: 1, title: null, subtitle: null, paragraphs: ['中'.repeat(12e6)], para_lines: [1],
      genre: null, script_original: null, source_site: null, author_affiliation: null, published: null, n_masks: 0, duplicates: 0,
    };
    expect(check('segment', doc)).toBeNull();
    expect(check('segment', { ...doc, paragraphs: [''] })).toMatch(/paragraphs\/0/);
    expect(check('segment', { ...doc, paragraphs: ['一\n二'] })).toMatch(/paragraphs\/0/);
  });

  it.each([['/abs'], ['a\\b'], ['../up'], ['a/../b'], ['']])('a release path %j is refused', (p) => {
    expect(FORMATS['release-path']!(p)).toBe(false);
  });
  it('a release path data/documents.csv is accepted', () => expect(FORMATS['release-path']!('data/documents.csv')).toBe(true));
});
