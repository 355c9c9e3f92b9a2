import { describe, it, expect } from 'vitest';
import { assertValid, check } from '../../pipeline/lib/schema.js';
import { PipelineError } from '../../pipeline/lib/errors.js';

const row = {
  id: 'jw_0123456789abcdef0123', title: null, subtitle: null, text: '正文。', genre: null, source_file: 'a.txt', source_member: null,
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
      id: 'jw_0123456789abcdef0123', source_file: 'a.txt', source_member: null, source_sha256: 'a'.repeat(64), source_encoding: 'utf-8',
      source_format: 'text', segment: 1, line_start: 1, line_end: 2, title: null, subtitle: null, paragraphs: ['正文。'], para_lines: [1],
      genre: null, script_original: null, source_site: null, author_affiliation: null, published: null, n_masks: 0, duplicates: 0,
    };
    expect(check('segment', doc)).toBeNull();
    expect(check('normalize', doc)).toMatch(/script_original/);
    expect(check('normalize', { ...doc, script_original: 'Hant' })).toBeNull();
  });
});
