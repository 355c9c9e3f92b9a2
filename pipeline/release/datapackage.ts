/**
 * datapackage.json: a Frictionless Data Package v2 (https://datapackage.org/standard/data-package/) describing
 * every file of the release with its size and sha256, and a Table Schema for the four tabular files.
 */
import type { Column } from './columns.js';
import type { FileEntry, ReleaseFacts } from './facts.js';

/** Format name and media type by file extension (IANA types where registered). */
export const FILE_TYPES: Record<string, { format: string; mediatype: string; tabular: boolean; title: string }> = {
  jsonl: { format: 'jsonl', mediatype: 'application/jsonl', tabular: true, title: 'Documents as JSON Lines (one object per line)' },
  csv: { format: 'csv', mediatype: 'text/csv', tabular: true, title: 'Documents as CSV (RFC 4180, UTF-8, header row)' },
  arrow: { format: 'arrow', mediatype: 'application/vnd.apache.arrow.file', tabular: true, title: 'Documents as an Arrow IPC file' },
  parquet: { format: 'parquet', mediatype: 'application/vnd.apache.parquet', tabular: true, title: 'Documents as Parquet (zstd)' },
  md: { format: 'md', mediatype: 'text/markdown', tabular: false, title: 'Text' },
  svg: { format: 'svg', mediatype: 'image/svg+xml', tabular: false, title: 'Figure' },
  json: { format: 'json', mediatype: 'application/json', tabular: false, title: 'Metadata' },
};

/** The report files a release ships (build.ts REPORT_FILES): not tables of documents. */
const REPORT_TYPES: Record<string, (typeof FILE_TYPES)[string]> = {
  'ledger.jsonl': { format: 'jsonl', mediatype: 'application/jsonl', tabular: false, title: 'Ledger: one row per raw file (size, sha256, status, reason, characters in, kept and removed)' },
  'removed.jsonl': { format: 'jsonl', mediatype: 'application/jsonl', tabular: false, title: 'Every span removed, with its stage and rule (excerpts with personal data masked)' },
  'stats.json': { format: 'json', mediatype: 'application/json', tabular: false, title: 'Counts per stage, drop reason and removal rule' },
};

const TITLES: Record<string, string> = {
  'README.md': 'Dataset card',
  'CHANGELOG.md': 'Changes since the previous release, by document id',
  'croissant.json': 'MLCommons Croissant 1.0 metadata',
  'length-histogram.svg': 'Histogram of document lengths',
};

export function typeOf(file: string): (typeof FILE_TYPES)[string] {
  if (REPORT_TYPES[file]) return REPORT_TYPES[file];
  const t = FILE_TYPES[file.slice(file.lastIndexOf('.') + 1)];
  if (!t) throw new Error(`no file type known for ${file}`);
  return t;
}

/** Table Schema v2 (https://datapackage.org/standard/table-schema/) of the published rows. */
export function tableSchema(columns: Column[]): Record<string, unknown> {
  return {
    $schema: 'https://datapackage.org/profiles/2.0/tableschema.json',
    fields: columns.map((c) => {
      const constraints: Record<string, unknown> = {};
      if (!c.nullable) constraints['required'] = true;
      if (c.name === 'id') constraints['unique'] = true;
      if (c.enum) constraints['enum'] = c.enum;
      if (c.pattern) constraints['pattern'] = c.pattern;
      return { name: c.name, type: c.type, description: c.description, ...(Object.keys(constraints).length ? { constraints } : {}) };
    }),
    primaryKey: ['id'],
    missingValues: [''],
  };
}

/** `documents.parquet` → `documents-parquet`: resource names are lower-case and unique. */
const resourceName = (p: string) => p.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/\./g, '-');

export function buildDataPackage(f: ReleaseFacts, files: FileEntry[]): Record<string, unknown> {
  const schema = tableSchema(f.columns);
  return {
    $schema: 'https://datapackage.org/profiles/2.0/datapackage.json',
    name: f.meta.name,
    title: f.meta.prettyName,
    description: f.meta.description,
    version: f.version,
    created: new Date(f.epoch * 1000).toISOString().replace('.000Z', 'Z'),
    // A placeholder is no homepage: left out (the field is optional), and the card says there is none yet.
    ...(f.meta.homepagePlaceholder ? {} : { homepage: f.meta.homepage }),
    keywords: ['chinese', 'zh-Hans', 'speeches', 'text', 'nlp'],
    licenses: [{ name: f.meta.license.name, title: f.meta.license.title }],
    contributors: [{ title: f.meta.creator, roles: ['creator'] }],
    sources: f.ledger.filter((l) => l.status === 'ok').map((l) => ({ title: l.path, version: `sha256:${l.sha256}` })),
    resources: files.map((file) => {
      const t = typeOf(file.path);
      return {
        name: resourceName(file.path),
        path: file.path,
        ...(t.tabular ? { type: 'table' } : {}),
        title: TITLES[file.path] ?? t.title,
        format: t.format,
        mediatype: t.mediatype,
        ...(t.format === 'parquet' || t.format === 'arrow' ? {} : { encoding: 'utf-8' }),
        bytes: file.bytes,
        hash: `sha256:${file.sha256}`,
        ...(t.tabular ? { schema } : {}),
      };
    }),
  };
}
