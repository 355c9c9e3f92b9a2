import { NAME } from './pii.js';

/**
 * Lines that are chrome only where they stand at a document's first or last line (the clean stage peels them off
 * each end, rule `boilerplate_footer`, until a line is not one): in the body the same words are headings, table
 * cells or text. Seen on the real pages of tests/fixtures/eval-real (issue 21); each is a form of many sites.
 */
/**
 * A number alone as a document's first or last line: a page number, a like or comment counter (`4`, `12`), with the
 * icon-font glyph (a private-use character) or bracket a page draws around it (`\ue60e4`: 明日大盘's like counter).
 */
export const EDGE_NUMBER = /^[^\p{L}\p{N}]{0,3}\d{1,3}[^\p{L}\p{N}]{0,3}$/u;

/**
 * A portal's or channel's name alone as a document's first or last line (`新浪财经`, `腾讯新闻`, `网易号`, `凤凰网`): the
 * site's banner above or under an article (the 新浪/腾讯/网易/搜狐 pages of tests/fixtures/eval-real and
 * ../shared/eval/real/). Only at an edge: in the body such a name is a heading or a table cell.
 */
export const EDGE_PORTAL = /^(?:(?:新浪|腾讯|网易|搜狐|凤凰|人民|新华|央视|中新|环球|澎湃|光明|中青|东方|百度|界面|财新|央广)(?:网|新闻|财经|科技|体育|娱乐|军事|汽车|视频|号|客户端|网财经|网新闻|财经网|新闻网|新闻客户端)|今日头条|新浪微博)$/u;

/**
 * The poster's card of a forum or Q&A page, line by line (Discuz boards such as 天城's, 百度知道, 贴吧): its counters
 * and buttons (`主题`, `帖子`, `积分`, `发消息`, `加好友`, a board's tabs with counts `公告36`, `活动406`, `交流55862`), ranks (`新手上路`, `中级会员`, `高能答主`, `个人认证用户`), and the
 * profile line (`2021-10-19 · 总经理助理、娱乐领域创作者`). The line just before the first of them is the poster's name
 * (USER_NAME_MAX), removed with it (rule `poster_name`, the name not kept).
 */
export const USER_CARD = /^(?:主题|帖子|积分|(?:公告|活动|交流|攻略|反馈|讨论|建议|问答|原创|栏目|话题|求助)\s*\d+|发消息|加好友|打招呼|关注|粉丝|金币|威望|精华|在线|离线|发私信|新手上路|注册会员|中级会员|高级会员|金牌会员|论坛元老|禁止发言|高能答主|个人认证用户|企业认证用户|(?:主题|帖子|积分|粉丝|关注)\s*\d+|(?:采纳率|帮助的人)\s*[：:]\s*\d+%?|(?:19|20)\d{2}-\d{1,2}-\d{1,2}\s*[·・]\s*[^。！？]{0,30})$/u;
/** Longest line (countChars) read as the poster's name before a USER_CARD line. */
export const USER_NAME_MAX = 12;

/**
 * A list header left as a document's last line once the list under it went (`媒体报道` on readhub, `相关报道`,
 * `更多报道`, `专题报道`): nothing follows it, so it heads nothing.
 */
export const DANGLING_HEADER = /^(?:媒体报道|相关报道|更多报道|专题报道|相关新闻|相关链接|相关阅读|相关文章|热门推荐|网友评论)\s*[：:]?$/u;

/**
 * A shortened echo of the title as a first or last line: a gallery's or a tag cloud's keywords (`遵化数字农机农业生产`
 * under `新华视界｜河北遵化：数字农机服务助力农业生产`, xinhuanet photo pages): its letters and digits, at least
 * TITLE_ECHO_MIN of them and half the title's, all occur in the title in the same order, and it closes no sentence.
 */
export const TITLE_ECHO_MIN = 6;
export function echoesTitle(line: string, title: string | null): boolean {
  if (title === null || /[。！？!?，,；;：:]/u.test(line)) return false;
  const key = (s: string) => [...s.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '')];
  const l = key(line), t = key(title);
  if (l.length < TITLE_ECHO_MIN || l.length * 2 < t.length || l.length >= t.length) return false;
  let j = 0;
  for (const c of t) if (j < l.length && c === l[j]) j++;
  return j === l.length;
}

/**
 * A shop card at the end of an answer or article (知乎 answers' product cards: `群租消防…急救包` / `淘宝` / `¥18.00` /
 * `去购买`, often after a `广告` label): the shop, the price and the button, peeled off the end with the product's name
 * above them and the `广告` label above that.
 */
export const AD_SHOP = /^(?:淘宝|天猫|京东|拼多多|苏宁易购|当当|唯品会|亚马逊)$/u;
export const AD_PRICE = /^[¥￥]\s*\d+(?:\.\d{1,2})?\s*(?:起|元)?$/u;
export const AD_BUY = /^(?:去购买|立即购买|马上购买|去看看|查看详情|立即抢购)$/u;
export const AD_LABEL = /^(?:广告|推广|赞助)$/u;

/**
 * A disclaimer block closing a page: a notice header alone on its line (`郑重声明`, `免责声明`, `特别声明`, `版权声明`) and
 * the numbered items under it to the end (`1. 任何言论纯属作者个人观点…`, `5. 任何转载或转贴都应注明真实作者…`: a 乐趣园 board's
 * rules under each thread).
 */
