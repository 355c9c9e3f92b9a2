/**
 * The evaluation set of real third-party pages (tests/fixtures/eval-real/manifest.json): its record types, a loader
 * and the checks a manifest must pass (every page and gold file present, gold non-empty, labels well formed, and
 * the set big and varied enough: ≥ 60 pages from ≥ 20 sites, issue 21). Pure functions over the parsed JSON; the
 * file reads are passed in, so the tests can feed broken manifests.
 */

/** Where a page or corpus came from: a public repository, the file in it and the commit it was taken at. */
export interface EvalSource { repo: string; path: string; commit: string; via?: string }

/** What kind of site a page is from (issue 21 asks for each). */
export const PAGE_KINDS = ['news', 'gov', 'wechat', 'document', 'forum', 'blog', 'encyclopedia', 'literature'] as const;
export type PageKind = (typeof PAGE_KINDS)[number];

export interface EvalPage {
  /** Unique id, also the page's file name without extension. */
  id: string;
  /** Path of the saved page, relative to the manifest's folder (the bytes as the source repository stored them). */
  file: string;
  /** The site (registrable domain, or the product host for baidu/WeChat). */
  site: string;
  kind: PageKind;
  url: string | null;
  source: EvalSource;
  licence: string;
  /** Gold title: the headline the page shows, without a site suffix; null when not labelled (list pages). */
  title: string | null;
  /** Gold publication date (YYYY-MM-DD) the page shows; null when it gives none. */
  date: string | null;
  /** Other dates the page gives for the same text that are also right (成文日期 vs 发布日期, answer vs question). */
  date_also?: string[];
  /** One article on the page (a list, a comment stream or a book with a real table of contents is not). */
  single_article: boolean;
  /** Path of the gold main text (the article text a reader sees, title excluded), or null. */
  gold: string | null;
  /** How the gold text was made. */
  gold_origin: string | null;
  notes?: string;
}

/** A corpus that is not one page per file (the provincial Word reports in one zip). */
export interface EvalCorpus {
  id: string;
  file: string;
  kind: 'docx';
  source: EvalSource;
  licence: string;
  /** Documents it holds; each one is a single article. */
  members: number;
  single_article: boolean;
}

export interface EvalManifest { about: string; pages: EvalPage[]; corpora?: EvalCorpus[] }

/** The bar issue 21 sets for the set itself. */
export const MIN_PAGES = 60;
export const MIN_SITES = 20;

export function sitesOf(m: EvalManifest): Map<string, number> {
  const sites = new Map<string, number>();
  for (const p of m.pages) sites.set(p.site, (sites.get(p.site) ?? 0) + 1);
  return sites;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Every problem of a manifest, as sentences (empty: the manifest is sound). `exists(file)` and `read(file)` take
 * paths relative to the manifest's folder.
 */
export function checkManifest(m: EvalManifest, exists: (file: string) => boolean, read: (file: string) => string): string[] {
  const problems: string[] = [];
  if (!Array.isArray(m.pages)) return ['manifest has no pages array'];
  const ids = new Set<string>();
  for (const p of m.pages) {
    const at = `page ${p.id ?? '?'}`;
    if (!p.id || ids.has(p.id)) problems.push(`${at}: missing or duplicate id`);
    ids.add(p.id);
    if (!p.file || !exists(p.file)) problems.push(`${at}: page file ${p.file} does not exist`);
    if (!p.site) problems.push(`${at}: no site`);
    if (!PAGE_KINDS.includes(p.kind)) problems.push(`${at}: kind ${String(p.kind)} is not one of ${PAGE_KINDS.join(', ')}`);
    if (!p.source?.repo || !p.source.path || !/^[0-9a-f]{40}$/.test(p.source.commit ?? '')) problems.push(`${at}: source needs repo, path and a 40-hex commit`);
    if (!p.licence) problems.push(`${at}: no licence`);
    if (typeof p.single_article !== 'boolean') problems.push(`${at}: single_article must be true or false`);
    if (p.date !== null && !DATE.test(p.date ?? '')) problems.push(`${at}: date ${String(p.date)} is not YYYY-MM-DD or null`);
    for (const d of p.date_also ?? []) if (!DATE.test(d)) problems.push(`${at}: date_also ${d} is not YYYY-MM-DD`);
    if (p.title !== null && (typeof p.title !== 'string' || p.title.trim() === '')) problems.push(`${at}: title must be a non-empty string or null`);
    if (p.single_article && p.title === null) problems.push(`${at}: a single-article page needs a gold title`);
    if (p.gold !== null) {
      if (!exists(p.gold)) problems.push(`${at}: gold file ${p.gold} does not exist`);
      else if (read(p.gold).replace(/\s+/gu, '') === '') problems.push(`${at}: gold file ${p.gold} is empty`);
      if (!p.gold_origin) problems.push(`${at}: gold_origin must say how the gold text was made`);
    }
  }
  for (const c of m.corpora ?? []) if (!c.file || !exists(c.file)) problems.push(`corpus ${c.id}: file ${c.file} does not exist`);
  if (m.pages.length < MIN_PAGES) problems.push(`${m.pages.length} pages, fewer than ${MIN_PAGES}`);
  const sites = sitesOf(m).size;
  if (sites < MIN_SITES) problems.push(`${sites} sites, fewer than ${MIN_SITES}`);
  return problems;
}
