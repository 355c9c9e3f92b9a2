import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as OpenCC from 'opencc-js';
import iconv from 'iconv-lite';
import { decodeText, plausibility } from '../../pipeline/extract/decode.js';
import { decodeHz } from '../../pipeline/extract/hz.js';
import { ROOT } from '../helpers.js';

const FIX = path.join(ROOT, 'tests/fixtures/encodings');
const seed = readFileSync(path.join(ROOT, 'raw/003_db51f0831cc1980b.txt'), 'utf8');
const toHant = OpenCC.Converter({ from: 'cn', to: 'tw' });

describe('decodeText on CPython cjkencodings (real files, exact expected text)', () => {
  it.each([
    ['gb2312.txt', 'gb18030'],
    ['gbk.txt', 'gb18030'],
    ['gb18030.txt', 'gb18030'],
    ['big5.txt', 'big5'],
    ['hz.txt', 'hz-gb-2312'],
  ])('%s → %s, text equal to the UTF-8 reference', (file, enc) => {
    const r = decodeText(readFileSync(path.join(FIX, file)));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.encoding).toBe(enc);
    expect(r.text).toBe(readFileSync(path.join(FIX, file.replace('.txt', '-utf8.txt')), 'utf8'));
  });

  it('big5hkscs.txt (23 bytes) is a known limit: too short to tell Big5-HKSCS from GB18030', () => {
    const r = decodeText(readFileSync(path.join(FIX, 'big5hkscs.txt')));
    // Both decode strictly; with 8 characters neither the detector nor the plausibility score can decide.
    expect(r.ok).toBe(true);
  });
});

