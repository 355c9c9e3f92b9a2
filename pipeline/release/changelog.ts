/**
 * What changed between two releases, by document id: added, removed, text changed (sha256 of `text`).
 * Ids derive from the raw file's path and content, so a revised raw file gives its documents new ids; such
 * removed/added pairs at the same place (source file, member, segment) are shown side by side as well.
 */
import path from 'node:path';
import { readJsonl } from '../lib/io.js';
import { sha256Hex } from '../lib/ids.js';
import type { DocumentRow } from '../lib/types.js';

/** The part of a published row a changelog needs. */
export interface DocSummary {
  id: string;
  title: string | null;
  source_file: string;
  source_member: string | null;
  source_sha256: string;
  segment: number;
  text_sha256: string;
}

export interface ReleaseDiff {
  from: string;
  to: string;
  added: DocSummary[];
  removed: DocSummary[];
  changed: { before: DocSummary; after: DocSummary }[];
  unchanged: number;
  /** Removed and added documents at the same place of a source file (its content changed, so its ids did). */
  replaced: { before: DocSummary; after: DocSummary }[];
  sources: { added: string[]; removed: string[]; changed: { path: string; before: string; after: string }[] };
}

export function summarize(r: DocumentRow): DocSummary {
  return {
    id: r.id, title: r.title, source_file: r.source_file, source_member: r.source_member, source_sha256: r.source_sha256,
    segment: r.segment, text_sha256: sha256Hex(r.text),
  };
}

/** Reads a release folder's documents.jsonl as summaries, in file order. */
export async function readRelease(dir: string): Promise<DocSummary[]> {
  const out: DocSummary[] = [];
  for await (const r of readJsonl<DocumentRow>(path.join(dir, 'documents.jsonl'))) out.push(summarize(r));
  return out;
}

const byId = (a: DocSummary, b: DocSummary) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const place = (d: DocSummary) => `${d.source_file}\0${d.source_member ?? ''}\0${d.segment}`;

/** Compares release `from` (documents `a`) with release `to` (documents `b`). Lists are sorted by id. */
export function diffReleases(from: string, a: DocSummary[], to: string, b: DocSummary[]): ReleaseDiff {
  const A = new Map(a.map((d) => [d.id, d]));
  const B = new Map(b.map((d) => [d.id, d]));
  const added = b.filter((d) => !A.has(d.id)).sort(byId);
  const removed = a.filter((d) => !B.has(d.id)).sort(byId);
  const changed: ReleaseDiff['changed'] = [];
  let unchanged = 0;
  for (const d of [...b].sort(byId)) {
    const old = A.get(d.id);
    if (!old) continue;
    if (old.text_sha256 === d.text_sha256) unchanged++;
    else changed.push({ before: old, after: d });
  }
  const removedAt = new Map(removed.map((d) => [place(d), d]));
  const replaced = added.flatMap((d) => {
    const old = removedAt.get(place(d));
    return old ? [{ before: old, after: d }] : [];
  });
  const shaOf = (docs: DocSummary[]) => new Map(docs.map((d) => [d.source_file, d.source_sha256]));
  const sa = shaOf(a);
  const sb = shaOf(b);
  const sorted = (xs: Iterable<string>) => [...xs].sort();
  const sources = {
    added: sorted([...sb.keys()].filter((p) => !sa.has(p))),
    removed: sorted([...sa.keys()].filter((p) => !sb.has(p))),
    changed: sorted([...sb.keys()].filter((p) => sa.has(p) && sa.get(p) !== sb.get(p))).map((p) => ({ path: p, before: sa.get(p)!, after: sb.get(p)! })),
  };
  return { from, to, added, removed, changed, unchanged, replaced, sources };
}

const line = (d: DocSummary) => `- \`${d.id}\` ${d.source_file}${d.source_member ? `:${d.source_member}` : ''} #${d.segment}${d.title ? ` 《${d.title}》` : ''}`;
const short = (h: string) => h.slice(0, 12);

/** The diff as Markdown, starting with a `## <to>` heading (the same text `make diff` prints). */
export function renderDiff(d: ReleaseDiff): string {
  const o: string[] = [];
  o.push(`## ${d.to} — compared with ${d.from}`, '');
  o.push('| change | documents |', '|---|---:|');
  o.push(`| added | ${d.added.length} |`, `| removed | ${d.removed.length} |`, `| text changed | ${d.changed.length} |`, `| unchanged | ${d.unchanged} |`, '');
  const s = d.sources;
  o.push(`Raw sources (by the documents they give): ${s.changed.length} changed, ${s.added.length} added, ${s.removed.length} removed.`, '');
  for (const c of s.changed) o.push(`- changed: \`${c.path}\` sha256 \`${short(c.before)}…\` → \`${short(c.after)}…\``);
  for (const p of s.added) o.push(`- added: \`${p}\``);
  for (const p of s.removed) o.push(`- removed: \`${p}\``);
  if (s.changed.length + s.added.length + s.removed.length > 0) o.push('');
  o.push(`### Added (${d.added.length})`, '', ...d.added.map(line), ...(d.added.length ? [''] : []));
  o.push(`### Removed (${d.removed.length})`, '', ...d.removed.map(line), ...(d.removed.length ? [''] : []));
  o.push(`### Text changed (${d.changed.length})`, '');
  for (const c of d.changed) o.push(`${line(c.after)}: text sha256 \`${short(c.before.text_sha256)}…\` → \`${short(c.after.text_sha256)}…\``);
  if (d.changed.length) o.push('');
  if (d.replaced.length) {
    o.push(`### Same place, new id (${d.replaced.length})`, '');
    o.push('Ids derive from the raw file\'s path and content: these removed and added documents sit at the same place of a revised source file.', '');
    for (const r of d.replaced) {
      const same = r.before.text_sha256 === r.after.text_sha256;
      o.push(`- \`${r.before.id}\` → \`${r.after.id}\` ${r.after.source_file} #${r.after.segment}: ${same ? 'same text' : `text sha256 \`${short(r.before.text_sha256)}…\` → \`${short(r.after.text_sha256)}…\``}`);
    }
    o.push('');
  }
  return o.join('\n');
}

/** CHANGELOG.md of release `version`: its section first, then the previous release's history. */
export function renderChangelog(version: string, docs: DocSummary[], prev: { version: string; docs: DocSummary[]; changelog: string | null } | null): string {
  const head = '# Changelog\n\nChanges between releases, by document id (see `make diff A=x.y.z B=x.y.z`).\n\n';
  if (!prev) {
    const sources = new Set(docs.map((d) => d.source_file)).size;
    return `${head}## ${version}\n\nFirst release: ${docs.length} documents from ${sources} raw source files.\n`;
  }
  const history = (prev.changelog ?? `## ${prev.version}\n`).replace(/^# Changelog\n\n(?:Changes between releases[^\n]*\n\n)?/, '');
  return head + renderDiff(diffReleases(prev.version, prev.docs, version, docs)) + '\n' + history;
}
