import { describe, expect, it } from 'vitest';
import JSZip from 'jszip';
import iconv from 'iconv-lite';
import { extractFile } from '../../pipeline/stages/extract.js';
import { ARCHIVE_DEFAULTS, nameDecoder } from '../../pipeline/extract/archive.js';
import { EXTRACT_DEFAULTS } from '../../pipeline/stages/extract.js';
import { check } from '../../pipeline/lib/schema.js';
import { member, PROSE, zipOf } from '../fixtures/bad/generate.js';

/** A minimal Word package: paragraphs as [text, 'bold' | 'h1' | ''], with a styles part naming Heading1. */
async function docx(paras: [string, string][]): Promise<Uint8Array> {
  const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
  const p = ([t, kind]: [string, string]) => `<w:p>${kind === 'h1' ? '<w:pPr><w:pStyle w:val="Heading1"/></w:pPr>' : ''}<w:r>${kind === 'bold' ? '<w:rPr><w:b/></w:rPr>' : ''}<w:t xml:space="preserve">${t}</w:t></w:r></w:p>`;
  const z = new JSZip();
  z.file('[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>');
  z.file('_rels/.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>');
  z.file('word/_rels/document.xml.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>');
  z.file('word/styles.xml', `<?xml version="1.0" encoding="UTF-8"?><w:styles ${W}><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style></w:styles>`);
  z.file('word/document.xml', `<?xml version="1.0" encoding="UTF-8"?><w:document ${W}><w:body>${paras.map(p).join('')}</w:body></w:document>`);
  return z.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
}

/**
 * A zip of [name, bytes]. `gbkNames` writes names as GBK bytes without the UTF-8 flag, as Chinese Windows
 * archivers do: jszip adds an Info-ZIP Unicode Path field (0x7075) to such names, which is renamed here to an
 * unknown id so that readers see only the GBK bytes.
 */
async function zip(members: [string, Uint8Array | string][], gbkNames = false): Promise<Uint8Array> {
  const z = new JSZip();
  for (const [n, b] of members) z.file(n, b);
  const gbk = (s: string) => iconv.encode(s, 'gbk') as unknown as string; // jszip accepts bytes here; its typings say string
  const out = gbkNames
    ? await z.generateAsync({ type: 'uint8array', compression: 'DEFLATE', encodeFileName: gbk })
    : await z.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
  if (gbkNames) for (let i = 0; i + 4 < out.length; i++) if (out[i] === 0x75 && out[i + 1] === 0x70 && out[i + 4] === 1) out[i] = out[i + 1] = 0x7a;
  return out;
}

const BODY = ['各位代表：', '现在，我代表市人民政府，向大会报告工作，请予审议。', '过去一年，我们坚持稳中求进工作总基调，经济运行总体平稳。'];
const run = (path: string, bytes: Uint8Array, archive = ARCHIVE_DEFAULTS) => extractFile({ path, bytes }, { ...EXTRACT_DEFAULTS, archive } as typeof EXTRACT_DEFAULTS);

describe('docx: paragraphs kept, title from a heading or a bold first line', () => {
  it.each([
    ['bold first paragraph', [['2025年某市政府工作报告', 'bold'], ...BODY.map((t) => [t, ''])], '2025年某市政府工作报告'],
    ['Heading 1 style', [['关于某项工作的报告', 'h1'], ...BODY.map((t) => [t, ''])], '关于某项工作的报告'],
    ['no title: the first paragraph is a sentence', BODY.map((t) => [t, 'bold']), null],
  ] as [string, [string, string][], string | null][])('%s', async (_name, paras, title) => {
    const r = await run('report.docx', await docx(paras));
    expect(r.info).toMatchObject({ status: 'ok', format: 'docx', encoding: 'utf-8', encoding_method: 'container' });
    const u = r.units[0]!;
    expect([u.title, u.text, u.source_format]).toEqual([title, BODY.join('\n'), 'docx']);
    expect(check('extract', u)).toBeNull();
  });
});

