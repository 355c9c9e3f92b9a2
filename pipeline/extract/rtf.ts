/**
 * Rich Text Format → one text unit. Chinese download sites often serve a `.doc` that is really RTF (Word's "save as
 * RTF", or a site's own export): the bytes start with `{\rtf` whatever the name says (rules/formats.ts). Read with
 * rtf-stream-parser (a maintained RTF tokenizer and plain-text interpreter, used on Outlook mail bodies): the
 * document's code page (`\ansicpg936` and the fonts' `\fcharset134` GB2312, as Chinese Word writes them) decodes
 * the `\'xx` bytes with iconv-lite, `\uN` characters are taken as they are (their fallback bytes skipped), the
 * font, colour and style tables and every `{\*…}` destination are left out. Page headers, footers and footnotes
 * (`\header…`, `\footer…`, `\footnote` groups) are left out as the `.doc` reader leaves them out; a table cell ends
 * with a tab, a row, page or section break with a line end. A file the tokenizer cannot read is `corrupt_rtf`, one
 * with no text `empty`; one cut short keeps its text up to the cut and the ledger row's detail says so.
 */
import { countChars } from '../lib/stage.js';
import { lazy } from '../lib/lazy.js';
import { unitId } from '../lib/ids.js';
import type { RawFileInfo } from '../lib/types.js';
import type { ExtractConfig, ExtractResult, RawInput } from '../stages/extract.js';

type RtfToken = import('rtf-stream-parser/dist/src/tokenize.js').Token;
const rtfTokenize = lazy<typeof import('rtf-stream-parser/dist/src/tokenize.js')>('rtf-stream-parser/dist/src/tokenize.js');
const rtfPlain = lazy<typeof import('rtf-stream-parser/dist/src/ToPlainText.js')>('rtf-stream-parser/dist/src/ToPlainText.js');
const iconv = lazy<typeof import('iconv-lite')>('iconv-lite');

/** Groups whose text is not the body ([MS-RTF] 1.9.1 "Headers and footers", "Footnotes"): left out with their content. */
const SKIPPED_GROUPS = new Set(['header', 'headerl', 'headerr', 'headerf', 'footer', 'footerl', 'footerr', 'footerf', 'footnote']);
/** Control words that end a cell (a tab) or a row, page or section (a line end); the interpreter has no text for them. */
const AS_TAB = new Set(['cell', 'nestcell']);
const AS_LINE = new Set(['row', 'nestrow', 'page', 'sect']);

/** The document's code page from `\ansicpgN` in its first bytes, as iconv-lite names it (`cp936`), or null. */
function codePage(head: string): string | null {
  const m = /\\ansicpg(\d+)/.exec(head);
  return m ? `cp${m[1]}` : null;
}

/**
 * The plain text of an RTF file (lines joined by `\n`, right-trimmed, at most one blank line in a row), and how many
 * groups were still open at its end (more than 0: the file is cut short).
 */
export function rtfText(bytes: Uint8Array): { text: string; open: number } {
  const tokenizer = new (rtfTokenize().Tokenize)();
  const plain = new (rtfPlain().ToPlainText)({
    decode: (buf, enc) => {
      if (!iconv().encodingExists(enc)) throw new Error(`unknown code page ${enc}`);
      return iconv().decode(buf, enc);
    },
    warn: () => {},
  });
  const out: string[] = [];
  const fail = (err?: unknown) => {
    if (err) throw err;
  };
  plain.push = (piece: unknown) => {
    if (typeof piece === 'string') out.push(piece);
    else if (Buffer.isBuffer(piece)) out.push(piece.toString('utf8'));
    return true;
  };
  // Between the tokenizer and the interpreter: header/footer/footnote groups dropped whole, cell and row ends made
  // into a tab and a line end (as control words the interpreter knows).
  let depth = 0;
  let skipFrom = -1; // depth of the group being dropped, -1 when none
  let groupJustOpened = false;
  const give = (t: RtfToken) => plain._transform(t as never, '', fail);
  tokenizer.push = (tok: unknown) => {
    if (tok === null) return true;
    const t = tok as RtfToken;
    if (t.type === 0) {
      depth++;
      if (skipFrom < 0) {
        groupJustOpened = true;
        give(t);
      }
      return true;
    }
    if (t.type === 1) {
      if (skipFrom >= 0 && depth === skipFrom) {
        skipFrom = -1;
        depth--;
        give(t); // closes the group opened before it was known to be skipped
        return true;
      }
      depth--;
      if (skipFrom < 0) give(t);
      groupJustOpened = false;
      return true;
    }
    if (skipFrom >= 0) return true;
    if (t.type === 2 && groupJustOpened && SKIPPED_GROUPS.has(t.word)) {
      skipFrom = depth;
      groupJustOpened = false;
      return true;
    }
    groupJustOpened = false;
    if (t.type === 2 && AS_TAB.has(t.word)) give({ type: 2, word: 'tab' } as RtfToken);
    else if (t.type === 2 && AS_LINE.has(t.word)) give({ type: 2, word: 'par' } as RtfToken);
    else give(t);
    return true;
  };
  tokenizer._transform(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), undefined, fail);
  tokenizer._flush(fail);
  plain._flush(fail);
  const text = out.join('')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f]/g, '')
    .split('\n').map((l) => l.replace(/\s+$/u, '')).join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { text, open: depth };
}

/** The registered extractor for `rtf` files (by their `{\rtf` signature, whatever their name). */
export function extractRtf(input: RawInput, info: RawFileInfo, _cfg: ExtractConfig): ExtractResult {
  const head = new TextDecoder('latin1').decode(input.bytes.subarray(0, 4096));
  const encoding = codePage(head) ?? 'cp1252';
  const base: RawFileInfo = { ...info, format: 'rtf', encoding, encoding_method: 'container' };
  const reject = (reason: string, detail: string): ExtractResult => ({ info: { ...base, status: 'rejected', reason, detail }, units: [] });
  let text: string;
  let open: number;
  try {
    ({ text, open } = rtfText(input.bytes));
  } catch (err) {
    return reject('corrupt_rtf', `cannot read the RTF file: ${String((err as Error).message ?? err).split('\n')[0]!.slice(0, 120)}`);
  }
  // A file cut short (its groups never closed) keeps the text up to the cut, and the ledger says so.
  const detail = open > 0 ? `cut short: ${open} group${open > 1 ? 's' : ''} never closed; the text up to the cut is kept` : null;
  if (countChars(text) === 0) return reject('empty', detail ? `no text in the document (${detail})` : 'no text in the document');
  return {
    info: { ...base, detail },
    units: [{
      unit_id: unitId(input.path, info.sha256, null), source_file: input.path, source_member: null, source_row: null, source_url: null, source_sha256: info.sha256,
      source_encoding: encoding, source_format: 'rtf', text, title: null, source_site: null, published: null,
    }],
  };
}
