/**
 * How a page's `<title>` is cut into the article title and the site name.
 *
 * Chinese news and government sites append the column and the site to the title: `标题_栏目_网站名`,
 * `标题--栏目--人民网`, `标题-新华网`, `标题 - 作者 - 博客园`, `标题|关键词|关键词_新浪新闻`, `标题_【快资讯】`.
 * The article title is the first segment; the site name is the last. Forms observed on the magic-html benchmark
 * pages (opendatalab/magic-html `benchmark/data/article/`) and common to CMS templates (TRS, 新华网 CMS, WordPress).
 */

/**
 * Separators that always split a `<title>`: `_` (TRS and most Chinese CMSs), `|` and full-width `｜`
 * (新浪 keyword lists, WordPress), a doubled hyphen `--` (人民网), and a dash with spaces on both sides
 * (` - `, ` – `, ` — `: WordPress, MediaWiki, 博客园).
 */
export const TITLE_SEPARATOR = /\s*(?:[_|｜]|-{2,}|\s[-–—]\s)\s*/u;

/**
 * A bare hyphen or dash without spaces splits only before a short tail at the end that reads as a site name
 * (`标题-新华网`, `标题—中国科普网`: 2–15 characters, no spaces, ending in a SITE_WORD). A hyphen inside a title
 * (`COVID-19疫情……`) keeps, because what follows it is not a site name.
 */
export const BARE_DASH_SUFFIX = /[-–—](?<site>[^\s\-–—_|｜]{2,15})$/u;

/** Brackets sites put around their name in a title suffix (`【快资讯】`, `[新华网]`, `《人民日报》` is kept). */
export const SITE_BRACKETS = /^[【\[［〔(（](?<name>[^】\]］〕)）]+)[】\]］〕)）]$/u;

/**
 * A suffix segment that names a site rather than a column: it ends in a word Chinese site names end in
 * (`人民网`, `新浪新闻`, `百度百科`, `博客园`, `起点中文网`) or is a Latin domain-like brand.
 */
export const SITE_WORD = /(?:网|报|台|网站|新闻|资讯|百科|社|在线|客户端|门户|园|百科全书|头条|博客|频道|[A-Za-z]\.(?:com|cn|net|org))$/u;
// 头条, 博客, 频道 (issue 21): `标题-今日头条`, `标题-CSDN博客`, `标题-股票频道-和讯网` (hexun page in ../shared/eval/real/news/).

/**
 * A first `<title>` segment this short before a longer one is a column name, not the title: `棱镜|数据业大整顿：…_财经_腾讯网`
 * (腾讯 棱镜 column, ../shared/eval/real/news/qq_2.html). Real titles of two characters exist but are rare next to a
 * longer segment.
 */
export const TITLE_STUB_MAX_CHARS = 2;

/**
 * Longest suffix (whitespace-free characters) after the page's heading at the start of its `<title>` for the
 * heading to be the title: `政能亮丨“稳经济”需要跑出“加速度”凤凰网评论_凤凰网` under the `<h1>` `政能亮丨…加速度”` (凤凰网),
 * `新华视界｜河北遵化：…` under an `<h1>` of the same text (新华网: a column prefix that is part of the title).
 * Pages of the real evaluation set (tests/fixtures/eval-real/).
 */
export const HEADING_SUFFIX_MAX_CHARS = 16;
// 16, not 12 (tests/fixtures/eval-real cwced-91bdf33e): `图说洛阳| 洛阳职业技术学院：…过廉洁之年 河南日报网-河南日报官方网站`.

/**
 * A heading at least this long that the `<title>` continues after a separator (`-`, `_`, `|`) is the title whatever
 * the length of the suffix (column, channel and site names: 51offer's `-英国留学生活|留学攻略-51offer让留学更简单`).
 * Shorter headings (a logo's `新闻`) need HEADING_SUFFIX_MAX_CHARS.
 */
export const HEADING_AT_SEPARATOR_MIN_CHARS = 6;

/** A notification counter a logged-in page puts before its title: `(99+ 封私信 / 87 条消息) ` (知乎). */
export const TITLE_NOISE_PREFIX = /^\s*[（(][^()（）]{0,20}\d+\+?\s*(?:封私信|条消息|条通知|条新消息)[^()（）]{0,20}[）)]\s*/u;

/**
 * A heading that names a blog, not a post: `bjreader的博客` (博客中国's `<h1>` over every post, whose own heading is an
 * `<h2>`), `某某的BLOG`, `某某的部落格`, `某某的空间`. Chinese blog hosts of the 2000s (博客中国, 新浪博客, 网易博客, bokee,
 * DoNews) name a blog `<owner>的博客`; where such a heading stands for the title, the page's first `<h2>` is the post's.
 */
export const BLOG_NAME = /^[^\s。！？，,]{1,24}的(?:博客|BLOG|Blog|blog|部落格|空间|日志|网志)$/u;

/** Decoration a blog template appends to a post heading: `谁来为无序拆房“埋单”？- -` (博客中国). */
export const TITLE_TRAILING_DASHES = /(?:\s*[-–—])+\s*$/u;

/**
 * Sentence punctuation: a `<title>` segment holding it is a headline, never a site or column name. `书记市长这一周 |
 * 奋马扬鞭争春色，“虎”力全开向未来` (a column name, then the headline: 交汇点/江苏 portals, WeChat-style `栏目 | 标题` titles) is one title.
 */
export const HEADLINE_PUNCTUATION = /[，。！？；“”]/u;

/**
 * A `<title>` that is only the site's name (`北医新闻网_(新闻)`: university, hospital and county news sites whose template
 * prints the site in `<title>` on every page). The article's heading is then the text's first short line, past the
 * chrome lines above it (a breadcrumb).
 */
export const SITE_ONLY_TITLE = /^[\p{Script=Han}A-Za-z0-9·]{2,12}(?:新闻网|信息网|门户网站|网站|官网|新闻中心)$/u;
/** Longest line (countChars) taken as the heading under a SITE_ONLY_TITLE, and how many lines down it may be. */
export const SITE_TITLE_HEADING_MAX_CHARS = 40;
export const SITE_TITLE_HEADING_WITHIN = 3;