describe('zip: members become units, limits hold, names decode', () => {
  it('GBK member names, mixed formats, one unit per member in name order', async () => {
    const bytes = await zip([
      ['报告/2025年甲省政府工作报告.docx', await docx([['2025年甲省政府工作报告', 'bold'], ...BODY.map((t): [string, string] => [t, ''])])],
      ['报告/说明.txt', '这是一个纯文本的说明文件，介绍压缩包里的内容。'],
      ['报告/网页.html', '<html><head><title>网页标题_某某网</title></head><body><p>网页正文第一段，内容足够长，足以被识别为正文内容。</p></body></html>'],
      ['报告/图片.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0])],
    ], true);
    const r = await run('reports.zip', bytes);
    expect(r.info).toMatchObject({ status: 'ok', format: 'zip', encoding: null, encoding_method: 'container' });
    expect(r.info.detail).toBe('3 documents from 4 members; member names gb18030; not used: 报告/图片.png: binary');
    expect(r.units.map((u) => [u.source_member, u.source_format, u.title])).toEqual([
      ['报告/2025年甲省政府工作报告.docx', 'docx', '2025年甲省政府工作报告'],
      ['报告/网页.html', 'html', '网页标题'],
      ['报告/说明.txt', 'text', null],
    ]);
    for (const u of r.units) {
      expect(u.source_file).toBe('reports.zip');
      expect(check('extract', u)).toBeNull();
    }
    expect(new Set(r.units.map((u) => u.unit_id)).size).toBe(3);
  });

  it('a nested archive is read one level down; a member nested two levels is refused alone, its siblings stay', async () => {
    const inner = await zip([['a.txt', '内层压缩包里的文本。']]);
    const r = await run('outer.zip', await zip([['inner.zip', inner]]));
    expect(r.units.map((u) => u.source_member)).toEqual(['inner.zip!/a.txt']);
    const r2 = await run('outer.zip', await zip([['mid.zip', await zip([['inner.zip', inner], ['m.txt', '中间层的文本。']])], ['good.txt', '外层的好文本。']]));
    expect(r2.info.status).toBe('ok');
    expect(r2.units.map((u) => u.source_member)).toEqual(['good.txt', 'mid.zip!/m.txt']);
    expect(r2.info.detail).toContain('mid.zip!/inner.zip: archive_limits (archive nested deeper than 1)');
    expect(r2.info.detail).toContain('1 members refused alone');
    // Nothing but a too-deep member: no document at all.
    const r3 = await run('outer.zip', await zip([['mid.zip', await zip([['inner.zip', inner]])]]));
    expect([r3.info.status, r3.info.reason]).toEqual(['rejected', 'empty_archive']);
  });

  it.each([
    ['a member declaring more than maxMemberBytes', { ...ARCHIVE_DEFAULTS, maxMemberBytes: 1 << 20 }, 'zip_bomb', false],
    ['a member inflating past maxMemberBytes (declaring 1 KiB)', { ...ARCHIVE_DEFAULTS, maxMemberBytes: 1 << 20 }, 'zip_bomb', true],
    ['a compression ratio over maxRatio', ARCHIVE_DEFAULTS, 'zip_bomb', false],
    ['a compression ratio over maxRatio (declaring 1 KiB)', ARCHIVE_DEFAULTS, 'zip_bomb', true],
  ] as const)('%s → that member alone refused as $2, the good member kept', async (_name, limits, reason, lie) => {
    const zeros = member('zeros.txt', Buffer.alloc(3 << 20));
    const bytes = zipOf([lie ? { ...zeros, size: 1024 } : zeros, member('b.txt', '文本')]);
    const r = await run('bomb.zip', bytes, limits);
    expect([r.info.status, r.units.map((u) => u.source_member)]).toEqual(['ok', ['b.txt']]);
    expect(r.info.detail).toContain(`zeros.txt: ${reason}`);
  });

  it.each([
    ['the members declaring more than maxTotalBytes', { ...ARCHIVE_DEFAULTS, maxTotalBytes: 1 << 20 }, 'zip_bomb', false],
    ['the archive inflating past maxTotalBytes (members declaring 1 KiB)', { ...ARCHIVE_DEFAULTS, maxTotalBytes: 1 << 20 }, 'zip_bomb', true],
    ['more members than maxMembers', { ...ARCHIVE_DEFAULTS, maxMembers: 1 }, 'archive_limits', false],
  ] as const)('%s → the archive refused as $2', async (_name, limits, reason, lie) => {
    const zeros = member('zeros.txt', Buffer.alloc(3 << 20));
    const bytes = zipOf([lie ? { ...zeros, size: 1024 } : zeros, member('b.txt', '文本')]);
    const r = await run('bomb.zip', bytes, limits);
    expect([r.info.status, r.info.reason, r.units.length]).toEqual(['rejected', reason, 0]);
  });

  it('counts the central directory\'s records, not what the end record claims (5,000 entries claiming 1)', async () => {
    const bytes = zipOf(Array.from({ length: 5000 }, (_, i) => member(`m${i}.txt`, '')));
    bytes.writeUInt16LE(1, bytes.length - 22 + 8);
    bytes.writeUInt16LE(1, bytes.length - 22 + 10);
    const r = await run('many.zip', bytes);
    expect([r.info.status, r.info.reason, r.info.detail]).toEqual(['rejected', 'archive_limits', 'more than 2000 members in the central directory']);
  });

  it('refuses members whose data overlap (entries sharing one compressed block) before inflating any', async () => {
    // Two central-directory records pointing at the same local header and data.
    const one = zipOf([member('a.txt', PROSE), member('b.txt', PROSE)]);
    const cd = one.readUInt32LE(one.length - 22 + 16);
    const second = cd + 46 + 5; // the second record (name 'a.txt' is 5 bytes)
    one.writeUInt32LE(0, second + 42); // its local header offset: the first member's
    const r = await run('overlap.zip', one);
    expect([r.info.status, r.info.reason, r.info.detail]).toEqual(['rejected', 'zip_bomb', 'members overlap (entries sharing compressed data)']);
  });

  it('a member whose CRC-32 does not match is refused alone (corrupt_member)', async () => {
    const bad = member('bad.txt', PROSE);
    const r = await run('crc.zip', zipOf([{ ...bad, crc: bad.crc ^ 1 }, member('good.txt', PROSE)]));
    expect([r.info.status, r.units.map((u) => u.source_member)]).toEqual(['ok', ['good.txt']]);
    expect(r.info.detail).toContain('bad.txt: corrupt_member');
  });

  it('a member path with ../ is read by its resolved name only and flagged', async () => {
    const r = await run('evil.zip', await zip([['../../etc/说明.txt', '路径不安全的成员，只按名字读取。']]));
    expect(r.units.map((u) => u.source_member)).toEqual(['etc/说明.txt']);
    expect(r.info.detail).toContain('1 unsafe paths (read by name only)');
  });

  it('members whose names resolve alike (a.txt, ../a.txt) are counted as lost, not silently dropped', async () => {
    const r = await run('clash.zip', await zip([['a.txt', '甲文件的正文内容。'], ['../a.txt', '同名成员的正文内容。'], ['b.txt', '乙文件的正文内容。']]));
    expect(r.info.status).toBe('ok');
    expect(r.info.detail).toBe('2 documents from 3 members; 1 unsafe paths (read by name only); 1 members lost to name collisions');
    expect(r.units.map((u) => u.source_member)).toEqual(['a.txt', 'b.txt']);
  });

  it.each([
    ['an absolute name loses its leading slash', [['/etc/说明.txt', '绝对路径成员的正文。'], ['b.txt', '乙文件的正文内容。']],
      [['b.txt', '乙文件的正文内容。'], ['etc/说明.txt', '绝对路径成员的正文。']], '2 documents from 2 members; 1 unsafe paths (read by name only)'],
    ['an absolute name that clashes with a plain one gets a numbered label', [['/a.txt', '绝对路径成员的正文。'], ['a.txt', '普通成员的正文内容。']],
      [['a.txt', '普通成员的正文内容。'], ['a.txt#2', '绝对路径成员的正文。']], '2 documents from 2 members; 1 unsafe paths (read by name only); 1 member labels numbered to stay unique'],
  ] as [string, [string, string][], [string, string][], string][])('%s', async (_name, members, want, detail) => {
    const r = await run('abs.zip', await zip(members));
    expect(r.units.map((u) => [u.source_member, u.text])).toEqual(want);
    expect(r.info.detail).toBe(detail);
    expect(new Set(r.units.map((u) => u.unit_id)).size).toBe(r.units.length);
  });

  it.each([
    ['a corrupt archive', 'bad.zip', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8]), 'corrupt_archive'],
    ['an archive with only junk members', 'mac.zip', null, 'empty_archive'],
    ['a legacy .doc cut short', 'old.doc', new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'corrupt_doc'],
  ])('%s → %s', async (_name, path, bytes, reason) => {
    const b = bytes ?? (await zip([['__MACOSX/._a.txt', 'x'], ['.DS_Store', 'y']]));
    const r = await run(path, b);
    expect([r.info.status, r.info.reason]).toEqual(['rejected', reason]);
  });

  it.each([
    ['UTF-8 bytes', new TextEncoder().encode('报告.docx'), '报告.docx', 'utf-8'],
    ['GBK bytes', new Uint8Array(iconv.encode('报告.docx', 'gbk')), '报告.docx', 'gb18030'],
    ['ASCII', new TextEncoder().encode('a.txt'), 'a.txt', null],
  ])('member name in %s', (_name, raw, want, counted) => {
    const used: Record<string, number> = {};
    expect(nameDecoder(used)(raw)).toBe(want);
    expect(Object.keys(used)).toEqual(counted ? [counted] : []);
  });
});
