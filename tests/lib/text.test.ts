import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { countCodePoints, countSentences, countWords, isSpaceUnit, splitSentences, words } from '../../pipeline/lib/text.js';

describe('splitSentences', () => {
  it.each([
    ['一句。两句！三句？', ['一句。', '两句！', '三句？']],
    ['分号也断；后半句。', ['分号也断；', '后半句。']],
    ['他说：“好。”然后走了。', ['他说：“好。”', '然后走了。']],
    ['“时时放心不下”，重在时时。', ['“时时放心不下”，重在时时。']],
    ['真的吗？！是的……我知道了', ['真的吗？！', '是的……', '我知道了']],
    ['增长3.5%，会议于10:03开始。', ['增长3.5%，会议于10:03开始。']],
    ['英文标点也算! 还有问号? 好', ['英文标点也算!', '还有问号?', '好']],
    ['省略号...之后', ['省略号...', '之后']],
    ['1.担当是一种责任。2.担当是一种能力。', ['1.担当是一种责任。', '2.担当是一种能力。']],
    ['（选择性举例）举例。（翻页）', ['（选择性举例）举例。', '（翻页）']], // an annotation after the full stop is a piece of its own
    ['没有标点的标题', ['没有标点的标题']],
    ['', []],
  ])('%j', (p, sentences) => {
    expect(splitSentences(p)).toEqual(sentences);
  });
});

describe('countWords (jieba, HMM off)', () => {
  // Hand-checked: each output below was read and judged correct (or noted) by the author of the module.
  it.each([
    ['全心全意为人民服务是我们党的宗旨。', ['全心全意', '为', '人民', '服务', '是', '我们', '党', '的', '宗旨']],
    ['今年是脱贫攻坚战“收官之年”', ['今年', '是', '脱贫', '攻坚战', '收官', '之', '年']],
    ['结算部自动付款系统操作员', ['结算', '部', '自动', '付款', '系统', '操作员']],
    ['会议于10:03开始，增长3.5%', ['会议', '于', '10:03', '开始', '增长', '3.5']],
    ['为人民服务(wù)', ['为', '人民', '服务', 'wù']],
    ['学习 the new guidance 文件', ['学习', 'the', 'new', 'guidance', '文件']],
  ])('%s', (text, ws) => {
    expect(words(text)).toEqual(ws);
    expect(countWords(text)).toBe(ws.length);
  });

  it('punctuation and spaces are not words', () => {
    expect(countWords('，。！？　“”  ')).toBe(0);
  });

  it('agrees better than Intl.Segmenter with a hand segmentation of seed sentences', () => {
    const gold = [
      '习近平|总书记|强调|各级|领导|干部|在|工作|中|要|有|时时|放心不下|的|责任感',
      '今年|是|脱贫|攻坚战|收官|之|年|越是|接近|胜利|越|要|一鼓作气',
      '我国|是|一个|有着|14亿|多|人口|的|大国|防范|化解|重大|疫情|和|重大|突发|公共|卫生|风险',
      '疫情|防控|工作|正|处在|逆水行舟|不进则退|的|关键|时期',
    ];
    const seg = new Intl.Segmenter('zh', { granularity: 'word' });
    const spans = (ws: string[]) => { let a = 0; return new Set(ws.map((w) => `${a}:${(a += w.length)}`)); };
    const agree = (cut: (s: string) => string[]) => gold.reduce((n, g) => {
      const G = spans(g.split('|'));
      return n + [...spans(cut(g.replaceAll('|', '')))].filter((s) => G.has(s)).length;
    }, 0);
    const jieba = agree((s) => words(s));
    const icu = agree((s) => [...seg.segment(s)].filter((x) => x.isWordLike).map((x) => x.segment));
    expect(jieba).toBeGreaterThan(icu);
  });
});

describe('counting without building lists (issue 9)', () => {
  const piece = fc.constantFrom('中', '𠀀', 'a', '1', '.', '。', '！', '?', '…', '”', '）', ' ', '\u3000', '\n', '\ud800', '\udc00', '3.5', 'wù');
  const text = fc.array(piece, { maxLength: 30 }).map((xs) => xs.join(''));
  it('countSentences = splitSentences().length', () => {
    fc.assert(fc.property(text, (s) => { expect(countSentences(s)).toBe(splitSentences(s).length); }), { seed: 5, numRuns: 3000 });
  });
  it('countCodePoints = [...s].length (a lone surrogate is one)', () => {
    fc.assert(fc.property(text, (s) => { expect(countCodePoints(s)).toBe([...s].length); }), { seed: 6, numRuns: 3000 });
  });
  it('countWords = words().length', () => {
    fc.assert(fc.property(text, (s) => { expect(countWords(s)).toBe(words(s).length); }), { seed: 7, numRuns: 300 });
  });
  it('isSpaceUnit is /\\s/u (and trim) on every UTF-16 unit', () => {
    for (let c = 0; c < 0x10000; c++) {
      const ch = String.fromCharCode(c);
      expect(isSpaceUnit(c), c.toString(16)).toBe(/\s/u.test(ch));
      expect(isSpaceUnit(c), c.toString(16)).toBe(ch.trim() === '');
    }
  });
  it('a text of 300,000 words (words() used to overflow the stack spreading them)', () => {
    expect(countWords('我们'.repeat(300_000))).toBe(300_000);
    expect(words('我们'.repeat(300_000))).toHaveLength(300_000);
  });
});

