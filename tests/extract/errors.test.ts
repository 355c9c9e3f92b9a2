/**
 * An exception a library throws on bad input rejects that one file as `extract_error`; it never stops the run.
 * Readability is wrapped so that it throws what it would on a page it cannot handle (its own errors other than
 * "Aborting parsing document" are rethrown by html.ts), and the production extractFile is called unchanged.
 */
import { describe, expect, it, vi } from 'vitest';
import { createRequire } from 'node:module';
import JSZip from 'jszip';
import { extractFile } from '../../pipeline/stages/extract.js';

// html.ts loads Readability with `require` on first use (lib/lazy.ts): the same module object is patched here.
const trap = { message: null as string | null };
const { Readability } = createRequire(import.meta.url)('@mozilla/readability') as typeof import('@mozilla/readability');
const parse = Readability.prototype.parse;
vi.spyOn(Readability.prototype, 'parse').mockImplementation(function (this: InstanceType<typeof Readability>) {
  if (trap.message !== null) throw new TypeError(trap.message);
  return parse.call(this);
});

const page = (body: string) => new TextEncoder().encode(`<html><head><title>某市工作会议讲话</title></head><body><article><p>${body}</p></article></body></html>`);
const BODY = '同志们：今天我们召开全市工作会议，主要任务是总结去年工作，部署今年任务。'.repeat(4);

describe('an extractor that throws rejects the file, the run goes on', () => {
  it.each([
    ['one-line message', "Cannot read properties of null (reading 'tagName')", "TypeError: Cannot read properties of null (reading 'tagName')"],
    ['only the first line of a multi-line message', 'bad node\n<p>同志们：今天我们召开</p>', 'TypeError: bad node'],
  ])('%s', async (_name, message, detail) => {
    trap.message = message;
    try {
      const r = await extractFile({ path: 'speech.html', bytes: page(BODY) });
      expect(r.info).toMatchObject({ path: 'speech.html', format: 'html', status: 'rejected', reason: 'extract_error', detail });
      expect(r.units).toEqual([]);
      expect(r.info.detail).not.toContain('同志们');
    } finally {
      trap.message = null;
    }
  });

  it('the same page extracts when Readability does not throw', async () => {
    const r = await extractFile({ path: 'speech.html', bytes: page(BODY) });
    expect([r.info.status, r.units.length]).toEqual(['ok', 1]);
  });

  it('inside an archive only the throwing member is skipped, noted as extract_error', async () => {
    const z = new JSZip();
    z.file('讲话.html', page(BODY));
    z.file('说明.txt', '压缩包里的纯文本说明。');
    trap.message = 'bad node';
    try {
      const r = await extractFile({ path: 'pack.zip', bytes: await z.generateAsync({ type: 'uint8array' }) });
      expect(r.info).toMatchObject({ status: 'ok', format: 'zip', detail: '1 documents from 2 members; not used: 讲话.html: extract_error (TypeError: bad node)' });
      expect(r.units.map((u) => u.source_member)).toEqual(['说明.txt']);
    } finally {
      trap.message = null;
    }
  });
});
