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

export type PIIKind = 'email' | 'phone' | 'qq' | 'qq_group' | 'wechat' | 'id' | 'card' | 'plate' | 'address' | 'ip' | 'url' | 'name';

/** The typed placeholder written in place of each kind (documented in the README). */
export const PLACEHOLDER: Record<PIIKind, string> = {
  email: '<EMAIL>',
  phone: '<PHONE>',
  qq: '<QQ>',
  qq_group: '<QQ>',
  wechat: '<WECHAT>',
  id: '<ID>',
  card: '<CARD>',
  plate: '<PLATE>',
  address: '<ADDR>',
  ip: '<IP>',
  url: '<URL>',
  // Names are written as a placeholder only in published paths and report excerpts; in text a credited name is
  // removed (it is shorter than any placeholder, see NAME_* below).
  name: '<NAME>',
};

/** Matches any placeholder we write, so later passes (and the quality gate) can skip them. */
export const PLACEHOLDER_RE = /<(?:EMAIL|PHONE|QQ|WECHAT|ID|CARD|PLATE|ADDR|IP|URL|NAME)>/g;

/**
 * Checks a regex cannot make, applied by lib/pii.ts to a rule's matches (on the width-folded text, see FOLD):
 * - `id18`: GB 11643-1999 check character, a real birth date and a province code;
 * - `id15`: the first-generation 15-digit number (GB 11643-1989: region, YYMMDD, sequence; no check digit):
 *   a real date and a province code;
 * - `luhn`: the ISO/IEC 7812 (Luhn) check digit of a payment card;
 * - `seps1` / `seps2`: the separators between the digits are all the same (`139 1234 5678`, `1 3 9 1 …`), at
 *   most one kind (two for a landline: the area code's and the local number's), so a run of statistics
 *   `13.5 12.3 45.6 78` is not read as one number;
 * - `isolated`: the digits are not one piece of a longer run of separated digits (`5 1 3 9 1 …`);
 * - `quantity`: not a quantity (a number after 达/约/共… or before a unit: QUANTITY_BEFORE, UNIT_AFTER);
 * - `version`: a dotted quad after a version word is a version number (VERSION_BEFORE);
 * - `plate`: at least three digits among a plate's last five or six characters;
 * - `minlen`: at least as many non-whitespace characters as the placeholder (keeps every Removal's chars ≥ 0).
 */
export type PIICheck = 'id18' | 'id15' | 'luhn' | 'seps1' | 'seps2' | 'isolated' | 'quantity' | 'version' | 'plate' | 'minlen';

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
  checks?: PIICheck[];
}

/**
 * Folded before matching, one UTF-16 unit for one (so offsets stay those of the original text): full-width
 * digits, letters and `＠．－＋＿` become ASCII (file names and unnormalized text keep them: `１３９…`), and in a
 * run of at least five Chinese numerals (with separators between them) each numeral becomes its digit
 * (`一三九一二三四五六七八`, `壹叁玖…`, `幺` as read out in phone numbers): shorter runs (`二〇一九年`, `一二九运动`)
 * are dates and names and stay as they are.
 */
export const CHINESE_DIGITS: Record<string, string> = {
  '〇': '0', '○': '0', '零': '0', '洞': '0', '一': '1', '壹': '1', '幺': '1', '二': '2', '贰': '2', '三': '3', '叁': '3',
  '四': '4', '肆': '4', '五': '5', '伍': '5', '六': '6', '陆': '6', '七': '7', '柒': '7', '八': '8', '捌': '8', '九': '9', '玖': '9',
};
export const CHINESE_DIGIT_RUN = /[〇○零洞一壹幺二贰三叁四肆五伍六陆七柒八捌九玖](?:[\s\-.·_－]?[〇○零洞一壹幺二贰三叁四肆五伍六陆七柒八捌九玖]){4,}/g;

