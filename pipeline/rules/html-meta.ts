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
  'weibo: article:create_at', // 新浪 share metadata
];

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
];

/** A source line: `来源：人民网`, `来源: 新华社`, `稿源：`, `出处：`. Group `site`: up to the next space or `|`. */
export const SOURCE_LINE = /(?:^|\s)(?:来源|稿源|出处|来自)\s*[:：]\s*(?:来源[:：])?(?<site>[^\s|｜　:：]{2,30})/u;

/** Elements whose text is the publication date: WeChat's `<em id="publish_time">2018年7月11日 23:46</em>`. */
export const PUBLISHED_NODE_SELECTORS = ['#publish_time'];

/**
 * Date fields of a document header table (gov.cn and provincial portals' 政府信息公开 pages: `发布日期：` and its
 * value in the next cell, `成文日期：2004年04月17日`), strongest first: the page's publication date, then the date the
 * document was signed. Group `label`, and `value` when the date is in the same cell.
 */
export const DATE_FIELDS = ['发布日期', '发布时间', '成文日期', '印发日期', '发文日期'];
export const DATE_FIELD_LINE = new RegExp(`^(?<label>${DATE_FIELDS.join('|')})\\s*[:：]\\s*(?<value>.*)$`, 'u');
