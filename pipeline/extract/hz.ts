/**
 * HZ-GB-2312 (RFC 1843): 7-bit text where `~{` switches to GB2312 pairs (each byte minus 0x80) and `~}` back;
 * `~~` is a literal tilde and `~\n` a line continuation. Hand-written because neither TextDecoder (WHATWG maps
 * the label to the replacement decoder) nor iconv-lite decodes HZ; the GB2312 pairs go through TextDecoder.
 */
const gb = new TextDecoder('gb18030', { fatal: true });

export function looksLikeHz(s: string): boolean {
  return /~\{[\x21-\x7e]{2}/.test(s) && s.includes('~}') && !/[^\x00-\x7f]/.test(s);
}

export function decodeHz(s: string): string | null {
  let out = '';
  let gbMode = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '~') {
      const n = s[i + 1];
      if (n === '{') { gbMode = true; i++; continue; }
      if (n === '}') { gbMode = false; i++; continue; }
      if (n === '~') { out += '~'; i++; continue; }
      if (n === '\n') { i++; continue; }
    }
    if (gbMode) {
      if (c === '\n') { gbMode = false; out += c; continue; }
      const a = s.charCodeAt(i);
      const b = s.charCodeAt(i + 1);
      if (!(a >= 0x21 && a <= 0x7e && b >= 0x21 && b <= 0x7e)) return null;
      try {
        out += gb.decode(new Uint8Array([a | 0x80, b | 0x80]));
      } catch {
        return null;
      }
      i++;
    } else out += c;
  }
  return out;
}
