/**
 * Legacy Word 97–2003 `.doc` files (OLE2 compound documents). A maintained parser exists (word-extractor, not
 * installed), but no `.doc` sample could be produced here to test it against (no Word, LibreOffice or antiword on the build machine, none in the
 * eval data), and an untested binary parser is not something to publish text from. So `.doc` files are rejected
 * with `unsupported_doc` and a detail that says what to do; the extractor slot is ready for such a parser once a
 * tested sample exists (tests/fixtures/docx/ would hold it).
 */
import type { RawFileInfo } from '../lib/types.js';
import type { ExtractConfig, ExtractResult, RawInput } from '../stages/extract.js';

/** The registered extractor for `doc` (OLE2) files. */
export function extractDoc(_input: RawInput, info: RawFileInfo, _cfg: ExtractConfig): ExtractResult {
  return {
    info: { ...info, format: 'doc', status: 'rejected', reason: 'unsupported_doc', detail: 'legacy Word .doc (OLE2) is not read: save it as .docx' },
    units: [],
  };
}
