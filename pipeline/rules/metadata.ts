/**
 * Metadata lines: the "来源：… 作者：… 发布时间：…" lines portals put above or below an article, and the
 * notices that name the crediting site. What users want as columns is kept (`source_site`,
 * `author_affiliation`, `published`); people's names (authors, editors) are not.
 */

/** What a key on a metadata line is about. `strong` keys alone make a line metadata; weak ones need company. */
export interface MetaKey { field: 'source_site' | 'author_affiliation' | 'published' | 'person' | 'counter'; strong: boolean }

/**
 * Role words after which a value is a person's name, with whether the key alone makes a line metadata
 * (`strong`). The ONE list of person keys: metadata lines (META_KEYS), the name redaction of report
 * excerpts (NAME_ROLES in rules/boilerplate.ts, used by lib/redact.ts) and nothing else defines its own.
 * Editor and author credits of portal bylines and footers (people.cn, xinhuanet, 宣讲家网: 责编/校对/审核,
 * 作者/记者/通讯员, 供稿) are strong; 主持人 (meeting records) and 联系人 (contact lines) are weak: alone they
 * start an ordinary line of a transcript or a contact line, so they only count next to a strong key.
 */
export const PERSON_KEYS: readonly (readonly [string, boolean])[] = [
  ['责任编辑', true], ['值班编辑', true], ['实习编辑', true], ['网络编辑', true], ['作者', true], ['撰稿', true],
  ['撰文', true], ['记者', true], ['通讯员', true], ['责编', true], ['编辑', true], ['校对', true], ['审核', true],
  ['审校', true], ['终审', true], ['初审', true], ['复审', true], ['监制', true], ['编审', true], ['摄影', true],
  ['供稿', true], ['审读', true], ['排版', true], ['执笔', true], ['主持人', false], ['联系人', false],
];

/**
 * Keys seen on portal bylines (people.cn, xinhuanet, gov.cn, 宣讲家网, 范文 sites) and Word report headers.
 * Longest first, so `责任编辑` wins over `编辑` and `发布时间` over `时间`.
 */
export const META_KEYS: [string, MetaKey][] = ([
  // where the text comes from → source_site
  ['文章来源', { field: 'source_site', strong: true }], ['稿件来源', { field: 'source_site', strong: true }],
  ['信息来源', { field: 'source_site', strong: true }], ['本文来源', { field: 'source_site', strong: true }],
  ['来源于', { field: 'source_site', strong: true }], ['转载自', { field: 'source_site', strong: true }],
  ['来源', { field: 'source_site', strong: true }], ['稿源', { field: 'source_site', strong: true }],
  ['出处', { field: 'source_site', strong: true }], ['转自', { field: 'source_site', strong: true }],
  // the author's organisation → author_affiliation (`作者单位：中共某某县委办公室`)
  ['作者单位', { field: 'author_affiliation', strong: true }], ['供稿单位', { field: 'author_affiliation', strong: true }],
  ['发文单位', { field: 'author_affiliation', strong: true }], ['发布单位', { field: 'author_affiliation', strong: true }],
  ['发布机构', { field: 'author_affiliation', strong: true }], ['单位', { field: 'author_affiliation', strong: false }],
  // publication date → published
  ['发布时间', { field: 'published', strong: true }], ['发布日期', { field: 'published', strong: true }],
  // gov.cn and provincial portals' document header: 成文日期 (signed), 印发日期, 发文日期 (issue 21)
  ['成文日期', { field: 'published', strong: true }], ['印发日期', { field: 'published', strong: true }],
  ['发文日期', { field: 'published', strong: true }],
  ['发表时间', { field: 'published', strong: true }], ['发表日期', { field: 'published', strong: true }],
  ['更新时间', { field: 'published', strong: true }], ['更新日期', { field: 'published', strong: true }],
  ['刊发时间', { field: 'published', strong: true }], ['发稿时间', { field: 'published', strong: true }],
  ['时间', { field: 'published', strong: false }], ['日期', { field: 'published', strong: false }],
  // people: not kept (an author key may carry an organisation, see ORG_SUFFIX); the list is PERSON_KEYS above
  ...PERSON_KEYS.map(([k, strong]): [string, MetaKey] => [k, { field: 'person', strong }]),
  // page counters: dropped
  ['浏览次数', { field: 'counter', strong: true }], ['阅读量', { field: 'counter', strong: true }],
  ['点击数', { field: 'counter', strong: true }], ['点击量', { field: 'counter', strong: true }],
  ['访问量', { field: 'counter', strong: true }], ['浏览', { field: 'counter', strong: false }],
  ['阅读', { field: 'counter', strong: false }], ['点击', { field: 'counter', strong: false }],
  ['字号', { field: 'counter', strong: true }],
] as [string, MetaKey][]).sort((a, b) => b[0].length - a[0].length);

