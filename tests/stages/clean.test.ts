import { readFileSync, readdirSync } from 'node:fs';
import * as OpenCC from 'opencc-js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countChars } from '../../pipeline/lib/stage.js';
import { findPII } from '../../pipeline/lib/pii.js';
import { check } from '../../pipeline/lib/schema.js';
import type { Doc, Removal } from '../../pipeline/lib/types.js';
import { PLACEHOLDER } from '../../pipeline/rules/pii.js';
import { clean, hanStats, isPreviewSnippet, proseParagraphs } from '../../pipeline/stages/clean.js';
import { makeDoc, NO_GATE } from '../fixtures/clean/make-doc.js';

const cfg = clean.defaults;
const charsOf = (d: Doc) => countChars(d.title ?? '') + countChars(d.subtitle ?? '') + d.paragraphs.reduce((n, p) => n + countChars(p), 0);
const sum = (rs: Removal[]) => rs.reduce((n, r) => n + r.chars, 0);

// A made-up body paragraph long enough to pass the gate on its own (> 50 Han).
const BODY1 = '实干担当促进发展，是主题教育的具体目标之一。我们要把学习成果转化为推动工作的实际成效，坚持以学促干，在学思践悟中把牢方向，在履职尽责中展现作为。';
const BODY2 = '要深入开展调查研究，突出问题导向，深入基层一线把脉问诊，找到破解难题的办法和路径，切实把调研成果转化为解决问题、推动发展的实际成效。';

/** Runs clean and checks what must hold for every document: ledger, schema, no PII, no value in audit. */
function run(doc: Doc, config = cfg) {
  const res = clean.process(doc, config);
  const out = res.out[0];
  for (const r of res.removed) expect(r.chars).toBeGreaterThanOrEqual(0);
  if (out) {
    expect(sum(res.removed)).toBe(charsOf(doc) - charsOf(out));
    expect(check('clean', out)).toBeNull();
    for (const p of [out.title ?? '', out.subtitle ?? '', ...out.paragraphs]) expect(findPII(p)).toEqual([]);
  }
  for (const r of res.removed.filter((r) => r.kind)) expect(r.text ?? null).toBeNull();
  return res;
}

describe('a made-up 范文 page: banner, body with personal data, contact lines, metadata, footers', () => {
  const doc = makeDoc([
    '本文系网友原创投稿，仅供学习参考，请勿照搬照抄！',
    '来源：某某学习网  作者：张某  发布时间：2021-03-05 10:20',
    BODY1,
    '会后，请各支部于3月10日前将材料发送至zhibu.office@example.com.cn，或拨打13912345678与办公室联系。',
    BODY2 + '（责编：王某；校对：李某）',
    '联系电话：0371-65432198',
    'QQ群：123456789',
    '作者单位：中共某某县委组织部',
    '本文链接：http://www.example.cn/2021/0306/123456.shtml（转载请保留）',
    '已有3人发表了评论',
  ], { title: '在“实干担当促进发展”专题研讨会上的发言' });
  const res = run(doc);
  const out = res.out[0]!;

  it('keeps the body, with placeholders inside the sentence', () => {
    expect(out.paragraphs).toEqual([
      BODY1,
      '会后，请各支部于3月10日前将材料发送至<EMAIL>，或拨打<PHONE>与办公室联系。',
      BODY2,
    ]);
    expect(out.para_lines).toEqual([4, 5, 6]);
    expect(out.title).toBe('在“实干担当促进发展”专题研讨会上的发言');
  });
  it('keeps source site, affiliation and date as columns; not the author name', () => {
    expect([out.source_site, out.author_affiliation, out.published]).toEqual(['某某学习网', '中共某某县委组织部', '2021-03-05']);
    expect(JSON.stringify(out)).not.toContain('张某');
  });
  it('records one removal per span with its rule and paragraph', () => {
    expect(res.removed.map((r) => [r.rule, r.paragraph, r.kind ?? null])).toEqual([
      ['boilerplate_banner', 0, null],
      ['metadata_line', 1, null],
      ['pii_email', 3, 'email'],
      ['pii_mobile', 3, 'phone'],
      ['boilerplate_footer', 4, null],
      ['pii_landline', 5, 'phone'],
      ['pii_line', 5, null],
      ['pii_qq_group', 6, 'qq_group'],
      ['pii_line', 6, null],
      ['metadata_line', 7, null],
      ['boilerplate_footer', 8, null],
      ['boilerplate_footer', 9, null],
    ]);
  });
  it('counts a replacement as value minus placeholder, a whole line as all its characters', () => {
    const email = res.removed.find((r) => r.rule === 'pii_email')!;
    expect(email.chars).toBe(countChars('zhibu.office@example.com.cn') - countChars(PLACEHOLDER.email));
    const line = res.removed.filter((r) => r.paragraph === 5);
    expect(sum(line)).toBe(countChars('联系电话：0371-65432198'));
  });
  it('never writes personal data or editor names into the audit', () => {
    const audit = JSON.stringify(res.removed);
    for (const secret of ['zhibu.office', '13912345678', '65432198', '123456789', '王某', '李某', '张某']) expect(audit).not.toContain(secret);
    expect(res.removed.find((r) => r.rule === 'boilerplate_footer')!.text).toBe('（责编：<NAME>；校对：<NAME>）');
  });
  it('is idempotent', () => {
    const again = clean.process(out, cfg);
    expect(again.out[0]).toEqual(out);
    expect(again.removed).toEqual([]);
  });
});

describe('a made-up lecture: preview snippet and slide markers', () => {
  const title = '“守初心、担使命”专题党课讲稿';
  const p1 = '（前言）';
  const p2 = '初心易得，始终难守。我们党从成立之日起就把为中国人民谋幸福、为中华民族谋复兴作为自己的初心使命，一百多年来，一代又一代共产党人接续奋斗。';
  const snippet = title + p1 + p2.slice(0, 40) + '...';
  const body = [
    p1, p2,
    '（一）初心的内涵（翻页）',
    '（选择性举例）举例：焦裕禄同志在兰考工作期间，始终把群众的冷暖放在心上，留下了宝贵的精神财富，值得我们认真学习。',
    '（翻页）',
    '要在学思践悟中坚守初心，（选择性朗读本段）自觉用党的创新理论武装头脑，做到学思用贯通、知信行统一。',
  ];
  const want = [p1, p2, '（一）初心的内涵', '举例：焦裕禄同志在兰考工作期间，始终把群众的冷暖放在心上，留下了宝贵的精神财富，值得我们认真学习。', '要在学思践悟中坚守初心，自觉用党的创新理论武装头脑，做到学思用贯通、知信行统一。'];

  it('removes a first paragraph that repeats title + opening and ends in ...', () => {
    const res = run(makeDoc([snippet, ...body], { title }));
    expect(res.out[0]!.paragraphs).toEqual(want);
    expect(res.removed.map((r) => r.rule)).toEqual(['slide_marker', 'slide_marker', 'slide_marker', 'slide_marker', 'preview_snippet']);
  });
  it('removes it when segmentation left no title (snippet, then the title line)', () => {
    const res = run(makeDoc([snippet, title, ...body]));
    expect(res.out[0]!.paragraphs).toEqual([title, ...want]);
  });
  it('removes it when it arrived as the title, and takes the real title from the first paragraph', () => {
    const res = run(makeDoc([title, ...body], { title: snippet }));
    expect(res.out[0]!.title).toBe(title);
    expect(res.out[0]!.paragraphs).toEqual(want);
    expect(res.removed.filter((r) => r.rule === 'preview_snippet')).toHaveLength(1);
  });
  it.each([
    ['no ellipsis', title + p1 + p2.slice(0, 40)],
    ['ellipsis but different text', '敢担当有作为争做干事创业奋发有为的党员干部是时代要求...'],
    ['too short to judge', '初心易得...'],
  ])('keeps a first paragraph with %s', (_why, first) => {
    expect(isPreviewSnippet(first, [p1, p2])).toBe(false);
  });
});

