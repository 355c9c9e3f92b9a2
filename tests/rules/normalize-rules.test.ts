/** The normalize rule tables on their own: what each pattern matches and what it must leave alone. */
import { describe, expect, it } from 'vitest';
import { MASK_RULES, MASK_TOKEN } from '../../pipeline/rules/normalize-masks.js';
import { ENTITY, HTML_RULES, PINYIN_ANNOTATION, PINYIN_SYLLABLE_SHAPE } from '../../pipeline/rules/normalize-damage.js';
import { FULLWIDTH_ALNUM, HAN_PAREN_GROUP } from '../../pipeline/rules/normalize-punctuation.js';
import { INVISIBLE, SPACE_RUN } from '../../pipeline/rules/normalize-invisible.js';
import { countChars } from '../../pipeline/lib/stage.js';

const matches = (re: RegExp, s: string) => [...s.matchAll(new RegExp(re.source, re.flags))].map((m) => m[0]);
const anyMask = (s: string) => MASK_RULES.flatMap((r) => matches(r.pattern, s));

describe('normalize-masks', () => {
  it('the token is one code point that countChars counts once', () => {
    expect([...MASK_TOKEN]).toHaveLength(1);
    expect(countChars(MASK_TOKEN)).toBe(1);
  });
  it.each([
    ['在**右玉，历届班子', ['**']],
    ['全省有***个市', ['***']],
    ['(1)**，做到信念过硬', ['**']],
    ['建成县级三级综合医院*所', ['*']],
    ['ＸＸ'.normalize('NFKC') + '同志', ['XX']],
    ['20XX年', ['XX']],
    ['xx市委', ['xx']],
    ['××县委书记', ['××']],
    ['○○同志', ['○○']],
    ['率达＊＊%', ['＊＊']],
  ])('masks %s', (s, want) => {
    expect(anyMask(s)).toEqual(want);
  });
  it.each([
    ['a**b'], ['**kwargs'], ['/** comment */'], ['观点*。'], ['数据*'], ['3*4=12'], ['XXL码'], ['maxx'],
    ['Super Bowl XX和'], ['3×4'], ['二○○八年'], ['二〇〇八年'], ['COVID-19'],
  ])('leaves %s alone', (s) => {
    expect(anyMask(s)).toEqual([]);
  });
});

describe('normalize-damage', () => {
  it.each([
    ['服務(wù)', '務', '(wù)'],
    ['責(zé)(zé)任', '責', '(zé)(zé)'],
    ['發（fā）展', '發', '（fā）'],
  ])('PINYIN_ANNOTATION finds %s', (s, ch, br) => {
    const m = [...s.matchAll(PINYIN_ANNOTATION)][0]!;
    expect([m[1], m[2]]).toEqual([ch, br]);
  });
  it.each([['(who)'], ['COVID(19)'], ['服务 (wù)'], ['人工智能(Artificial)']])('PINYIN_ANNOTATION ignores %s', (s) => {
    // `他说(who)` and `天空实验室(skylab)` do match the shape; the reading check in the stage rejects them.
    expect([...s.matchAll(PINYIN_ANNOTATION)]).toEqual([]);
  });
  it.each([['shu', true], ['zhuang', true], ['lü', true], ['who', false], ['skylab', false], ['xyz', false]])(
    'syllable shape %s → %s', (s, ok) => { expect(PINYIN_SYLLABLE_SHAPE.test(s)).toBe(ok); });
  it.each([
    ['文字</p>', ['</p>']],
    ['<br/>换行<br >', ['<br/>', '<br >']],
    ['<span style="color:red">红</span>', ['<span style="color:red">', '</span>']],
    ['<!-- 模板 -->正文', ['<!-- 模板 -->']],
    ['參考?!?/p>', ['?!?/p>']],
  ])('HTML_RULES remove %s', (s, want) => {
    expect(HTML_RULES.flatMap((r) => matches(r.pattern, s)).sort()).toEqual([...want].sort());
  });
  it.each([['<<三国演义>>'], ['a<b且c>d'], ['比例<5%']])('HTML_RULES keep %s', (s) => {
    expect(HTML_RULES.flatMap((r) => matches(r.pattern, s))).toEqual([]);
  });
  it.each([['&nbsp;'], ['&amp;'], ['&#12289;'], ['&#x3001;'], ['&ldquo;'], ['&nbsp']])('ENTITY matches %s', (s) => {
    expect(matches(ENTITY, s)).toEqual([s]);
  });
  it.each([['AT&T'], ['&'], ['a & b']])('ENTITY ignores %s', (s) => {
    expect(matches(ENTITY, s)).toEqual([]);
  });
});

describe('normalize-punctuation', () => {
  it('full-width letters and digits only', () => {
    expect(matches(FULLWIDTH_ALNUM, '２０２０ＡＢｃ，！（')).toEqual(['２', '０', '２', '０', 'Ａ', 'Ｂ', 'ｃ']);
  });
  it.each([['(一)', ['(一)']], ['(选择性举例)', ['(选择性举例)']], ['(1)', []], ['(skylab)', []], ['(zhāo)', []]])(
    'HAN_PAREN_GROUP on %s', (s, want) => { expect(matches(HAN_PAREN_GROUP, s)).toEqual(want); });
});

describe('normalize-invisible', () => {
  it('space-like characters are all \\s (no ledger effect)', () => {
    const s = '\t\u00a0\u1680\u2000\u2005\u200a\u2028\u2029\u202f\u205f\u3000';
    expect(matches(SPACE_RUN, s).join('')).toBe(s);
    expect(countChars(s)).toBe(0);
  });
  it.each([
    ['\u200b', 'invisible_char'], ['\u200d', 'invisible_char'], ['\u00ad', 'invisible_char'], ['\ufffc', 'invisible_char'],
    ['\ufeff', 'bom'], ['\u0007', 'control_char'], ['\u0084', 'control_char'], ['\ufffd', 'replacement_char'],
  ])('%j is removed as %s', (c, rule) => {
    expect(INVISIBLE.filter((r) => new RegExp(r.pattern.source, 'u').test(c)).map((r) => r.rule)).toEqual([rule]);
  });
  // normalize's step 1 answers "anything to rewrite?" from a table of BMP units read off these patterns
  // (stages/normalize.ts, STEP1_UNIT): that is exact only while each pattern matches one BMP character.
  it.each([FULLWIDTH_ALNUM, ...INVISIBLE.map((r) => r.pattern)].map((p) => [p.source]))('%s matches one BMP character at a time', (source) => {
    expect(source).toMatch(/^(?:\[(?:[^\]\\]|\\u[0-9a-fA-F]{4})+\]|\\u[0-9a-fA-F]{4})$/);
  });
});
