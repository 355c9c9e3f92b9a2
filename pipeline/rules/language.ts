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
