/**
 * PowerPoint `.pptx` files → one text unit: the text of every slide, in the deck's order (the slide list of
 * `ppt/presentation.xml`, resolved through its relationships — not the part names, which need not follow it),
 * each text paragraph (`<a:p>`) of a shape one line, shapes in the slide's drawing order. Speaker notes, images and
 * charts are not read. The package is first inflated under the archive limits (archive.ts), so a bomb is refused
 * before any XML is parsed. Written here (about 60 lines over jszip and linkedom's XML parser, both already
 * dependencies) because reading slide text in deck order is all this needs.
 */
import type JSZip from 'jszip';
import { lazy } from '../lib/lazy.js';
import { unitId } from '../lib/ids.js';
import { countChars } from '../lib/stage.js';
import type { RawFileInfo } from '../lib/types.js';
import type { ExtractConfig, ExtractResult, RawInput } from '../stages/extract.js';
import { ARCHIVE_DEFAULTS, ArchiveLimitError, openZip, readMember, type ArchiveLimits } from './archive.js';

const linkedom = lazy<typeof import('linkedom')>('linkedom');

type Cfg = ExtractConfig & { archive?: ArchiveLimits };

interface XmlDoc { getElementsByTagName(name: string): ArrayLike<XmlEl> }
interface XmlEl { getAttribute(name: string): string | null; getElementsByTagName(name: string): ArrayLike<XmlEl>; childNodes: ArrayLike<XmlEl>; nodeName: string; textContent: string | null }

function parseXml(xml: string): XmlDoc {
  return new (linkedom().DOMParser)().parseFromString(xml, 'text/xml') as unknown as XmlDoc;
}

/** The slide part paths of a deck, in presentation order. */
export function slideOrder(presentationXml: string, relsXml: string): string[] {
  const rels = new Map<string, string>();
  for (const r of Array.from(parseXml(relsXml).getElementsByTagName('Relationship'))) {
    const id = r.getAttribute('Id');
    const target = r.getAttribute('Target');
    if (id && target) rels.set(id, target.startsWith('/') ? target.slice(1) : `ppt/${target}`);
  }
  const out: string[] = [];
  for (const s of Array.from(parseXml(presentationXml).getElementsByTagName('p:sldId'))) {
    const t = rels.get(s.getAttribute('r:id') ?? '');
    if (t) out.push(t.replace(/\/\.\//g, '/'));
  }
  return out;
}

/** One slide's text lines: each `<a:p>` a line (its runs joined, `<a:br/>` a line break), blank lines left out. */
export function slideLines(slideXml: string): string[] {
  const lines: string[] = [];
  for (const p of Array.from(parseXml(slideXml).getElementsByTagName('a:p'))) {
    let line = '';
    const walk = (n: XmlEl) => {
      for (const c of Array.from(n.childNodes)) {
        if (c.nodeName === 'a:t') line += c.textContent ?? '';
        else if (c.nodeName === 'a:br') line += '\n';
        else if (c.nodeName === 'a:r' || c.nodeName === 'a:fld') walk(c);
      }
    };
    walk(p);
    for (const l of line.split('\n')) if (l.trim() !== '') lines.push(l.trim());
  }
  return lines;
}

/** The registered extractor for `pptx` files (and decks found inside archives). */
export async function extractPptx(input: RawInput, info: RawFileInfo, cfg: Cfg): Promise<ExtractResult> {
  const base: RawFileInfo = { ...info, format: 'pptx', encoding: 'utf-8', encoding_method: 'container' };
  const reject = (reason: string, detail: string): ExtractResult => ({ info: { ...base, status: 'rejected', reason, detail }, units: [] });
  const limits = cfg.archive ?? ARCHIVE_DEFAULTS;
  const lines: string[] = [];
  let slides: string[];
  try {
    const budget = { bytes: 0, members: 0 };
    const zip = await openZip(input.bytes, limits, budget, {});
    const text = async (name: string): Promise<string | null> => {
      const f: JSZip.JSZipObject | null = zip.file(name);
      return f ? new TextDecoder().decode(await readMember(f, limits, budget)) : null;
    };
    const pres = await text('ppt/presentation.xml');
    const rels = await text('ppt/_rels/presentation.xml.rels');
    if (pres === null || rels === null) return reject('corrupt_pptx', 'no ppt/presentation.xml or its relationships in the package');
    slides = slideOrder(pres, rels);
    for (const s of slides) {
      const xml = await text(s);
      if (xml !== null) lines.push(...slideLines(xml));
    }
  } catch (err) {
    if (err instanceof ArchiveLimitError) return reject(err.reason, err.detail);
    return reject('corrupt_pptx', `cannot read the PowerPoint file: ${(err as Error).message.slice(0, 120)}`);
  }
  if (countChars(lines.join('')) === 0) return reject('empty', `no text on ${slides.length} slides`);
  return {
    info: { ...base, detail: `${slides.length} slides` },
    units: [{
      unit_id: unitId(input.path, info.sha256, null), source_file: input.path, source_member: null, source_row: null, source_url: null, source_sha256: info.sha256,
      source_encoding: 'utf-8', source_format: 'pptx', text: lines.join('\n'), title: null, source_site: null, published: null,
    }],
  };
}