describe('word and sentence scans by code unit give what the regex versions gave (issue 9)', () => {
  // The implementation before the class tables, kept as the reference.
  const jieba = Jieba.withDict(dict);
  const WORDLIKE = /[\p{L}\p{N}]/u;
  const WHOLE = /[0-9０-９]+(?:[.．:：,][0-9０-９]+)*|\p{Script=Latin}+(?:['’-]\p{Script=Latin}+)*/gu;
  const regexWords = (text: string): string[] => {
    const out: string[] = [];
    const cut = (s: string) => { for (const w of jieba.cut(s, false)) if (WORDLIKE.test(w)) out.push(w); };
    let at = 0;
    for (const m of text.matchAll(WHOLE)) { cut(text.slice(at, m.index)); out.push(m[0]); at = m.index + m[0].length; }
    cut(text.slice(at));
    return out;
  };
  const TERMINAL = new Set(['。', '！', '？', '；', '!', '?', ';']);
  const CLOSER = new Set(['”', '’', '"', "'", '」', '』', '）', ')', ']', '】', '》', '〉']);
  const regexSentences = (p: string): string[] => {
    const out: string[] = [];
    let start = 0;
    let i = 0;
    const keep = (from: number, to: number) => { const t = p.slice(from, to).trim(); if (t) out.push(t); };
    while (i < p.length) {
      const c = p[i]!;
      const ellipsis = c === '…' || (c === '.' && p[i + 1] === '.' && p[i + 2] === '.');
      if (!TERMINAL.has(c) && !ellipsis) { i++; continue; }
      while (i < p.length && (TERMINAL.has(p[i]!) || p[i] === '…' || (ellipsis && p[i] === '.'))) i++;
      while (i < p.length && CLOSER.has(p[i]!)) i++;
      keep(start, i);
      start = i;
    }
    keep(start, p.length);
    return out;
  };
  // Han (BMP and astral), numbers and their separators in both widths, Latin with diacritics, full-width and
  // astral Latin (U+1DF00), joiners, other letters and digits (Greek, kana, Hangul, ①, Ⅻ, ٣), marks, spaces,
  // lone surrogates, jieba's block characters (+#&._%-) and the sentence marks.
  const piece = fc.constantFrom(
    '中华人民共和国', '我们', '工作', '的', '𠀀', '𪚥', '3', '3.5', '１２', '．', '：', ':', ',', '.', '10:03', '1,200', 'a', 'wù', 'Ａｂ',
    '\u{1DF00}', "'", '’', '-', 'é', 'ǜ', 'ß', 'α', 'Ω', 'の', '한', '①', 'Ⅻ', '٣', '\u0301', '+', '#', '&', '_', '%', '…', '...',
    '。', '！', '？', '；', '!', '?', ';', '”', '）', '」', ' ', '\u3000', '\n', '\r\n', '\t', '\ud800', '\udc00', '\ufffd', '©', '∑',
  );
  const text = fc.array(piece, { maxLength: 40 }).map((xs) => xs.join(''));
  it('words() and countWords()', () => {
    fc.assert(fc.property(text, (s) => {
      const ref = regexWords(s);
      expect(words(s)).toEqual(ref);
      expect(countWords(s)).toBe(ref.length);
    }), { seed: 11, numRuns: 5000 });
  });
  it('splitSentences() and countSentences()', () => {
    fc.assert(fc.property(text, (s) => {
      const ref = regexSentences(s);
      expect(splitSentences(s)).toEqual(ref);
      expect(countSentences(s)).toBe(ref.length);
    }), { seed: 12, numRuns: 5000 });
  });
  it.each([
    ['第3.5节wù-ù', ['第', '3.5', '节', 'wù-ù']],
    ['a-', ['a']],
    ['1.', ['1']],
    ['１．５倍', ['１．５', '倍']],
    ['αβ①', ['α', 'β', '①']],
  ])('%j', (s, ws) => expect(words(s)).toEqual(ws));
});