// Characters that end a URL or e-mail in Chinese running text: Han, CJK and full-width punctuation.
const NOT_URL = String.raw`\s<>"'\p{Script=Han}\u3000-\u303f\uff00-\uffef“”‘’…—`;
// Separators people put inside phone numbers: space, hyphen (ASCII, full-width, dashes).
const SEP = String.raw`[-\s－–—]?`;
/**
 * An optional separator between two digits of a number written out: a space or two, or a hyphen, dot, middle dot,
 * underscore or slash with a space either side at most (`139.1234.5678`, `139 1234 5678`, `1 3 9 1 …`,
 * `139_1234_5678` in file names, a line break inside a number). The two alternatives cannot match the same text,
 * so a failed match backtracks over each gap once. Checked for consistency by `seps1`/`seps2`.
 */
const DSEP = String.raw`(?:\s?[-._/·－–—．]\s?|\s{1,2})?`;
// A labelled value may follow its label after a colon, spaces, or 为/是 ("电话为…").
const AFTER_LABEL = String.raw`(?:号码|号)?\s*(?:[：:]|为|是)?\s*`;
/**
 * Chinese top-level domains (IANA root zone, the internationalized TLDs in Chinese script), longest first where
 * one begins another: an address `张三@例子.中国` ends at its TLD, so `…@例子.中国获取` stops before 获取.
 */
const HAN_TLDS = ['中文网', '我爱你', '新加坡', '中国', '中國', '公司', '网络', '網絡', '在线', '网址', '网店', '商城', '商标', '集团',
  '手机', '游戏', '信息', '购物', '企业', '政务', '公益', '香港', '台湾', '台灣', '澳门', '时尚', '微博', '娱乐', '健康', '招聘', '广东', '佛山', '八卦', '网站'].join('|');
/** ASCII TLDs an obfuscated address (`zhang(at)163.com`, `zhang#163.com`) may end in: the common ones only. */
const COMMON_TLDS = 'com|cn|net|org|edu|gov|cc|me|io|info|biz|co|top|vip|hk|tw';
// A domain label: letters, digits, Han (IDN), hyphens inside.
const LABEL = String.raw`[A-Za-z0-9\p{Script=Han}](?:[A-Za-z0-9\p{Script=Han}-]{0,61}[A-Za-z0-9\p{Script=Han}])?`;
/**
 * Province abbreviations that begin a mainland licence plate (GA 36-2018), then the issuing office's letter (no I or
 * O), then five characters (six for new-energy plates), with a dot or space after the letter as plates are printed
 * (`粤B·D12345`), and the suffixes of special plates (挂 trailer, 学 driving school, 警 police, 港 澳 cross-border).
 */
const PLATE_PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
/**
 * A road name: up to four Han characters that are not a place suffix or a word that leads into an address
 * (住在 于 到 往 是 的 …), so `家住朝阳区幸福路5号` masks from 幸福: the district stays, the street and number go.
 */
const ROAD_CHAR = String.raw`(?:(?![住在于到至往是的和与及为向从自沿近临靠旁对由经过了省市区县镇乡村州旗号])\p{Script=Han})`;
/**
 * Before 道 or 里 as a street's suffix, a character that makes them another word: 频道 渠道 轨道 管道 通道 赛道 跑道 航道
 * 隧道 车道 人道 步道 栈道 坡道 弯道 知道 报道 街道, 公里 千里 万里 英里 海里 华里 邻里 这里 那里 哪里 家里 心里 城里 村里 …
 */
const ROAD_WORD_AFTER = '(?<![频渠轨管通街赛跑航隧车人步栈坡弯知报味球王霸诱公千万英海华邻这那哪家心城村乡夜手眼梦故屋院店局厂厅部里道])';