describe('metadata columns', () => {
  it('does not overwrite what extraction already set', () => {
    const doc = makeDoc(['来源：某某网', '本文系另一网独家稿件', '发布日期：2021年3月5日', BODY1], { source_site: '人民网', published: '2020-01-01' });
    const out = run(doc).out[0]!;
    expect([out.source_site, out.published]).toEqual(['人民网', '2020-01-01']);
  });
  it.each([
    [['本文系某某学习网独家稿件，转载请注明来源。'], { source_site: '某某学习网' }],
    [['作者：李某（某某大学马克思主义学院）'], { author_affiliation: '某某大学马克思主义学院' }],
    [['作者：某某市教育局'], { author_affiliation: '某某市教育局' }],
    [['作者：王某'], { author_affiliation: null }],
    [[BODY1 + '（作者单位：某某县委党校）'], { author_affiliation: '某某县委党校' }],
    [['原文链接：https://www.example.cn/n1/2021/0305/c1001-123.html'], { published: '2021-03-05' }],
    // Issue 21: `（作者系Y教授）` names the organisation Y (before, the position word kept it from being one).
    [['（作者系某某市委党校教授）' + BODY2], { author_affiliation: '某某市委党校' }],
    [['发布时间：2021-02-30'], { published: null }],
    // Personal data on a metadata line never reaches a column (review finding 1): cut, or no value.
    [['作者单位：某某县委办公室 电话13912345678'], { author_affiliation: '某某县委办公室' }],
    [['作者单位：某某县委办公室，联系电话：0371-65432198'], { author_affiliation: '某某县委办公室' }],
    [['来源：某某学习网 QQ：123456789'], { source_site: '某某学习网' }],
    [['来源：某某学习网 邮箱abc.def@example.com'], { source_site: '某某学习网' }],
    [['作者单位：13912345678'], { author_affiliation: null }],
    [['作者：某某市教育局 13912345678'], { author_affiliation: '某某市教育局' }],
    [['本文系某某学习网独家稿件，转载请注明来源。'], { source_site: '某某学习网' }],
    [[BODY1 + '（作者单位：某某县委党校，电话13912345678）'], { author_affiliation: '某某县委党校' }],
  ])('%j → %j', (lines, fields) => {
    const out = run(makeDoc([...lines, BODY1])).out[0]!;
    expect(out).toMatchObject(fields);
    expect(out.paragraphs.join('')).not.toMatch(/作者|来源|链接|发布时间/);
  });
});

describe('audit excerpts redact names after every person key (review finding 3)', () => {
  it.each([
    ['供稿：赵某某 作者单位：某某县委宣传部', '赵某某'],
    ['作者：张三丰 联系电话13912345678 发布时间：2021-03-05', '张三丰'],
    ['终审：周某某 责任编辑：吴某', '周某某'],
  ])('%s', (line, name) => {
    const res = run(makeDoc([line, BODY1]));
    const audit = JSON.stringify(res.removed);
    expect(res.removed.map((r) => r.rule)).toEqual(['metadata_line']);
    expect(audit).not.toContain(name);
    expect(audit).not.toMatch(/\d{5,}/);
    expect(res.removed[0]!.text).toContain('<NAME>');
  });
});

describe('a title promoted after a banner (review finding 4)', () => {
  const banner = '本文系网友原创投稿，仅供学习参考，请勿照搬照抄！';
  it.each([
    ['——', '——某某支部党员读书班交流材料'],
    ['—', '— 某某支部党员读书班交流材料'],
    ['--', '--某某支部党员读书班交流材料'],
  ])('subtitle dash %s goes as subtitle_dash, genre guessed again', (dash, line) => {
    const doc = makeDoc(['学习二十大精神心得体会', line, BODY1, BODY2], { title: banner, genre: null });
    const res = run(doc);
    const out = res.out[0]!;
    expect([out.title, out.subtitle, out.genre]).toEqual(['学习二十大精神心得体会', '某某支部党员读书班交流材料', '心得体会']);
    expect(out.paragraphs).toEqual([BODY1, BODY2]);
    expect(res.removed.map((r) => [r.rule, r.chars, r.paragraph])).toEqual([
      ['boilerplate_banner', countChars(banner), null],
      ['subtitle_dash', countChars(dash), 1],
    ]);
  });
  it('keeps a second line without a dash in the body', () => {
    const out = run(makeDoc(['学习二十大精神心得体会', '某某支部党员读书班交流材料', BODY1], { title: banner })).out[0]!;
    expect([out.title, out.subtitle]).toEqual(['学习二十大精神心得体会', null]);
    expect(out.paragraphs).toEqual(['某某支部党员读书班交流材料', BODY1]);
  });
  it('keeps the genre when no title is promoted', () => {
    expect(run(makeDoc([BODY1], { title: '某某会议上的讲话', genre: '讲话' })).out[0]!.genre).toBe('讲话');
  });
});

it('keeps the author\'s own note in brackets', () => {
  const p = BODY1 + '（作者注：数据截至2020年底）';
  expect(run(makeDoc([p])).out[0]!.paragraphs).toEqual([p]);
});

