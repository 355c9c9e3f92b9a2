/**
 * The figures of make eval, per family of issue 21, computed from one real run of the pipeline over the evaluation
 * set (its published rows, its removed-span rows) and the set's gold labels. Pure functions: pipeline/eval/run.ts
 * runs the pipeline and reads the files; tests/eval/families.test.ts feeds made-up runs.
 *
 *   html         published main text of each gold page vs its gold text: character LCS precision/recall/F1
 *                (pipeline/eval/metric.ts), both sides in Simplified characters (the pipeline publishes a
 *                Traditional page converted; its gold stays as the page shows it); mean, minimum, worst pages.
 *   segmentation documents published per single-article page; the pages that gave more than one, or none.
 *   titles       the first published document's title vs the gold title (lineKey-equal; title + subtitle also
 *                counts); overall and on gov.cn-style pages (site under gov.cn).
 *   dates        where the page gives a date: share of pages whose documents carry a `published` date (fill
 *                rate) and share where it is the gold date (or one of date_also; a YYYY-MM date matches its month).
 *   boilerplate  line removals (segment separators and contents lists, clean's boilerplate/byline/metadata lines,
 *                dedupe's repeated paragraphs — not character repairs, personal data or dropped documents) and kept
 *                edge lines (first and last line of each published document), judged two ways: automatically against
 *                the gold text of gold pages (a removed line found in the gold is a wrong removal; a kept edge line
 *                not in the gold is chrome kept), and by the hand labels of the sample (tests/fixtures/eval-real/
 *                labels.json), with the number of current removals and edge lines that no label covers.
 */
import type { EvalPage } from './manifest.js';
import { score } from './metric.js';
import { edgeLines, inGold, lineKey, sameTitle, simplified } from './lines.js';

/** The columns of a published row that the figures read. */
export interface PubDoc {
  title: string | null; subtitle: string | null; text: string; source_file: string; source_member: string | null;
  segment: number; published: string | null;
}
/** The columns of a report/removed.jsonl row that the figures read. */
export interface Removal {
  stage: string; rule: string; source_file: string; source_member: string | null; text: string | null; kind: string | null;
}
export type LabelValue = 'boilerplate' | 'content';
export interface Label { key: string; type: 'removal' | 'edge'; label: LabelValue; text: string }
/** A page of the set as the run saw it: its raw file name (relative to RAW) and its gold text, if any. */
export interface PageRun { page: EvalPage; rawFile: string; gold: string | null }

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const ratio = (a: number, b: number) => (b === 0 ? null : r3(a / b));

/** Rules whose rows are not whole lines taken out as boilerplate (markers, character repairs, the container title). */
const NOT_LINE_RULES = new Set(['metadata_title', 'subtitle_dash', 'slide_marker']);

/** Whether a removed-span row is a line removal that the boilerplate figures judge. */
export function isLineRemoval(r: Removal): boolean {
  return r.text !== null && r.kind === null && r.stage !== 'normalize' && !r.rule.startsWith('pii_') &&
    !r.rule.startsWith('drop_') && !NOT_LINE_RULES.has(r.rule);
}

/** A page's published documents, in segment order. */
function docsByFile(docs: PubDoc[]): Map<string, PubDoc[]> {
  const m = new Map<string, PubDoc[]>();
  for (const d of docs) {
    const k = d.source_member === null ? d.source_file : `${d.source_file}::${d.source_member}`;
    (m.get(k) ?? m.set(k, []).get(k)!).push(d);
  }
  for (const list of m.values()) list.sort((a, b) => a.segment - b.segment);
  return m;
}

/**
 * The main text a page was published as: its documents in order, each later document's title first (it was a
 * line of the page before segment took it as a title; the first title is the page's headline, which the gold
 * texts leave out).
 */
export function publishedText(docs: PubDoc[]): string {
  return docs.map((d, i) => (i > 0 && d.title ? `${d.title}\n${d.text}` : d.text)).join('\n');
}

export interface HtmlRow { id: string; site: string; kind: string; f1: number; precision: number; recall: number; documents: number; chars: number; gold_chars: number }

export function htmlFamily(pages: PageRun[], docs: PubDoc[], worstN = 8) {
  const byFile = docsByFile(docs);
  const rows: HtmlRow[] = [];
  for (const p of pages) {
    if (p.gold === null) continue;
    const d = byFile.get(p.rawFile) ?? [];
    const s = score(simplified(publishedText(d)), simplified(p.gold));
    rows.push({ id: p.page.id, site: p.page.site, kind: p.page.kind, f1: r3(s.f1), precision: r3(s.precision), recall: r3(s.recall), documents: d.length, chars: s.extracted_chars, gold_chars: s.gold_chars });
  }
  const mean = (k: 'f1' | 'precision' | 'recall') => (rows.length ? r3(rows.reduce((a, r) => a + r[k], 0) / rows.length) : null);
  const worst = [...rows].sort((a, b) => a.f1 - b.f1 || a.id.localeCompare(b.id)).slice(0, worstN);
  return {
    pages: rows.length, f1_mean: mean('f1'), precision_mean: mean('precision'), recall_mean: mean('recall'),
    f1_min: rows.length ? Math.min(...rows.map((r) => r.f1)) : null,
    below_0_6: rows.filter((r) => r.f1 < 0.6).map((r) => r.id),
    worst: worst.map((r) => ({ id: r.id, f1: r.f1, precision: r.precision, recall: r.recall, documents: r.documents })),
    rows,
  };
}

