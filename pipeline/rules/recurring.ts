/**
 * Which lines may be removed as a site's recurring banner (dedupe, rule `boilerplate_recurring`): a line that sits
 * among the first or last RECURRING_EDGE paragraphs of documents from at least `recurringMinUnits` different source
 * units (files, archive members) of one source, and of at least `recurringMinShare` of that source's units. No
 * pattern says what the line is: the recurrence does, as in the boilerplate candidates report (pipeline/dedup/
 * boilerplate.ts). These guards say which recurring lines are text all the same.
 *
 * Where the guards come from: the seed files in raw/, the 31 provincial government work reports of 2025 and the
 * real pages of tests/fixtures/eval-real (issue 21), and the forms official documents share by design:
 *   - a line that closes a sentence or addresses an audience (`谢谢大家！`, `各位代表：`, `同志们：`, a slogan closing
 *     speeches `…而不懈奋斗！`) is something the author said, however many speeches say it;
 *   - a short line (`附件`, `目录`, `同志们`) is too common a word to tell a banner from a heading;
 *   - a structure heading (`一、…`, `第三章`, rules/headings.ts) is document structure;
 *   - the formulae of official documents (`（此件公开发布）`, `（此件主动公开）`, `此页无正文`) and a signature that names
 *     an office (`国务院办公厅`, `某某省人民政府`: ends like an organisation, rules/metadata.ts ORG_SUFFIX) recur on
 *     every page of a gov.cn crawl and are part of the document (the gold texts of tests/fixtures/eval-real keep them).
 * What remains is what banners look like: a site or column name (`新浪财经`), a button or menu line (`[复制链接]`), a
 * notice without a full stop.
 */
import { STRUCTURE_HEADINGS } from './headings.js';
import { ORG_SUFFIX } from './metadata.js';

/** How many kept paragraphs at each end of a document are its edges. */
export const RECURRING_EDGE = 3;
/** Shortest candidate (canonical characters: letters and digits) and longest (countChars). */
export const RECURRING_MIN_CHARS = 4;
export const RECURRING_MAX_CHARS = 80;

/** Ends a sentence or an address: `。！？；：…` (either width), then optional closing quotes. */
const SENTENCE_END = /[。！？!?；;：:…](?:[”’"'」』]*)$/u;

/** Formulae of official documents that recur by design. */
const DOCUMENT_FORMULAE = /^[（(]?\s*此(?:件|页)(?:公开发布|主动公开|不予公开|依申请公开|不公开|删减后公开|无正文)\s*[）)]?$/u;

/** Whether a line may be a recurring banner (its shape alone; recurrence decides). */
export function recurringCandidate(line: string, canonical: string): boolean {
  const t = line.trim();
  if ([...canonical].length < RECURRING_MIN_CHARS || [...t].length > RECURRING_MAX_CHARS) return false;
  if (SENTENCE_END.test(t) || DOCUMENT_FORMULAE.test(t) || ORG_SUFFIX.test(t)) return false;
  return !STRUCTURE_HEADINGS.some((re) => re.test(t));
}
