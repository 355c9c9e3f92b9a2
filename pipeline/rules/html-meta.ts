/**
 * Where a web page states its publication date, its site name and its source, as data.
 * Meta names are the Open Graph protocol (ogp.me), the `article:` namespace, schema.org microdata and the names
 * Chinese CMSs write (TRS `publishdate`, 新华网 `pubdate`, 360 `og:release_date`), seen on the magic-html benchmark
 * pages; the text forms are the bylines under a Chinese article heading (`2024-05-10 08:30 来源：人民网`).
 */

/** Meta tags (`name`, `property` or `itemprop`, lower-cased) that carry the publication date, strongest first. */
export const PUBLISHED_META = [
  'article:published_time', // Open Graph article namespace (新浪, WordPress)
  'og:release_date', // 360 快资讯
  'datepublished', // schema.org microdata
  'publishdate', // TRS CMS (新华网, 人民网, 中国青年网, 南方网)
  'pubdate', // 新华网 mobile, many TRS templates
  'publish_time',
  'publishtime',
  'dc.date.issued', // Dublin Core
  'dc.date',
  'dcterms.issued', // Dublin Core terms (university and library sites)
  'weibo: article:create_at', // 新浪 share metadata
  'article:published', // Open Graph variants some CMSs write
  'og:published_time',
  'firstpublishedtime', // 网易, 新浪 article templates
  'parsely-pub-date', // Parse.ly analytics tag
  'sailthru.date', // Sailthru tag
];

/**
 * JSON-LD (`<script type="application/ld+json">`, schema.org) keys of the publication date, strongest first, looked
 * up in the object, its `@graph` and arrays of objects. `dateCreated` is the fallback of pages (Q&A) that give only it.
 */
export const JSONLD_DATE_KEYS = ['datePublished', 'dateCreated'];

/**
 * Publication dates in a page's inline scripts, where the page prints the date only when the script runs. WeChat
 * official-account articles (mp.weixin.qq.com, as served): `var ct = "1581517074";` (Unix seconds; the page shows it in
 * Beijing time), `var publish_time = "2018-07-13" || "";` (2018 pages), and on 2022 pages the call that writes
 * `#publish_time`: `e(0,"1659274471",0,document.getElementById("publish_time"))`; `var createTime = '2022-07-31 21:34';`.
 * Group `epoch` (seconds) or `date` (text); the first rule that matches wins.
 */
