/**
 * jschardet prints a warning with console.warn when nothing it may choose matches; printed from a worker thread it
 * broke the progress line (#25). decodeText routes it away (pipeline/extract/decode.ts: withoutWarnings). A file of
 * its own: jschardet prints each message once per thread, so no earlier test may have made it print.
 */
import { describe, it, expect, vi } from 'vitest';
import { decodeText } from '../../pipeline/extract/decode.js';

describe('jschardet warnings', () => {
  it('never reach the console or stderr', () => {
    const warn = vi.spyOn(console, 'warn');
    const write = vi.spyOn(process.stderr, 'write');
    try {
      // A4 40 decodes strictly as GB18030 and as Big5, so jschardet is asked; it finds no match and warns
      // "no_match_encoding 'cp1252' is excluded by include_encodings/exclude_encodings".
      const r = decodeText(new Uint8Array([0xa4, 0x40]));
      expect(r).toMatchObject({ ok: true, text: '一' });
      expect(warn).not.toHaveBeenCalled();
      expect(write).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
      write.mockRestore();
    }
  });
});
