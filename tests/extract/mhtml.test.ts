/**
 * MHTML archives (pipeline/extract/mhtml.ts): real browser-saved archives from Apache Tika's test documents and
 * Word-style "single file web pages" made with Python's email package (tests/fixtures/mhtml/README.md), one of them
 * named `.doc` as Chinese document sites serve them.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { extractFile, sniffFormat } from '../../pipeline/stages/extract.js';
import { looksLikeMhtml } from '../../pipeline/extract/mhtml.js';
import { check } from '../../pipeline/lib/schema.js';
import { ROOT } from '../helpers.js';

const DIR = path.join(ROOT, 'tests/fixtures/mhtml');
const read = (name: string) => readFileSync(path.join(DIR, name));
const PARAS = ['各县（市、区）人民政府，市政府各部门：', '为进一步加强基层党组织建设，推动全面从严治党向基层延伸，现就有关事项通知如下。'];

describe('MHTML archives', () => {
  it('a Word "single file web page" named .doc (GB2312, quoted-printable): read as the page it holds, the ledger says what it is', async () => {
    const r = await extractFile({ path: '文件/关于加强基层党组织建设的通知.doc', bytes: read('word-single-file-gb2312-qp.doc') });
    expect(r.info).toMatchObject({ status: 'ok', format: 'mhtml', encoding: 'utf-8', encoding_method: 'container' });
    expect(r.info.detail).toBe('named .doc, but an MHTML archive: read as MHTML; the HTML part of 2 parts');
    expect(r.units).toHaveLength(1);
    const u = r.units[0]!;
    expect(u.title).toBe('关于进一步加强基层党组织建设的通知');
    for (const p of PARAS) expect(u.text).toContain(p);
    expect(u.text).not.toMatch(/=[0-9A-F]{2}|MsoNormal|Content-Type/);
    expect(u).toMatchObject({ source_format: 'html', source_url: null });
    expect(check('extract', u)).toBeNull();
  });

  it('the same page as UTF-8 base64 under .mht gives the same text; a .mhtml saved by Firefox (quoted-printable, charset from its <meta>) keeps its address', async () => {
    const qp = await extractFile({ path: 'a.doc', bytes: read('word-single-file-gb2312-qp.doc') });
    const b64 = await extractFile({ path: 'b.mht', bytes: read('word-single-file-utf8-base64.mht') });
    expect(b64.info).toMatchObject({ status: 'ok', format: 'mhtml', detail: 'the HTML part of 2 parts' });
    expect(b64.units[0]!.text).toBe(qp.units[0]!.text);
    const ff = await extractFile({ path: 'aperture.mhtml', bytes: read('testMHTMLFirefox.mhtml') });
    expect(ff.info).toMatchObject({ status: 'ok', format: 'mhtml' });
    expect(ff.units[0]!.source_url).toBe('http://aperture.sourceforge.net/');
    expect(ff.units[0]!.text).toMatch(/Aperture/);
    expect(ff.units[0]!.text).not.toMatch(/=3D|=\n/);
  });

  it('broken: an archive whose HTML part is empty (Internet Explorer 8, x-user-defined) → no HTML text; MIME headers without multipart/related are not MHTML', async () => {
    const ie = await extractFile({ path: 'index.mhtml', bytes: read('testUserDefinedCharset.mhtml') });
    expect(ie.info).toMatchObject({ status: 'rejected', format: 'mhtml', reason: 'corrupt_mhtml' });
    // Cut inside its HTML part: what is left of the page is read.
    const bytes = read('word-single-file-gb2312-qp.doc');
    const cut = await extractFile({ path: 'cut.doc', bytes: bytes.subarray(0, bytes.indexOf('=C8=FD')) });
    expect(cut.info).toMatchObject({ status: 'ok', format: 'mhtml' });
    expect(cut.units[0]!.text).toContain(PARAS[1]);
    // A header block alone with no part at all.
    const empty = await extractFile({ path: 'e.mht', bytes: Buffer.from('MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b"\r\n\r\n--b--\r\n') });
    expect(empty.info).toMatchObject({ status: 'rejected', reason: 'corrupt_mhtml', detail: 'no HTML part (0 other parts)' });
    expect(looksLikeMhtml(Buffer.from('MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhello'))).toBe(false);
    expect(looksLikeMhtml(Buffer.from('Dear all,\r\nContent-Type: multipart/related is a MIME type.\r\nMIME-Version: 1.0'))).toBe(false);
    expect(sniffFormat('a.doc', Buffer.from('\ufeffFrom: <Saved by Blink>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n\ttype="text/html"; boundary="x"\r\n\r\n'))).toEqual({ format: 'mhtml' });
  });
});