export const SCRIPT_DATES = [
  /\bvar\s+ct\s*=\s*["'](?<epoch>1\d{9})["']/u,
  /"(?<epoch>1\d{9})"\s*,\s*\d+\s*,\s*document\.getElementById\(\s*["']publish_time["']\s*\)/u,
  /\bvar\s+(?:publish_time|createTime)\s*=\s*["'](?<date>(?:19|20)\d{2}-\d{1,2}-\d{1,2})/u,
];

/** Hours east of UTC of the time zone Chinese pages show their dates in (China Standard Time, UTC+8, no DST). */
export const PAGE_UTC_OFFSET_HOURS = 8;

/**
 * A post's own date line on forum and Q&A pages, anywhere on the page (a thread's first post can be far below the
 * heading): `发表于 2019-3-4 12:00` (Discuz!), `发布于 2024-04-03 09:55` (知乎), `posted @ 2024-05-09 14:45` (博客园),
 * `发表时间：…`. Strongest first: the first-post forms, then `编辑于` (知乎 shows it instead of 发布于 once an answer is
 * edited: the edit's date, the closest date the page gives). Group `date`.
 */
export const POST_DATE_LINES = [
  /(?:^|\s|\|)(?:发表于|发布于|posted\s*@)\s*(?<date>(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?)/iu,
  // Older boards' post footer: `本贴由大卫于2005年8月12日16:12:21在〖心灵体操〗发表.`
  /(?:^|\s)本[贴帖文]由\S{1,30}?于\s*(?<date>(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?)/u,
  // 百度贴吧: the opening post's tail, `来自Android客户端1楼2022-10-02 23:02回复`.
  /(?<!\d)1楼\s*(?<date>(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?)/u,
  /(?:^|\s|\|)编辑于\s*(?<date>(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?)/u,
];

/**
 * Relative dates (`3天前`, `昨天 12:00`, `2小时前`), resolved only against an absolute anchor the saved page itself
 * carries: the save date SingleFile writes into its header comment (`saved date: Thu May 23 2024 10:20:30 GMT+0800`).
 * Without an anchor a relative date says nothing and is left alone. Groups: `n` and `unit` (天/小时/分钟), or `word`.
 */
export const RELATIVE_DATE = /(?:发表于|发布于|编辑于|发布时间[:：]?)\s*(?:(?<n>\d{1,3})\s*(?<unit>天|小时|分钟)前|(?<word>今天|昨天|前天))/u;
export const SAVED_DATE_ANCHOR = /<!--[\s\S]{0,400}?saved date:\s*(?<date>[A-Z][a-z]{2} [A-Z][a-z]{2} \d{1,2} \d{4} \d{2}:\d{2}:\d{2} GMT[+-]\d{4})/u;

/** Meta tags naming the site, strongest first. */
export const SITE_META = ['og:site_name', 'application-name', 'apple-mobile-web-app-title'];

/**
 * Dates as pages write them: `2024-05-10`, `2024/5/10`, `2024.05.10`, `2024年5月10日`, optionally followed by a
 * time, and ISO timestamps (`2024-05-16T17:02:38+08:00`). Groups: y, m, d.
 */
export const DATE_IN_TEXT = /(?<!\d)(?<y>(?:19|20)\d{2})\s*(?:[-/.]|年)\s*(?<m>\d{1,2})\s*(?:[-/.]|月)\s*(?<d>\d{1,2})(?:日|号)?(?!\d)/u;

/**
 * A byline line under the heading: a date followed by a time (`2024-05-10 08:30`, `2024年05月10日 08:30:12`), or a
 * date after a label (`发布时间：2024-05-10`, `时间：2024年5月10日`, `日期:`). A bare date in running text is not one.
 */
export const BYLINE_DATE = [
  /(?:发布|发表|更新|上传|录入)?(?:时间|日期)\s*[:：]\s*(?<date>(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?)/u,
  /(?<date>(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?)\s*\d{1,2}[:：]\d{2}/u,
  // A date followed by the page's view counter: `2004-12-10 阅读10544次` (university and CMS news pages).
  /(?<date>(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?)\s*(?:阅读|浏览|点击)(?:次数|量)?\s*[:：]?\s*\d+/u,
];

/**
 * Lines near the heading whose date is not this article's: CSDN's `最新推荐文章于 2024-05-07 22:12:13 发布` (the newest
 * recommended article's date, above the post's own `X 于 2024-05-06 15:47:53 发布`). Skipped by the byline search.
 */
export const NOT_BYLINE_LINE = /^最新推荐文章于/u;

/** A source line: `来源：人民网`, `来源: 新华社`, `稿源：`, `出处：`. Group `site`: up to the next space or `|`. */
export const SOURCE_LINE = /(?:^|\s)(?:来源|稿源|出处|来自)\s*[:：]\s*(?:来源[:：])?(?<site>[^\s|｜　:：]{2,30})/u;

/** Elements whose text is the publication date: WeChat's `<em id="publish_time">2018年7月11日 23:46</em>`. */
export const PUBLISHED_NODE_SELECTORS = ['#publish_time'];

/**
 * Date fields of a document header table (gov.cn and provincial portals' 政府信息公开 pages: `成文日期：2004年04月17日`,
 * `发布日期：` and its value in the next cell), strongest first. `published` of an official document is its
 * 成文日期, the date printed on the document under its issuer (GB/T 9704-2012 §7.3.5): the date it is cited by, the
 * same on every portal that reposts it and the date a Word copy's signature gives (clean's `date_line`), while
 * 发布日期 is the day one portal posted it (on the ten 国务院 pages of the eval set: 7 to 20 days later for three 2018
 * documents, and 2018-12-24 for seven documents of 1996–2005 posted again that day). 发布日期 is
 * taken when the page gives no 成文日期 (decided in issue 21; before, 发布日期 came first). Group `label`, and `value`
 * when the date is in the same cell.
 */
export const DATE_FIELDS = ['成文日期', '印发日期', '发文日期', '发布日期', '发布时间'];
/** The DATE_FIELDS that date the document itself (taken before any meta tag, which dates the web page). */
export const DOCUMENT_DATE_FIELDS = ['成文日期', '印发日期', '发文日期'];
export const DATE_FIELD_LINE = new RegExp(`^(?<label>${DATE_FIELDS.join('|')})\\s*[:：]\\s*(?<value>.*)$`, 'u');

/**
 * A newspaper's e-paper page (电子报, 数字报): the issue's navigation (`版面导航`, `本版导航`, `数字报导航`, `往期数字报刊`, `上一版`
 * / `下一版`, `上一期` / `下一期`, a page's label `第A01版：头版`) on a line of its own. Such a page dates its article by the issue,
 * printed alone on a line in its header (EPAPER_ISSUE_DATE), not by a byline: 河南商报 on dahe.cn, 西藏日报 on
 * chinatibetnews.com, and the e-paper templates most provincial and city papers use (方正 and 北大方正 e-paper systems).
 */
export const EPAPER_MARKER = /^(?:版面导航|本版导航|标题导航|数字报导航|往期数字报刊?|往期回顾|数字报|电子报|电子版|上一版|下一版|上一期|下一期|第[A-Z]?\d{1,3}版\s*[：:].{0,12})$/u;
/**
 * The issue date of an e-paper page: a date opening a line of the header, the weekday and a short link after it allowed
 * (`2022年02月12日`, `2022年2月13日 星期日`, `2022年02月12日 查看旧版(2007年11月18号以前)` on dahe.cn), no sentence.
 */
export const EPAPER_ISSUE_DATE = /^(?<date>(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*(?:星期[一二三四五六日天]|周[一二三四五六日天])?(?:\s+[^。！？，,]{1,30})?$/u;
/** How many of a page's first lines the issue date and the markers are looked for in (the header of the page). */
export const EPAPER_HEADER_LINES = 80;