describe('quality gate', () => {
  const latin = 'Lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore';
  it.each([
    ['boilerplate_only', ['本文系作者原创投稿，仅供学习参考，请勿照搬照抄！', '转载请注明出处', '已有0人发表了评论']],
    ['boilerplate_only', ['联系电话：010-12345678', 'QQ群：123456789']],
    ['too_short', ['坚持以人民为中心。']],
    ['too_short', ['（翻页）要点。', '欢迎关注某某公众号']],
    ['low_chinese_ratio', [BODY1.slice(0, 60) + latin]],
    ['low_chinese_ratio', [BODY1.slice(0, 55) + ' The quarterly figures were released by the statistics bureau on Monday morning.']],
  ])('%s', (reason, lines) => {
    const res = run(makeDoc(lines));
    expect(res.out).toEqual([]);
    expect(res.dropped?.reason).toBe(reason);
  });
  it('keeps a Chinese text with numbers, percentages and placeholders', () => {
    const res = run(makeDoc([BODY1, '2023年全市地区生产总值增长5.2%，新增就业13580人，投资13800000000元，咨询电话13912345678。']));
    expect(res.dropped ?? null).toBeNull();
    expect(res.out[0]!.paragraphs[1]).toBe('2023年全市地区生产总值增长5.2%，新增就业13580人，投资13800000000元，咨询电话<PHONE>。');
  });
  // Issue 21: digits are content. Before, digits counted against the Chinese share and this bulletin was dropped
  // (expectation changed: `low_chinese_ratio` → kept), as real economic news was at 0.69.
  it('keeps a number-heavy bulletin: digits and percentages are content, not a foreign language', () => {
    const res = run(makeDoc(['第一季度数据：' + '1234567890 '.repeat(6) + BODY1.slice(0, 55)]));
    expect(res.dropped ?? null).toBeNull();
    // Real: caijing.com.cn (tests/fixtures/eval-real/gold/caijing-6558a82c.txt, 北京商报) dropped at 0.69 before.
    const real = '北京商报讯5月20日，中国人民银行授权全国银行间同业拆借中心公布，2024年5月20日贷款市场报价利率（LPR）为：1年期LPR为3.45%，5年期以上LPR为3.95%。两报价均与上月持平。';
    expect(hanStats(real).ratio).toBeGreaterThan(0.9);
    expect(run(makeDoc([real])).dropped ?? null).toBeNull();
  });
  // Issue 21: a code-heavy Chinese tech article (cnblogs-66211fc4 of tests/fixtures/eval-real: 918 Han characters of
  // prose, 9,659 characters of shell scripts) was dropped at a 0.20 share. Code is content, measured neither way.
  const SCRIPT = ['version=2.0.1', 'docker stop apollo && docker rm apollo', 'docker run -p 28080:8080 \\', '--init \\',
    '-v /etc/localtime:/etc/localtime:ro \\', '-e JAVA_OPTS=\'-Xmx128m\' \\', '-d --name apollo apolloconfig/apollo:$version', 'sleep 30s',
    'if which docker >/dev/null 2>&1; then', 'echo "use docker"', 'else', 'fi'];
  it('keeps a Chinese article around code blocks: the share is taken over the prose', () => {
    const doc = makeDoc([BODY1.slice(0, 70), ...SCRIPT, ...SCRIPT, BODY1.slice(0, 40)]);
    expect(hanStats(doc.paragraphs.join('\n')).ratio).toBeLessThan(0.7);
    const res = run(doc);
    expect(res.dropped ?? null).toBeNull();
    expect(res.out[0]!.paragraphs).toContain('sleep 30s');
    expect(proseParagraphs(doc.paragraphs)).toEqual([BODY1.slice(0, 70), BODY1.slice(0, 40)]);
  });
  it('a Python tutorial: its code is code (issue 21: gne-wechat-2 of the eval set, dropped at 0.61 before)', () => {
    const py = ['import json', 'import redis', 'client = redis.Redis()', 'def parse():', 'while True:', 'data = client.lpop(\'test\')', 'if not data:', 'return',
      'handler.insert_one(json.loads(data))', 'print(12345)', 'else:', 'print(\'xxxx\')'];
    expect(proseParagraphs([BODY1.slice(0, 30), ...py])).toEqual([BODY1.slice(0, 30)]);
    expect(run(makeDoc([BODY1.slice(0, 60), ...py, ...py])).dropped ?? null).toBeNull();
  });
  it('still drops English prose with a little Chinese: English is not code', () => {
    const english = ['The committee met on Monday (see the minutes) to discuss the $5 million budget [1].',
      'Members agreed that the well-known plan, long delayed, should go ahead this year.',
      'A spokesman said: "We expect results by June." Others were less sure.'];
    expect(proseParagraphs(english)).toEqual(english);
    const res = run(makeDoc([BODY1.slice(0, 55), ...english, ...english]));
    expect(res.dropped?.reason).toBe('low_chinese_ratio');
    // Code without enough Chinese prose around it is too short, whatever the script.
    expect(run(makeDoc(['安装步骤：', ...SCRIPT])).dropped?.reason).toBe('too_short');
  });
  it('counts Han with \\p{Script=Han}, not an isalnum()-style test (data-juicer #98)', () => {
    expect(hanStats('汉字abc')).toEqual({ han: 2, ratio: 2 / 3.5 });
    expect(hanStats('汉字123')).toEqual({ han: 2, ratio: 1 });
    expect(hanStats('汉字かな')).toEqual({ han: 2, ratio: 0.5 });
    expect(hanStats('汉字，。！“”<PHONE>')).toEqual({ han: 2, ratio: 1 });
    expect(hanStats('')).toEqual({ han: 0, ratio: 0 });
  });
});

describe('personal data in the audit', () => {
  it('writes a keyed fingerprint only when a key is configured', () => {
    const doc = makeDoc([BODY1 + '联系人手机13912345678。']);
    expect(run(doc).removed[0]!.hash ?? null).toBeNull();
    const keyed = run(doc, { ...cfg, hashKey: 'secret' }).removed[0]!;
    expect(keyed.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(run(doc, { ...cfg, hashKey: 'secret' }).removed[0]!.hash).toBe(keyed.hash);
  });
  it('masks items in the title instead of dropping it', () => {
    const out = run(makeDoc([BODY1], { title: '致13912345678机主的一封信' })).out[0]!;
    expect(out.title).toBe('致<PHONE>机主的一封信');
  });
});

// ---- the real raw files ----------------------------------------------------------------------------------

const RAW = new URL('../../raw/', import.meta.url);
const rawLines = (prefix: string) => {
  const f = readdirSync(RAW).find((n) => n.startsWith(prefix))!;
  return readFileSync(new URL(f, RAW), 'utf8').split('\n').map((l, i) => ({ text: l.trim(), line: i + 1 })).filter((l) => l.text !== '');
};
const t2cn = OpenCC.Converter({ from: 't', to: 'cn' });
// 004 is Traditional with pinyin after some characters (`網(wǎng)`); normalize converts and drops those.
const PINYIN = /(?<=\p{Script=Han})\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)/gu;
const normalize004 = (s: string) => t2cn(s).replace(PINYIN, '');
/** One document per raw file, paragraphs = non-empty lines (what segment + normalize give, roughly). */
const rawDoc = (prefix: string, conv: (s: string) => string = (s) => s) => {
  const ls = rawLines(prefix);
  return makeDoc(ls.map((l) => conv(l.text)), { para_lines: ls.map((l) => l.line), source_file: prefix });
};
const NOT_BODY = /翻页|选择性举例|选择性朗读|本文系|原创投稿|声明[：:]|转载请|本文链接|责编|校对|投稿邮箱|交流\d*群|发表了评论|作者单位/;

describe('raw/ files', () => {
  it('004: six body paragraphs whole, footers gone, columns kept', () => {
    const doc = rawDoc('004', normalize004);
    const res = run(doc);
    const out = res.out[0]!;
    expect(out.paragraphs).toHaveLength(6);
    expect(out.paragraphs.slice(0, 5)).toEqual(doc.paragraphs.slice(0, 5));
    expect(out.paragraphs[5]).toBe(doc.paragraphs[5]!.replace(/\(责编:[^)]*\)$/, ''));
    expect([out.source_site, out.author_affiliation, out.published]).toEqual(['宣讲家网', '中共延川县委办公室', '2020-02-10']);
    expect(out.paragraphs.join('\n')).not.toMatch(NOT_BODY);
  });
  it('001: the preview snippet and slide markers go, the lecture text stays', () => {
    const doc = rawDoc('001');
    const res = run(doc);
    const out = res.out[0]!;
    expect(res.removed.filter((r) => r.rule === 'preview_snippet').map((r) => r.line)).toEqual([1]);
    expect(out.paragraphs.join('\n')).not.toMatch(NOT_BODY);
    // Every other line is kept, minus its markers; line 21 was only "（翻页）".
    const marker = /[（(](?:翻页|选择性举例|选择性朗读本段|选择性说明)[）)]/g;
    const expected = doc.paragraphs.slice(1).map((p) => p.replace(marker, '').trim()).filter((p) => p !== '');
    expect(out.paragraphs).toEqual(expected);
    expect(res.removed.filter((r) => r.rule === 'slide_marker').length).toBeGreaterThanOrEqual(20);
  });
  it('002: the ten banners go, the ten articles stay', () => {
    const doc = rawDoc('002');
    const res = run(doc);
    expect(res.removed.map((r) => r.rule)).toEqual(Array(10).fill('boilerplate_banner'));
    expect(res.out[0]!.paragraphs).toEqual(doc.paragraphs.filter((p) => !p.startsWith('本文系作者原创投稿')));
  });
  it.each(['000', '003'])('%s: nothing to remove', (prefix) => {
    const doc = rawDoc(prefix);
    const res = run(doc);
    expect(res.removed).toEqual([]);
    expect(res.out[0]!.paragraphs).toEqual(doc.paragraphs);
  });
});

