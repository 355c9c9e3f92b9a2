/**
 * Personal-data patterns: what `findPII` (pipeline/lib/pii.ts) looks for, as data.
 *
 * Each rule finds one kind of item. `group` (when set) names the capture group that is the value to
 * replace, so a label such as `电话：` stays in the sentence and only the number becomes `<PHONE>`.
 * Every pattern is global and sticky-free; lookarounds keep matches from starting or ending inside a
 * longer run of digits or letters. `validate` (in lib/pii.ts) adds checks a regex cannot do (ID checksum,
 * "is this 11-digit number a statistic").
 *
 * Placeholders are never shorter than the shortest value their rules can match, so replacing a value
 * never makes a text longer (checked in tests/rules/pii.test.ts): that keeps every
 * Removal's `chars` ≥ 0 while the ledger still balances exactly.
 */

export type PIIKind = 'email' | 'phone' | 'qq' | 'qq_group' | 'wechat' | 'id' | 'ip' | 'url';

/** The typed placeholder written in place of each kind (documented in the README). */
export const PLACEHOLDER: Record<PIIKind, string> = {
  email: '<EMAIL>',
  phone: '<PHONE>',
  qq: '<QQ>',
  qq_group: '<QQ>',
  wechat: '<WECHAT>',
  id: '<ID>',
  ip: '<IP>',
  url: '<URL>',
};

/** Matches any placeholder we write, so later passes (and the quality gate) can skip them. */
export const PLACEHOLDER_RE = /<(?:EMAIL|PHONE|QQ|WECHAT|ID|IP|URL)>/g;

export interface PIIRule {
  kind: PIIKind;
  /** Rule code in removed.jsonl / stats.json. */
  rule: string;
  re: RegExp;
  /** Capture group holding the value to replace; 0 (default) = the whole match. */
  group?: number;
  /**
   * A cheap test that every match of `re` passes (a literal or a short class it cannot match without):
   * `findPII` skips the rule on a text that fails it. Most paragraphs fail all of them (issue 9: twelve
   * scans per paragraph were 5 s of 10⁶ short lines). Checked against the rules' examples in tests.
   */
  needs: RegExp;
}

// Characters that end a URL or e-mail in Chinese running text: Han, CJK and full-width punctuation.
const NOT_URL = String.raw`\s<>"'\p{Script=Han}\u3000-\u303f\uff00-\uffef“”‘’…—`;
// Separators people put inside phone numbers: space, hyphen (ASCII, full-width, dashes).
const SEP = String.raw`[-\s－–—]?`;
// A labelled value may follow its label after a colon, spaces, or 为/是 ("电话为…").
const AFTER_LABEL = String.raw`(?:号码|号)?\s*(?:[：:]|为|是)?\s*`;

