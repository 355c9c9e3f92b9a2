import { describe, expect, it } from 'vitest';
import { countWords, splitSentences, words } from '../../pipeline/lib/text.js';

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