// ---- properties --------------------------------------------------------------------------------------------

// Fragments that exercise every rule family, mixed with arbitrary text.
const FRAGMENTS = [
  '实干担当促进发展', '。', '，', '\n', ' ', '（翻页）', '(选择性举例)', '<p>', '</p>', '&amp;', '&lt;', '&gt;', '&nbsp;',
  '13912345678', '0371-65432198', '电话：', 'QQ群：', '123456789', '微信号：', 'abc_def1', 'a.b@example.com', '@',
  'http://', 'www.', 'example.cn/x', '192.168.1.1', '11010519491231002X', '2001:db8::1', '本文链接：', '声明：',
  '转载请注明出处', '（责编：王某）', '来源：', '作者单位：', '某某网', '...', '…', '2020', '年', '元', '<EMAIL>', '<PHONE>',
  '作者：', '（作者单位：', '）', '县委办公室', '本文系', '学习网独家稿件', '发布时间：', 'QQ：', '群号：',
];
/** The columns clean fills: none may carry personal data or a placeholder. */
const columnsClean = (d: Doc) => {
  for (const v of [d.source_site, d.author_affiliation, d.published]) {
    if (v === null) continue;
    expect(findPII(v)).toEqual([]);
    expect(v).not.toMatch(/<(?:EMAIL|PHONE|QQ|WECHAT|ID|IP|URL)>/);
  }
};
const text = fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 6 }), fc.string({ unit: 'grapheme', maxLength: 4 })), { maxLength: 40 }).map((xs) => xs.join(''));
const docOf = (s: string, title: string | null) => {
  const ps = s.split('\n').map((p) => p.trim()).filter(Boolean);
  return makeDoc(ps, { title: title && title.trim() ? title.trim().replace(/\n/g, ' ') : null });
};

describe('properties (fast-check)', () => {
  it('never throws, balances the ledger, is idempotent, leaves no personal data', () => {
    fc.assert(fc.property(text, fc.option(text), (s, t) => {
      const doc = docOf(s, t ?? null);
      const res = clean.process(doc, NO_GATE);
      for (const r of res.removed) {
        expect(r.chars).toBeGreaterThanOrEqual(0);
        if (r.kind) expect(r.text ?? null).toBeNull();
      }
      const out = res.out[0];
      if (!out) return;
      columnsClean(out);
      expect(sum(res.removed)).toBe(charsOf(doc) - charsOf(out));
      for (const p of [out.title ?? '', out.subtitle ?? '', ...out.paragraphs]) expect(findPII(p)).toEqual([]);
      expect(out.paragraphs.every((p) => p.length > 0 && !p.includes('\n'))).toBe(true);
      const again = clean.process(out, NO_GATE);
      expect(again.out[0]).toEqual(out);
      expect(again.removed).toEqual([]);
    }), { numRuns: 400, seed: 20240505 });
  });
  it('never throws on any string, with the gate on', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
      const res = clean.process(docOf(s, null), cfg);
      expect(res.out.length + (res.dropped ? 1 : 0)).toBe(1);
      if (res.out[0]) columnsClean(res.out[0]);
    }), { numRuns: 300, seed: 7 });
  });
});

describe('hanStats counts per code point (issue 9: no arrays of matches)', () => {
  const definition = (text: string) => {
    const t = text.replace(/<(?:EMAIL|PHONE|QQ|WECHAT|ID|IP|URL)>/g, '');
    const han = (t.match(/\p{Script=Han}/gu) ?? []).length;
    const latin = (t.match(/\p{Script=Latin}/gu) ?? []).length;
    const other = (t.match(/(?![\p{Script=Han}\p{Script=Latin}])\p{L}/gu) ?? []).length;
    const counted = han + latin * 0.5 + other;
    return { han, ratio: counted === 0 ? 0 : han / counted };
  };
  const piece = fc.constantFrom('汉', '𠀀', 'a', '1', '，', '。', '$', '★', ' ', '\u3000', '<PHONE>', '<', '\ud800', '\udc00', 'é', 'か', 'Ж');
  it('equals the regex definition', () => {
    fc.assert(fc.property(fc.array(piece, { maxLength: 30 }).map((xs) => xs.join('')), (s) => {
      expect(hanStats(s)).toEqual(definition(s));
    }), { seed: 3, numRuns: 3000 });
  });
});

describe('the header block under a report title (issue 8): byline, repeated title, date from the subtitle', () => {
  const TITLE = '2030年某某省政府工作报告';
  const SUB = '2030年1月9日在某某省第九届人民代表大会第二次会议上';
  it.each([
    // [name, paragraphs before the body, subtitle, removal rules in order, audit excerpts, published]
    ['an office and a name with a space', ['省长 某某某'], SUB, ['byline'], ['省长<NAME>'], '2030-01-09'],
    ['a full-width space', ['市长　某某某'], SUB, ['byline'], ['市长<NAME>'], '2030-01-09'],
    ['no space (normalize drops it between Han)', ['代理省长某某'], SUB, ['byline'], ['代理省长<NAME>'], '2030-01-09'],
    ['an organisation before the office', ['某某省人民政府代省长 某某某'], SUB, ['byline'], ['某某省人民政府代省长<NAME>'], '2030-01-09'],
    ['an autonomous-region chair with a transliterated name', ['自治区主席 某某·某某某'], SUB, ['byline'], ['自治区主席<NAME>'], '2030-01-09'],
    ['a party secretary', ['党委书记 某某'], null, ['byline'], ['党委书记<NAME>'], null],
    ['来源 line, then the byline', ['来源：某某日报', '省长 某某某'], SUB, ['metadata_line', 'byline'], ['来源：某某日报', '省长<NAME>'], '2030-01-09'],
    ['the title repeated exactly', [TITLE], SUB, ['repeated_title'], [TITLE], '2030-01-09'],
    ['the title repeated without its year and place', ['政府工作报告'], null, ['repeated_title'], ['政府工作报告'], null],
    ['a repeat of the title, then a byline', ['政府工作报告', '省长某某某'], SUB, ['repeated_title', 'byline'], ['政府工作报告', '省长<NAME>'], '2030-01-09'],
    ['a subtitle with an impossible date (no 2030-02-29)', [], '2030年2月29日某某在某某会议上的讲话', [], [], null],
    ['a subtitle without a date', [], '在某某会议上的讲话', [], [], null],
    ['a byline further down is body text', ['各位代表：', '省长 某某某'], SUB, [], [], '2030-01-09'],
    ['an office word with more than a name after it', ['省长在会上强调'], SUB, [], [], '2030-01-09'],
    ['a short part of the title is not a repeat', ['报告'], SUB, [], [], '2030-01-09'],
  ])('%s', (_name, head, subtitle, rules, texts, published) => {
    const doc = makeDoc([...head, BODY1, BODY2], { title: TITLE, subtitle });
    const res = run(doc);
    expect(res.removed.map((r) => r.rule)).toEqual(rules);
    expect(res.removed.map((r) => r.text)).toEqual(texts);
    const kept = head.filter((_, i) => i >= rules.length);
    expect(res.out[0]!.paragraphs).toEqual([...kept, BODY1, BODY2]);
    expect(res.out[0]!.published).toBe(published);
    for (const r of res.removed) expect(r.text).not.toMatch(/某某某|某某·/);
  });

  it('a published date already set is kept', () => {
    const res = run(makeDoc([BODY1, BODY2], { title: TITLE, subtitle: SUB, published: '2030-01-20' }));
    expect(res.out[0]!.published).toBe('2030-01-20');
  });

  it('a byline with nothing after it stays (the document keeps its only paragraph)', () => {
    const res = run(makeDoc(['省长 某某某'], { title: TITLE, subtitle: SUB }), NO_GATE);
    expect(res.out[0]!.paragraphs).toEqual(['省长 某某某']);
  });
});

