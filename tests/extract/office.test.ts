/**
 * Office files made with LibreOffice (tests/fixtures/office/README.md): PowerPoint decks read slide by slide in deck
 * order, Excel workbooks rejected, never unpacked as zips of XML parts; legacy Word `.doc` (and `.wps` in Word's
 * binary format) read with word-extractor; broken files of each kind with their reason codes.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { extractFile } from '../../pipeline/stages/extract.js';
import { slideLines, slideOrder } from '../../pipeline/extract/pptx.js';
import { docBodyText, oleKind } from '../../pipeline/extract/doc.js';
import { rtfText } from '../../pipeline/extract/rtf.js';
import { check } from '../../pipeline/lib/schema.js';
import { edgeRule, repeatedEdges } from '../../pipeline/extract/pdf.js';
import { ROOT } from '../helpers.js';

const DIR = path.join(ROOT, 'tests/fixtures/office');
const bytes = (name: string) => new Uint8Array(readFileSync(path.join(DIR, name)));
const file = (name: string, as = name) => extractFile({ path: as, bytes: bytes(name) });

const DECK = [
  '以担当作为诠释忠诚干净', '——专题党课讲稿',
  '一、深刻认识担当作为的重大意义', '担当作为是共产党人的鲜明品格。', '新时代新征程，更需要广大党员干部挺身而出、主动作为。',
  '二、准确把握担当作为的实践要求', '要在攻坚克难中勇于担当，在急难险重任务面前冲得上去。', '要在服务群众中善于作为，把群众的急难愁盼放在心上。',
  '三、营造担当作为的良好环境', '建立健全容错纠错机制，为担当者担当、为干事者撑腰。',
];

describe('PowerPoint and Excel packages', () => {
  it('a .pptx: every slide\'s text paragraphs, in deck order', async () => {
    const r = await file('deck.pptx');
    expect(r.info).toMatchObject({ status: 'ok', format: 'pptx', detail: '4 slides' });
    expect(r.units).toHaveLength(1);
    expect(r.units[0]!.text.split('\n')).toEqual(DECK);
    expect(r.units[0]!.source_format).toBe('pptx');
    expect(check('extract', r.units[0]!)).toBeNull();
  });

  it('slide order is the deck\'s slide list, not the part names', () => {
    const pres = '<p:presentation xmlns:p="p" xmlns:r="r"><p:sldIdLst><p:sldId id="257" r:id="rId9"/><p:sldId id="256" r:id="rId2"/></p:sldIdLst></p:presentation>';
    const rels = '<Relationships><Relationship Id="rId2" Target="slides/slide1.xml"/><Relationship Id="rId9" Target="slides/slide2.xml"/></Relationships>';
    expect(slideOrder(pres, rels)).toEqual(['ppt/slides/slide2.xml', 'ppt/slides/slide1.xml']);
    const slide = '<p:sld xmlns:a="a" xmlns:p="p"><a:p><a:r><a:t>一、</a:t></a:r><a:r><a:t>总体要求</a:t></a:r></a:p><a:p><a:r><a:t>第一行</a:t></a:r><a:br/><a:r><a:t>第二行 &amp; 其他</a:t></a:r></a:p><a:p/></p:sld>';
    expect(slideLines(slide)).toEqual(['一、总体要求', '第一行', '第二行 & 其他']);
  });

  it('a deck inside a zip is read as a deck (one unit), not as its XML parts', async () => {
    const zip = new JSZip();
    zip.file('课件/党课.pptx', bytes('deck.pptx'));
    zip.file('课件/表.xlsx', bytes('sheet.xlsx'));
    const r = await extractFile({ path: 'course.zip', bytes: await zip.generateAsync({ type: 'uint8array' }) });
    expect(r.units.map((u) => [u.source_member, u.source_format])).toEqual([['课件/党课.pptx', 'pptx']]);
    expect(r.units[0]!.text.split('\n')).toEqual(DECK);
    expect(r.info.detail).toContain('课件/表.xlsx: unsupported_format');
  });

  it.each([
    ['sheet.xlsx', 'sheet.xlsx', 'unsupported_format', 'xlsx'],
    ['sheet.xlsx', 'renamed.zip', 'unsupported_format', 'xlsx'],
    ['deck.pptx', 'renamed.zip', null, 'pptx'],
    ['blank.pptx', 'blank.pptx', 'empty', 'pptx'],
    ['truncated.pptx', 'truncated.pptx', 'corrupt_pptx', 'pptx'],
  ])('%s as %s → %s', async (name, as, reason, format) => {
    const r = await file(name, as);
    expect([r.info.reason, r.info.format]).toEqual([reason, format]);
    if (reason) expect(r.units).toEqual([]);
  });
});

describe('legacy Word', () => {
  it('a .doc saved by LibreOffice: the body, paragraphs as lines, the page header and footer left out', async () => {
    const r = await file('speech.doc');
    expect(r.info).toMatchObject({ status: 'ok', format: 'doc' });
    const lines = r.units[0]!.text.split('\n');
    expect(lines[0]).toBe('在全市重点工作推进会上的讲话');
    expect(lines[1]).toBe('一、坚持以人民为中心的发展思想');
    expect(lines).toHaveLength(31);
    expect(r.units[0]!.text).not.toContain('某某市人民政府办公室文件');
    expect(r.units[0]!.text).not.toMatch(/第 \d 页/);
    expect(check('extract', r.units[0]!)).toBeNull();
  });

  it('the same Word binary under a .wps name (as WPS Office saves it) is read as wps', async () => {
    const r = await file('speech.doc', '讲话.wps');
    expect([r.info.status, r.info.format, r.units[0]!.source_format]).toEqual(['ok', 'wps', 'wps']);
  });

  it('a file written by WPS Office 11 (Kingsoft, Chinese build 2052) is Word\'s binary format, read as such', async () => {
    // Apache Tika's testWPSAttachment.doc (README): WPS Office's own streams (WpsCustomData, KSOProductBuildVer)
    // beside a WordDocument stream. Its body holds only embedded objects (attachments, not read): no text → empty.
    const b = bytes('wps-office-11.doc');
    expect(Buffer.from(b).includes(Buffer.from('KSOProductBuildVer', 'utf16le'))).toBe(true);
    expect(oleKind(b)).toBe('Word');
    for (const as of ['wps-office-11.doc', 'wps-office-11.wps']) {
      const r = await file('wps-office-11.doc', as);
      expect(r.info).toMatchObject({ status: 'rejected', reason: 'empty', format: as.endsWith('.wps') ? 'wps' : 'doc', detail: 'no text in the document' });
    }
  });

  it.each([
    ['works7.wps', 'an OLE2 file without a Word document (a Microsoft Works 2000+ document): not read'],
    ['works4.wps', 'an OLE2 file without a Word document (a Microsoft Works 3/4 document): not read'],
  ])('a real Microsoft Works %s (also named .wps) → unsupported_wps', async (name, detail) => {
    const r = await file(name);
    expect(r.info).toMatchObject({ status: 'rejected', reason: 'unsupported_wps', format: 'wps', detail });
    // The same bytes named .doc: an OLE2 file without Word, as before.
    expect((await file(name, 'x.doc')).info).toMatchObject({ status: 'rejected', reason: 'unsupported_doc' });
  });

  it('a .wps that is not an OLE2 file (Kingsoft\'s formats before WPS 2000) is rejected, never decoded as text', async () => {
    // A DOS-era WPS file is text with control codes; any such bytes under a .wps name are not published.
    const legacy = new Uint8Array([...Buffer.from('\x1b\x40WPS ', 'latin1'), ...Buffer.from('关于加强理论学习的几点体会\r\n', 'utf8')]);
    const r = await extractFile({ path: '旧文件.wps', bytes: legacy });
    expect(r.info).toMatchObject({ status: 'rejected', reason: 'unsupported_wps', format: 'wps' });
    expect(r.units).toEqual([]);
  });

  it.each([
    ['sheet.xls', 'unsupported_doc', 'an OLE2 file without a Word document (an Excel workbook): not read'],
    ['zeroed.doc', 'corrupt_doc', 'cannot read the Word file: Invalid Short Sector Allocation Table'],
  ])('%s → %s', async (name, reason, detail) => {
    const r = await file(name);
    expect(r.info).toMatchObject({ status: 'rejected', reason, detail });
  });

  it('what an OLE2 file holds, and Word\'s control marks', () => {
    expect(oleKind(bytes('speech.doc'))).toBe('Word');
    expect(oleKind(bytes('sheet.xls'))).toBe('an Excel workbook');
    expect(docBodyText('标题\r\n正文\u0007单元格\u0007\u000c下一页\u0013 PAGE \u0014一\u0015\n\n\n\n末')).toBe('标题\n正文\n单元格\n\n下一页 PAGE 一\n\n末');
  });
});

describe('PDF', () => {
  it('a 3-page PDF from LibreOffice: the text layer in page order, the page header and page-number footer removed and counted', async () => {
    const r = await file('speech.pdf');
    expect(r.info).toMatchObject({ status: 'ok', format: 'pdf', detail: '3 pages; page header/footer removed: 1 top and 1 bottom lines repeated on every page (6 lines, 45 characters)' });
    const text = r.units[0]!.text;
    expect(text.split('\n')[0]).toBe('在全市重点工作推进会上的讲话');
    expect(text).not.toContain('某某市人民政府办公室文件');
    expect(text).not.toMatch(/第 \d 页/);
    // Page order: the six sections in the order written.
    const at = ['一、', '二、', '三、', '四、', '五、', '六、'].map((h) => text.indexOf(`\n${h}`));
    expect(at.every((x, i) => x > 0 && (i === 0 || x > at[i - 1]!))).toBe(true);
    expect(check('extract', r.units[0]!)).toBeNull();
    // One removal per removed line, its rule saying which edge: the header, and the footer that is a page number.
    expect(r.removed!.map((x) => [x.rule, x.line, x.chars, x.text])).toEqual([
      ['pdf_running_header', 1, 12, '某某市人民政府办公室文件'], ['pdf_page_number', 49, 3, '第 1 页'],
      ['pdf_running_header', 50, 12, '某某市人民政府办公室文件'], ['pdf_page_number', 98, 3, '第 2 页'],
      ['pdf_running_header', 99, 12, '某某市人民政府办公室文件'], ['pdf_page_number', 109, 3, '第 3 页'],
    ]);
  });

  it('page numbers as word processors print them are pdf_page_number; other repeated footers pdf_running_footer', () => {
    const page = (n: number, foot: string) => ['某某县人民政府', ['甲', '乙', '丙'][n - 1]! + '页的正文，各不相同', foot.replace('#', String(n))];
    for (const foot of ['- # -', '— # —', '第 # 页', '第#页 共3页', '# / 3', 'Page # of 3', '#']) {
      expect(repeatedEdges([1, 2, 3].map((n) => page(n, foot))), foot).toEqual({ top: 1, bottom: 1 });
      expect(edgeRule(foot.replace('#', '2'), 'footer'), foot).toBe('pdf_page_number');
    }
    expect(edgeRule('某某县人民政府办公室印发', 'footer')).toBe('pdf_running_footer');
    expect(edgeRule('第一章 总则', 'header')).toBe('pdf_running_header');
  });

  it('through the pipeline: the removals are rows of extract.removed.jsonl and report/removed.jsonl, counted in the report and the ledger', async () => {
    const { runStages } = await import('../../pipeline/lib/runner.js');
    const { makeProgress } = await import('../../pipeline/lib/progress.js');
    const { tempDir } = await import('../helpers.js');
    const { copyFile, readFile: read } = await import('node:fs/promises');
    const raw = await tempDir('jw-pdf-raw-');
    await copyFile(path.join(DIR, 'speech.pdf'), path.join(raw, 'speech.pdf'));
    await copyFile(path.join(ROOT, 'raw/004_91d04d10e2169a48.txt'), path.join(raw, 'a.txt'));
    const out = await tempDir('jw-pdf-out-');
    await runStages({ raw, out, root: ROOT, progress: makeProgress(process.stderr, true), workers: 1 });
    const lines = async (f: string) => (await read(path.join(out, f), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    const rows = await lines('stages/extract.removed.jsonl');
    expect(rows.map((x) => x['rule'])).toEqual(['pdf_running_header', 'pdf_page_number', 'pdf_running_header', 'pdf_page_number', 'pdf_running_header', 'pdf_page_number']);
    for (const x of rows) expect(check('removed', x)).toBeNull();
    // The other stages' rows follow the same schema.
    for (const x of await lines('stages/clean.removed.jsonl')) expect(check('removed', x)).toBeNull();
    expect((await lines('report/removed.jsonl')).filter((x) => x['stage'] === 'extract')).toEqual(rows);
    const stats = JSON.parse(await read(path.join(out, 'report/stats.json'), 'utf8')) as { removed_by_rule: Record<string, { spans: number; chars: number }> };
    expect(stats.removed_by_rule['extract.pdf_running_header']).toEqual({ spans: 3, chars: 36 });
    expect(stats.removed_by_rule['extract.pdf_page_number']).toEqual({ spans: 3, chars: 9 });
    const ledger = (await lines('report/ledger.jsonl')).find((l) => l['path'] === 'speech.pdf')!;
    expect(ledger).toMatchObject({ chars_removed: 45, chars_unaccounted: 0 });
    expect(ledger['chars_in']).toBe((ledger['chars_kept'] as number) + 45);
    // A re-run after another file changed runs the PDF again (its rows are not in the per-file index): same rows.
    await copyFile(path.join(ROOT, 'raw/003_db51f0831cc1980b.txt'), path.join(raw, 'a.txt'));
    await runStages({ raw, out, root: ROOT, progress: makeProgress(process.stderr, true), workers: 1 });
    expect(await lines('stages/extract.removed.jsonl')).toEqual(rows);
    expect((await lines('report/removed.jsonl')).filter((x) => x['stage'] === 'extract')).toEqual(rows);
  }, 60_000);

  it('the same speech through segment: lines broken by the page width are rejoined into its 30 paragraphs', async () => {
    const { segment } = await import('../../pipeline/stages/segment.js');
    const r = await file('speech.pdf');
    const docs = segment.process(r.units[0]!, segment.defaults).out;
    expect(docs).toHaveLength(1);
    expect(docs[0]!.title).toBe('在全市重点工作推进会上的讲话');
    expect(docs[0]!.paragraphs).toHaveLength(30);
  });

  it.each([
    ['scan.pdf', 'no_text_layer', '1 page without a text layer (a scan? no OCR is done)'],
    ['truncated.pdf', 'corrupt_pdf', 'cannot read the PDF: InvalidPDFException: Invalid PDF structure.'],
  ])('%s → %s', async (name, reason, detail) => {
    const r = await file(name);
    expect(r.info).toMatchObject({ status: 'rejected', reason, detail });
  });

  it('headers and footers: only lines on every page, equal once digits are set aside', async () => {
    const { repeatedEdges, pageLines } = await import('../../pipeline/extract/pdf.js');
    expect(repeatedEdges([['某市文件', '正文一', '- 1 -'], ['某市文件', '正文二', '- 2 -']])).toEqual({ top: 1, bottom: 1 });
    expect(repeatedEdges([['某市文件', '正文一', '- 1 -'], ['另一标题', '正文二', '- 2 -']])).toEqual({ top: 0, bottom: 1 });
    expect(repeatedEdges([['某市文件', '正文一']])).toEqual({ top: 0, bottom: 0 });
    const item = (str: string, y: number, hasEOL = false) => ({ str, hasEOL, transform: [1, 0, 0, 1, 0, y] });
    expect(pageLines([item('第一行', 700), item('接着', 700, true), item('第二行', 680), item('第三行', 660)])).toEqual(['第一行接着', '第二行', '第三行']);
  });
});

describe('encrypted Office files and PDFs (real files from Apache Tika\'s test documents, README)', () => {
  it.each([
    ['encrypted.docx', 'encrypted_docx', 'docx', 'a password-protected Word document (an encrypted Office Open XML package): not read'],
    ['encrypted.doc', 'encrypted_doc', 'doc', 'a password-protected Word document (FIB fEncrypted): not read'],
    ['rights-managed.doc', 'encrypted_doc', 'doc', 'a rights-managed (IRM) Word document: its text is encrypted, not read'],
    ['encrypted.pdf', 'encrypted_pdf', 'pdf', 'the PDF needs a password'],
  ])('%s → %s', async (name, reason, format, detail) => {
    const r = await file(name);
    expect(r.info).toMatchObject({ status: 'rejected', reason, format, detail });
    expect(r.units).toEqual([]);
  });

  it('an encrypted package under another name is encrypted_office; Office\'s IRM notice is never published', async () => {
    expect((await file('encrypted.docx', '报表.xlsx')).info).toMatchObject({ status: 'rejected', reason: 'encrypted_office', format: 'xlsx' });
    expect((await file('encrypted.docx', 'x.bin')).info).toMatchObject({ status: 'rejected', reason: 'encrypted_office' });
    // word-extractor alone reads the IRM file's WordDocument stream: Office's notice, not the document.
    expect(Buffer.from(bytes('rights-managed.doc')).includes(Buffer.from('Permission for this document is currently restricted', 'latin1'))).toBe(true);
  });

  it('a PDF with only an owner password (no password to open it) is read', async () => {
    const r = await file('owner-password.pdf');
    expect([r.info.status, r.units[0]?.text]).toEqual(['ok', 'Hello World']);
  });
});

describe('a .doc that is really HTML or RTF (as Chinese document sites serve them)', () => {
  it('RTF saved by LibreOffice under a .doc name: read as RTF, the ledger says so, page header and footer left out', async () => {
    const r = await file('speech.rtf', '讲话稿.doc');
    expect(r.info).toMatchObject({ status: 'ok', format: 'rtf', detail: 'named .doc, but an RTF document: read as RTF' });
    const lines = r.units[0]!.text.split('\n');
    expect(lines.slice(0, 2)).toEqual(['在全市重点工作推进会上的讲话', '一、坚持以人民为中心的发展思想']);
    expect(r.units[0]!.text).not.toMatch(/某某市人民政府办公室文件|第 \d+ 页/);
    expect(r.units[0]!.source_format).toBe('rtf');
    // The same bytes as the .doc reader would give from speech.doc: the body's 30 paragraphs and headings.
    expect(lines).toEqual((await file('speech.doc')).units[0]!.text.split('\n'));
    // Under its own name: no note.
    expect((await file('speech.rtf')).info.detail).toBeNull();
  });

  it('RTF as Chinese Word writes it: \\ansicpg936, GBK bytes as \\\'xx escapes, a header group, a table row', async () => {
    const r = await file('word-gbk.rtf', '范文.doc');
    expect(r.info).toMatchObject({ status: 'ok', format: 'rtf', encoding: 'cp936' });
    expect(r.units[0]!.text).toBe('在全县干部大会上的讲话\n同志们：\n今天召开全县干部大会，主要任务是传达上级会议精神。\n项目\t完成');
    // Under a .wps name the same: read as what it is.
    expect((await file('word-gbk.rtf', '范文.wps')).info).toMatchObject({ status: 'ok', format: 'rtf', detail: 'named .wps, but an RTF document: read as RTF' });
  });

  it('an HTML page in GBK saved as .doc: read as HTML in its declared encoding, the ledger says so', async () => {
    const r = await file('html-gbk.doc');
    expect(r.info).toMatchObject({ status: 'ok', format: 'html', encoding: 'gb18030', detail: 'named .doc, but an HTML page: read as HTML' });
    expect(r.units[0]!.text).toContain('在全市重点工作推进会上的讲话');
    expect(r.units[0]!.text).not.toMatch(/<p|&#|charset/);
  });

  it('broken RTF: cut short → the text up to the cut, said so; an unreadable control word → corrupt_rtf', async () => {
    const cut = await file('truncated.rtf');
    expect(cut.info).toMatchObject({ status: 'ok', format: 'rtf', detail: 'cut short: 2 groups never closed; the text up to the cut is kept' });
    expect(cut.units[0]!.text.startsWith('在全市重点工作推进会上的讲话\n')).toBe(true);
    const bad = await extractFile({ path: 'bad.doc', bytes: new TextEncoder().encode('{\\rtf1\\ansi \\u}') });
    expect(bad.info).toMatchObject({ status: 'rejected', reason: 'corrupt_rtf', format: 'rtf', detail: 'named .doc, but an RTF document: read as RTF; cannot read the RTF file: Unicode control word with no param' });
  });

  it('RTF groups: header/footer/footnote left out, nested groups kept, \\u with its fallback byte skipped', () => {
    const rtf = '{\\rtf1\\ansi{\\footer page 3\\par}{\\b \\u21516?\\u24535?}\\u20204?{\\footnote note}\\par second {\\i part}}';
    expect(rtfText(new TextEncoder().encode(rtf))).toEqual({ text: '同志们\nsecond part', open: 0 });
  });
});

describe('Kingsoft WPS Office .wps files with body text (tests/fixtures/office/wps, README)', () => {
  const squeeze = (t: string) => t.replace(/\s+/gu, '');
  it.each([['basic', 193], ['sample5', 135], ['sample6', 180], ['table6', 606]])('%s.wps: the same text as the .docx WPS Office saved of it', async (name, chars) => {
    const r = await file(`wps/${name}.wps`, `${name}.wps`);
    expect(r.info).toMatchObject({ status: 'ok', format: 'wps' });
    const docx = await file(`wps/${name}.docx`, `${name}.docx`);
    expect(squeeze(r.units[0]!.text)).toBe(squeeze(docx.units[0]!.text));
    expect(squeeze(r.units[0]!.text).length).toBe(chars);
  });

  it('Sprms that only share sprmCFRMarkDel\'s index bits delete nothing; sprmCFRMarkDel itself still does', async () => {
    // sample6.wps's runs carry Sprm 0x4A60 (index bits 0, operand 1): word-extractor 1.0.4 alone keeps 3 characters.
    const b = Buffer.from(bytes('wps/sample6.wps'));
    expect((await file('wps/sample6.wps', 'x.wps')).units[0]!.text).toContain('2025年省级节能升级改造项目汇总表');
    // The same bytes with every 0x4A60 in the character runs turned into sprmCFRMarkDel (0x0800, operand 1): deleted.
    const marked = Buffer.from(b);
    for (let i = 0; i + 3 <= marked.length; i++) if (marked[i] === 0x60 && marked[i + 1] === 0x4a && marked[i + 2] === 0x01) marked.writeUInt16LE(0x0800, i);
    const r = await extractFile({ path: 'x.wps', bytes: new Uint8Array(marked) });
    expect(r.units[0]?.text ?? '').not.toContain('2025年省级节能升级改造项目汇总表');
  });
});
