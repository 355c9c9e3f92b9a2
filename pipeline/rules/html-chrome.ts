/**
 * Page furniture ("chrome") that Readability can leave in or around an article: reference lists and info boxes
 * of wiki engines, buttons and counters, and the related-links / comments block that follows many Chinese news
 * articles. Forms from MediaWiki's skin classes (mediawiki.org/wiki/Manual:Interface) and from the layouts of the
 * magic-html benchmark pages (新浪, 中国青年网, 360 快资讯, 腾讯); none names one site.
 */

/**
 * Elements removed before Readability runs: MediaWiki info boxes, navigation boxes, reference lists, tables of
 * contents, edit links and maintenance notices (the class names every MediaWiki skin uses), and elements that
 * say what they are through ARIA (`role="navigation"`, `role="complementary"`).
 */
export const CHROME_SELECTORS = [
  '.infobox', '.navbox', '.vertical-navbox', '.sidebar', '.reflist', '.references', '.mw-references-wrap', '#toc', '.toc',
  '.catlinks', '.mw-editsection', '.ambox', '.metadata', '.noprint', '.mw-jump-link', '.hatnote', '.printfooter',
  '[role="navigation"]', '[role="complementary"]', '[role="contentinfo"]', '[aria-hidden="true"]',
  // Video players' own markup: controls, speed and quality menus, loading and error hints (`正在为您切换到高清
  // 480P`, `倍速`, `2.0X`, `很抱歉，当前视频播放失败`: issue 21, a 1905.com page kept 24 such lines). The container
  // classes of video.js, DPlayer, 西瓜 xgplayer, 腾讯云 TCPlayer, 阿里云 prism, Plyr, JW Player and the common
  // `video-player` / `mplayer` wrappers; none holds article text.
  '.video-player', '.mplayer', '.video-js', '.vjs-control-bar', '.dplayer', '.xgplayer', '.tcplayer', '.prism-player', '.plyr', '.jw-controls',
  // Show/hide toggles (Bootstrap-style `data-toggle` links: `展开`, `收起`), controls rather than text.
  'a[data-toggle]',
].join(', ');

/**
 * A line that opens the furniture after an article: a related-links, recommendations or comments heading, a
 * "read more" or "load more" control. The line and everything after it are dropped, when enough article text
 * precedes it (HtmlConfig.minTextBeforeTail).
 */
export const TAIL_MARKER = /^(?:[【\[［]?\s*(?:相关(?:新闻|阅读|推荐|文章|报道|链接|专题|内容)|延伸阅读|推荐阅读|热门推荐|热点推荐|热门文章|精彩推荐|猜你喜欢|为你推荐|大家都在看|更多(?:新闻|精彩|阅读|内容)|(?:网友|热门|最新|全部)?评论|我要评论|发表评论|评论\s*\d+|加载更多.*|展开阅读全文|点击加载更多|不喜欢|返回顶部)\s*[】\]］]?\s*[:：>»]?)$/u;

/**
 * Whole lines that are controls, not text: share/like/favourite buttons, font-size switches, print and close
 * links, pagination (`首页 | 上一页 1 下一页 | 尾页`), previous/next-article links.
 */
export const CONTROL_LINE = [
  /^(?:收藏|分享|分享到[:：]?|点赞|赞|转发|举报|打印|打印本页|关闭|关闭窗口|返回|返回顶部|返回首页|字号[:：]?\s*[大中小\s]*|[大中小])$/u,
  /^(?:首页|上一页|下一页|尾页|\d{1,3}|[|｜\s])+$/u, // pagination
  /^(?:上一篇|下一篇)\s*[:：].*$/u,
  // Issue 21: 百度百科's per-section "播报" / "编辑" buttons; a channel bar of six or more 1–4-character words
  // (`视频 直播 美图 博客 看点 政务 …`, 新浪's mobile pages in ../shared/eval/html/).
  /^(?:播报|编辑|展开|展开全部|收起|查看全部|我要编辑)$/u,
  // A video card's caption: `…播出 时长：01:45 来源：电影网`, `时长：01:45建议WIFI下打开` (issue 21, 1905.com).
  /(?:^|\s)时长\s*[:：]\s*\d{1,2}:\d{2}(?::\d{2})?(?:\s|建议|$)/u,
  /^(?:\p{Script=Han}{1,4}\s+){5,}\p{Script=Han}{1,4}$/u,
];

/** Bare counters (like, comment, view counts) at the top of an article, before its first sentence. */
export const LEADING_COUNTER = /^\d{1,7}$/u;

/**
 * A site footer line: contact/about links, copyright and licence notices, report hotlines. From the first such
 * line on, when nothing after it is as long as a paragraph (HtmlConfig.maxFooterLineChars), the rest is footer.
 */
export const FOOTER_LINE = /^(?:(?:联系我们|关于我们|网站地图|广告服务|广告营销|网站声明|免责声明|版权声明|意见反馈|帮助中心)\s*[|｜·]|Copyright|版权所有|©|\(C\)|All Rights Reserved|(?:违法和不良信息)?举报(?:电话|邮箱|中心))/iu;