describe('dates and metadata of real pages (issue 21)', () => {
  it.each([
    ['a Chinese-numeral signature date at the end (gov.cn 国办函〔2004〕71号)', [BODY1, BODY2, '国务院办公厅', '二〇〇四年十月十五日'], '2004-10-15', 'date_line'],
    ['an Arabic signature date', [BODY1, BODY2, '国务院办公厅', '2018年12月30日'], '2018-12-30', 'date_line'],
    ['a bracketed dateline kept as its own last line', [BODY1, BODY2, '（2019年9月26日）'], '2019-09-26', 'date_line'],
    ['a print-edition line (people.cn)', [BODY1, BODY2, '《 人民日报 》（ 2024年05月10日   04 版）'], '2024-05-10', 'print_edition'],
    ['a byline that opens with date and time (天天基金网)', ['2019年9月26日 15:10 来源：天天基金网收盘播报', BODY1, BODY2], '2019-09-26', 'metadata_line'],
    ['two weak keys keep each other company (时间 + 浏览)', ['时间：2019年10月31日 23:00 浏览： 33', BODY1, BODY2], '2019-10-31', 'metadata_line'],
  ])('%s: published, the line goes', (_name, paras, date, rule) => {
    const res = run(makeDoc(paras, { title: '关于某事的通知' }));
    const out = res.out[0]!;
    expect(out.published).toBe(date);
    expect(res.removed.map((r) => r.rule)).toEqual([rule]);
    expect(out.paragraphs).toContain(BODY1);
  });
  it('the print edition names the paper as source_site; a date the page gave first is kept', () => {
    const res = run(makeDoc([BODY1, BODY2, '《人民日报》（2020年05月19日 01 版）'], { published: '2020-05-20' }));
    expect([res.out[0]!.source_site, res.out[0]!.published]).toEqual(['人民日报', '2020-05-20']);
  });
  it('a date in the middle of a document, or in a sentence, stays', () => {
    const paras = [BODY1, BODY2, BODY1 + '了', '2019年9月26日', BODY2 + '了', BODY1 + '呢', '截至2019年9月26日，共完成投资246.79亿元。'];
    const res = run(makeDoc(paras));
    expect(res.out[0]!.paragraphs).toEqual(paras);
    expect(res.out[0]!.published).toBeNull();
  });
  it.each([
    ['（作者张三系中国社会科学院世界经济与政治研究所研究员）', '中国社会科学院世界经济与政治研究所'],
    ['（作者系某某大学马克思主义学院教授、博士生导师）', '某某大学马克思主义学院'],
    ['（作者李四为中共某某市委党校副教授）', '中共某某市委党校'],
  ])('%s → author_affiliation %s, the note goes, the name is not kept', (note, org) => {
    const res = run(makeDoc([BODY1, BODY2 + note]));
    expect(res.out[0]!.author_affiliation).toBe(org);
    expect(res.out[0]!.paragraphs[1]).toBe(BODY2);
    expect(res.removed.map((r) => r.rule)).toEqual(['metadata_inline']);
  });
});

// Issue 23: names of private persons on credit and contact lines go; people the text is about, speaking in their
// role, stay (README, "Names"). Made-up names.
describe('credited names are removed, speakers and office-holders stay', () => {
  it.each([
    ['联系人：张三', [], ['pii_name_line']],
    ['记者 张三 通讯员 李四', [], ['pii_name_line']],
    ['（记者张三 通讯员李四）', [], ['pii_name_line']],
    ['材料整理：王五', [], ['pii_name_line']],
    ['摄影/张三 编辑/李四', [], ['pii_name_line']],
    ['文/赵六', [], ['pii_name_line']],
    ['本报讯（记者张三 通讯员李四）昨天，全市召开会议，部署下一阶段工作。', ['本报讯昨天，全市召开会议，部署下一阶段工作。'], ['pii_name_credit']],
    ['新华社北京12月30日电（记者张三、李四）国务院新闻办公室今天举行发布会。', ['新华社北京12月30日电国务院新闻办公室今天举行发布会。'], ['pii_name_credit']],
    ['如有疑问，请与联系人张三联系。', ['如有疑问，请与联系人联系。'], ['pii_name']],
    ['报名事宜请咨询，联系人：李四，电话：13912345678，欢迎来电。', ['报名事宜请咨询，电话：<PHONE>，欢迎来电。'], ['pii_mobile', 'pii_name']],
  ])('%s', (line, kept, rules) => {
    const res = run(makeDoc([line]), NO_GATE);
    expect(res.out[0]?.paragraphs ?? []).toEqual(kept);
    expect(res.removed.map((r) => r.rule).sort()).toEqual([...rules].sort());
    for (const r of res.removed) expect(JSON.stringify(r)).not.toMatch(/张三|李四|王五|赵六/);
  });
  it.each([
    '省委书记王某某在全省经济工作会议上指出，要坚持稳中求进工作总基调。',
    '王某某同志在全省组织工作会议上的讲话',
    '主持人：张三',
    '记者节到来之际，我们向广大新闻工作者致以节日的问候。',
    '（记者招待会）',
    '编辑部',
    '整理房间',
    '（文中数据来自统计局）',
    '习近平总书记强调，要坚持以人民为中心。',
  ])('stays: %s', (line) => {
    const res = run(makeDoc([line]), NO_GATE);
    expect(res.out[0]?.paragraphs).toEqual([line]);
    expect(res.removed).toEqual([]);
  });
});

describe('boilerplate left in real pages (issue 21)', () => {
  it('a link glued to the last sentence goes, the sentence stays (腾讯: `…持续。返回腾讯网首页>>`)', () => {
    const res = run(makeDoc([BODY1, BODY2 + '返回腾讯网首页>>']));
    expect(res.out[0]!.paragraphs[1]).toBe(BODY2);
    expect(res.removed.map((r) => r.rule)).toEqual(['boilerplate_footer']);
  });
  it('a photo credit inside a paragraph goes (`（新华社记者李贺摄）`)', () => {
    const res = run(makeDoc([BODY1, '图为会议现场（新华社记者李贺摄）。' + BODY2]));
    expect(res.out[0]!.paragraphs[1]).toBe('图为会议现场。' + BODY2);
    expect(res.removed.map((r) => r.rule)).toEqual(['photo_caption']);
  });
});