export const PII_RULES: PIIRule[] = [
  // URL with any scheme (`http://`, `ftp://`, `abcd://` as data-juicer clean_links treats it) or a bare
  // `www.` host; ends before Chinese text or full-width punctuation (trailing ASCII punctuation is trimmed
  // in lib/pii.ts). RFC 3986 scheme syntax: a letter then letters, digits, + - .
  // A run of Han inside the URL is kept only where a `.` or `/` follows it (an IDN host `www.测试.com`, a
  // Chinese path segment), so `详见http://a.cn了解更多` stops before `了解更多`.
  { kind: 'url', rule: 'pii_url', needs: /:\/\/|www\./i, re: new RegExp(String.raw`(?<![A-Za-z0-9])(?:[A-Za-z][A-Za-z0-9+.-]{0,15}://|www\.)[^${NOT_URL}]+(?:\p{Script=Han}+(?=[./])[^${NOT_URL}]+)*`, 'giu') },
  // E-mail address local@domain.tld (RFC 5321 shapes, ASCII; also the full-width ＠). The TLD is letters
  // only, so `x@1264fg.45om` (a data-juicer near-miss) is not an address. Shorter than 7 characters is not
  // matched (no real address is; keeps `<EMAIL>` no longer than the value).
  { kind: 'email', rule: 'pii_email', needs: /[@＠]/, re: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}[@＠](?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])/g },
  // Chinese resident ID number, GB 11643-1999: 6-digit region, birth date 18xx–20xx, 3-digit sequence,
  // check character (digit or X); the checksum is verified in lib/pii.ts.
  { kind: 'id', rule: 'pii_id_card', needs: /\d{17}/, re: /(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/g },
  // Mainland mobile number: 1[3-9]x xxxx xxxx (MIIT numbering plan), optional +86/86 prefix, optional
  // separators between the 3-4-4 groups. Bare numbers followed by a unit (元, 人, 吨…) are statistics and
  // are rejected in lib/pii.ts.
  { kind: 'phone', rule: 'pii_mobile', needs: /\d{4}/, re: new RegExp(String.raw`(?<![\d+])(?:(?:\+|＋)?86${SEP})?1[3-9]\d${SEP}\d{4}${SEP}\d{4}(?!\d)`, 'g') },
  // Landline with area code: 0 + 2–3 digit area code (010, 021, 0755…), optional brackets and separator,
  // 7–8 digit local number, optional extension after 转 or -. Chinese numbering plan (GB/T 13143 style).
  { kind: 'phone', rule: 'pii_landline', needs: /\d{7}/, re: new RegExp(String.raw`(?<![\d.])(?:[（(]0\d{2,3}[）)]\s*|0\d{2,3}${SEP})[1-9]\d{6,7}(?:\s*(?:转|-|－)\s*\d{1,5})?(?!\d)`, 'g') },
  // Service numbers 400-xxx-xxxx / 800-xxx-xxxx, only in their usual hyphenated form.
  { kind: 'phone', rule: 'pii_service_number', needs: /[48]00[-－]/, re: /(?<!\d)[48]00[-－]\d{3}[-－]\d{4}(?!\d)/g },
  // A number after a phone label (电话、手机、联系电话、热线、传真、Tel): 7–12 digits with separators, so
  // local numbers without area code are caught where the label says what they are.
  { kind: 'phone', rule: 'pii_phone_labelled', group: 1, needs: /电话|手机|联系方式|热线|传真|座机|Tel|TEL|tel|Fax|FAX|Phone|phone/, re: new RegExp(String.raw`(?:电话|手机|联系方式|热线|传真|座机|Tel|TEL|tel|Fax|FAX|Phone|phone)${AFTER_LABEL}((?:[（(]?0\d{2,3}[）)]?${SEP})?\d{3,4}${SEP}\d{4}(?:\s*(?:转|-)\s*\d{1,5})?)(?!\d)`, 'g') },
  // QQ group number after a group label: QQ群, 交流群 / 交流5群 / 交流五群, 群号 / 群号码, or any `…群：` with
  // a colon (`读者群：…`): 5–11 digits (Tencent assigns from 10000). A bare 群 is not a label: `受益人群120000人`,
  // `产业集群10500家` are statistics. Numbers followed by a unit or preceded by a quantity word are rejected
  // in lib/pii.ts, as for mobile numbers (`人群：120000人`).
  { kind: 'qq_group', rule: 'pii_qq_group', group: 1, needs: /群/, re: new RegExp(String.raw`(?:(?:QQ|qq|Qq|扣扣)群|交流[\d一二三四五六七八九十]*群|群号码?|群\s*[：:])${AFTER_LABEL}([1-9]\d{4,10})(?!\d)`, 'g') },
  // QQ number after its label (QQ、qq、QQ号、扣扣): 5–11 digits.
  { kind: 'qq', rule: 'pii_qq', group: 1, needs: /QQ|qq|Qq|扣扣/, re: new RegExp(String.raw`(?:QQ|qq|Qq|扣扣)${AFTER_LABEL}([1-9]\d{4,10})(?!\d)`, 'g') },
  // WeChat id after its label (微信、微信号、wx、vx、WeChat): 6–20 characters starting with a letter
  // (WeChat's own rule for ids). The label is replaced together with the id: `加微信abc123` →
  // `加<WECHAT>` reads the same and keeps `<WECHAT>` no longer than what it replaces.
  { kind: 'wechat', rule: 'pii_wechat', needs: /微信|weixin|WeChat|wechat|WECHAT|wx|WX|vx|VX|V信/, re: /(?<![A-Za-z])(?:微信|weixin|WeChat|wechat|WECHAT|wx|WX|vx|VX|V信)(?:号|ID|id)?\s*(?:[：:]|为|是)?\s*[A-Za-z][-_A-Za-z0-9]{5,19}(?![-_A-Za-z0-9])/g },
  // IPv4 dotted quad, each octet 0–255, not part of a longer dotted number (`174.1421.237.246` is not one).
  // A quad right after a version word (`版本号1.2.3.4`, `V2.1.0.3`) is a version number: rejected in
  // lib/pii.ts (VERSION_BEFORE), the only context we skip; any other quad is masked (an address is more
  // harmful to publish than a version number is to lose).
  { kind: 'ip', rule: 'pii_ipv4', needs: /\d\.\d/, re: /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\d|\.\d)/g },
  // IPv6, full eight groups, or compressed with `::` and at least three groups (RFC 4291 text forms).
  { kind: 'ip', rule: 'pii_ipv6', needs: /[0-9A-Fa-f]:/, re: /(?<![0-9A-Fa-f:])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,6}:(?:[0-9A-Fa-f]{1,4}:){0,5}[0-9A-Fa-f]{1,4})(?![0-9A-Fa-f:])/g },
];

