import { describe, expect, it } from 'vitest';
import { runGlobalInMemory } from '../../pipeline/lib/stage.js';
import { dedupe, DEDUPE_DEFAULTS } from '../../pipeline/stages/dedupe.js';
import { essays000 } from '../fixtures/dedupe/seeds.js';
import { createHash } from 'node:crypto';
import { canonicalText } from '../../pipeline/lib/minhash.js';

const A = '欢迎访问某某公文网，转载须保留出处，谢谢合作支持！';
const B = '本站所有文章仅供学习交流使用，请勿用于商业用途。';

/** The first `files.length` essays, the i-th in file files[i] with the extra paragraphs extras[i] appended. */
function docs(files: string[], extras: string[][]) {
  return essays000().slice(0, files.length).map((d, i) => ({ ...d, source_file: files[i]!, paragraphs: [...d.paragraphs, ...extras[i]!] }));
}

describe('dedupe: boilerplate candidates', () => {
  it.each([
    ['three documents from two files', ['a', 'a', 'b'], [[A], [A], [A]], {}, [[A, 3, 2]]],
    ['three documents from one file: not a banner', ['a', 'a', 'a'], [[A], [A], [A]], {}, []],
    ['two documents only', ['a', 'b', 'c'], [[A], [A], []], {}, []],
    ['more documents first, then more files', ['a', 'b', 'c', 'c'], [[A, B], [A, B], [A, B], [B]], {}, [[B, 4, 3], [A, 3, 3]]],
    ['at most boilerplateMaxRows rows', ['a', 'b', 'c', 'c'], [[A, B], [A, B], [A, B], [B]], { boilerplateMaxRows: 1 }, [[B, 4, 3]]],
    ['the excerpt is taken where the paragraph first recurs (the second document)', ['a', 'b', 'c'], [[A.replace('！', '!')], [A], [A.replace('，', ',')]], {}, [[A, 3, 3]]],
  ] as const)('%s', async (_n, files, extras, cfg, want) => {
    const input = docs([...files], extras.map((e) => [...e]));
    const { plan } = await runGlobalInMemory(dedupe, input, { ...DEDUPE_DEFAULTS, ...cfg });
    const rows = plan.reports['boilerplate_candidates']!;
    expect(rows.map((r) => [r['excerpt'], r['docs'], r['source_files']])).toEqual(want);
    for (const r of rows) expect(r['hash']).toMatch(/^[0-9a-f]{16}$/);
  });

  /** The report's hash of a paragraph: the first 64 bits of sha256 of its canonical form. */
  const sha = (p: string) => createHash('sha256').update(canonicalText(p)).digest('hex').slice(0, 16);

  it('reports each paragraph under the sha256 of its canonical form, and breaks ties by it at the row limit', async () => {
    const banners = ['第一条：本网站内容来源于网络，如有侵权请联系删除。', '第二条：欢迎关注本站公众号，获取更多学习资料。',
      '第三条：本文仅代表作者个人观点，与本站立场无关。', '第四条：未经授权，禁止转载本站任何原创内容。'];
    const input = docs(['a', 'b', 'c'], [banners, banners, banners]);
    const all = (await runGlobalInMemory(dedupe, input)).plan.reports['boilerplate_candidates']!;
    const want = banners.map((b) => ({ hash: sha(b), excerpt: b })).sort((x, y) => (x.hash < y.hash ? -1 : 1));
    expect(all.map((r) => ({ hash: r['hash'], excerpt: r['excerpt'] }))).toEqual(want);
    // Four rows tied on documents and files: the limit keeps the two first by hash.
    const two = (await runGlobalInMemory(dedupe, input, { ...DEDUPE_DEFAULTS, boilerplateMaxRows: 2 })).plan.reports['boilerplate_candidates']!;
    expect(two.map((r) => r['hash'])).toEqual(want.slice(0, 2).map((w) => w.hash));
  });
});