export function segmentationFamily(pages: PageRun[], docs: PubDoc[]) {
  const byFile = docsByFile(docs);
  const single = pages.filter((p) => p.page.single_article);
  const counts = single.map((p) => ({ id: p.page.id, documents: (byFile.get(p.rawFile) ?? []).length }));
  return {
    single_article_pages: single.length,
    documents: counts.reduce((a, c) => a + c.documents, 0),
    more_than_one: counts.filter((c) => c.documents > 1).map((c) => ({ id: c.id, documents: c.documents })),
    none: counts.filter((c) => c.documents === 0).map((c) => c.id),
  };
}

/** gov.cn-style: a page of a government site (under gov.cn). */
export const isGovStyle = (p: EvalPage) => p.site === 'gov.cn' || p.site.endsWith('.gov.cn');

export function titleFamily(pages: PageRun[], docs: PubDoc[]) {
  const byFile = docsByFile(docs);
  const rows = pages.filter((p) => p.page.single_article && p.page.title !== null).map((p) => {
    const d = (byFile.get(p.rawFile) ?? [])[0];
    return { id: p.page.id, gov: isGovStyle(p.page), gold: p.page.title!, title: d?.title ?? null, subtitle: d?.subtitle ?? null, right: d ? sameTitle(p.page.title!, d.title, d.subtitle) : false };
  });
  const gov = rows.filter((r) => r.gov);
  return {
    pages: rows.length, right: rows.filter((r) => r.right).length, accuracy: ratio(rows.filter((r) => r.right).length, rows.length),
    gov_pages: gov.length, gov_right: gov.filter((r) => r.right).length, gov_accuracy: ratio(gov.filter((r) => r.right).length, gov.length),
    wrong: rows.filter((r) => !r.right).map(({ id, gold, title, subtitle }) => ({ id, gold, title, subtitle })),
  };
}

/** Whether a published date (YYYY-MM-DD or YYYY-MM) is one of the gold dates. */
export function dateMatches(published: string | null, gold: string[]): boolean {
  if (published === null) return false;
  return gold.some((g) => g === published || (published.length === 7 && g.startsWith(published)));
}

export function dateFamily(pages: PageRun[], docs: PubDoc[]) {
  const byFile = docsByFile(docs);
  const rows = pages.filter((p) => p.page.date !== null).map((p) => {
    const d = byFile.get(p.rawFile) ?? [];
    const published = d.find((x) => x.published !== null)?.published ?? null;
    return { id: p.page.id, gold: p.page.date!, published, right: dateMatches(published, [p.page.date!, ...(p.page.date_also ?? [])]) };
  });
  const filled = rows.filter((r) => r.published !== null).length;
  return {
    pages: rows.length, filled, fill_rate: ratio(filled, rows.length), right: rows.filter((r) => r.right).length,
    accuracy: ratio(rows.filter((r) => r.right).length, rows.length),
    missing: rows.filter((r) => r.published === null).map((r) => r.id),
    wrong: rows.filter((r) => r.published !== null && !r.right).map(({ id, gold, published }) => ({ id, gold, published })),
  };
}

/** Non-overlapping occurrences of `needle` in `hay`. */
function occurrences(hay: string, needle: string): number {
  let n = 0;
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + needle.length)) n++;
  return n;
}

/**
 * Removals and kept edge lines judged against the gold texts of the pages that have one. A removed line is a wrong
 * removal when the gold holds it more often than the page's published text still does (a contents entry whose
 * heading stays in the body, or one copy of a paragraph the page repeats and the gold has once, is a right removal;
 * a repeated table cell or caption that the gold has in every row is not); a line that matches the gold only
 * loosely (inGold's fuzzy match) is wrong when the published text does not also match it.
 */
