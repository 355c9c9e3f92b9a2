/**
 * MHTML archives (RFC 2557, MIME HTML) → the archived page's text: a web page a browser saved as one file (`.mht`,
 * `.mhtml`: Internet Explorer, Firefox's MAF, Chrome's "Webpage, single file") and Word's "single file web page",
 * which many Chinese document sites serve under a `.doc` name. The archive is a MIME multipart message; it is
 * parsed with postal-mime (the transfer encodings quoted-printable and base64, the charset of the HTML part from
 * its own Content-Type header, else from the page's `<meta charset>`, else UTF-8 or windows-1252, as a mail client
 * reads it), and the page's HTML goes through the HTML extractor's text extraction (html.ts htmlToText): the same
 * article, title, site and date rules as a saved `.html` page. The page's address (the archive's
 * `Snapshot-Content-Location` or `Content-Location` header, when it is an http(s) address) is the unit's
 * `source_url`. Images, style sheets and scripts in the other parts are not read.
 *
 * Reason codes: `corrupt_mhtml` (postal-mime cannot parse it, or it holds no HTML part), and those of an HTML page
 * (`no_main_content` …).
 */
import { lazy } from '../lib/lazy.js';
import { unitId } from '../lib/ids.js';
import type { RawFileInfo } from '../lib/types.js';
import type { ExtractConfig, ExtractResult, RawInput } from '../stages/extract.js';
import { htmlToText, HTML_DEFAULTS, type HtmlConfig } from './html.js';
import { MHTML_HEADERS } from '../rules/formats.js';

const postalMime = lazy<typeof import('postal-mime')>('postal-mime');

type Cfg = ExtractConfig & { html?: HtmlConfig };

/**
 * Whether a file's opening bytes are an MHTML archive's header block: before its first blank line, a MIME-Version
 * header and a `multipart/related` Content-Type (rules/formats.ts MHTML_HEADERS).
 */
export function looksLikeMhtml(bytes: Uint8Array): boolean {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1 << 14)).replace(/^(?:\ufeff|\xef\xbb\xbf)/, '');
  const end = head.search(/\r?\n\r?\n/);
  const block = end >= 0 ? head.slice(0, end) : head;
  return MHTML_HEADERS.start.test(block) && MHTML_HEADERS.version.test(block) && MHTML_HEADERS.related.test(block);
}

function rejected(info: RawFileInfo, reason: string, detail: string): ExtractResult {
  return { info: { ...info, status: 'rejected', reason, detail }, units: [] };
}

export async function extractMhtml(input: RawInput, info: RawFileInfo, cfg: Cfg): Promise<ExtractResult> {
  // The container is read by its MIME headers; its page is Unicode text once postal-mime has decoded the part.
  const base: RawFileInfo = { ...info, format: 'mhtml', encoding: 'utf-8', encoding_method: 'container' };
  let email: Awaited<ReturnType<typeof import('postal-mime').default.parse>>;
  try {
    email = await postalMime().default.parse(input.bytes, { attachmentEncoding: 'arraybuffer' });
  } catch (err) {
    return rejected(base, 'corrupt_mhtml', `cannot parse the MIME archive: ${(err as Error).message.split('\n')[0]!.slice(0, 160)}`);
  }
  const html = email.html ?? '';
  if (html.trim() === '') return rejected(base, 'corrupt_mhtml', `no HTML part (${email.attachments.length} other part${email.attachments.length === 1 ? '' : 's'})`);
  const r = htmlToText(html.replace(/\r\n?/g, '\n'), cfg.html ?? HTML_DEFAULTS);
  if ('reason' in r) return rejected(base, r.reason, r.detail);
  const header = (k: string) => email.headers.find((h) => h.key === k)?.value.trim() ?? null;
  const location = header('snapshot-content-location') ?? header('content-location');
  const url = location && /^https?:\/\/\S+$/i.test(location) && location.length <= 4096 ? location : null;
  const notes = [`the HTML part of ${1 + email.attachments.length} part${email.attachments.length ? 's' : ''}`];
  if (r.method === 'body') notes.push('no article found: whole page text kept');
  return {
    info: { ...base, detail: notes.join('; ') },
    units: [{
      unit_id: unitId(input.path, info.sha256, null), source_file: input.path, source_member: null, source_row: null, source_url: url, source_sha256: info.sha256,
      source_encoding: 'utf-8', source_format: 'html', text: r.lines.join('\n'), title: r.meta.title, source_site: r.meta.site, published: r.meta.published,
    }],
  };
}
