import { describe, expect, it } from 'vitest';
import { CLOSED_LINE } from '../../pipeline/rules/segment-lines.js';

// segment.ts runs CLOSED_LINE only on lines that end on one of these units (issue 9); no other last unit matches.
const CLOSED_LAST = new Set([...'。！？!?；;….”’"\'」』）)]】》'].map((c) => c.charCodeAt(0)));

describe('CLOSED_LINE matches only lines ending on a closing mark', () => {
  it('every BMP unit as the last one, after plain text, a full stop or dots', () => {
    for (let c = 0; c < 0x10000; c++) {
      if (CLOSED_LAST.has(c)) continue;
      const ch = String.fromCharCode(c);
      for (const before of ['', '中', '好。', '完...', '问？”']) expect(CLOSED_LINE.test(before + ch), c.toString(16)).toBe(false);
    }
  });
});
