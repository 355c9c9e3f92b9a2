/**
 * croissant.json: MLCommons Croissant 1.0 (https://docs.mlcommons.org/croissant/docs/croissant-spec.html):
 * a schema.org Dataset with one cr:FileObject per data file and a cr:RecordSet with a cr:Field per column,
 * read from the Parquet file.
 */
import type { ReleaseFacts } from './facts.js';

/** The standard Croissant 1.0 JSON-LD context, as the specification and its examples give it. */
export const CROISSANT_CONTEXT = {
  '@language': 'en',
  '@vocab': 'https://schema.org/',
  citeAs: 'cr:citeAs',
  column: 'cr:column',
  conformsTo: 'dct:conformsTo',
  cr: 'http://mlcommons.org/croissant/',
  rai: 'http://mlcommons.org/croissant/RAI/',
  data: { '@id': 'cr:data', '@type': '@json' },
  dataType: { '@id': 'cr:dataType', '@type': '@vocab' },
  dct: 'http://purl.org/dc/terms/',
  examples: { '@id': 'cr:examples', '@type': '@json' },
  extract: 'cr:extract',
  field: 'cr:field',
  fileProperty: 'cr:fileProperty',
  fileObject: 'cr:fileObject',
  fileSet: 'cr:fileSet',
  format: 'cr:format',
  includes: 'cr:includes',
  isLiveDataset: 'cr:isLiveDataset',
  jsonPath: 'cr:jsonPath',
  key: 'cr:key',
  md5: 'cr:md5',
  parentField: 'cr:parentField',
  path: 'cr:path',
  recordSet: 'cr:recordSet',
  references: 'cr:references',
  regex: 'cr:regex',
  repeated: 'cr:repeated',
  replace: 'cr:replace',
  sc: 'https://schema.org/',
  separator: 'cr:separator',
  source: 'cr:source',
  subField: 'cr:subField',
  transform: 'cr:transform',
};

/** Encoding formats as Croissant tools (mlcroissant) name them. */
const ENCODING: Record<string, string> = {
  jsonl: 'application/jsonlines',
  csv: 'text/csv',
  arrow: 'application/vnd.apache.arrow.file',
  parquet: 'application/x-parquet',
};

/** The file the RecordSet reads its fields from. */
export const RECORD_SOURCE = 'documents.parquet';

export function buildCroissant(f: ReleaseFacts): Record<string, unknown> {
  return {
    '@context': CROISSANT_CONTEXT,
    '@type': 'sc:Dataset',
    conformsTo: 'http://mlcommons.org/croissant/1.0',
    name: f.meta.name,
    // `url` is required here: a placeholder stays, and the description says it is one.
    description: f.meta.description + (f.meta.homepagePlaceholder ? ` No homepage yet: the url ${f.meta.homepage} is a placeholder, not where this dataset lives.` : ''),
    license: `${f.meta.license.id}: ${f.meta.license.title} (see README.md, Licence notes)`,
    url: f.meta.homepage,
    creator: { '@type': 'sc:Organization', name: f.meta.creator },
    datePublished: f.date,
    version: f.version,
    inLanguage: 'zh-Hans',
    keywords: ['chinese', 'speeches', 'text', 'nlp'],
    distribution: f.dataFiles.map((d) => {
      const ext = d.path.slice(d.path.lastIndexOf('.') + 1);
      const enc = ENCODING[ext];
      if (!enc) throw new Error(`no encodingFormat for ${d.path}`);
      return { '@type': 'cr:FileObject', '@id': d.path, name: d.path, contentUrl: d.path, contentSize: `${d.bytes} B`, encodingFormat: enc, sha256: d.sha256 };
    }),
    recordSet: [
      {
        '@type': 'cr:RecordSet',
        '@id': 'documents',
        name: 'documents',
        description: 'One row per document, the same in every file.',
        key: { '@id': 'documents/id' },
        field: f.columns.map((c) => ({
          '@type': 'cr:Field',
          '@id': `documents/${c.name}`,
          name: c.name,
          description: c.description,
          dataType: c.type === 'integer' ? 'sc:Integer' : 'sc:Text',
          source: { fileObject: { '@id': RECORD_SOURCE }, extract: { column: c.name } },
        })),
      },
    ],
  };
}
