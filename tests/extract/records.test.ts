/**
 * Record files (pipeline/extract/records.ts) on files made by real tools (tests/fixtures/records/README.md): a GBK
 * CSV as Excel writes it, a TSV, a gzipped JSONL with a cut line, a JSON object holding its records, a Parquet file
 * written by DuckDB; and broken ones, each with its reason code.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { extractFile, extractPath, sniffFormat, streamedFormat, EXTRACT_DEFAULTS } from '../../pipeline/stages/extract.js';
import { dateOf, idOf, resolveColumns, RECORD_DEFAULTS } from '../../pipeline/extract/records.js';
import { check } from '../../pipeline/lib/schema.js';
import { sha256Hex } from '../../pipeline/lib/ids.js';
import { ROOT, tempDir } from '../helpers.js';
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import type { ExtractRecord } from '../../pipeline/lib/types.js';

const DIR = path.join(ROOT, 'tests/fixtures/records');
const file = (name: string) => extractFile({ path: name, bytes: readFileSync(path.join(DIR, name)) });
const byPath = (name: string, cfg = EXTRACT_DEFAULTS) => {
  const abs = path.join(DIR, name);
  return extractPath({ path: name, abs, bytes: statSync(abs).size, sha256: sha256Hex(readFileSync(abs)) }, cfg);
};
const brief = (u: { source_row: number | null; title: string | null; published: string | null; source_url: string | null; text: string }) => [u.source_row, u.title, u.published, u.source_url, u.text.split('\n')[0]];

const SPEECH = [1, '在全市安全生产工作会议上的讲话', '2024-03-05', 'https://example.gov.cn/a1.html', '同志们：'];
const LECTURE = [3, '专题党课讲稿', '2024-03-07', 'http://example.org/a3', '一、提高政治站位'];

describe('record files', () => {
  it('a GBK CSV with Chinese headers: one unit per record, columns by their common names, the empty record counted', async () => {
    const r = await file('gbk-excel.csv');
    expect(r.info).toMatchObject({ status: 'ok', format: 'csv', encoding: 'gb18030' });
    expect(r.info.detail).toBe('2 of 3 records used (columns text=正文, title=标题, date=日期, url=链接); empty_record: 1 (row 2)');
    expect(r.units.map(brief)).toEqual([SPEECH, LECTURE]);
    expect(r.units[0]!.text).toBe('同志们：\n今天召开全市安全生产工作会议，主要任务是总结去年工作，部署今年任务。');
    for (const u of r.units) expect(check('extract', u)).toBeNull();
    expect(new Set(r.units.map((u) => u.unit_id)).size).toBe(2);
  });

  it('a TSV, a gzipped JSONL with a cut line (bad_record) and a JSON object holding an array', async () => {
    const tsv = await file('items.tsv');
    expect(tsv.units.map((u) => [u.source_row, u.title, u.source_format])).toEqual([[1, SPEECH[1], 'tsv'], [3, LECTURE[1], 'tsv']]);
    const jl = await file('items.jsonl.gz');
    expect(jl.info).toMatchObject({ status: 'ok', format: 'jsonl' });
    expect(jl.info.detail).toBe('2 of 4 records used (columns text=content, title=title, date=date, url=url); empty_record: 1 (row 2); bad_record: 1 (row 3)');
    // JSONL rows are line numbers: the cut line 3 pushed the lecture to line 4.
    expect(jl.units.map(brief)).toEqual([SPEECH, [4, ...LECTURE.slice(1)]]);
    const js = await file('items.json');
    expect(js.info.detail).toBe('2 of 3 records used (columns text=内容, title=标题, date=发布时间); empty_record: 1 (row 2)');
    expect(js.units.map((u) => [u.source_row, u.published, u.source_format])).toEqual([[1, '2024-03-05', 'json'], [3, '2024-03-07', 'json']]);
  });

  it('a Parquet file written by DuckDB, read by path (streamed), DATE and NULL cells included', async () => {
    expect(streamedFormat('a/items.parquet')).toBe('parquet');
    const r = await byPath('items.parquet');
    expect(r.info).toMatchObject({ status: 'ok', format: 'parquet', detail: '2 of 3 records used (columns text=text, title=title, date=date, url=url); empty_record: 1 (row 2)' });
    expect(r.units.map(brief)).toEqual([SPEECH, [3, LECTURE[1], null, LECTURE[3], LECTURE[4]]]);
    for (const u of r.units) expect(check('extract', u)).toBeNull();
  });

  it('columns set by name win over the common names; a set column that is absent is named', async () => {
    const cfg = { ...EXTRACT_DEFAULTS, records: { ...RECORD_DEFAULTS, text: '标题', title: '链接' } };
    const r = await extractFile({ path: 'x.csv', bytes: readFileSync(path.join(DIR, 'gbk-excel.csv')) }, cfg);
    expect(r.units.map((u) => [u.text, u.title])).toEqual([[SPEECH[1], SPEECH[3]], ['学习心得体会', 'javascript:void(0)'], [LECTURE[1], LECTURE[3]]]);
    const p = await byPath('items.parquet', { ...EXTRACT_DEFAULTS, records: { ...RECORD_DEFAULTS, text: 'body' } });
    expect(p.info).toMatchObject({ status: 'rejected', reason: 'no_text_column', detail: 'no text column "body"; columns found: "id", "title", "date", "url", "text"' });
    expect(resolveColumns(['Text', 'Date'], RECORD_DEFAULTS)).toEqual({ ok: true, cols: { text: 'Text', title: null, date: 'Date', url: null, id: null } });
  });

  it('--id-column: each record\'s own id is its source_member and enters its ids; never guessed; an absent one is named', async () => {
    // Not guessed: the Parquet file's `id` column and the CSV's 编号 are left alone without the option.
    const plain = await byPath('items.parquet');
    expect(plain.units.map((u) => u.source_member)).toEqual([null, null]);
    const withId = await byPath('items.parquet', { ...EXTRACT_DEFAULTS, records: { ...RECORD_DEFAULTS, id: 'id' } });
    expect(withId.info.detail).toBe('2 of 3 records used (columns text=text, title=title, date=date, url=url, id=id); empty_record: 1 (row 2)');
    expect(withId.units.map((u) => [u.source_row, u.source_member])).toEqual([[1, '1'], [3, '3']]);
    for (const u of withId.units) expect(check('extract', u)).toBeNull();
    // The id enters the unit id (file, id and row): stable from run to run, other than without the option.
    expect((await byPath('items.parquet', { ...EXTRACT_DEFAULTS, records: { ...RECORD_DEFAULTS, id: 'id' } })).units.map((u) => u.unit_id)).toEqual(withId.units.map((u) => u.unit_id));
    expect(withId.units[0]!.unit_id).not.toBe(plain.units[0]!.unit_id);
    // A Chinese header, matched like the other roles (case, spaces); the GBK CSV's 编号 column.
    const csv = await extractFile({ path: 'x.csv', bytes: readFileSync(path.join(DIR, 'gbk-excel.csv')) }, { ...EXTRACT_DEFAULTS, records: { ...RECORD_DEFAULTS, id: '编号' } });
    expect(csv.units.map((u) => u.source_member)).toEqual(['a1', 'a3']);
    const missing = await byPath('items.parquet', { ...EXTRACT_DEFAULTS, records: { ...RECORD_DEFAULTS, id: 'doc_id' } });
    expect(missing.info).toMatchObject({ status: 'rejected', reason: 'missing_column', detail: 'no id column "doc_id"; columns found: "id", "title", "date", "url", "text"' });
    expect(idOf('  42 ')).toBe('42');
    expect(idOf(7)).toBe('7');
    expect([idOf(''), idOf(null), idOf('a\nb'), idOf('x'.repeat(257))]).toEqual([null, null, null, null]);
  });

  it.each([
    ['no-text-column.csv', 'no_text_column', 'no text column (text, content, 正文, 内容 … or --text-column); columns found: "name", "score"'],
    ['unclosed-quote.csv', 'corrupt_records', 'cannot parse the CSV: Quote Not Closed: the parsing is finished with an opening quote at line 2'],
    ['not-records.json', 'no_records', 'a JSON file that is not an array of records (nor an object holding one)'],
    ['truncated.jsonl.gz', 'corrupt_records', 'cannot gunzip: unexpected end of file'],
  ])('broken: %s → %s', async (name, reason, detail) => {
    const r = await file(name);
    expect(r.info).toMatchObject({ status: 'rejected', reason, detail });
    expect(r.units).toEqual([]);
  });

  it('broken: a truncated Parquet file → corrupt_records', async () => {
    const r = await byPath('truncated.parquet');
    expect(r.info).toMatchObject({ status: 'rejected', reason: 'corrupt_records', format: 'parquet' });
  });

  it('record names decide only when the bytes agree: a gzip named .csv or a PNG named .json are not records', () => {
    expect(sniffFormat('a.csv', new Uint8Array([0x1f, 0x8b, 8, 0]))).toEqual({ format: 'binary', binary: 'gzip' });
    expect(sniffFormat('a.json', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toEqual({ format: 'binary', binary: 'png' });
    expect(sniffFormat('a.jsonl.gz', new Uint8Array([0x1f, 0x8b, 8, 0]))).toEqual({ format: 'jsonl' });
    expect(sniffFormat('a.ndjson', new TextEncoder().encode('{}'))).toEqual({ format: 'jsonl' });
  });

  it.each([
    ['2024年3月5日', '2024-03-05'], ['2024-03-05T10:00:00Z', '2024-03-05'], ['2024/3/5 10:00', '2024-03-05'], ['2024.03.05', '2024-03-05'],
    ['2024年3月', '2024-03'], ['2024-13-01', null], ['三月五日', null], ['20240305', null],
  ])('date %s → %s', (v, want) => {
    expect(dateOf(v)).toBe(want);
  });
});

describe('JSONL read from its path, line by line (extractRecordsPath)', () => {
  const both = async (abs: string, name: string) => {
    const bytes = readFileSync(abs);
    const mem = await extractFile({ path: name, bytes });
    const given: ExtractRecord[] = [];
    const streamed = await extractPath({ path: name, abs, bytes: bytes.length, sha256: sha256Hex(bytes) }, EXTRACT_DEFAULTS, (u) => { given.push(u); });
    const kept = await extractPath({ path: name, abs, bytes: bytes.length, sha256: sha256Hex(bytes) });
    return { mem, streamed, given, kept };
  };

  it('is what the whole-file reader gives: a bad line in the middle is bad_record, the lines after it are read', async () => {
    for (const name of ['a/b.jsonl', 'a/b.ndjson', 'a/b.jsonl.gz', 'a/B.CSV', 'a/b.tsv', 'a/b.json', 'a/b.csv.gz', 'a/b.json.gz']) expect(streamedFormat(name), name).toBe('records');
    expect(streamedFormat('a/b.parquet.gz')).toBeNull();
    const { mem, streamed, given, kept } = await both(path.join(DIR, 'items.jsonl'), 'items.jsonl');
    expect(streamed.info).toEqual(mem.info);
    expect(streamed.info.detail).toBe('2 of 4 records used (columns text=content, title=title, date=date, url=url); empty_record: 1 (row 2); bad_record: 1 (row 3)');
    expect(streamed.units).toEqual([]);
    expect(given).toEqual(mem.units);
    expect(given.map(brief)).toEqual([SPEECH, [4, ...LECTURE.slice(1)]]);
    expect(kept).toEqual(mem);
  });

  it('a BOM and CRLF lines, only whitespace, lines that are no objects: the same ledger row either way', async () => {
    const dir = await tempDir('jw-jsonl-');
    const cases: [string, Buffer][] = [
      ['bom.jsonl', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"title": "标题", "text": "第一段\\n第二段"}\r\n\r\n{"text": "另一篇"}\r\n', 'utf8')])],
      ['blank.jsonl', Buffer.from(' \n\n  \n')],
      ['arrays.jsonl', Buffer.from('[1, 2]\n"文本"\n')],
      ['no-text.ndjson', Buffer.from('{"name": "配置"}\n')],
    ];
    for (const [name, b] of cases) {
      writeFileSync(path.join(dir, name), b);
      const { mem, streamed, given } = await both(path.join(dir, name), name);
      expect(streamed.info, name).toEqual(mem.info);
      expect(given, name).toEqual(mem.units);
    }
    const bom = await both(path.join(dir, 'bom.jsonl'), 'bom.jsonl');
    expect([bom.streamed.info.encoding_method, bom.given.map((u) => u.text)]).toEqual(['bom', ['第一段\n第二段', '另一篇']]);
    expect((await both(path.join(dir, 'blank.jsonl'), 'blank.jsonl')).streamed.info.reason).toBe('empty');
    expect((await both(path.join(dir, 'arrays.jsonl'), 'arrays.jsonl')).streamed.info.reason).toBe('corrupt_records');
    expect((await both(path.join(dir, 'no-text.ndjson'), 'no-text.ndjson')).streamed.info.reason).toBe('no_text_column');
  });

  it('a file that is not UTF-8 (GBK) is read whole by the same reader as before, its encoding detected', async () => {
    const dir = await tempDir('jw-jsonl-');
    const abs = path.join(dir, 'gbk.jsonl');
    writeFileSync(abs, iconv.encode('{"标题": "学习心得体会", "正文": "通过这次集中学习，我深刻认识到理论武装的重要性，也找到了自身的差距。"}\n', 'gbk'));
    const { mem, streamed, given } = await both(abs, 'gbk.jsonl');
    expect(streamed.info).toEqual(mem.info);
    expect(streamed.info).toMatchObject({ status: 'ok', encoding: 'gb18030' });
    expect(given).toEqual(mem.units);
  });
});

describe('CSV, TSV, JSON and gzipped record files read from their path, a chunk at a time (extractRecordsPath)', () => {
  /** The whole-file reader, the path reader handing units to a sink, and the path reader keeping them. */
  const both = async (abs: string, name: string) => {
    const bytes = readFileSync(abs);
    const mem = await extractFile({ path: name, bytes });
    const given: ExtractRecord[] = [];
    const streamed = await extractPath({ path: name, abs, bytes: bytes.length, sha256: sha256Hex(bytes) }, EXTRACT_DEFAULTS, (u) => { given.push(u); });
    const kept = await extractPath({ path: name, abs, bytes: bytes.length, sha256: sha256Hex(bytes) });
    return { mem, streamed, given, kept };
  };
  const same = async (dir: string, name: string, bytes: Buffer) => {
    const abs = path.join(dir, name);
    writeFileSync(abs, bytes);
    const r = await both(abs, name);
    expect(r.streamed.info, name).toEqual(r.mem.info);
    expect(r.streamed.units, name).toEqual([]);
    expect(r.given, name).toEqual(r.mem.units);
    expect(r.kept, name).toEqual(r.mem);
    return r;
  };
  // Records long enough that the 1 MiB reads end inside a character, a quoted field, a JSON string and a record.
  const para = (i: number) => `第${i}条：坚持以人民为中心的发展思想，“把人民群众的急难愁盼”作为工作重点，推动高质量发展。`.repeat(1 + (i % 7));
  const N = 6000;

  it('CSV and TSV (quoted newlines and commas, ragged rows, an empty record), also gzipped: the whole-file reader\'s units', async () => {
    const dir = await tempDir('jw-rec-');
    const csvRows = ['标题,正文,日期,链接'];
    const tsvRows = ['title\ttext\tdate'];
    for (let i = 1; i <= N; i++) {
      const text = i % 100 === 7 ? '' : `"${para(i)}\n第二段，含""引号""，以及逗号。"`;
      csvRows.push(`标题${i},${text},2024-03-${String(1 + (i % 28)).padStart(2, '0')}${i % 50 === 3 ? '' : ',https://example.gov.cn/' + i}`);
      tsvRows.push(`标题${i}\t${para(i)}\t2024年3月${1 + (i % 28)}日`);
    }
    const csv = Buffer.from(csvRows.join('\r\n') + '\r\n');
    expect(csv.length).toBeGreaterThan(3 << 20);
    const r = await same(dir, 'big.csv', csv);
    expect(r.mem.info.detail).toBe(`${N - 60} of ${N} records used (columns text=正文, title=标题, date=日期, url=链接); empty_record: 60 (rows 7, 107, 207, 307, 407, 507, 607, 707, 807, 907 …)`);
    expect(r.given[1]!.text).toBe(`${para(2)}\n第二段，含"引号"，以及逗号。`);
    expect(r.given.at(-1)).toMatchObject({ source_row: N, title: `标题${N}`, source_format: 'csv' });
    await same(dir, 'big.tsv', Buffer.from(tsvRows.join('\n')));
    const gz = await same(dir, 'big.csv.gz', gzipSync(csv));
    expect(gz.given.map((u) => u.text)).toEqual(r.given.map((u) => u.text));
  });

  it('JSON: an array of records, an object holding one (a key given twice counts as its last value), bad items; also gzipped', async () => {
    const dir = await tempDir('jw-rec-');
    const items = Array.from({ length: N }, (_, i) => (i % 200 === 5 ? 42 : { id: i + 1, title: `标题${i + 1}`, content: para(i + 1), date: '2024-03-05', extra: { nested: [1, { deep: '值' }] } }));
    const arr = Buffer.from(JSON.stringify(items, null, 1));
    expect(arr.length).toBeGreaterThan(3 << 20);
    const r = await same(dir, 'array.json', arr);
    expect(r.mem.info.detail).toBe(`${N - 30} of ${N} records used (columns text=content, title=title, date=date); bad_record: 30 (rows 6, 206, 406, 606, 806, 1006, 1206, 1406, 1606, 1806 …)`);
    const wrapped = Buffer.from(`{"total": ${N}, "data": [{"content": "早先的值，不算"}], "meta": {"data": [{"content": "嵌套的，不算"}]}, "data": ${JSON.stringify(items.slice(0, 300))}, "tags": ["a", "b"]}`);
    const w = await same(dir, 'wrapped.json', wrapped);
    expect(w.given.length).toBe(298);
    expect(w.given[0]!.text).toBe(para(1));
    await same(dir, 'array.json.gz', gzipSync(arr));
  });

  it('a JSON array of strings is an array of texts: each string a record, no other column; of numbers: no_records', async () => {
    const dir = await tempDir('jw-rec-');
    const texts = await same(dir, 'texts.json', Buffer.from(JSON.stringify(['第一篇讲话稿的正文。', '   ', '第二篇学习心得的正文。', 7])));
    expect(texts.mem.info).toMatchObject({ status: 'ok', format: 'json', detail: '2 of 4 records used (each item a text); empty_record: 1 (row 2); bad_record: 1 (row 4)' });
    expect(texts.given.map((u) => [u.source_row, u.text, u.title, u.source_format])).toEqual([[1, '第一篇讲话稿的正文。', null, 'json'], [3, '第二篇学习心得的正文。', null, 'json']]);
    for (const u of texts.given) expect(check('extract', u)).toBeNull();
    const inObject = await same(dir, 'wrapped-texts.json', Buffer.from('{"count": 1, "paragraphs": ["一段正文。"]}'));
    expect(inObject.given.map((u) => u.text)).toEqual(['一段正文。']);
    // A column set by name cannot be found in an array of texts.
    const set = await extractFile({ path: 't.json', bytes: Buffer.from('["正文"]') }, { ...EXTRACT_DEFAULTS, records: { ...RECORD_DEFAULTS, text: 'body' } });
    expect(set.info).toMatchObject({ status: 'rejected', reason: 'no_text_column', detail: 'no text column "body"; columns found: none (an array of texts, not of records)' });
    const numbers = await same(dir, 'numbers.json', Buffer.from('[1, 2.5, true, null, [3]]'));
    expect(numbers.mem.info).toMatchObject({ status: 'rejected', reason: 'no_records', detail: 'a JSON array of 2 numbers, 1 boolean, 1 null, 1 array: neither records (objects) nor texts (strings)' });
    expect((await same(dir, 'empty-array.json', Buffer.from('[ ]'))).mem.info).toMatchObject({ status: 'rejected', reason: 'empty', detail: 'an empty JSON array' });
    expect((await same(dir, 'scalar.json', Buffer.from('"一句话"'))).mem.info).toMatchObject({ status: 'rejected', reason: 'no_records' });
  });

  it('GBK and Big5 files that only one of GB18030 and Big5 decodes stream too, over the size limit: the whole-file reader\'s units', async () => {
    const dir = await tempDir('jw-rec-');
    // 垚 (GBK 88 90) is one of the GBK characters Big5 lacks: without such a byte, GBK text often decodes in Big5 too,
    // and the detector that then decides reads the whole file (such a file is read whole, within the limit).
    const rows = ['标题,正文,日期', ...Array.from({ length: 3000 }, (_, i) => `标题${i + 1},"${para(i + 1)}\n第二段${i === 2000 ? '，垚' : ''}。",2024-03-05`)];
    const gbk = iconv.encode(rows.join('\r\n'), 'gbk');
    expect(gbk.length).toBeGreaterThan(1 << 20);
    const r = await same(dir, 'gbk-big.csv', gbk);
    expect(r.mem.info).toMatchObject({ status: 'ok', encoding: 'gb18030', encoding_method: 'only_strict' });
    expect(r.given).toHaveLength(3000);
    const gz = await same(dir, 'gbk-big.csv.gz', gzipSync(gbk));
    expect(gz.given.map((u) => u.text)).toEqual(r.given.map((u) => u.text));
    const big5 = iconv.encode(JSON.stringify(Array.from({ length: 400 }, (_, i) => ({ title: `第${i + 1}篇`, text: '堅持以人民為中心的發展思想，推動高品質發展。'.repeat(3) }))), 'big5');
    const b = await same(dir, 'big5.json', big5);
    expect(b.mem.info).toMatchObject({ status: 'ok', encoding: 'big5' });
    expect(b.given).toHaveLength(400);
    // Streamed, the raw-file limit does not apply: a limit below the file's size still reads it.
    const abs = path.join(dir, 'gbk-big.csv');
    const given: ExtractRecord[] = [];
    const small = await extractPath({ path: 'gbk-big.csv', abs, bytes: gbk.length, sha256: sha256Hex(gbk) }, { ...EXTRACT_DEFAULTS, maxFileBytes: 1 << 20 }, (u) => { given.push(u); });
    expect(small.info).toEqual(r.streamed.info);
    expect(given).toEqual(r.given);
  });

  it('broken mid-way: a CSV quote never closed keeps the rows before it; broken JSON or gzip hands nothing on; the run goes on', async () => {
    const dir = await tempDir('jw-rec-');
    const rows = ['title,text', ...Array.from({ length: 400 }, (_, i) => `标题${i + 1},${para(i + 1)}`), '坏的,"没有结束的引号', ...Array.from({ length: 50 }, (_, i) => `后面${i},${para(i)}`)];
    const csv = await same(dir, 'unclosed.csv', Buffer.from(rows.join('\n')));
    expect(csv.mem.info).toMatchObject({ status: 'ok', detail: '400 of 400 records used (columns text=text, title=title); corrupt_records: read up to row 400, then cannot parse the CSV: Quote Not Closed: the parsing is finished with an opening quote at line 452' });
    const items = JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ text: para(i + 1) })));
    const cut = await same(dir, 'cut.json', Buffer.from(items.slice(0, items.length - 1000)));
    expect(cut.mem.info).toMatchObject({ status: 'rejected', reason: 'corrupt_records' });
    expect(cut.mem.info.detail).toMatch(/^not JSON: /);
    expect(cut.given).toEqual([]);
    const gz = gzipSync(Buffer.from(items));
    const trunc = await same(dir, 'cut.json.gz', gz.subarray(0, gz.length >> 1));
    expect(trunc.mem.info).toMatchObject({ status: 'rejected', reason: 'corrupt_records', detail: 'cannot gunzip: unexpected end of file' });
    // Not what the name says: read whole by its signature, as before.
    const png = await same(dir, 'image.json', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]));
    expect(png.mem.info).toMatchObject({ status: 'rejected', reason: 'binary' });
    // GBK (not UTF-8): read whole, within the limit; over it, too_large.
    const abs = path.join(dir, 'gbk.csv');
    writeFileSync(abs, iconv.encode('标题,正文\n学习心得,通过这次集中学习，我深刻认识到理论武装的重要性。\n', 'gbk'));
    const g = await both(abs, 'gbk.csv');
    expect(g.streamed.info).toMatchObject({ status: 'ok', encoding: 'gb18030' });
    expect(g.given).toEqual(g.mem.units);
    const small = await extractPath({ path: 'gbk.csv', abs, bytes: statSync(abs).size, sha256: '0'.repeat(64) }, { ...EXTRACT_DEFAULTS, maxFileBytes: 10 });
    expect(small.info).toMatchObject({ status: 'rejected', reason: 'too_large' });
  });
});