export const PII_RULES: PIIRule[] = [
  // URL with any scheme (`http://`, `ftp://`, `abcd://` as data-juicer clean_links treats it) or a bare
  // `www.` host; ends before Chinese text or full-width punctuation (trailing ASCII punctuation is trimmed
  // in lib/pii.ts). RFC 3986 scheme syntax: a letter then letters, digits, + - .
  // A run of Han inside the URL is kept only where a `.` or `/` follows it (an IDN host `www.测试.com`, a
  // Chinese path segment), so `详见http://a.cn了解更多` stops before `了解更多`.
  { kind: 'url', rule: 'pii_url', needs: /:\/\/|www\./i, re: new RegExp(String.raw`(?<![A-Za-z0-9])(?:[A-Za-z][A-Za-z0-9+.-]{0,15}://|www\.)[^${NOT_URL}]+(?:\p{Script=Han}+(?=[./])[^${NOT_URL}]+)*`, 'giu') },
  // E-mail address local@domain.tld (RFC 5321 shapes; also the full-width ＠), with internationalized forms
  // (RFC 6531/IDNA): a Han local part (up to four characters: in running text the characters before `@` cannot
  // be told from the sentence, so at most a word before it goes too) and Han domain labels, ending in an ASCII TLD
  // or a Chinese one (HAN_TLDS). An ASCII TLD is letters only, so `x@1264fg.45om` (a data-juicer near-miss) is not
  // an address. Shorter than 7 characters is not matched (no real address is; keeps `<EMAIL>` no longer than the value).
  { kind: 'email', rule: 'pii_email', needs: /[@＠]/, checks: ['minlen'], re: new RegExp(String.raw`(?<![A-Za-z0-9._%+-])(?:\p{Script=Han}{1,4}(?=[@＠])|[A-Za-z0-9][A-Za-z0-9._%+-]{0,63})[@＠](?:${LABEL}\.)+(?:${HAN_TLDS}|[A-Za-z]{2,24}(?![A-Za-z0-9-]))`, 'gu') },
  // An address written to dodge harvesters: `zhang(at)163.com`, `zhang[at]163[dot]com`, `zhang#163.com` (with a
  // note "#换成@"), `zhang艾特163点com`; only with a common TLD (COMMON_TLDS), a local part of 3+ characters.
  { kind: 'email', rule: 'pii_email_obfuscated', needs: /[(\[（【{<]\s?(?:at|AT|At)\s?[)\]）】}>]|[#＃]|艾特/, re: new RegExp(String.raw`(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{2,63}\s?(?:[(\[（【{<]\s?(?:at|AT|At)\s?[)\]）】}>]|[#＃]|艾特)\s?(?:[A-Za-z0-9-]{1,63}\s?(?:[.．]|[(\[（【{<]\s?(?:dot|DOT|Dot)\s?[)\]）】}>]|点)\s?)+(?:${COMMON_TLDS})(?![A-Za-z0-9-])`, 'g') },
  // IPv4 dotted quad, each octet 0–255 (before the numbers below: `172.18.159.144` is an address, not a mobile
  // number with dots), not part of a longer dotted number (`174.1421.237.246` is not one).
  // A quad right after a version word (`版本号1.2.3.4`, `V2.1.0.3`) is a version number: rejected in
  // lib/pii.ts (VERSION_BEFORE), the only context we skip; any other quad is masked (an address is more
  // harmful to publish than a version number is to lose).
  { kind: 'ip', rule: 'pii_ipv4', needs: /\d\.\d/, checks: ['version'], re: /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\d|\.\d)/g },
  // IPv6, full eight groups, or compressed with `::` and at least three groups (RFC 4291 text forms).
  { kind: 'ip', rule: 'pii_ipv6', needs: /[0-9A-Fa-f]:/, re: /(?<![0-9A-Fa-f:])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,6}:(?:[0-9A-Fa-f]{1,4}:){0,5}[0-9A-Fa-f]{1,4})(?![0-9A-Fa-f:])/g },
  // Chinese resident ID number, GB 11643-1999: 6-digit region, birth date, 3-digit sequence, check character (digit
  // or X), also with separators (`110105 19491231 002X`, `1101 0519 …`); checksum, date and province in lib/pii.ts.
  { kind: 'id', rule: 'pii_id_card', needs: /\d\D{0,3}\d/, checks: ['seps1', 'isolated', 'id18'], re: new RegExp(String.raw`(?<![0-9A-Za-z])[1-9](?:${DSEP}\d){16}${DSEP}[\dXx](?![0-9A-Za-z])`, 'g') },
  // The first-generation 15-digit ID number (GB 11643-1989, issued until 2004, still on old records): region,
  // YYMMDD, sequence, no check digit; a real date and province code are required, and no unit after it.
  { kind: 'id', rule: 'pii_id_card_15', needs: /\d\D{0,3}\d/, checks: ['seps1', 'isolated', 'id15', 'quantity'], re: new RegExp(String.raw`(?<![0-9A-Za-z])[1-9](?:${DSEP}\d){14}(?![0-9A-Za-z])`, 'g') },
  // Payment card number: 16–19 digits (ISO/IEC 7812; UnionPay 62…, Visa 4…, Mastercard 2/5…, JCB 35…), usually in
  // groups of four, with a valid Luhn check digit.
  { kind: 'card', rule: 'pii_bank_card', needs: /\d\D{0,3}\d/, checks: ['seps1', 'isolated', 'luhn', 'quantity'], re: new RegExp(String.raw`(?<![0-9A-Za-z])[2-6](?:${DSEP}\d){15,18}(?![0-9A-Za-z])`, 'g') },
  // Mainland mobile number: 1[3-9]x xxxx xxxx (MIIT numbering plan), optional +86/86 prefix, optional
  // separators between any digits, the same throughout (`139.1234.5678`, `1 3 9 1 2 3 4 5 6 7 8`). Bare numbers
  // after a quantity word or followed by a unit (元, 人, 吨…) are statistics and are rejected in lib/pii.ts.
  { kind: 'phone', rule: 'pii_mobile', needs: /1\D{0,3}[3-9]/, checks: ['seps1', 'isolated', 'quantity'], re: new RegExp(String.raw`(?<![\d+])(?:(?:\+|＋)?86${SEP}\s?)?1${DSEP}[3-9](?:${DSEP}\d){9}(?!\d)`, 'g') },
  // Landline with area code: 0 + 2–3 digit area code (010, 021, 0571…), optional brackets and separator,
  // 7–8 digit local number (itself maybe split: `0571 8765 4321`, `0571.8765.4321`), optional extension after 转
  // or -. Chinese numbering plan (GB/T 13143 style).
  { kind: 'phone', rule: 'pii_landline', needs: /0\D{0,3}\d/, checks: ['seps2', 'isolated', 'quantity'], re: new RegExp(String.raw`(?<![\d.])(?:[（(]0\d{2,3}[）)]\s?[-－]?\s?|0(?:${DSEP}\d){2,3}${DSEP})[1-9](?:${DSEP}\d){6,7}(?:\s*(?:转|-|－)\s*\d{1,5})?(?!\d)`, 'g') },
  // Service numbers 400-xxx-xxxx / 800-xxx-xxxx, with any or no separators (`4001234567`, `400 1234 567`).
  { kind: 'phone', rule: 'pii_service_number', needs: /[48]\D{0,3}0\D{0,3}0/, checks: ['seps1', 'isolated', 'quantity'], re: new RegExp(String.raw`(?<![\d.])[48]${DSEP}0${DSEP}0(?:${DSEP}\d){7}(?!\d)`, 'g') },
  // A number after a phone label (电话、手机、联系电话、热线、传真、Tel): 7–12 digits with separators, so
  // local numbers without area code are caught where the label says what they are.
  { kind: 'phone', rule: 'pii_phone_labelled', group: 1, needs: /电话|手机|联系方式|热线|传真|座机|Tel|TEL|tel|Fax|FAX|Phone|phone/, checks: ['seps2'], re: new RegExp(String.raw`(?:电话|手机|联系方式|热线|传真|座机|Tel|TEL|tel|Fax|FAX|Phone|phone)${AFTER_LABEL}((?:[（(]?0\d{2,3}[）)]?${SEP})?\d(?:${DSEP}\d){5,11}(?:\s*(?:转|-)\s*\d{1,5})?)(?!\d)`, 'g') },
  // QQ group number after a group label: QQ群, 交流群 / 交流5群 / 交流五群, 群号 / 群号码, or any `…群：` with
  // a colon (`读者群：…`): 5–11 digits (Tencent assigns from 10000). A bare 群 is not a label: `受益人群120000人`,
  // `产业集群10500家` are statistics. Numbers followed by a unit or preceded by a quantity word are rejected
  // in lib/pii.ts, as for mobile numbers (`人群：120000人`).
  { kind: 'qq_group', rule: 'pii_qq_group', group: 1, needs: /群(?:号|\s*[：:为是]|\s*[1-9])/, checks: ['quantity'], re: new RegExp(String.raw`(?:(?:QQ|qq|Qq|扣扣|企鹅)群|交流[\d一二三四五六七八九十]*群|群号码?|群\s*[：:])${AFTER_LABEL}([1-9]\d{4,10})(?!\d)`, 'g') },
  // QQ number after its label (QQ、qq、QQ号、扣扣, and the nicknames 企鹅号 / Q号 sites use to dodge filters):
  // 5–11 digits.
  { kind: 'qq', rule: 'pii_qq', group: 1, needs: /QQ|qq|Qq|扣扣|企鹅|Q号/, checks: ['quantity'], re: new RegExp(String.raw`(?:QQ|qq|Qq|扣扣|企鹅|Q(?=号))${AFTER_LABEL}([1-9]\d{4,10})(?!\d)`, 'g') },
  // WeChat id after its label: 微信、微信号、wx、vx、WeChat, and the spellings used to dodge keyword filters on
  // 范文 and forum pages (威信 / 薇信 / 徽信 / 维信 homophones, V信, 加V / +V, V号, a space inside 微 信): 6–20
  // characters starting with a letter (WeChat's own rule for ids), or 6–11 digits (an id that is a QQ or phone
  // number). The label is replaced together with the id: `加微信abc123` → `加<WECHAT>` reads the same and keeps
  // `<WECHAT>` no longer than what it replaces.
  { kind: 'wechat', rule: 'pii_wechat', needs: /信|weixin|WeiXin|WeChat|wechat|WECHAT|wx|WX|Wx|vx|VX|Vx|[加+＋][Vv]|[Vv]号/, checks: ['quantity', 'minlen'], re: /(?<![A-Za-z])(?:微\s?信|[威薇徽维][信心]|[Vv]信|weixin|WeiXin|WeChat|wechat|WECHAT|wx|WX|Wx|vx|VX|Vx|[加+＋][Vv]|[Vv](?=号))(?:号|ID|id)?\s*(?:[：:]|为|是)?\s*(?:[A-Za-z][-_A-Za-z0-9]{5,19}(?![-_A-Za-z0-9])|[1-9]\d{5,10}(?!\d))/g },
  // Licence plate (GA 36-2018): province, letter, five or six characters with at least three digits (`京A12345`,
  // `粤B·D12345` new-energy, `沪A1234挂`).
  { kind: 'plate', rule: 'pii_licence_plate', needs: new RegExp(`[${PLATE_PROVINCES}][A-HJ-NP-Z]`), checks: ['plate'], re: new RegExp(String.raw`(?<![A-Za-z0-9])[${PLATE_PROVINCES}][A-HJ-NP-Z][\s·•・-]?[A-HJ-NP-Z0-9]{4,5}[A-HJ-NP-Z0-9挂学警港澳](?![A-Za-z0-9])`, 'g') },
  // Street address with a house number: a road name (ROAD_CHAR, two to four characters) and its suffix (路 街 大街
  // 大道 巷 胡同 弄, and 道 里 as Tianjin, Qingdao and Beijing name streets: `南京道100号`, `幸福里3号楼`), a section
  // (`人民南路三段17号`, Chengdu), an optional lane (`123弄`), the number (digits or Chinese numerals: `幸福路十二号`) and 号,
  // then building, unit and room (`幸福路12号3栋2单元501室`, `中山北路88号院`), with the district before it when there is
  // one (`朝阳区幸福路1号`). Without a number (`长安街`, `幸福路上`) it is a place, not an address. Shorter than `<ADDR>`
  // (`幸福路1号` alone) is not matched, so no removal ever lengthens the text (the ledger counts removed characters).
  { kind: 'address', rule: 'pii_address', needs: /(?:(?:路|街|大道|巷|胡同|弄)\s?(?:(?:[一二三四五六七八九十]{1,3}|\d{1,2})段\s?)?(?:\d{1,5}\s?弄\s?)?(?:\d{1,5}|[一二三四五六七八九十百〇零]{1,5})|[道里]\s?\d{1,5})(?:[-－之]\d{1,4})?\s?号/, checks: ['minlen'], re: new RegExp(String.raw`(?:${ROAD_CHAR}{1,4}[区县镇乡])?${ROAD_CHAR}{2,4}(?:(?:大街|大道|路|街|巷|胡同|弄)\s?(?:(?:[一二三四五六七八九十]{1,3}|\d{1,2})段\s?)?(?:\d{1,5}\s?弄\s?)?(?:\d{1,5}|[一二三四五六七八九十百〇零]{1,5})|${ROAD_WORD_AFTER}(?:道|里)\s?\d{1,5})(?:[-－之]\d{1,4})?\s?号(?:院|楼)?(?:\s?[-－]?\s?\d{1,4}\s?(?:号楼|栋|幢|座|单元|层|楼|室|号|户)){0,4}`, 'gu') },
  // A dwelling in a residential compound without a street (`和平小区5栋2单元301室`, `阳光花园12号楼1602室`): the
  // compound's name and its word (小区 花园 家园 公寓 新村 苑 社区), a building, then a unit or a room — a unit or room
  // is what makes it a home rather than a landmark (`人民广场1号楼` stays).
  { kind: 'address', rule: 'pii_address', needs: /(?:栋|幢|座|号楼)\s?[-－]?\s?\d{1,5}\s?(?:单元|室|户)/, checks: ['minlen'], re: new RegExp(String.raw`${ROAD_CHAR}{2,6}(?:小区|花园|家园|公寓|新村|苑|社区)\s?\d{1,4}\s?(?:号楼|栋|幢|座)\s?[-－]?\s?(?:\d{1,3}\s?单元(?:\s?\d{1,5}\s?(?:室|号|户)?)?|\d{3,5}\s?(?:室|户))`, 'gu') },
  // A rural home: village, its group (村民小组) and the house number (`河西村3组15号`, `张家村五组8号`).
  { kind: 'address', rule: 'pii_address', needs: /村\s?(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s?组\s?\d{1,4}\s?号/, checks: ['minlen'], re: new RegExp(String.raw`${ROAD_CHAR}{1,4}村\s?(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s?组\s?\d{1,4}\s?号`, 'gu') },
];

