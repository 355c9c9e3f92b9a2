import { describe, expect, it } from 'vitest';
import { DATE, ORG_SUFFIX, SITE_IN_NOTICE, URL_DATE } from '../../pipeline/rules/metadata.js';
import { parseMetaLine } from '../../pipeline/stages/clean.js';

describe('parseMetaLine: lines made of key：value pairs', () => {
  it.each([
    ['来源：某某网', [['来源', '某某网']]],
    ['作者单位：中共某某县委办公室', [['作者单位', '中共某某县委办公室']]],
    ['来源：某某日报  作者：张某  发布时间：2021-03-05 10:20', [['来源', '某某日报'], ['作者', '张某'], ['发布时间', '2021-03-05 10:20']]],
    ['【来源：某某网 | 编辑：李某】', [['来源', '某某网'], ['编辑', '李某']]],
    ['发布日期：2021年3月5日 浏览次数：88', [['发布日期', '2021年3月5日'], ['浏览次数', '88']]],
  ])('%s', (line, pairs) => expect(parseMetaLine(line)).toEqual(pairs));

  it.each([
    ['a weak key alone (a meeting date in the body)', '时间：2021年3月5日'],
    ['a weak key with a place', '时间：2021年3月5日 地点：三楼会议室'],
    ['a sentence after the key', '来源：群众反映的问题主要集中在三个方面。这些问题必须解决。'],
    ['a key that does not open the line', '文章来源：某某网，其余部分略'.replace('文章', '这篇文章的')],
    ['a body sentence', '作者在文中指出，要坚持问题导向。'],
  ])('%s → null', (_why, line) => expect(parseMetaLine(line)).toBeNull());
});

describe('SITE_IN_NOTICE: the site a notice credits', () => {
  it.each([
    ['本文系宣讲家网独家稿件，转载请注明来源。', '宣讲家网'],
    ['本文来自某某日报', '某某日报'],
    ['原文刊载于《学习时报》', '学习时报'],
    ['转载自某某网', '某某网'],
    ['本文系作者原创投稿，仅供学习参考', null],
  ])('%s → %s', (line, site) => expect(SITE_IN_NOTICE.exec(line)?.[1] ?? null).toBe(site));
});

describe('dates', () => {
  it.each([
    ['2021-03-05', ['2021', '03', '05']],
    ['2021/3/5 10:20', ['2021', '3', '5']],
    ['2021年3月5日', ['2021', '3', '5']],
    ['2021.03.05', ['2021', '03', '05']],
  ])('DATE %s', (s, parts) => expect(DATE.exec(s)!.slice(1, 4)).toEqual(parts));

  it.each([
    ['http://416w.example/2020/0210/1075278.shtml', ['2020', '02', '10']],
    ['https://www.example.cn/n1/2021/0305/c1001-123.html', ['2021', '03', '05']],
    ['http://example.com/20210305/abc.html', ['2021', '03', '05']],
    ['http://example.com/2021-03/05/content_1.htm', ['2021', '03', '05']],
  ])('URL_DATE %s', (s, parts) => expect(URL_DATE.exec(s)!.slice(1, 4)).toEqual(parts));
  it('URL_DATE ignores ids', () => expect(URL_DATE.exec('http://example.com/article/1234567.html')).toBeNull());
});

describe('ORG_SUFFIX', () => {
  it.each([
    ['中共某某县委办公室', true], ['某某市教育局', true], ['某某大学马克思主义学院', true], ['某某公司党委', true],
    ['张某', false], ['李某某', false],
  ])('%s → %s', (s, yes) => expect(ORG_SUFFIX.test(s)).toBe(yes));
});

// PERSON_KEYS (the one list shared with NAME_ROLES): 主持人 and 联系人 are weak, so alone they start an
// ordinary line (a meeting record, a contact line), not a metadata line.
describe('weak person keys need a strong key beside them', () => {
  it.each([
    ['主持人：钱某', null],
    ['联系人：郑某', null],
    ['主持人：钱某 记者：孙某', [['主持人', '钱某'], ['记者', '孙某']]],
    ['终审：周某', [['终审', '周某']]],
  ])('%s', (line, pairs) => expect(parseMetaLine(line)).toEqual(pairs));
});