describe('kept edge lines of the labelled real pages (issue 21)', () => {
  it.each([
    ['the site name alone on the first line (新浪财经)', ['新浪财经', BODY1, BODY2], 'boilerplate_banner'],
    ['a date and time alone at the end (sohu)', [BODY1, BODY2, '2024-05-20 06:48'], 'date_line'],
    ['a forum counter (tiancity)', ['查看: 3481|回复: 3', BODY1, BODY2], 'boilerplate_footer'],
    ['the original headline (中国青年网)', ['原标题:以战时内阁审查重启停火谈判提案', BODY1, BODY2], 'boilerplate_footer'],
    ['a page-wide image credit (环球网)', [BODY1, BODY2, '图片均来自网络'], 'boilerplate_footer'],
    ['a tag line (明日大盘)', [BODY1, BODY2, '20190926|国贸|增长率|全球经济'], 'boilerplate_footer'],
    ['a reprint notice with 时务请 (科普中国)', [BODY1, BODY2, '本作品为“科普中国-科学原理一点通”原创，转载时务请注明出处。'], 'boilerplate_banner'],
  ])('%s goes', (_name, paras, rule) => {
    const res = run(makeDoc(paras, { source_site: '新浪财经' }));
    expect(res.out[0]!.paragraphs).toEqual([BODY1, BODY2]);
    expect(res.removed.map((r) => r.rule)).toEqual([rule]);
  });
  it('the site name inside the body stays', () => {
    const res = run(makeDoc([BODY1, '新浪财经', BODY2], { source_site: '新浪财经' }));
    expect(res.out[0]!.paragraphs).toEqual([BODY1, '新浪财经', BODY2]);
  });
});

describe('a number broken over two lines, credits run into the text (issue 23)', () => {
  it.each([
    [['请拨打139', '1234 5678与我联系。'], ['请拨打', '<PHONE>与我联系。']],
    [['请拨打1391234', '5678与我联系。'], ['请拨打<PHONE>', '与我联系。']],
    [['身份证号：11010519491231', '002X，已核验。'], ['身份证号：<ID>', '，已核验。']],
    [['2019年', '12月30日召开会议。'], ['2019年', '12月30日召开会议。']],
  ])('%j → %j', (paras, kept) => {
    const res = run(makeDoc(paras), NO_GATE);
    expect(res.out[0]!.paragraphs).toEqual(kept);
    for (const r of res.removed) expect(r.rule).toMatch(/^pii_/);
  });
  it('credits at the start of a rejoined paragraph go, a sentence about a reporter stays', () => {
    // A name runs to three characters: 李四光近日 keeps 近日 (a two-character name would take one character of the text with it).
    expect(run(makeDoc(['记者张三丰通讯员李四光近日，全市召开工作推进会。']), NO_GATE).out[0]!.paragraphs).toEqual(['近日，全市召开工作推进会。']);
    expect(run(makeDoc(['摄影/张三丰 编辑/李四光为进一步做好相关工作，现将有关事项通知如下。']), NO_GATE).out[0]!.paragraphs).toEqual(['为进一步做好相关工作，现将有关事项通知如下。']);
    expect(run(makeDoc(['记者李明发现，这里的变化很大。']), NO_GATE).out[0]!.paragraphs).toEqual(['记者李明发现，这里的变化很大。']);
  });
});

// Issue 21: credit lines, forum and Q&A furniture, edge chrome (forms of the real pages of tests/fixtures/eval-real;
// the names here are made up).
describe('a contact card: a name, its role in brackets and a number (rule pii_line)', () => {
  it.each(['武某斌（版权合作）13912345678', '陈律师（法律顾问）0431-62345678', '王某某（技术支持）：13912345678'])('%s goes whole', (line) => {
    const res = run(makeDoc([BODY1, BODY2, line]));
    expect(res.out[0]!.paragraphs).toEqual([BODY1, BODY2]);
    expect(JSON.stringify(res.removed)).not.toMatch(/武某斌|陈律师|王某/);
  });
  it('an office with a number stays, the number masked', () => {
    expect(run(makeDoc([BODY1, BODY2, '国务院办公厅（秘书局）电话0431-62345678'])).out[0]!.paragraphs[2]).toBe('国务院办公厅（秘书局）电话<PHONE>');
  });
});

describe('credit lines at the edges (rule credit_line): columns kept, names never', () => {
  it.each([
    ['文丨某某观察特约评论员韩某某', null, null],
    ['编辑周某某｜排版魏某', null, null],
    ['总监制：邹某', null, null],
    ['执笔/叨叨姐、胡一刀&李小飞刀', null, null],
    ['某某医院药剂科供稿摄影/张某编辑/苏某', null, '某某医院药剂科'],
    ['（总台央视记者奚某某张某）', '总台央视', null],
    ['中青报·中青网记者魏某某来源：中国青年报', '中国青年报', null],
    ['（本文来源：经济日报作者：某某国际经济交流中心世界经济研究部部长，“一带一路”研究部部长、研究员徐某某）', '经济日报', '某某国际经济交流中心世界经济研究部'],
    ['版主：灵芝，辉光星辰，执念若相惜丶，白帝城南', null, null],
    ['经过文刃重新编排', null, null],
    ['作者王某言高某然', null, null],
    // a report's writers run together (千龙网), a role after the names and the interviewee's photos (河南商报 on dahe.cn)
    ['执笔人：闵某夫赵某波刘某刘某芳胡某顺', null, null],
    ['顶端新闻·河南商报记者马某峰/文受访者供图', '顶端新闻·河南商报', null],
    ['记者张某某/文 李某/摄', null, null],
  ])('%s → site %s, affiliation %s', (line, site, aff) => {
    const res = run(makeDoc([BODY1, BODY2, line]));
    expect(res.out[0]!.paragraphs).toEqual([BODY1, BODY2]);
    const r = res.removed.find((x) => x.rule === 'credit_line')!;
    expect(r).toBeDefined();
    expect(r.text).toContain('<NAME>');
    for (const name of ['韩某某', '周某某', '魏某', '邹某', '叨叨姐', '张某', '苏某', '奚某某', '魏某某', '徐某某', '灵芝', '文刃', '王某言', '闵某夫', '马某峰', '李某']) expect(JSON.stringify(res.removed)).not.toContain(name);
    if (site !== null) expect(res.out[0]!.source_site).toBe(site);
    if (aff !== null) expect(res.out[0]!.author_affiliation).toBe(aff);
  });
  it('takes a credit line only near an edge: the same line in the middle of a long text stays', () => {
    const paras = [BODY1, BODY2, BODY1 + '一', BODY2 + '二', '编辑周某某｜排版魏某', BODY1 + '三', BODY2 + '四', BODY1 + '五'];
    expect(run(makeDoc(paras)).out[0]!.paragraphs).toEqual(paras);
  });
  it.each([
    '记者从市教育局获悉，今年全市新增学位2万个', '记者：请您谈谈今年的工作重点？', '编辑部的同志们辛苦了', '作者简介', '审核严格', '监制单位',
    '由他负责整理', '整理房间', '设计院完成了图纸', '主编寄语', '本报记者', '文化是民族的血脉', '执笔人的责任', '受访者供图',
  ])('not a credit line: %s', (line) => {
    expect(run(makeDoc([BODY1, BODY2, line]), NO_GATE).out[0]!.paragraphs).toEqual([BODY1, BODY2, line]);
  });
});

