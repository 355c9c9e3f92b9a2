import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cleanText } from '../fixtures/clean/make-doc.js';

// data-juicer's clean_html and clean_copyright cases (tests/fixtures/clean/data_juicer_clean_cases.json,
// Apache-2.0), run through the whole clean stage (one paragraph per line, quality gate off). Where we
// differ, the row says why:
//  - LIST: clean_html renders <li>/<ol> as "*item" lines; we drop tags only (our paragraphs are lines
//    already; list bullets are not text).
//  - TRIM: paragraphs are trimmed, so trailing spaces go.
//  - HAN-TAG: `<测试>…</测试>` is not HTML (tag names are ASCII); data-juicer's parser drops the closing one.
//  - URL: a URL left in text is personal data for us (`<URL>`); clean_html keeps it.
//  - COMMENT: clean_copyright strips source-code comments (/* … copyright … */, leading //, #, --);
//    our texts are prose, so we only drop the line that is a copyright notice, and keep comment marks.
//  - PII-LINE: a line that is nothing but a URL goes whole.
interface Pair { input: string; expected: string }
const cases = JSON.parse(readFileSync(new URL('../fixtures/clean/data_juicer_clean_cases.json', import.meta.url), 'utf8')) as { ops: Record<string, { pairs: Pair[] }[]> };

const OURS: Record<string, string[]> = {
  clean_html: [
    '测试HomeAboutServicesContactWelcome to My WebsiteLorem ipsum dolor sit amet, consectetur adipiscing elit.Learn More© 2021 My Website. All Rights Reserved.', // LIST
    '=', '=', '=', '=', '=', '=',
    '=', '=', '=',
    '=', '=', '=', '=', '<测试>这是个测试</测试>' /* HAN-TAG */,
    'abc="<URL>" 测试' /* URL */, 'href="<URL>">测试' /* URL */, '=',
    '=', '=', '=', 'This is a test' /* TRIM */,
    'Apple', '苹果', 'Apple', '苹果', // LIST
  ],
  clean_copyright: [
    '这是一段 /* 多行注释\n*/ 的文本。另外还有一些 // 单行注释。', // COMMENT (the copyright line goes)
    '=',
    '//if start with\n//that will be cleaned\nevenly', // COMMENT, TRIM
    '', // PII-LINE
    '#if start with\nthat will be cleaned\n#evenly', // COMMENT, TRIM
    '--if start with\n--that will be cleaned\n#evenly', // COMMENT, TRIM
  ],
};

describe('data-juicer clean_html / clean_copyright cases through clean', () => {
  const rows: [string, string, string][] = [];
  for (const [op, ours] of Object.entries(OURS)) {
    const pairs = cases.ops[op]!.flatMap((c) => c.pairs);
    expect(pairs.length).toBe(ours.length);
    pairs.forEach((p, i) => rows.push([op, p.input, ours[i] === '=' ? p.expected : ours[i]!]));
  }
  it('covers all 32 cases', () => expect(rows.length).toBe(32));
  it.each(rows)('%s: %s', (_op, input, ours) => expect(cleanText(input)).toBe(ours));
});

describe('entities and tags in Chinese text', () => {
  it.each([
    ['他说&ldquo;要实干&rdquo;。', '他说“要实干”。'],
    ['坚持&nbsp;人民至上', '坚持 人民至上'],
    ['&lt;p&gt;正文&lt;/p&gt;', '正文'],
    ['第一段<br/>第二段', '第一段第二段'],
    ['强调&#8220;实干&#8221;', '强调“实干”'],
    ['电话：<PHONE>', '电话：<PHONE>'],
    ['&amp;amp;lt;p&amp;amp;gt;正文', '正文'],
    ['&AA;不是实体', '&AA;不是实体'],
  ])('%s → %s', (input, out) => expect(cleanText(input)).toBe(out));
});