export const NOTICE_HEADER = /^(?:郑重声明|免责声明|特别声明|版权声明|法律声明|声明)\s*[：:]?$/u;
/** The header of a paper's copyright notice (below): `反侵权公告`, `版权公告`, `版权声明`, `转载声明`. */
export const COPYRIGHT_HEADER = /^(?:反侵权公告|侵权公告|版权公告|版权声明|版权说明|转载声明|郑重声明|免责声明)\s*[：:]?$/u;
/**
 * A newspaper's copyright notice closing each of its web articles (反侵权公告 of 江城日报's 松花江网, the 版权声明 blocks of
 * provincial and city papers' sites): under a COPYRIGHT_HEADER, a preamble citing the law (`根据《中华人民共和国著作权法》…本报社郑重
 * 公告：`) and numbered items (`一、任何单位或个人…必须事先取得…书面授权；`, `三、对于各类非法转载行为，欢迎读者提供侵权线索：`), each
 * longer than a forum rule but every one about copyright: each paragraph of the block up to COPYRIGHT_ITEM_MAX characters
 * and naming one of these words.
 */
export const COPYRIGHT_WORDS = /著作权|版权|侵权|转载|授权/u;
export const COPYRIGHT_ITEM_MAX = 200;
export const NUMBERED_ITEM = /^(?:\d{1,2}|[一二三四五六七八九十]{1,2})\s*[.．、)）]\s*\S/u;
/** A thread header that repeats the title after its label: `主题：某某` (BBS pages). Group 1: the title part. */
export const LABELLED_TITLE = /^(?:主题|标题|题目|帖子标题)\s*[：:]\s*(.+)$/u;

/**
 * A source credit of the whole text as its last (or first) line: `素材来源江苏13个设区市党报及官方发布` (a provincial portal's weekly
 * round-up), `资料来源：某某年鉴`, `内容来源于网络`, `文章来源：某某公众号`. In the body such a line credits a table or a quote
 * (`数据来源：国家统计局` under a chart is not taken, even at an edge). No gold text of tests/fixtures/eval-real has such a line.
 */
export const EDGE_SOURCE_CREDIT = /^(?:素材|资料|信息|内容|稿件|文章|图文|文字|本文)来源\s*(?:[：:]|于|自)?\s*[^。！？]{2,40}$/u;

/**
 * A line of hashtags and @-mentions only, with at least one mention, as a document's last (or first) line: the topic tags
 * and the author's handle a 微博, 头条号 or 健康号 post ends with (`#大家健康超能团# @大家健康`). A line of hashtags alone stays:
 * a 贴吧 or 360 post may put its topic (`#佛系#`) as a line of the text.
 */
export const EDGE_TAG_LINE = /^(?=[^@]*@)(?:\s*(?:#[^#\n]{1,30}#|@[^\s@#]{1,20}))+\s*$/u;

/**
 * The title again with a few words more as a first or last line: `《蓝羽会客厅》之《北京影人》5月20日起电影频道22:00播出` under the
 * title `…5月20日起播出` (1905电影网's video pages print the programme's slot into the caption; photo and video pages of
 * 央视网 and 新华网 do the same with a place or a channel). Every letter and digit of the title, at least TITLE_ECHO_MIN of
 * them, occurs in the line in order, the line adds at most TITLE_EXTENSION_MAX more, inside the title (the line neither starts
 * nor ends as the title does) and closes no sentence. A line that only continues the title is a headline's own first line:
 * `习近平主持召开…座谈会强调` over its second line (新华社 headlines, kepu.gov.cn), kept.
 */
export const TITLE_EXTENSION_MAX = 10;
export function extendsTitle(line: string, title: string | null): boolean {
  if (title === null || /[。！？!?；;]/u.test(line)) return false;
  const key = (s: string) => [...s.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '')];
  const l = key(line), t = key(title);
  if (t.length < TITLE_ECHO_MIN || l.length <= t.length || l.length - t.length > TITLE_EXTENSION_MAX) return false;
  if (l[0] !== t[0] || l[l.length - 1] !== t[t.length - 1]) return false;
  let j = 0;
  for (const c of l) if (j < t.length && c === t[j]) j++;
  return j === t.length;
}

/**
 * The writer's name alone in brackets as a document's last line: `（袁源）` under a university news item, `（张三 李四）` under a
 * local paper's report (the credit that closes Chinese news items when it stands on a line of its own; glued to the last
 * sentence, `…新春佳节。（常书香 马丹阳）`, it is part of that paragraph and stays). Names as rules/pii.ts NAME reads them (a
 * common surname first), one to four of them; the clean stage removes the line as `credit_line`, the names not kept.
 */
export const EDGE_NAME_CREDIT = new RegExp(String.raw`^[（(]\s*${NAME}(?:\s*[、，,\s]\s*${NAME}){0,3}\s*[）)]$`, 'u');

/**
 * A newsroom's name as a document's last line, under the writer's credit: `北京大学医学部新闻中心` (北医新闻网), `某某大学新闻网`,
 * `某某县融媒体中心`: the unit that published the item on its site, a banner of university, hospital and county news pages.
 * Issuing bodies that sign a document (`某某市人民政府办公室`, `中共某某委宣传部`) are not newsrooms and stay.
 */
export const EDGE_NEWSROOM = /^[\p{Script=Han}·]{2,24}(?:新闻中心|新闻网|融媒体中心|融媒中心|新闻宣传中心)$/u;

/**
 * A research group as the byline under a report's title: `北京市妇女儿童工作委员会儿童心理调研课题组`, `某某大学某某课题组`, `某某
 * 调研组`: the authors of 调研报告 and policy research texts (范文 and 理论 sites print it under the title). The clean stage takes it
 * only directly under the title (rule `byline`), and keeps the group as `author_affiliation`.
 */
export const GROUP_BYLINE = /^(?<org>[\p{Script=Han}（）()·、\d-]{2,40}(?:课题组|调研组|调查组|研究组|写作组|编写组|联合调研组))$/u;