/** Longest value a metadata key may have; a longer "value" is a sentence, not a field. */
export const META_VALUE_MAX = 40;

/**
 * An organisation name ends in one of these (党政机关、事业单位、企业): 中共某某县委办公室, XX市教育局,
 * XX大学马克思主义学院, XX公司党委. Used to tell an affiliation from a person's name after `作者：`.
 */
export const ORG_SUFFIX = /(?:办公室|办公厅|委员会|党委|党组|党工委|县委|市委|区委|省委|州委|旗委|政府|人大|政协|纪委|监委|组织部|宣传部|统战部|局|厅|署|院|校|学院|大学|党校|中心|公司|集团|支部|总支|委|部|处|科|所|站|社|协会|联合会|办|队|馆|银行|医院)$/;

/**
 * A notice that credits a site: 本文系宣讲家网独家稿件 / 本文来自人民网 / 原文刊载于《学习时报》 / 转载自求是网.
 * Group 1 is the site: it must end like a publication or site name (网, 报, 杂志, 刊, 社, 台, 平台…).
 */
export const SITE_IN_NOTICE = /(?:本(?:文|篇|稿)(?:系|为|是|来自|转自|选自|摘自|原载于?|首发于?|刊载于?|刊发于?)|原文(?:刊载|刊发|首发|发表)于?|转载自|转自|摘自|选自)\s*[《「“]?([^，。！？；、\s《》「」“”]{2,20}?(?:网|报|网站|杂志|期刊|刊|社|台|平台|客户端|公众号|学习强国|在线|频道))[》」”]?/;

/** Values that are not a site name even though they end like one (本网, 本站, 网络). */
export const NOT_A_SITE = /^(?:本|该|此|我|其)?(?:网|网站|站|平台|网络|互联网|作者|网友|公众号)$/;

