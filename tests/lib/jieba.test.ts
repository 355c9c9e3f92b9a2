import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { cut, loadTrie, writeTrie } from '../../pipeline/lib/jieba.js';

// The reference: the binding this module stands in for. It cuts UTF-8, where a lone surrogate is U+FFFD.
const binding = Jieba.withDict(dict);
const reference = (s: string) => binding.cut(s, false);
const ours = (s: string) => cut(s).map((w) => w.replace(/[\ud800-\udfff]/gu, '\ufffd'));

describe('cut: the tokens of @node-rs/jieba (exact mode, HMM off)', () => {
  it.each([
    ['我们中出了一个叛徒', ['我们', '中', '出', '了', '一个', '叛徒']],
    ['全心全意为人民服务是我们党的宗旨。', ['全心全意', '为', '人民', '服务', '是', '我们', '党', '的', '宗旨', '。']],
    ['ab1中国人民银行x', ['ab1', '中国人民银行', 'x']], // single ASCII letters and digits on the route join
    ['a-b c', ['a', '-', 'b', ' ', 'c']], // `-` is in a block but not a letter: the run breaks there
    ['C++和C#', ['C++', '和', 'C#']], // dictionary words with block punctuation
    ['中国\r\n人民 银行\t', ['中国', '\r\n', '人民', ' ', '银行', '\t']], // between blocks, \r\n is one token
    ['𠀀𠀁中国', ['𠀀', '𠀁', '中国']], // astral Han: in a block, unknown, one token each
    ['豈中國', ['豈', '中', '國']], // a compatibility ideograph (U+F900) is in a block
    ['ｱ中国ー', ['ｱ', '中国', 'ー']], // half-width kana and the long mark are outside blocks
    ['', []],
  ])('%j', (s, tokens) => {
    expect(ours(s)).toEqual(tokens);
    expect(reference(s)).toEqual(tokens);
  });

  // Dictionary words and their pieces (so that routes compete), block and non-block characters of every kind,
  // astral and compatibility Han, surrogates alone, white space and line ends.
  const piece = fc.constantFrom(
    '中华人民共和国', '中华', '人民', '共和国', '和国', '我们', '工作', '的', '是', '不', '一个', '研究生命', '起源', '南京市长江大桥',
    '结婚的和尚未结婚的', '乒乓球拍卖完了', '工信处女干事', '𠀀', '𪚥', '豈', '㐀', 'a', 'Z', '7', 'AA制', '4S店', 'C++', '+', '#', '&', '.', '_',
    '%', '-', '，', '。', '“', '”', '（', '）', ' ', '\u3000', '\t', '\r', '\n', '\r\n', '\u00a0', '\ud800', '\udc00', '\ufffd',
    'é', 'wù', 'の', '한', 'α', '①', '３', 'ｱ', '©', '∑', '🙂',
  );
  it('equals the binding on generated text', () => {
    fc.assert(fc.property(fc.array(piece, { maxLength: 50 }).map((xs) => xs.join('')), (s) => {
      expect(ours(s)).toEqual(reference(s));
    }), { seed: 21, numRuns: 5000 });
  });

  // Real text: the seed documents in raw/, the CPython codec test texts, and OpenCC's US Constitution in
  // Simplified and four Traditional variants.
  const root = path.resolve(__dirname, '../..');
  const texts = [
    ...readdirSync(path.join(root, 'raw')).filter((f) => f.endsWith('.txt')).map((f) => path.join(root, 'raw', f)),
    ...readdirSync(path.join(root, 'tests/fixtures/encodings')).filter((f) => f.endsWith('-utf8.txt')).map((f) => path.join(root, 'tests/fixtures/encodings', f)),
    ...readdirSync(path.join(root, 'tests/fixtures/normalize/opencc')).filter((f) => f.endsWith('.txt')).map((f) => path.join(root, 'tests/fixtures/normalize/opencc', f)),
  ];
  it('equals the binding on real text, line by line', () => {
    let tokens = 0;
    for (const file of texts) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const want = reference(line);
        tokens += want.length;
        expect(ours(line), `${path.relative(root, file)}: ${line}`).toEqual(want);
      }
    }
    expect(tokens).toBeGreaterThan(40_000);
  });

  it('a long text: one route over 300,000 characters', () => {
    const s = '我们'.repeat(100_000) + '研究生命起源'.repeat(10_000) + '工作';
    expect(ours(s)).toEqual(reference(s));
  });
});

describe('the trie file (make build writes it; every thread loads it instead of building the trie)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'jieba-trie-'));
  const file = path.join(dir, 'jieba.trie');
  writeTrie(file);
  const bytes = readFileSync(file);

  it('is the same bytes every time it is written', () => {
    writeTrie(file);
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });

  it('loads, and the loaded trie cuts as the binding does', () => {
    expect(loadTrie(file)).toBe(true);
    const text = readFileSync(path.resolve(__dirname, '../../raw', readdirSync(path.resolve(__dirname, '../../raw')).find((f) => f.endsWith('.txt'))!), 'utf8');
    for (const line of text.split('\n').slice(0, 400)) expect(ours(line)).toEqual(reference(line));
    for (const s of ['结婚的和尚未结婚的', '南京市长江大桥', 'AA制和4S店', '𠀀𪚥豈中國']) expect(ours(s)).toEqual(reference(s));
  });

  it.each([
    ['absent', () => path.join(dir, 'none.trie')],
    ['built from another dict.txt (its sha256 differs)', () => { const b = Buffer.from(bytes); b[16] = b[16]! ^ 1; return save(b); }],
    ['cut short', () => save(bytes.subarray(0, bytes.length - 2))],
    ['not a trie file', () => save(Buffer.from('dict.txt\n'))],
  ])('is refused when %s', (_n, make) => {
    expect(loadTrie(make())).toBe(false);
  });
  let k = 0;
  function save(b: Buffer): string {
    const f = path.join(dir, `bad-${k++}.trie`);
    writeFileSync(f, b);
    return f;
  }
});
