/**
 * Markup left in plain text: HTML tags and character references that a copy from a web page or a CMS
 * export leaves behind (`<p>`, `</p>`, `<br/>`, `&nbsp;`, `&#8220;`). HTML pages are parsed by extraction;
 * these rules catch what reaches clean inside text.
 */

/**
 * An HTML/XML tag: `<p>`, `</p>`, `<br/>`, `<a href="…">`, `<span class=x>`. The name is ASCII letters
 * and digits (HTML syntax; attributes may follow a space or, in broken markup, `=`), so `<测试>` and our own placeholders (`<EMAIL>`, `<PHONE>`…, excluded by name)
 * stay. Same idea as data-juicer's clean_html, without its list rendering.
 */
export const HTML_TAG = /<\/?(?!(?:EMAIL|PHONE|QQ|WECHAT|ID|IP|URL)>)[A-Za-z][A-Za-z0-9-]*(?:[\s=][^<>]*|\s*\/)?>|<![^<>]*>|<\?[^<>]*\?>/g;

/** Named character references we decode (HTML 5 names common in Chinese web text). */
export const ENTITIES: Record<string, string> = {
  nbsp: ' ', ensp: ' ', emsp: ' ', thinsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'",
  copy: '©', reg: '®', trade: '™', hellip: '…', mdash: '—', ndash: '–', middot: '·', bull: '•',
  ldquo: '“', rdquo: '”', lsquo: '‘', rsquo: '’', laquo: '«', raquo: '»', times: '×', divide: '÷',
  deg: '°', plusmn: '±', yen: '¥', sect: '§', para: '¶', permil: '‰',
};

/** `&name;`, `&#123;`, `&#x1F4A9;` */
export const ENTITY = /&(?:([A-Za-z]{2,8})|#(\d{1,7})|#[xX]([0-9A-Fa-f]{1,6}));/g;
