/**
 * How a DOM turns into lines of text: which elements break a line and which never hold article text.
 * Element lists from the WHATWG HTML standard (§ 15.3 Rendering: elements whose default `display` is `block`,
 * `list-item` or `table-*`; § 4.11–4.12 scripting and form elements).
 */

/** Elements that start and end a line (their default CSS display is block, list-item or a table part). */
export const BLOCK_ELEMENTS = new Set([
  'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'BODY', 'CAPTION', 'CENTER', 'DD', 'DETAILS', 'DIALOG', 'DIR', 'DIV', 'DL',
  'DT', 'FIELDSET', 'FIGCAPTION', 'FIGURE', 'FOOTER', 'FORM', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HGROUP', 'HR',
  'LEGEND', 'LI', 'LISTING', 'MAIN', 'MENU', 'NAV', 'OL', 'P', 'PLAINTEXT', 'PRE', 'SECTION', 'SUMMARY', 'TABLE', 'TBODY',
  'TD', 'TFOOT', 'TH', 'THEAD', 'TR', 'UL', 'XMP',
]);

/** Table cells: a line break in the table's flow, so each cell is its own line (cells are often paragraphs). */
export const CELL_ELEMENTS = new Set(['TD', 'TH']);

/** Elements whose content is never article text: code, styling, embedded objects, form controls. */
export const SKIP_ELEMENTS = new Set([
  'SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'MATH', 'CANVAS', 'IFRAME', 'OBJECT', 'EMBED', 'VIDEO', 'AUDIO',
  'SELECT', 'TEXTAREA', 'BUTTON', 'INPUT', 'HEAD', 'TITLE', 'META', 'LINK',
]);

/**
 * Elements with a possibly-omitted end tag (HTML § 13.1.2.4): a new one of these closes the open one.
 * Used by the nesting estimate that runs before parsing.
 */
export const IMPLIED_END = new Set(['P', 'LI', 'DT', 'DD', 'OPTION', 'OPTGROUP', 'TR', 'TD', 'TH', 'THEAD', 'TBODY', 'TFOOT', 'RP', 'RT', 'COLGROUP']);

/** Void elements (HTML § 13.1.2): never have content, never nest. */
export const VOID_ELEMENTS = new Set([
  'AREA', 'BASE', 'BR', 'COL', 'EMBED', 'HR', 'IMG', 'INPUT', 'LINK', 'META', 'PARAM', 'SOURCE', 'TRACK', 'WBR',
  // obsolete but void in practice
  'BASEFONT', 'BGSOUND', 'FRAME', 'KEYGEN', 'IMAGE', 'ISINDEX',
]);

/** Elements whose content is raw text up to their own end tag: the nesting estimate skips over it. */
export const RAW_TEXT_ELEMENTS = ['script', 'style', 'textarea', 'title', 'xmp', 'noscript', 'iframe', 'noembed', 'noframes', 'plaintext'];

/**
 * Article nodes taken directly, before and instead of Readability: a page whose body a script reveals. WeChat
 * official-account articles (mp.weixin.qq.com) are served with the body in `<div class="rich_media_content"
 * id="js_content" style="visibility: hidden;">` until a script runs; Readability skips hidden nodes, and a page
 * saved as served became a 4-character document (issue 21). The selector is the one every WeChat scraper keys on
 * (the served markup: `<h1 id="activity-name">`, `<em id="publish_time">`, `#js_content`).
 */
export const ARTICLE_NODE_SELECTORS = ['#js_content'];

/**
 * The page's headline elements, for the title: every `<h1>`, and WeChat's `#activity-name` (an `<h2
 * class="rich_media_title">` on pages served until about 2019), so a `<title>` such as `语音 | 早安武汉〔2018.3.19 周一〕`
 * is not cut at its `|` when the page prints it whole as its headline (issue 21).
 */
export const HEADLINE_SELECTORS = 'h1, #activity-name';

/**
 * Forum and Q&A threads: the nodes that hold each post's (or the question's and each answer's) own text, per
 * engine, in page order. Where one of these selectors matches, the thread is those nodes' text and nothing else:
 * Readability takes one post, or a post with its author card, ranks, `楼主`/`沙发` floor labels, `发表于…|只看该作者`
 * and reply buttons (issue 21: the Discuz boards of the eval set scored 0.57 and 0.62). The class names are each
 * engine's own post-body markup, as served; a page matches the first group that finds text.
 */
export const FORUM_POST_SELECTORS = [
  'td.t_f[id^="postmessage_"]', // Discuz! X (most Chinese boards: 天涯社区 clones, game and school forums)
  '.d_post_content', // 百度贴吧: each floor's post text
  '.QuestionRichText, .RichContent-inner', // 知乎: the question's detail, then each answer
  '.best-text, .answer-text', // 百度知道: the accepted answer, then the others
  '.comment-item .comment-content', // 豆瓣 short comments (短评)
  '[id^="post_message_"]', // vBulletin
  '.postbody .content', // phpBB 3
  '.topic-post .cooked', // Discourse
];

/**
 * HTML elements that are neither void nor foreign (SVG, MathML): in HTML a `/>` on their start tag is ignored (WHATWG
 * HTML, 13.2.6.4.7 "in body": the self-closing flag is acknowledged only for void and foreign elements), so
 * `<div/><div/>` nests one div in the other — as linkedom parses it. The nesting estimate must count them so:
 * `<div/>` × 400,000 passed it as depth 0 and then took 142 s to parse and score (#23). Elements SVG shares with
 * HTML (`a`, `title`, `script`, `style`) are left out, so `<a/>` inside an inline SVG does not count as nesting.
 */
export const HTML_NONVOID = new Set([
  'ABBR', 'ADDRESS', 'ARTICLE', 'ASIDE', 'AUDIO', 'B', 'BDI', 'BDO', 'BLOCKQUOTE', 'BODY', 'BUTTON', 'CANVAS', 'CAPTION', 'CENTER', 'CITE', 'CODE',
  'COLGROUP', 'DD', 'DEL', 'DETAILS', 'DFN', 'DIALOG', 'DIV', 'DL', 'DT', 'EM', 'FIELDSET', 'FIGCAPTION', 'FIGURE', 'FONT', 'FOOTER', 'FORM', 'H1', 'H2',
  'H3', 'H4', 'H5', 'H6', 'HEADER', 'HGROUP', 'HTML', 'I', 'INS', 'KBD', 'LABEL', 'LEGEND', 'LI', 'MAIN', 'MAP', 'MARK', 'MENU', 'METER', 'NAV', 'OL',
  'OPTGROUP', 'OPTION', 'OUTPUT', 'P', 'PICTURE', 'PRE', 'PROGRESS', 'Q', 'RP', 'RT', 'RUBY', 'S', 'SAMP', 'SECTION', 'SELECT', 'SMALL', 'SPAN',
  'STRONG', 'SUB', 'SUMMARY', 'SUP', 'TABLE', 'TBODY', 'TD', 'TFOOT', 'TH', 'THEAD', 'TIME', 'TR', 'U', 'UL', 'VAR', 'VIDEO',
]);