export function boilerplateAuto(pages: PageRun[], docs: PubDoc[], removals: Removal[]) {
  const goldKey = new Map<string, string>();
  for (const p of pages) if (p.gold !== null) goldKey.set(p.rawFile, lineKey(p.gold + '\n' + (p.page.title ?? '')));
  const byFile = docsByFile(docs);
  const pubKey = new Map<string, string>();
  const pubKeyOf = (file: string) => pubKey.get(file) ?? pubKey.set(file, lineKey(publishedText(byFile.get(file) ?? []))).get(file)!;
  const byRule = new Map<string, { judged: number; wrong: number; undecided: number }>();
  const wrongRemovals: { file: string; rule: string; text: string }[] = [];
  let judged = 0;
  let wrong = 0;
  for (const r of removals) {
    const g = goldKey.get(r.source_file);
    if (g === undefined || !isLineRemoval(r)) continue;
    const rule = `${r.stage}.${r.rule}`;
    const b = byRule.get(rule) ?? byRule.set(rule, { judged: 0, wrong: 0, undecided: 0 }).get(rule)!;
    const key = lineKey(r.text!);
    const hit = inGold(key, g);
    if (hit === null) { b.undecided++; continue; }
    b.judged++; judged++;
    const isWrong = hit && (g.includes(key) ? occurrences(g, key) > occurrences(pubKeyOf(r.source_file), key) : !inGold(key, pubKeyOf(r.source_file)));
    if (isWrong) { b.wrong++; wrong++; wrongRemovals.push({ file: r.source_file, rule, text: r.text!.slice(0, 80) }); }
  }
  let edges = 0;
  let chrome = 0;
  const chromeKept: { file: string; text: string }[] = [];
  for (const d of docs) {
    const g = goldKey.get(d.source_file);
    if (g === undefined) continue;
    for (const line of edgeLines(d.text)) {
      const hit = inGold(lineKey(line), g);
      if (hit === null) continue;
      edges++;
      if (!hit) { chrome++; chromeKept.push({ file: d.source_file, text: line.slice(0, 80) }); }
    }
  }
  return {
    removals_judged: judged, removals_in_gold: wrong, precision: ratio(judged - wrong, judged),
    by_rule: Object.fromEntries([...byRule].sort(([a], [b]) => a.localeCompare(b))),
    edge_lines_judged: edges, edge_lines_chrome: chrome, edge_chrome_share: ratio(chrome, edges),
    wrong_removals: wrongRemovals, chrome_kept: chromeKept,
  };
}

/** The line removals and edge lines of a run, each once per distinct key, with where it came from. */
export function candidates(docs: PubDoc[], removals: Removal[]) {
  const out = { removal: new Map<string, { text: string; rule: string; file: string }>(), edge: new Map<string, { text: string; file: string }>() };
  for (const r of removals) {
    if (!isLineRemoval(r)) continue;
    const k = lineKey(r.text!);
    if ([...k].length >= 1 && !out.removal.has(k)) out.removal.set(k, { text: r.text!, rule: `${r.stage}.${r.rule}`, file: r.source_member ? `${r.source_file}::${r.source_member}` : r.source_file });
  }
  for (const d of docs) {
    for (const line of edgeLines(d.text)) {
      const k = lineKey(line);
      if ([...k].length >= 1 && !out.edge.has(k)) out.edge.set(k, { text: line, file: d.source_member ? `${d.source_file}::${d.source_member}` : d.source_file });
    }
  }
  return out;
}

/** Removals and kept edge lines of this run judged by the hand labels; what no label covers is counted. */
export function boilerplateHand(docs: PubDoc[], removals: Removal[], labels: Label[]) {
  const lab = { removal: new Map<string, LabelValue>(), edge: new Map<string, LabelValue>() };
  for (const l of labels) lab[l.type].set(l.key, l.label);
  // A line labelled under the other type says the same about its text: use it when its own type has no label.
  const look = (type: 'removal' | 'edge', k: string) => lab[type].get(k) ?? lab[type === 'removal' ? 'edge' : 'removal'].get(k);
  let rN = 0, rBoiler = 0, rUnlabelled = 0, rTotal = 0;
  for (const r of removals) {
    if (!isLineRemoval(r)) continue;
    rTotal++;
    const v = look('removal', lineKey(r.text!));
    if (v === undefined) { rUnlabelled++; continue; }
    rN++;
    if (v === 'boilerplate') rBoiler++;
  }
  let eN = 0, eBoiler = 0, eUnlabelled = 0, eTotal = 0;
  for (const d of docs) {
    for (const line of edgeLines(d.text)) {
      eTotal++;
      const v = look('edge', lineKey(line));
      if (v === undefined) { eUnlabelled++; continue; }
      eN++;
      if (v === 'boilerplate') eBoiler++;
    }
  }
  return {
    labels: labels.length,
    removals: rTotal, removals_labelled: rN, removals_boilerplate: rBoiler, precision: ratio(rBoiler, rN), removals_unlabelled: rUnlabelled,
    edge_lines: eTotal, edge_lines_labelled: eN, edge_lines_boilerplate: eBoiler, edge_boilerplate_share: ratio(eBoiler, eN), edge_lines_unlabelled: eUnlabelled,
  };
}