/**
 * After these words a bare 11-digit number is a quantity, not a mobile number (`GDP达13500000000元`).
 * Read by lib/pii.ts for unlabelled mobile and landline matches.
 */
export const QUANTITY_BEFORE = /(?:达到?|约|共计?|合计|总计|累计|超过?|逾|突破|增至|降至|增长|减少|总额|总量|金额|产值|余额|收入|支出|投资|人口)\s*$/;
/**
 * Before a dotted quad, a version label makes it a version number, not an IPv4 address: 版本 / 版本号 /
 * 版号, `v` / `V` / `ver` / `version` (software and document version strings), with an optional colon
 * or space. Read by lib/pii.ts on the few characters before a `pii_ipv4` match.
 */
export const VERSION_BEFORE = /(?:版本号?|版号|(?<![A-Za-z])(?:[vV]|[vV]er|[vV]ersion|VER|VERSION)\.?)\s*[：:]?\s*$/;
/** A unit right after the number also makes it a quantity. */
export const UNIT_AFTER = /^\s*(?:[元角分亿万千百十个人次户吨件台辆套项斤克米亩倍名位股头只条本册篇家所座度秒年天]|平方|立方|公里|千瓦|美元|港元|欧元|%|％|‰)/;

/**
 * Words that label personal data on a contact line (`联系电话：…`, `QQ群：…`). A line that is nothing but
 * these labels, the items and separators "exists only to carry them" and is removed whole.
 */
export const CONTACT_LABELS = /(?:联系人|联系方式|联系电话|电话号码|手机号码|手机号|电话|手机|座机|热线|传真|电子邮箱|电子邮件|邮箱|邮件|E-?mail|e-?mail|EMAIL|QQ群|qq群|QQ号|QQ|qq|群号码|群号|交流群|微信号|微信|网址|网站|主页|官网|链接|地址|IP地址|IP|身份证号码|身份证号|身份证|号码|Tel|TEL|Fax|FAX|[：:，,、；;。.|｜/\\\-—_（）()\[\]【】\s])/g;

/** At most this many characters may remain on a line besides labels and items for it to go whole. */
export const CONTACT_LINE_SLACK = 4;
