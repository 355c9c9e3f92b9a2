/**
 * Column names that record files (CSV, TSV, JSONL, JSON arrays, Parquet) commonly give their fields, by role.
 * A column is matched case-insensitively after trimming, with `-`, `.` and spaces read as `_`; the first name of
 * a role's list that the file has wins. Where the names come from: the Hugging Face datasets convention (`text`,
 * `content`, `title`, `url`, `date`), Common Crawl / news-crawl exports (`body`, `article`, `published`,
 * `publish_date`, `link`), and the headers Chinese scrapers and 文库 exports write (正文, 内容, 标题, 日期,
 * 发布时间, 链接, 网址). Any role can be set by name instead (`--text-column` …, pipeline/run.ts).
 */
export type RecordRole = 'text' | 'title' | 'date' | 'url' | 'id';

export const RECORD_COLUMN_NAMES: Record<RecordRole, readonly string[]> = {
  text: ['text', 'content', 'body', 'article', 'full_text', 'fulltext', 'article_text', 'main_text', 'maintext', 'document', 'speech', 'transcript',
    '正文', '内容', '全文', '文本', '文章内容', '文章', '讲话内容', '正文内容'],
  title: ['title', 'headline', 'heading', 'subject', '标题', '题目', '文章标题', '题名'],
  date: ['date', 'published', 'publish_date', 'published_date', 'pub_date', 'publication_date', 'date_published', 'datetime', 'time',
    '日期', '发布日期', '发布时间', '时间', '发表时间', '发文日期'],
  url: ['url', 'source_url', 'link', 'href', 'uri', 'target_uri', 'page_url', '网址', '链接', '原文链接', '来源链接'],
  // The record's own id is never guessed: a column named `id` or `编号` is as often a row counter of one export as
  // an identity, and guessing would change the document ids of every file that has one. Set with --id-column.
  id: [],
};

/** How a header cell is compared with the names above. */
export function columnKey(name: string): string {
  return name.trim().toLowerCase().replace(/[\s.\-]+/g, '_');
}

/** Addresses kept in `source_url`: absolute http(s)/ftp URLs without whitespace (anything else is not an address). */
export const URL_VALUE = /^(?:https?|ftp):\/\/[^\s]+$/i;

/**
 * Dates read into `published` (as YYYY-MM-DD, or YYYY-MM when the day is missing): ISO dates and timestamps
 * (`2024-03-05`, `2024-03-05T10:00:00Z`, `2024-03-05 10:00`), slashes or dots (`2024/3/5`, `2024.03.05`), and the
 * Chinese form (`2024年3月5日`, `2024年3月`). Anything else leaves `published` null (the value is not guessed at).
 */
export const DATE_VALUE = /^\s*(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:(?:[-/.]|月)\s*(\d{1,2})\s*日?|月)?(?:[T\s].*)?$/u;