/**
 * Province-level codes that begin a resident ID number (GB/T 2260: 11 Beijing … 65 Xinjiang, 71 Taiwan, 81 Hong
 * Kong, 82 Macao). Read by the `id18` and `id15` checks.
 */
export const ID_PROVINCES = new Set(['11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82', '83', '91']);

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


// ---- names on credit and contact lines --------------------------------------------------------------------

/**
 * Common Chinese surnames: the compound ones, then the single ones of the 2020 household-register statistics of the
 * Ministry of Public Security (the ~200 most frequent, covering about 95% of the population) and the rest of 百家姓
 * (without the few that are everyday words: 家 山 水 东 红 能 经 通 从 空 步 后 …). A credited
 * "name" must start with one, so `（记者招待会）`, `（文中数据）` or `编辑部` are not read as credits.
 */
export const SURNAMES_COMPOUND = ['欧阳', '司马', '诸葛', '上官', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒', '夏侯', '令狐', '端木', '西门', '南宫', '独孤', '澹台', '呼延'];
export const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由昌凤酆贝贲洪钮滑荀羿汲邴糜松弓牧隗宓蓬郗仰秋暴钭韶蓟怀鄂咸赖苍莘贡逄扶堵宰郦璩濮寿郏充习宦慎庾暨弘禄殳沃蔚越夔厍融訾毋乜巢蒯竺桓'.split('');

/**
 * A credited person's name: a surname (above) and one to three more Han characters, or a transliterated name with
 * a middle dot (`艾尔肯·吐尼亚孜`). Not ending in a word that makes it a body or a place (记者站, 编辑部, 通讯员队伍).
 */
export const NAME = String.raw`(?:(?:${SURNAMES_COMPOUND.join('|')}|[${SURNAMES.join('')}])\p{Script=Han}{1,2}(?<![站部组处团队社报网刊栏室员者们会节展])|\p{Script=Han}{1,8}[·•・]\p{Script=Han}{1,10})`;
/**
 * A person's contact card: a name (NAME above), the role in brackets, and only personal data besides
 * (`某某（版权合作）<PHONE>`, `某律师（法律顾问）<PHONE>`: the copyright notice closing 松花江网's pages): the whole line goes.
 */
export const CONTACT_CARD = new RegExp(String.raw`^[\s：:，,、]*${NAME}\s?[（(][^（）()]{1,8}[）)][\s：:，,、]*$`, 'u');

/**
 * Words that credit a person for the text rather than quote them: the reporters and photographers of news
 * (记者 / 本报记者 / 通讯员 / 实习生 / 摄影 / 摄 / 图 / 文 of people.cn, xinhuanet and local papers), the editors and
 * compilers of 宣讲 and 党建 pages (编辑 / 责编 / 校对 / 审核 / 整理 / 材料整理 / 文字整理 / 记录 / 撰稿 / 供稿), and the
 * contact person of a notice (联系人 / 经办人). Longest first. Single-character keys (文 图 摄) count only with a
 * slash or colon after them (`文/张三`), as sites print them.
 */
export const CREDIT_KEYS = ['本报特约记者', '特约通讯员', '本报通讯员', '特约记者', '见习记者', '实习记者', '本报记者', '本台记者', '本刊记者', '新华社记者',
  '材料整理', '文字整理', '资料整理', '记录整理', '责任编辑', '网络编辑', '通讯员', '实习生', '联系人', '经办人', '记录人', '摄影', '摄像', '记者',
  '编辑', '责编', '美编', '校对', '审核', '终审', '整理', '记录', '撰稿', '撰文', '采写', '供稿', '口述', '制图', '配图', '作者'];
const CREDIT_KEY = `(?:${CREDIT_KEYS.join('|')}|(?:文|图|摄|文图|图文|文·图|视频)(?=\\s?[/／|｜丨：:]))`;
/** News credits that need no colon: `本报讯（记者张三）`, `记者张三通讯员李四` (normalize drops the spaces between Han). */
const NEWS_KEY = '(?:本报特约记者|特约通讯员|本报通讯员|特约记者|见习记者|实习记者|本报记者|本台记者|本刊记者|新华社记者|通讯员|实习生|记者)';
const CREDIT_SEP = String.raw`\s?[/／|｜丨：:]?\s?`;
const NAMES = String.raw`${NAME}(?:\s?[、，,和及与\s]\s?${NAME}){0,5}`;
/** One credit: a key and its names (`记者 张三 李四`, `摄影/张三`, `编辑：李四、王五`). */
const CREDIT = String.raw`${CREDIT_KEY}${CREDIT_SEP}${NAMES}`;
/** A credit that is one even alone: a news key, or any key with a colon or slash (`整理：王五`, not `整理房间`). */
const CREDIT_SURE = String.raw`(?:${NEWS_KEY}\s?[/／|｜丨：:]?|${CREDIT_KEY}\s?[/／|｜丨：:])\s?${NAMES}`;
const CREDITS = String.raw`(?:${CREDIT_SURE}|${CREDIT}(?:[\s；;，,。|｜丨]*${CREDIT}){1,5})`;

/**
 * A line that is nothing but credits (`记者 张三 通讯员 李四`, `摄影/张三 编辑/李四`, `材料整理：王五`, `联系人：赵六`), in
 * brackets or not: removed whole (rule `pii_name_line`).
 */
export const CREDIT_LINE = new RegExp(String.raw`^[\s（(【\[]*${CREDITS}[\s；;，,。|｜丨]*[\s）)】\]]*$`, 'u');
/**
 * Credits in brackets inside a paragraph: the news lead's `本报讯（记者 张三 通讯员 李四）…`, `（摄影：王五）` after a
 * caption: the bracket goes (rule `pii_name_credit`), the sentence stays.
 */
export const CREDIT_BRACKET = new RegExp(String.raw`[（(【\[]\s?${CREDITS}[\s；;，,|｜丨]*[）)】\]]`, 'gu');
/**
 * Credits that open a paragraph and run into its text, where a broken page was rejoined (`记者张三通讯员李四近日…`,
 * `摄影/张三 编辑/李四为…`): two or more credits, or one with a colon or slash. The credits go (rule
 * `pii_name_credit`), the text stays. A lone news key without a colon (`记者李明发现，…`) is a sentence and stays.
 * Several credits are tried first: the first alternative that matches wins, and the longest is wanted.
 */
export const CREDIT_LEAD = new RegExp(String.raw`^[\s（(【\[]*(?:${CREDIT}(?:[\s；;，,|｜丨]*${CREDIT}){1,5}|${CREDIT_KEY}\s?[/／|｜丨：:]\s?${NAMES})[\s；;，,|｜丨）)】\]]*`, 'u');
/**
 * A contact person inside a sentence (`请与联系人张三联系`, `联系人：李四，电话…`): the name goes, the key stays
 * (rule `pii_name`). Group 1 is the name.
 */
export const CONTACT_NAME = new RegExp(String.raw`(?:联系人|经办人|联系者)\s?[：:]?\s?(${NAME})(?=[\s，,。；;、）)<联电手]|$)`, 'gu');
/**
 * A credited name wherever a name is masked rather than removed: file and member names (`记者张三_报道.docx`,
 * `联系人-李四.txt`) and report excerpts. Group 1 is the key (kept), group 2 the name (→ `<NAME>`).
 */
export const CREDITED_NAME = new RegExp(String.raw`((?:${NEWS_KEY}|联系人|经办人)\s?[-_：:/／]?\s?|${CREDIT_KEY}\s?[-_：:/／|｜丨]\s?)(${NAME})`, 'gu');

/**
 * A person's name alone in a file or folder name (`张三_心得.docx`, `2024年李四述职报告.doc`, `材料/王五/发言.txt`):
 * a part of the name between separators (FILE_NAME_GAP: spaces, `_ - — . · 、 ，`, brackets, digits with the
 * date word after them) that is name-shaped (NAME_ONLY: a common surname and one or two Han characters, not ending in
 * a unit or place word such as 站 局 院 市 路, as NAME) and is not a
 * word of jieba's dictionary (lib/pii.ts isOrdinaryWord: a private person's name is not in it; `高考`, `金融`, `林业` are),
 * or such a name opening a part that goes on with a document word (FILE_GENRE_START: `李四述职报告`, `王五同志事迹`).
 * The document words are the genres and forms of the files this pipeline reads (讲话, 发言, 心得体会, 述职报告, 事迹 …).
 */
export const FILE_NAME_GAP = /[\s_\-－—–·•・.。、，,;；()（）\[\]【】《》〈〉「」+＋&＆~～#＃@!！]+|[0-9０-９]+[年月日号期届级班]?/gu;
export const NAME_ONLY = new RegExp(String.raw`^(?:${SURNAMES_COMPOUND.join('|')}|[${SURNAMES.join('')}])\p{Script=Han}{1,2}$(?<![站部组处团队社报网刊栏室员者们会节展局厅院校所委办馆市省县区镇乡村路街])`, 'u');
export const FILE_GENRE_START = /^(?:入党申请书|入党|入团|转正申请|心得体会|心得|体会|感想|感悟|讲话稿|讲话|发言稿|发言|演讲稿|演讲|致辞|材料|报告|总结|小结|述职|述廉|简历|自传|履历|检讨|思想汇报|汇报|申请书|申请|同志|的|事迹|先进事迹|作品|论文|作业|考核|鉴定|自述|个人|党课|讲稿|笔记|剖析)/u;
/**
 * jieba's dictionary tags many ordinary words and places as person names (`明白` 10875, `文明` 6584, `黄石` 2709,
 * `桂林` 1270) beside names (`李娜` 438, `李四` 106, `王小明` 3): a person-name entry at least this frequent is an
 * ordinary word or a famous person's name (`毛泽东` 8994, `鲁迅` 1507), neither of which a file name needs hidden.
 */
export const FAMOUS_NAME_FREQ = 1000;