describe('decodeText on seed text re-encoded', () => {
  it.each([
    ['utf-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(seed)]), 'utf-8', 'bom', seed],
    ['utf-16le with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(seed, 'utf-16le')]), 'utf-16le', 'bom', seed],
    ['utf-16be with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(seed, 'utf-16be')]), 'utf-16be', 'bom', seed],
    ['utf-16le without BOM', iconv.encode('Hello 你好 world\n'.repeat(20), 'utf-16le'), 'utf-16le', 'nul_pattern', 'Hello 你好 world\n'.repeat(20)],
    ['gbk', iconv.encode(seed, 'gbk'), 'gb18030', undefined, seed],
    ['gb18030', iconv.encode(seed, 'gb18030'), 'gb18030', undefined, seed],
    ['big5 (Traditional)', iconv.encode(toHant(seed), 'big5'), 'big5', undefined, toHant(seed)],
    ['utf-8', Buffer.from(seed), 'utf-8', 'utf8_valid', seed],
    ['ascii', Buffer.from('plain ascii\n'), 'utf-8', 'utf8_valid', 'plain ascii\n'],
  ])('%s', (_name, bytes, enc, method, text) => {
    const r = decodeText(bytes);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.encoding).toBe(enc);
    if (method) expect(r.method).toBe(method);
    expect(r.text).toBe(text);
  });

  it('takes the only legacy candidate that decodes strictly without asking the detector (`only_strict`)', () => {
    // GBK text quoting a Traditional character: 個 is 82 80 in GBK, a pair Big5 has no character for, so only
    // GB18030 reads these bytes.
    const s = '我们要实干担当，促进发展（旧稿作“個人”）。'.repeat(5);
    const bytes = iconv.encode(s, 'gbk');
    expect(() => new TextDecoder('big5', { fatal: true }).decode(bytes)).toThrow();
    expect(decodeText(bytes)).toMatchObject({ ok: true, encoding: 'gb18030', method: 'only_strict', text: s });
    // Both readings strict (Big5 bytes are valid GB18030 too): the detector decides, as before.
    const t = toHant('实干担当促进发展，是主题教育的具体目标之一。');
    const b = decodeText(iconv.encode(t, 'big5'));
    expect(b.ok && b.encoding === 'big5' && /^(detector|plausibility)/.test(b.method)).toBe(true);
  });

  it('short GBK and Big5 snippets of a few words still decode right', () => {
    const s = '实干担当促进发展，是主题教育的具体目标之一。';
    const g = decodeText(iconv.encode(s, 'gbk'));
    expect(g.ok && g.encoding === 'gb18030' && g.text === s).toBe(true);
    const t = toHant(s);
    const b = decodeText(iconv.encode(t, 'big5'));
    expect(b.ok && b.encoding === 'big5' && b.text === t).toBe(true);
  });

  it('keeps UTF-8 with a few corrupt bytes as UTF-8, counting the replacements', () => {
    const bytes = Buffer.concat([Buffer.from(seed.slice(0, 500)), Buffer.from([0xff, 0xfe, 0x80]), Buffer.from(seed.slice(500))]);
    const r = decodeText(bytes);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.encoding).toBe('utf-8');
    expect(r.method).toBe('utf8_lossy');
    expect(r.replaced).toBeGreaterThan(0);
  });

  it('a real GB2312 forum page whose server cut titles mid-character (zol.com.cn, 2 broken pairs) is GB18030, not undecodable', async () => {
    const bytes = readFileSync(path.join(ROOT, 'tests/fixtures/real/zol-bbs-gb2312-cut-titles.html'));
    const r = decodeText(bytes);
    expect(r).toMatchObject({ ok: true, encoding: 'gb18030', method: 'gb18030_lossy', replaced: 2 });
    if (!r.ok) return;
    expect(r.text).toContain('【2005年中国革命历史巨作】【太行山上】');
    expect(r.text).toContain('[梦精记2][花季少女疯狂性幻想/激\ufffd...</font');
    // Through the HTML extractor: read, not rejected.
    const { extractFile } = await import('../../pipeline/stages/extract.js');
    const x = await extractFile({ path: 'zol.html', bytes });
    expect(x.info).toMatchObject({ status: 'ok', format: 'html', encoding: 'gb18030', encoding_method: 'gb18030_lossy' });
    expect(x.units[0]!.text).toContain('太行山上');
  });

  it('made-up GBK and Big5 text with a character cut before an ellipsis, in each encoding; UTF-8 with a few bad bytes stays UTF-8', () => {
    const titles = Array.from({ length: 40 }, (_, i) => `第${i + 1}期：关于进一步加强基层党组织建设的实施意见和工作方案`);
    for (const [enc, want] of [['gbk', 'gb18030'], ['big5', 'big5']] as const) {
      const parts = (enc === 'big5' ? titles.map((t) => toHant(t)) : titles).map((t, i) => (i % 20 === 3 ? Buffer.concat([iconv.encode(t.slice(0, 10), enc), iconv.encode(t[10]!, enc).subarray(0, 1), Buffer.from('...\n')]) : iconv.encode(`${t}\n`, enc)));
      const r = decodeText(Buffer.concat(parts));
      expect(r, enc).toMatchObject({ ok: true, encoding: want, method: `${want}_lossy`, replaced: 2 });
    }
    const utf8 = Buffer.concat([Buffer.from(titles.join('\n').slice(0, 300)), Buffer.from([0xe5, 0x2e]), Buffer.from(titles.join('\n').slice(300))]);
    expect(decodeText(utf8)).toMatchObject({ ok: true, encoding: 'utf-8', method: 'utf8_lossy', replaced: 1 });
  });

  it('rejects control-byte soup as binary and random high bytes as undecodable', () => {
    const ctl = Buffer.alloc(4000);
    for (let i = 0; i < ctl.length; i++) ctl[i] = (i * 7) % 32;
    expect(decodeText(ctl)).toMatchObject({ ok: false, reason: 'binary' });
    const high = Buffer.alloc(4000);
    let x = 12345;
    for (let i = 0; i < high.length; i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      high[i] = 0x80 | (x >> 16) % 128;
    }
    const r = decodeText(high);
    expect(r.ok).toBe(false);
  });

  it('scores real text above mojibake', () => {
    const right = new TextDecoder('big5').decode(iconv.encode(toHant(seed), 'big5'));
    const wrong = new TextDecoder('gb18030').decode(iconv.encode(toHant(seed), 'big5'));
    expect(plausibility(right)).toBeGreaterThan(0.95);
    expect(plausibility(wrong)).toBeLessThan(plausibility(right));
  });

  it('decodes HZ escapes and refuses broken ones', () => {
    expect(decodeHz('A~{<:Ky2;S{#,~}B')).toBe('A己所不欲，B');
    expect(decodeHz('~~ tilde')).toBe('~ tilde');
    expect(decodeHz('~{\x01\x02~}')).toBeNull();
  });
});

describe('UTF-16 without BOM and a stray byte', () => {
  // A truncated copy or a tool appending one byte leaves an odd length: every strict UTF-16 reading failed and the
  // file was rejected as binary.
  it.each([
    ['utf-16le', 'Hello 你好 world\n'.repeat(20), 'nul_pattern'],
    ['utf-16be', 'Hello 你好 world\n'.repeat(20), 'nul_pattern'],
    ['utf-16le', seed.slice(0, 2000), 'utf16_plausibility'],
    ['utf-16be', seed.slice(0, 2000), 'utf16_plausibility'],
  ])('%s of %#, plus one byte, is decoded with the stray byte as one U+FFFD', (enc, text, method) => {
    for (const stray of [0x0a, 0x00, 0xff]) {
      const r = decodeText(Buffer.concat([iconv.encode(text, enc), Buffer.from([stray])]));
      expect(r).toMatchObject({ ok: true, encoding: enc, text: text + '\ufffd', replaced: 1 });
      if (r.ok) expect(r.method.startsWith(method)).toBe(true);
    }
  });
});
