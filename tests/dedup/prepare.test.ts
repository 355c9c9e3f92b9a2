import { describe, expect, it } from 'vitest';
import { banding, checkPrepared, indexSizes, prepareDoc, unpackPrepared } from '../../pipeline/dedup/prepare.js';
import { bandKeys, canonicalText, codePoints, ophSignature, shingleHashesOf } from '../../pipeline/lib/minhash.js';
import { DEDUPE_DEFAULTS } from '../../pipeline/stages/dedupe.js';
import type { Doc } from '../../pipeline/lib/types.js';
import { essays000, makeDoc } from '../fixtures/dedupe/seeds.js';

const many = Array.from({ length: 3000 }, (_, i) => `第${i}段：各级领导干部要有时时放心不下的责任感。编号${i * 7919}`);

describe('prepared values: packed and read back', () => {
  it.each<[string, () => Doc, { member: string; removed: number[]; paras: number; sizes: number }]>([
    ['an essay with a truncated first paragraph', () => essays000()[3]!, { member: '', removed: [1], paras: 5, sizes: 1 }],
    ['an empty canonical body', () => makeDoc('e.txt', 2, null, ['……', '——']), { member: '', removed: [], paras: 0, sizes: 0 }],
    ['an archive member, non-BMP file name, a short text (both shingle sizes)', () => ({ ...makeDoc('档案/𠀀表.zip', 7, null, ['各级领导干部要有时时放心不下的责任感'.repeat(6)]), source_member: 'a/b.docx' }), { member: 'a/b.docx', removed: [], paras: 1, sizes: 2 }],
    ['3,000 paragraphs (more units than one fromCharCode call)', () => makeDoc('m.txt', 1, null, many), { member: '', removed: [], paras: 3000, sizes: 1 }],
  ])('%s', (_n, make, want) => {
    const doc = make();
    const p = prepareDoc(doc, DEDUPE_DEFAULTS);
    expect(() => checkPrepared(p, DEDUPE_DEFAULTS)).not.toThrow();
    const f = unpackPrepared(p);
    const gone = new Set(want.removed.map((v) => v >> 1));
    const cps = codePoints(canonicalText(doc.paragraphs.filter((_, i) => !gone.has(i)).join('')));
    expect([f.id, f.file, f.member, f.segment, f.len, f.removed, f.para.length / 2]).toEqual([doc.id, doc.source_file, want.member, doc.segment, cps.length, want.removed, want.paras]);
    const { bands, rows } = banding(DEDUPE_DEFAULTS);
    const sizes = indexSizes(cps.length, DEDUPE_DEFAULTS);
    expect(sizes).toHaveLength(want.sizes);
    expect([...f.keys]).toEqual(sizes.flatMap((n) => [...bandKeys(ophSignature(shingleHashesOf(cps, n), 256, DEDUPE_DEFAULTS.seed), bands, rows)]));
    expect(f.exact).toMatch(cps.length === 0 ? /^$/ : /^[0-9a-f]{32}$/);
  });
});
