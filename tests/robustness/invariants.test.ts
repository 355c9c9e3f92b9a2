/**
 * Cross-stage invariants under random input (fast-check, fixed seed so every run tries the same cases):
 * extract → segment → normalize → clean on random text never throws; what normalize and clean output is
 * well-formed Unicode (valid UTF-8 once written) in NFC; normalize and clean are idempotent; characters are
 * accounted for (in = out + removed); no personal-data pattern survives cleaning. decodeText never throws on
 * random bytes. Each stage's own property tests live beside its unit tests; these chain them.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { decodeText } from '../../pipeline/extract/decode.js';
import { extractFile } from '../../pipeline/stages/extract.js';
import { segment } from '../../pipeline/stages/segment.js';
import { normalize } from '../../pipeline/stages/normalize.js';
import { clean } from '../../pipeline/stages/clean.js';
import { findPII } from '../../pipeline/lib/pii.js';
import { countChars } from '../../pipeline/lib/stage.js';
import type { Doc, ExtractRecord, Removal } from '../../pipeline/lib/types.js';

const RUNS = { numRuns: 300, seed: 20240610, endOnFailure: true };

/** Pieces documents are made of, with hostile ones mixed in (written for these tests). */
const PIECES = [
  '同志们：', '今天我们召开这次会议。', '一、提高认识', '（二）狠抓落实', '1. 加强领导', '篇一：', '【篇二】', '——在全市工作会议上的讲话',
  '經濟發展', '臺灣', '乾坤', '“引号”', '"ASCII quotes"', '...', '!!', ',', '。。', '　　', ' ', '\n', '\n\n', '\t',
  'zhang.san@example.com', '13800138000', '138-0013-8000', '010-12345678', 'QQ：123456789', '微信：wx_abc123', '110101199003078515',
  '192.168.1.1', 'https://www.example.com/a?b=c', '<div>', '</p>', '&nbsp;', '\u200b', '\u202e', '\ufeff', '\u0000', '\u0007', '\ufffd',
  'e\u0301', '\u1100\u1161', 'Ａ１', '①', '㈠', '𠀀𪚥', '🇨🇳', '👨‍👩‍👧', '\u3000', '\u00a0', '=1+1', '-', '@',
];

/** Enough ordinary Han text for clean to keep a document (its minHanChars is 50). */
const BODY = '过去半年，全区上下认真贯彻落实各项决策部署，经济社会发展保持了稳中有进的良好态势，各项工作取得新成效。';

const textArb = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.constant(BODY)), { minLength: 5, maxLength: 40 }).map((a) => BODY + a.join('') + BODY) },
  { weight: 3, arbitrary: fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }).map((a) => a.join('')) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ unit: 'grapheme-composite', maxLength: 5 })), { maxLength: 80 }).map((a) => a.join('')) },
);

function unit(text: string): ExtractRecord {
  return {
    unit_id: 'u_00000000000000000000', source_file: 'x.txt', source_member: null, source_row: null, source_url: null, source_sha256: '0'.repeat(64), source_encoding: 'utf-8',
    source_format: 'text', text, title: null, source_site: null, published: null,
  };
}

const strings = (d: Doc) => [d.title ?? '', d.subtitle ?? '', ...d.paragraphs];
const docChars = (d: Doc) => strings(d).reduce((n, s) => n + countChars(s), 0);
const removedChars = (r: Removal[]) => r.reduce((n, x) => n + x.chars, 0);
/** The fields a stage may change; counters and removals aside. */
const content = (d: Doc) => ({ ...d });

/** No lone surrogate: the string encodes to valid UTF-8 (String.prototype.isWellFormed, before ES2024 typings). */
function wellFormed(s: string): boolean {
  return !/\p{Cs}/u.test(s);
}

function wellFormedNfc(s: string): boolean {
  return wellFormed(s) && s === s.normalize('NFC');
}

let reached = 0;
let hadPII = 0;

/** extract (through the real byte path) → segment → normalize → clean, checking as it goes. */
async function chain(text: string): Promise<void> {
  const ex = await extractFile({ path: 'x.txt', bytes: new TextEncoder().encode(text) });
  for (const u of ex.units) {
    expect(wellFormed(u.text)).toBe(true);
    const seg = segment.process(u, segment.defaults);
    for (const d of seg.out) {
      const n = normalize.process(d, normalize.defaults);
      for (const nd of n.out) {
        for (const s of strings(nd)) expect(wellFormedNfc(s), JSON.stringify(s)).toBe(true);
        // Accounting: what went in = what came out + what was removed (a dropped document goes whole).
        if (!n.dropped) expect(docChars(d)).toBe(docChars(nd) + removedChars(n.removed));
        // Idempotent: a second pass changes nothing and removes nothing.
        const again = normalize.process(nd, normalize.defaults);
        expect(again.out.map(content)).toEqual([content(nd)]);
        expect(removedChars(again.removed)).toBe(0);

        const c = clean.process(nd, clean.defaults);
        if (strings(nd).some((x) => findPII(x).length > 0)) hadPII++;
        for (const cd of c.out) {
          reached++;
          for (const s of strings(cd)) {
            expect(wellFormedNfc(s), JSON.stringify(s)).toBe(true);
            expect(findPII(s), JSON.stringify(s)).toEqual([]);
          }
          if (!c.dropped) expect(docChars(nd)).toBe(docChars(cd) + removedChars(c.removed));
          const again2 = clean.process(cd, clean.defaults);
          expect(again2.dropped ?? null).toBeNull();
          expect(again2.out.map(content)).toEqual([content(cd)]);
          expect(removedChars(again2.removed)).toBe(0);
        }
      }
    }
  }
}

describe('invariants under random input', () => {
  it('decodeText never throws on random bytes and returns well-formed text or a reason', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
        const d = decodeText(bytes);
        if (d.ok) expect(wellFormed(d.text)).toBe(true);
        else expect(['binary', 'undecodable']).toContain(d.reason);
      }),
      RUNS,
    );
  });

  it('segment, normalize and clean never throw on any string (direct, lone surrogates included)', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        for (const d of segment.process(unit(text.replace(/\r\n?/g, '\n')), segment.defaults).out) {
          for (const nd of normalize.process(d, normalize.defaults).out) clean.process(nd, clean.defaults);
        }
      }),
      RUNS,
    );
  });

  it('extract → segment → normalize → clean: valid NFC, idempotent, accounted, no personal data left', async () => {
    await fc.assert(fc.asyncProperty(textArb, chain), RUNS);
    // Most cases must get through clean, or the checks on its output prove little.
    expect(reached).toBeGreaterThan(RUNS.numRuns / 3);
    expect(hadPII).toBeGreaterThan(RUNS.numRuns / 10);
  });
});
