import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { findPII } from '../../pipeline/lib/pii.js';
import { countChars } from '../../pipeline/lib/stage.js';
import { PII_RULES, PLACEHOLDER } from '../../pipeline/rules/pii.js';
import { cleanText } from '../fixtures/clean/make-doc.js';

// The shortest value each rule accepts must not be shorter than its placeholder, so a replacement never
// lengthens the text and every Removal's chars (value − placeholder) stays ≥ 0.
describe('placeholders are never longer than the shortest value', () => {
  it.each([
    ['pii_url', 'abcd://e', 'abcd://e'],
    ['pii_url', 'www.a', 'www.a'],
    ['pii_email', 'a@bc.cn', 'a@bc.cn'],
    ['pii_id_card', '11010519491231002X', '11010519491231002X'],
    ['pii_mobile', '13912345678', '13912345678'],
    ['pii_landline', '0101234567', '0101234567'],
    ['pii_service_number', '400-123-4567', '400-123-4567'],
    ['pii_phone_labelled', '电话1234567', '1234567'],
    ['pii_qq_group', '群号12345', '12345'],
    ['pii_qq', 'QQ12345', '12345'],
    ['pii_wechat', '微信abcdef', '微信abcdef'],
    ['pii_ipv4', '1.1.1.1', '1.1.1.1'],
    ['pii_ipv6', '1:2::3', '1:2::3'],
    ['pii_email_obfuscated', 'abc#b.cn', 'abc#b.cn'],
    ['pii_id_card_15', '110105491231002', '110105491231002'],
    ['pii_bank_card', '4111111111111111', '4111111111111111'],
    ['pii_licence_plate', '京A12345', '京A12345'],
    ['pii_address', '幸福路12号', '幸福路12号'],
    ['pii_wechat', 'wx123456', 'wx123456'],
  ])('%s: %s', (rule, text, value) => {
    const m = findPII(text).find((x) => x.rule === rule)!;
    expect(text.slice(m.start, m.end)).toBe(value);
    expect(countChars(value)).toBeGreaterThanOrEqual(countChars(PLACEHOLDER[PII_RULES.find((r) => r.rule === rule)!.kind]));
  });
  it('rejects a 6-character address (shorter than <EMAIL>)', () => expect(findPII('a@b.cn')).toEqual([]));
});

describe('contact lines go whole, sentences keep their words', () => {
  it.each([
    ['联系电话：010-12345678', ''],
    ['QQ群：123456789', ''],
    ['联系人：张某  手机：13912345678', ''],
    ['邮箱：zhang@example.com | 微信：zhang_san88', ''],
    ['网址：https://www.example.cn', ''],
    ['身份证号：11010519491231002X', ''],
    ['如有问题请致电010-12345678咨询办公室。', '如有问题请致电<PHONE>咨询办公室。'],
    ['请把心得体会发到zhang@example.com，周五前交齐。', '请把心得体会发到<EMAIL>，周五前交齐。'],
  ])('%s → %s', (line, out) => expect(cleanText(line)).toBe(out));
});

// findPII skips a rule on a text that fails the rule's `needs`: that must never skip a match.
describe('every match of a rule passes its `needs` test', () => {
  const piece = fc.constantFrom(
    '中', '电话', '手机', 'Tel', 'fax', '群', 'QQ', 'qq', '扣扣', '微信', 'wx', 'V信', '号', '：', ':', ' ', '-', '－', '(', '（', '）', '转',
    '0', '1', '3', '4', '8', '9', '00', '138', '0371', '1234', '5678', '400', '86', '+', 'X', '.', '::', 'a', 'f', 'www.', 'http://', 'ſ', 'K',
    '@', '＠', 'b.com', 'abc_12', '19491231', '110105', '11010519491231002X', '400-123-', '192.168.', '2001:db8', '<PHONE>',
    // issue 23's forms: separators, numerals, plates, addresses, the dodging labels
    '.', '·', '_', '/', '  ', '一', '三', '九', '〇', '１', '３', '京', 'A', 'D', '路', '号', '栋', '区', '幸福', '企鹅', '威信', '加V', 'V号',
    '#', '(at)', '[dot]', '6222', '4111', '0571', '8765', '例子.', '中国', '张三', '491231', '002',
  );
  it.each(PII_RULES.map((r) => [r.rule, r] as const))('%s', (_rule, r) => {
    fc.assert(fc.property(fc.array(piece, { maxLength: 24 }).map((xs) => xs.join('')), (s) => {
      for (const m of s.matchAll(new RegExp(r.re.source, r.re.flags))) expect(r.needs.test(m[0])).toBe(true);
    }), { seed: 17, numRuns: 4000 });
  });
});