describe('forum, Q&A and widget furniture (whole lines)', () => {
  it.each([
    ['6765 有用 某某呼啦 看过 2024-04-07 13:19:20 贵州', '<NAME> 2024-04-07 13:19:20 贵州'],
    ['KKK丶前天 17:01', '<NAME> 前天 17:01'],
    ['教程交流： xhd825', '教程交流： <WECHAT>'],
    ['[复制链接]', null], ['快速发帖', null], ['发表于 2024-5-6 12:47:42 | 只看该作者', null], ['来自 - 重庆', null],
    ['发布于：北京市', null], ['返回搜狐，查看更多', null], ['关键字： LPR', null], ['若长时间无响应，请刷新本页面', null],
    ['农历：甲辰年四月廿一', null], ['《某某会客厅》5月20日起电影频道22:00播出 时长：01:45 来源：电影网', null],
    ['推荐律师服务：若未解决您的问题，请您详细描述您的问题，通过某某平台进行免费专业咨询', null], ['繁体', null], ['抢首赞已赞过已踩过<', null],
    ['更多回答（2）', null], ['信息来源于网络', null], ['设为首页', null], ['新华社发', null],
    ['| 主题已经关闭，停止回复．', null], ['如你觉得文章不错，请识别图中二维码关注，并推荐给你的朋友。', null], ['欢迎分享到朋友圈~', null],
    ['投稿|abc@example.com 合作|whcjrb027（微信）', '投稿|<EMAIL> 合作|<WECHAT>（微信）'], ['返目录下一页', null],
    ['“某某”网站(www.example.org)搜集整理于2002-09-25', null], ['某某著作 [图] 大卫 20:02:45 9/12/05 (75)', '<NAME> 20:02:45 9/12/05 (75)'],
    ['某某标题？【新闻频道版主】08-11 16:06 298字 [4321/87]', '<NAME> 08-11 16:06 298字 [4321/87]'], ['某某 馨语 09:09:45 5/23/06 （无内容）', null], ['本贴跟从标题：', null], ['| 回复线索：', null],
  ])('%s goes (excerpt %s)', (line, shown) => {
    const res = run(makeDoc([BODY1, line, BODY2]));
    expect(res.out[0]!.paragraphs).toEqual([BODY1, BODY2]);
    expect(res.removed).toHaveLength(1);
    if (shown !== null) expect(res.removed[0]!.text).toBe(shown);
  });
  it.each(['会议于2024-05-20 09:00在北京召开', '2024年的工作重点', '全部内容见附件', '把伞收起来'])('stays: %s', (line) => {
    expect(run(makeDoc([BODY1, line, BODY2]), NO_GATE).out[0]!.paragraphs).toEqual([BODY1, line, BODY2]);
  });
  it('a metadata line with a person key shows its keys only: names run into other credits never reach the report', () => {
    const res = run(makeDoc([BODY1, BODY2, '编辑：张某|徐某剪辑|李某制图|王某审读|刘某某']));
    expect(res.removed.map((r) => r.rule)).toEqual(['metadata_line']);
    expect(res.removed[0]!.text).toBe('编辑：<NAME>');
  });
  it('a reprint note gives its publication, whole, as source_site', () => {
    const res = run(makeDoc([BODY1, BODY2, '（摘自《上海某某学术季刊》2000年第2期，原文约15，000字）《新华文摘》2000年第09期']));
    expect(res.out[0]!.paragraphs).toEqual([BODY1, BODY2]);
    expect(res.out[0]!.source_site).toBe('上海某某学术季刊');
  });
  it('a date and time alone is a date line (published), not a post header', () => {
    const res = run(makeDoc([BODY1, BODY2, '2024-05-20 06:48']));
    expect(res.out[0]!.published).toBe('2024-05-20');
    expect(res.removed.map((r) => r.rule)).toEqual(['date_line']);
  });
  it('`来源 | 某报` is a metadata line (source_site), `作者丨某某` too, with the name redacted', () => {
    const res = run(makeDoc(['来源 | 某某日报', '作者丨张某某', BODY1, BODY2]));
    expect(res.out[0]!.source_site).toBe('某某日报');
    expect(res.removed.map((r) => r.rule)).toEqual(['metadata_line', 'metadata_line']);
    expect(JSON.stringify(res.removed)).not.toContain('张某某');
  });
});

describe('edge chrome peeled off each end', () => {
  it('a poster card and the name above it, a number, a portal name, a dangling list header', () => {
    const res = run(makeDoc(['前程往事', '主题', '帖子', '积分', BODY1, BODY2, '\ue60e4', '新浪财经', '媒体报道']));
    expect(res.out[0]!.paragraphs).toEqual([BODY1, BODY2]);
    expect(res.removed.map((r) => r.rule)).toEqual(['poster_name', 'boilerplate_footer', 'boilerplate_footer', 'boilerplate_footer', 'boilerplate_footer', 'boilerplate_footer', 'boilerplate_footer']);
    expect(JSON.stringify(res.removed)).not.toContain('前程往事');
  });
  it('shop cards at the end of an answer go whole, with the product name and the 广告 label', () => {
    const res = run(makeDoc([BODY1, BODY2, '某某家庭便携急救包', '淘宝', '¥36.00', '去购买', '广告', '某某牌应急手电筒', '淘宝', '¥18.00', '去购买']));
    expect(res.out[0]!.paragraphs).toEqual([BODY1, BODY2]);
    expect(res.removed).toHaveLength(9);
  });
  it('a disclaimer block at the end goes whole; numbered items without a notice header stay', () => {
    const block = ['郑重声明', '1. 任何言论纯属作者个人观点，与本站无关；', '2. 禁止发表违反国家法律、法规的言论、信息；', '3. 任何转载或转贴都应注明真实作者和真实出处；'];
    const res = run(makeDoc([BODY1, BODY2, ...block]));
    expect(res.out[0]!.paragraphs).toEqual([BODY1, BODY2]);
    expect(res.removed.map((r) => r.rule)).toEqual(Array(4).fill('boilerplate_banner'));
    const list = [BODY1, BODY2, '下一步工作要点', '1. 完善考核办法；', '2. 压实各级责任。'];
    expect(run(makeDoc(list)).out[0]!.paragraphs).toEqual(list);
  });
  it('a thread header that repeats the title after 主题： goes as repeated_title; a visitor counter and a post footer go', () => {
    const res = run(makeDoc(['主题：你知道导游为什么热衷于购物吗？', BODY1, BODY2, '本贴由某某于2005年8月12日16:12:21在〖某某论坛〗发表', '您是本文第 154 个阅览者'], { title: '你知道导游为什么热衷于购物吗？' }));
    expect(res.out[0]!.paragraphs).toEqual([BODY1, BODY2]);
    expect(res.removed.map((r) => r.rule)).toEqual(['boilerplate_footer', 'boilerplate_footer', 'repeated_title']);
    expect(JSON.stringify(res.removed)).not.toContain('某某于');
  });
  it('a shortened echo of the title at the end goes as repeated_title', () => {
    const res = run(makeDoc([BODY1, BODY2, '遵化数字农机农业生产'], { title: '新华视界｜河北遵化：数字农机服务助力农业生产' }));
    expect(res.out[0]!.paragraphs).toEqual([BODY1, BODY2]);
    expect(res.removed.map((r) => r.rule)).toEqual(['repeated_title']);
  });
  it('the same lines inside the text stay; so do a short first line not followed by a card and a lone line', () => {
    const paras = [BODY1, '主题', '4', '新浪财经', '媒体报道', BODY2];
    expect(run(makeDoc(paras)).out[0]!.paragraphs).toEqual(paras);
    expect(run(makeDoc(['同志们', BODY1, BODY2])).out[0]!.paragraphs).toEqual(['同志们', BODY1, BODY2]);
    expect(run(makeDoc(['4']), NO_GATE).out[0]!.paragraphs).toEqual(['4']);
  });
});

