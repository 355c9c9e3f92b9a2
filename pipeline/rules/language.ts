/**
 * Which documents are not Chinese although they are written with Han characters: Japanese. A Japanese page is
 * Han (kanji) plus kana; its kanji include forms outside GB2312 (會, 們…), so the script test took it for
 * Traditional Chinese and converted it (issue 21). Kana (Hiragana U+3040–309F, Katakana U+30A0–30FF and its
 * phonetic extensions U+31F0–31FF, half-width Katakana U+FF66–FF9D) never occur in Chinese prose except in a quoted
 * Japanese name or phrase, and Japanese prose is about half kana. The normalize stage drops a document whose
 * kana make at least JAPANESE_MIN_SHARE of its kana + Han and number at least JAPANESE_MIN_KANA (reason
 * `japanese`). The prolonged sound mark ー (U+30FC) and the middle dot ・ (U+30FB) are left out: Chinese text uses
 * them in transliterations.
 */
export const KANA = /[\u3041-\u3096\u309D-\u309F\u30A1-\u30FA\u30FD-\u30FF\u31F0-\u31FF\uFF66-\uFF9D]/gu;
/** Least kana in a document taken as Japanese (a quoted name or two stays Chinese). */
export const JAPANESE_MIN_KANA = 20;
/** Least share of kana among kana + Han (Japanese news runs at 0.4–0.6; a Chinese text quoting a title, < 0.02). */
export const JAPANESE_MIN_SHARE = 0.15;

/**
 * Program code and shell commands in an article (a tech blog's `<pre>` blocks: `docker run -p 28080:8080 \`,
 * `-e SPRING_DATASOURCE_URL="jdbc:mysql://$dbhost_port/…" \`, `sleep 30s`, `fi`). A reader sees them as content, not
 * as a foreign language, so the quality gate's Chinese share is taken over the prose only (clean.ts
 * proseParagraphs): issue 21, a Chinese article about Docker (918 Han characters of prose around 9,659 characters of
 * scripts) was dropped at a 0.20 share, while its prose alone is 0.78 Chinese. Code comes in blocks: a run of
 * consecutive paragraphs without any Han character is code when at least CODE_BLOCK_MIN_SHARE of them hold a code
 * token (CODE_TOKEN); then all of the run is code, its `else` and `sleep 30s` too. The tokens are ones English prose
 * does not use: an assignment or comparison `=`, `&&`, `||`, a variable `$x` / `${`, a comment or shebang `#` opening
 * the line, braces, an HTML tag, a statement's `;` or a continuation `\` ending it, a command-line option `-v` /
 * `--name`, a Unix path `/usr/lib/`, `~/.ssh/`, a redirection `>/dev/null`, `2>&1`; Python's block openers (`def f():`,
 * `if not data:`, `else:`), `import x` / `from x import y`, `return`, a method call `client.lpop(` and a line that is a
 * call `print(12345)` (issue 21: a WeChat Python tutorial, gne-wechat-2 of the eval set). Shell scripts are full of bare
 * commands (`sleep 30s`, `fi`, `docker logs x`), hence a share of the run rather than every line. A money amount (`$5 million`), a citation `[1]`, a parenthesis or a hyphenated word is not a token, so
 * English prose still counts against the share.
 */
export const CODE_TOKEN = /=|&&|\|\||\$[A-Za-z_{(]|^#|[{}]|<\/?[A-Za-z]|[;\\]$|(?:^|\s)--?[A-Za-z]|(?:^|\s)(?:~|\.{1,2})?\/[\w.-]+\/|\s\d?>>?\s?[/&$\w]|^(?:def|class|if|elif|else|for|while|try|except|finally|with|async def)\b[^:]*:$|^(?:import\s+[\w.]+|from\s+[\w.]+\s+import\b)|^return\b|[\w\])]\.[A-Za-z_]\w*\(|^[A-Za-z_]\w*\(.*\)$/u;
export const CODE_BLOCK_MIN_SHARE = 0.3;

/**
 * Which paragraphs are program code (CODE_TOKEN, CODE_BLOCK_MIN_SHARE): true for each paragraph of a run of Han-free
 * paragraphs of which at least that share hold a code token. The quality gate leaves them out of the Chinese share
 * (clean.ts proseParagraphs), and paragraph dedupe never removes one as a repeat: a script repeats its options
 * (`--add-host=…`, `-v /etc/localtime:/etc/localtime:ro \\` in each `docker run`; issue 21, 25 lines of one article).
 */
export function codeMask(paragraphs: readonly string[]): boolean[] {
  const mask = paragraphs.map(() => false);
  const han = /\p{Script=Han}/u;
  for (let i = 0; i < paragraphs.length; ) {
    if (han.test(paragraphs[i]!)) {
      i++;
      continue;
    }
    let j = i;
    while (j < paragraphs.length && !han.test(paragraphs[j]!)) j++;
    let code = 0;
    for (let k = i; k < j; k++) if (CODE_TOKEN.test(paragraphs[k]!.trim())) code++;
    if (code >= (j - i) * CODE_BLOCK_MIN_SHARE) for (let k = i; k < j; k++) mask[k] = true;
    i = j;
  }
  return mask;
}
