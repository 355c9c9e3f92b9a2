import { describe, it, expect } from 'vitest';
import { extractFile, sniffFormat, normalizeNewlines, EXTRACT_DEFAULTS, EXTRACTORS, type Extractor } from '../../pipeline/stages/extract.js';
import { check } from '../../pipeline/lib/schema.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('extract', () => {
  it.each([
    ['a.txt', enc('正文'), 'text'],
    ['a.html', enc('<p>x</p>'), 'html'],
    ['page', enc('<!DOCTYPE html><html><body>x</body></html>'), 'html'],
    ['a.docx', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0]), 'docx'],
    ['a.zip', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0]), 'zip'],
    ['a.doc', new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0]), 'doc'],
    ['a.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]), 'binary'],
  ])('sniffs %s as %s', (p, bytes, format) => {
    expect(sniffFormat(p, bytes).format).toBe(format);
  });

  it('normalises CRLF and CR to LF', () => {
    expect(normalizeNewlines('a\r\nb\rc\n')).toBe('a\nb\nc\n');
  });

  it('extracts a text file into one schema-valid unit with its encoding and method', async () => {
    const r = await extractFile({ path: 'dir/a.txt', bytes: enc('标题\r\n正文第一段。\r\n') });
    expect(r.info).toMatchObject({ path: 'dir/a.txt', status: 'ok', format: 'text', encoding: 'utf-8', encoding_method: 'utf8_valid', reason: null });
    expect(r.units).toHaveLength(1);
    expect(r.units[0]!.text).toBe('标题\n正文第一段。\n');
    expect(check('extract', r.units[0])).toBeNull();
  });

  it.each([
    ['empty', new Uint8Array(0), 'empty'],
    ['whitespace only', enc(' \n\t\n'), 'empty'],
    ['png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]), 'binary'],
    ['a PDF that is only its signature', enc('%PDF-1.4 ...'), 'corrupt_pdf'],
  ])('rejects %s with reason %s and goes on', async (_n, bytes, reason) => {
    const r = await extractFile({ path: 'x', bytes });
    expect(r.info.status).toBe('rejected');
    expect(r.info.reason).toBe(reason);
    expect(r.units).toEqual([]);
  });

  it('rejects files over the size limit before decoding', async () => {
    const r = await extractFile({ path: 'big.txt', bytes: enc('大'.repeat(100)) }, { decode: { detectorMinConfidence: 0.2, utf8LossyMaxShare: 0.01, binaryControlShare: 0.01 }, maxFileBytes: 10, records: EXTRACT_DEFAULTS.records });
    expect(r.info.reason).toBe('too_large');
  });

  it.each([
    ['an Error (jszip-style)', false, new Error('End of data reached (data length = 10, asked index = 30). Corrupted zip ?'), 'Error: End of data reached (data length = 10, asked index = 30). Corrupted zip ?'],
    ['a multi-line message (first line only)', false, new RangeError('Invalid array length\n    at parse (x.js:1:1)'), 'RangeError: Invalid array length'],
    ['a thrown string', false, '未知错误', '未知错误'],
    ['a rejected promise (mammoth-style)', true, new Error('Could not find file in options'), 'Error: Could not find file in options'],
  ])('an extractor throwing %s rejects the file as extract_error', async (_n, async, thrown, detail) => {
    const failing: Extractor = () => {
      if (async) return Promise.reject(thrown);
      throw thrown;
    };
    const registry = new Map([...EXTRACTORS, ['text', failing]]);
    const r = await extractFile({ path: 'a.txt', bytes: enc('正文第一段。') }, EXTRACT_DEFAULTS, registry);
    expect(r.info).toMatchObject({ path: 'a.txt', format: 'text', status: 'rejected', reason: 'extract_error', detail });
    expect(r.units).toEqual([]);
  });
});