// The edge rules of the `quality` branch (rules/edges.ts, rules/boilerplate.ts): made-up lines of each form, and the
// real lines of tests/fixtures/eval-real pages they were drawn from (松花江网 cwced-3e1af229, 北医新闻网 cwced-4fa9dfe4,
// 博客中国 cwced-ab65832c, DoNews cwced-b828b656, 查报纸网 cwced-47f387e6, 交汇点 cwced-36efbc69, 1905电影网 1905-3e863fa9,
// a 调研报告 cwced-c3f7d079); names in the made-up lines are made up.
describe('edge chrome of the real pages: notices, credits, breadcrumbs, blog footers (quality branch)', () => {
  it('a copyright notice closing the article goes whole, and the credit above it too (松花江网 反侵权公告)', () => {
    const notice = ['反侵权公告：', '根据《中华人民共和国著作权法》、《信息网络传播权保护条例》等法律法规，未经书面许可，擅自转载本报社作品的，将涉嫌侵犯著作权人合法权益。为规范网络转载行为，制止非法侵权转载，本报社郑重公告：',
      '一、任何单位或个人，在任何公开传播平台上使用著作权归属于江城日报社（包括《江城日报》、《江城晚报》、松花江网、吉林乌拉圈等）的原创内容，必须事先取得江城日报社书面授权；',
      '二、对侵犯江城日报社（包括《江城日报》、《江城晚报》、松花江网、吉林乌拉圈等）著作权益的违法行为，本报社将采取一切合法措施，追究行为人的侵权责任，包括但不限于公开谴责、向国家版权行政管理部门举报、提起诉讼等；',
      '三、对于各类非法转载行为，欢迎读者提供侵权线索：'];
    const body = [BODY1, BODY2, BODY2 + BODY1, BODY1 + BODY2];
    const res = run(makeDoc([...body, '（松花江网编辑孙某芳）', ...notice]));
    expect(res.out[0]!.paragraphs).toEqual(body);
    expect(res.removed.map((r) => r.rule)).toEqual([...Array(5).fill('boilerplate_banner'), 'credit_line']);
    const made = ['版权声明', '本网所刊作品，著作权归本报社所有。', '1. 未经授权，不得转载、摘编；', '2. 已授权的，转载时请注明来源。'];
    expect(run(makeDoc([BODY1, BODY2, ...made])).out[0]!.paragraphs).toEqual([BODY1, BODY2]);
    // numbered items about something else stay, header or not
    const plan = [BODY1, BODY2, '郑重公告', '一、本次活动时间为五月一日至五月七日；', '二、活动地点为市民广场。'];
    expect(run(makeDoc(plan)).out[0]!.paragraphs).toEqual(plan);
  });
  it('a breadcrumb goes anywhere; a line with arrows that is no path from the home page stays', () => {
    for (const crumb of ['首页>>人物聚焦>>2005人物', '首页 > 新闻中心 > 正文', '当前位置：首页 > 政务公开 > 通知公告', '网站首页 » 政务公开']) {
      const res = run(makeDoc([crumb, BODY1, BODY2]));
      expect(res.out[0]!.paragraphs).toEqual([BODY1, BODY2]);
      expect(res.removed.map((r) => r.rule)).toEqual(['boilerplate_footer']);
    }
    const shell = [BODY1, 'echo hello >> test.txt', BODY2];
    expect(run(makeDoc(shell), NO_GATE).out[0]!.paragraphs).toEqual(shell);
  });
  it('a blog post footer goes: its trackback address and the line of counters (博客中国, DoNews)', () => {
    const res = run(makeDoc([BODY1, BODY2, '- 作者：某某访问统计： 2005年08月30日，星期二 13:22 加入博采', 'Trackback: http://tb.donews.net/TrackBack.aspx?PostId=524151']));
    expect(res.out[0]!.paragraphs).toEqual([BODY1, BODY2]);
    const res2 = run(makeDoc([BODY1, BODY2, '发表于 10:22 | 阅读(123) | 评论(0)']));
    expect(res2.out[0]!.paragraphs).toEqual([BODY1, BODY2]);
  });
  it('hashtags with a mention and a source credit go at an edge; hashtags alone and the same lines in the body stay', () => {
    const res = run(makeDoc([BODY1, BODY2, '#大家健康超能团# @大家健康']));
    expect(res.out[0]!.paragraphs).toEqual([BODY1, BODY2]);
    const src = run(makeDoc([BODY1, BODY2, '素材来源江苏13个设区市党报及官方发布']));
    expect(src.out[0]!.paragraphs).toEqual([BODY1, BODY2]);
    expect(src.removed.map((r) => r.rule)).toEqual(['credit_line']);
    expect(run(makeDoc([BODY1, BODY2, '资料来源：某某统计年鉴'])).out[0]!.paragraphs).toEqual([BODY1, BODY2]);
    const kept = [['#佛系#', BODY1, BODY2], [BODY1, '#某某话题# @某某', '资料来源：某某统计年鉴', BODY2], [BODY1, BODY2, '数据来源：国家统计局']];
    for (const paras of kept) expect(run(makeDoc(paras)).out[0]!.paragraphs).toEqual(paras);
  });
  it('a newsroom under the writer\'s credit goes at the end, names not kept (北医新闻网); an issuing body stays', () => {
    const res = run(makeDoc([BODY1, BODY2, '（袁某）', '北京大学医学部新闻中心']));
    expect(res.out[0]!.paragraphs).toEqual([BODY1, BODY2]);
    expect(res.removed.map((r) => r.rule)).toEqual(['boilerplate_banner', 'credit_line']);
    expect(JSON.stringify(res.removed)).not.toContain('袁某');
    for (const paras of [[BODY1, BODY2, '某某市人民政府办公室'], [BODY1, BODY2, '（此件公开发布）'], [BODY1, BODY2 + '（常某香 马某阳）']]) {
      expect(run(makeDoc(paras)).out[0]!.paragraphs).toEqual(paras);
    }
  });
  it('the title with a programme slot inside it goes at an edge (1905电影网); a headline that only continues the title stays (新华社)', () => {
    const res = run(makeDoc(['《蓝羽会客厅》之《北京影人》5月20日起电影频道22:00播出', BODY1, BODY2], { title: '《蓝羽会客厅》之《北京影人》5月20日起播出' }));
    expect(res.out[0]!.paragraphs).toEqual([BODY1, BODY2]);
    expect(res.removed.map((r) => r.rule)).toEqual(['repeated_title']);
    const head = ['习近平主持召开深入推进长三角一体化发展座谈会强调', BODY1, BODY2];
    expect(run(makeDoc(head, { title: '习近平主持召开深入推进长三角一体化发展座谈会' })).out[0]!.paragraphs).toEqual(head);
  });
  it('a research group under the title is the byline: it goes and becomes author_affiliation', () => {
    const res = run(makeDoc(['北京市妇女儿童工作委员会儿童心理调研课题组', BODY1, BODY2], { title: '北京市儿童（13-15岁）心理素质发展现状调查研究报告' }));
    expect(res.out[0]!.paragraphs).toEqual([BODY1, BODY2]);
    expect(res.out[0]!.author_affiliation).toBe('北京市妇女儿童工作委员会儿童心理调研课题组');
    expect(res.removed.map((r) => r.rule)).toEqual(['byline']);
    // in the body a sentence about a group stays
    const body = [BODY1, '某某课题组', BODY2];
    expect(run(makeDoc(body, { title: '某某报告' })).out[0]!.paragraphs).toEqual(body);
  });
});
