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
  ['供稿', true], ['主持人', false], ['联系人', false],
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