/** A date: 2020-02-10, 2020/2/10, 2020.02.10, 2020年2月10日 (optional time after is ignored). */
export const DATE = /((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?/;

/** A date in a page URL: /2020/0210/, /20200210/, /2020-02/10/, /2020/02/10/ (CMS article paths). */
export const URL_DATE = /\/((?:19|20)\d{2})[-/]?(\d{2})[-/]?(\d{2})(?=[/_.-])/;

/** Chinese numerals of a written-out date: `二〇〇四年十月十五日` (signatures of official documents). */
const CN_DATE = '(?<cy>[〇○零一二三四五六七八九]{4})\\s*年\\s*(?<cm>[一二三四五六七八九十]{1,3})\\s*月\\s*(?<cd>[一二三四五六七八九十]{1,3})\\s*日';
const AR_DATE = '(?<y>(?:19|20)\\d{2})\\s*(?:年\\s*(?<m>\\d{1,2})\\s*月\\s*(?<d>\\d{1,2})\\s*日|[-/.]\\s*(?<m2>\\d{1,2})\\s*[-/.]\\s*(?<d2>\\d{1,2}))';

/**
 * A line that is only a date, optionally in brackets: the signature date of an official document or a letter
 * (`二〇〇四年十月十五日`, `2018年12月30日` under the signing office on gov.cn pages, ../shared/eval/real/govcn/),
 * a dateline kept as its own line at the end of a news item or under a title (`（2019年9月26日）`). The clean stage
 * takes it as `published` (when nothing gave a date before) and removes it (rule `date_line`) when it is among the
 * first or last DATE_LINE_EDGE paragraphs.
 */
export const DATE_ONLY_LINE = new RegExp(`^[（(]?\\s*(?:${CN_DATE}|${AR_DATE}(?:\\s+\\d{1,2}[:：]\\d{2}(?:[:：]\\d{2})?)?)\\s*[）)]?$`, 'u');
/** How many paragraphs at each end of a document a date line may sit in to be removed as one. */
export const DATE_LINE_EDGE = 3;

/**
 * The print-edition line of a newspaper article reposted on its site: `《人民日报》（ 2020年05月19日 01 版）`,
 * `《光明日报》（2021年03月02日 11版）` (people.cn, gmw.cn). The paper is `source_site`, the date `published`; the
 * line goes (rule `print_edition`).
 */
export const PRINT_EDITION = new RegExp(`^[（(]?\\s*《(?<site>[^《》]{2,20})》\\s*[（(]\\s*${AR_DATE}\\s*(?:第?\\s*[0-9０-９]{1,3}\\s*版)?\\s*[）)]\\s*[）)]?$`, 'u');

/** `YYYY-MM-DD` of a DATE_ONLY_LINE / PRINT_EDITION match (Arabic or Chinese numerals), else null. */
export function dateOfMatch(g: Record<string, string | undefined>): { y: number; m: number; d: number } | null {
  if (g['cy']) {
    const y = Number([...g['cy']].map((c) => CN_NUM[c]).join(''));
    return { y, m: cnInt(g['cm']!), d: cnInt(g['cd']!) };
  }
  if (g['y']) return { y: Number(g['y']), m: Number(g['m'] ?? g['m2']), d: Number(g['d'] ?? g['d2']) };
  return null;
}
const CN_NUM: Record<string, number> = { '〇': 0, '○': 0, 零: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
/** 一..三十一 → number (十 = 10, 十五 = 15, 二十 = 20, 二十三 = 23); NaN for anything else. */
function cnInt(s: string): number {
  const i = s.indexOf('十');
  if (i < 0) return s.length === 1 ? CN_NUM[s] ?? NaN : NaN;
  const tens = i === 0 ? 1 : CN_NUM[s[0]!] ?? NaN;
  const ones = i === s.length - 1 ? 0 : CN_NUM[s[i + 1]!] ?? NaN;
  return tens * 10 + ones;
}

/**
 * An author's affiliation stated with 系 (`（作者张三系中国社会科学院世界经济与政治研究所研究员）`, `（作者系某某大学教授、
 * 博士生导师）`: the closing note of articles in 人民日报, 光明日报, 求是网): group `who` is the name (not kept),
 * `what` the organisation and position. The position words at the end (POSITION_SUFFIX) are cut off and the rest
 * is kept as `author_affiliation` when it ends like an organisation (ORG_SUFFIX).
 */
export const AUTHOR_IS = /[（(]\s*作者\s*(?<who>[\p{Script=Han}·]{0,8}?)\s*(?:系|为|是)\s*(?<what>[^（）()]{2,60})[）)]/gu;
/** Position words after an organisation: 研究员, 教授, 博士生导师, 主任, 院长… (repeatable: `研究所副所长、研究员`). */
export const POSITION_SUFFIX = /(?:特约|首席|高级|副|助理|兼职)?(?:研究员|教授|讲师|博士生导师|博士后|博士生|博士|硕士生|院士|主任|所长|院长|部长|处长|科长|局长|厅长|书记|秘书长|理事长|会长|社长|总编辑|编辑|记者|学者|专家|成员|委员|干部|负责人|主编|评论员|分析师|研究人员|工作人员)$/u;
