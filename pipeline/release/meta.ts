/**
 * Dataset-level facts every release document repeats (card, datapackage.json, croissant.json), in one place.
 * The homepage and creator come from package.json (`homepage`, `author`) when it has them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface DatasetMeta {
  name: string;
  prettyName: string;
  description: string;
  homepage: string;
  /** `homepage` is a placeholder (none set in package.json, or an example domain): the card says so. */
  homepagePlaceholder: boolean;
  creator: string;
  /** Licence of the data as published: see LICENCE_NOTES for why it is `other`. */
  license: { id: string; name: string; title: string };
  codeLicense: string;
}

/** Placeholder used until package.json has a `homepage`; valid as a URL so the metadata validates. */
export const FALLBACK_HOMEPAGE = 'https://example.org/jingwen';

/** A URL on a domain reserved for examples (RFC 2606: example.org/.com/.net, *.example), or not a URL. */
export function isPlaceholderUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.toLowerCase();
    return /(^|\.)example\.(org|com|net)$/.test(host) || host.endsWith('.example') || host === 'example';
  } catch {
    return true;
  }
}

export function datasetMeta(root: string): DatasetMeta {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    name: string; license?: string; homepage?: string; author?: string | { name?: string };
  };
  const author = typeof pkg.author === 'string' ? pkg.author : pkg.author?.name;
  return {
    name: pkg.name,
    prettyName: 'jingwen 净文: cleaned Chinese speeches and study essays',
    description:
      'Chinese documents of the kinds found on document and news sites — speeches (讲话), study and discussion ' +
      'contributions (研讨发言), reflections (心得体会), Party lecture scripts (党课讲稿) and work reports (工作报告) — ' +
      'decoded, segmented into single documents, converted to Simplified Chinese, cleaned of site boilerplate and ' +
      'personal data, and deduplicated, one row per document with its provenance.',
    homepage: pkg.homepage ?? FALLBACK_HOMEPAGE,
    homepagePlaceholder: isPlaceholderUrl(pkg.homepage ?? FALLBACK_HOMEPAGE),
    creator: author ?? 'jingwen contributors',
    license: { id: 'other', name: 'upstream-rights-reserved', title: 'Texts: rights of their authors and publishers; jingwen metadata: CC-BY-4.0' },
    codeLicense: pkg.license ?? 'Apache-2.0',
  };
}
