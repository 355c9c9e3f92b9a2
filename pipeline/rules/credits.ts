/**
 * Credit lines of news and 公众号 pages: a line made only of role words and the people or desks they credit, as the
 * clean stage removes them among the first or last CREDIT_EDGE paragraphs of a document (rule `credit_line`). What the
 * schema has a column for is kept (`source_site` from `来源：` or from the newsroom before `记者`, `author_affiliation`
 * from the unit before `供稿` or after `作者：`); the names are personal data and are not kept, not even in the audit
 * excerpt (it shows the role words with `<NAME>`).
 *
 * Seen on the real pages of tests/fixtures/eval-real (issue 21), each a form many sites print, not one page's line:
 *   `文丨某某特约评论员某某` (凤凰网 评论, 公众号 `文 | 作者`), `编辑某某｜排版某某` and `总监制：某某` (凤凰网, 公众号 footers),
 *   `执笔/某某、某某` (环球网 columns), `执笔人：某某某某` (a report's writers, 千龙网), `某某科供稿摄影/某某编辑/某某` (hospital and university news pages),
 *   `（总台央视记者某某某某）` and `中青报·中青网记者某某来源：中国青年报` (a newsroom before 记者, then the names glued
 *   together after normalize drops the spaces between Han), `（本文来源：经济日报作者：某某研究部部长、研究员某某）` (搜狐号
 *   reposts), `版主：…，…` (Discuz boards), `经过某某重新编排` (公众号 reposts).
 */
import { NAME } from './pii.js';

/**
 * Role words after which a person (or a desk) is credited for the text. `sep: true` keys need a separator after them
 * (`：` `/` `丨` `|`), as sites print them (`文丨`, `执笔/`); the others may run into the name (`记者某某`, `编辑某某`).
 * `names: true`: without a separator the value must be names (a common surname first, rules/pii.ts NAME), so
 * `记者从市教育局获悉` or `编辑部` are never credits. `empty: true`: the key may close the credit with nothing after it,
 * the credited unit standing before it (`某某科供稿`). `long`: how long a value after a separator may be (a desk list
 * of a board, an affiliation with positions after `作者：`); 16 otherwise (pen names: `叨叨姐、胡一刀&李小飞刀`).
 */
export interface CreditKey { key: string; sep: boolean; names: boolean; empty?: boolean; long?: number; news?: boolean }

const k = (key: string, o: Partial<CreditKey> = {}): CreditKey => ({ key, sep: false, names: true, ...o });

export const CREDIT_ROLE_KEYS: CreditKey[] = [
  // news credits (people.cn, xinhuanet, CCTV, 中青网, local papers): the names follow, with or without a separator
  k('本报特约记者', { news: true }), k('特约通讯员', { news: true }), k('本报通讯员', { news: true }), k('特约记者', { news: true }),
  k('见习记者', { news: true }), k('实习记者', { news: true }), k('本报记者', { news: true }), k('本台记者', { news: true }),
  k('新华社记者', { news: true }), k('记者', { news: true }), k('通讯员', { news: true }), k('实习生', { news: true }),
  k('特约评论员', { news: true }), k('评论员', { news: true }),
  // editors and production credits (凤凰网, 公众号 footers, 宣讲 pages)
  // (without a separator only next to another credit: `编辑某某｜排版某某`, never `审核严格` alone)
  k('总监制'), k('监制'), k('出品人'), k('总编辑'), k('主编'), k('执行编辑'), k('责任编辑'), k('值班编辑'), k('实习编辑'),
  k('网络编辑'), k('编辑'), k('责编'), k('美编'), k('校对'), k('审核'), k('审校'), k('审读'), k('终审'), k('初审'), k('复审'),
  k('编审'), k('排版'), k('摄影'), k('摄像'),
  // words of everyday text too (`整理房间`, `设计院`): credits only with a separator (`整理：某某`, `设计/某某`)
  k('统筹', { sep: true }), k('策划', { sep: true }), k('制图', { sep: true }), k('设计', { sep: true }), k('视觉', { sep: true }),
  k('剪辑', { sep: true }), k('撰稿', { sep: true }), k('撰文', { sep: true }), k('执笔人', { sep: true }), k('执笔', { sep: true }), k('采写', { sep: true }),
  k('整理', { sep: true }), k('编译', { sep: true }), k('翻译', { sep: true }),
  // the unit that supplied the text stands before these (`某某科供稿`)
  k('供稿', { empty: true }), k('供图', { empty: true }),
  // the interviewee supplied the photos (河南商报 on dahe.cn, many local papers: `记者某某/文 受访者供图`): nobody named
  k('受访者供图', { empty: true }), k('受访人供图', { empty: true }),
  // `作者：` may carry an affiliation and positions before the name (搜狐号 reposts)
  k('作者', { long: 60 }),
  // a board's moderators (Discuz and other forums): a list of nicknames
  k('版主', { sep: true, names: false, long: 120 }),
  // one-character keys need a separator: `文丨某某`, `图/某某`, `文·图：某某`
  k('文·图', { sep: true, names: false }), k('文图', { sep: true, names: false }), k('图文', { sep: true, names: false }),
  k('文', { sep: true, names: false }), k('图', { sep: true, names: false }), k('摄', { sep: true, names: false }),
].sort((a, b) => b.key.length - a.key.length);

/** Source keys that may share a credit line (`…记者某某来源：中国青年报`): their value is `source_site`. */
export const CREDIT_SOURCE_KEYS = ['本文来源', '文章来源', '稿件来源', '信息来源', '来源'];

/**
 * A role printed after the names instead of before them (`记者某某/文 某某/摄`, `顶端新闻·河南商报记者某某/文受访者供图`,
 * papers and their e-paper pages): read as a gap between credits, so the names before it are the previous key's.
 */
export const CREDIT_ROLE_AFTER = /(?<=\p{Script=Han})\s?[/／]\s?(?:文图|图文|文|图|摄)(?=[\s，,；;、|｜丨]|\p{Script=Han}|$)/gu;

/** The separator printed after a role word. */
export const CREDIT_SEP = /^\s*[：:/／丨｜|]\s*/u;
/** Between two credits, and around a list of names. */
export const CREDIT_GAP = /^[\s，,；;、|｜丨/]+|[\s，,；;、|｜丨/]+$/gu;

/** Names run together or listed: `奚丹霓张赛`, `某某、某某`, `某某 和 某某`. */
export const CREDIT_NAMES = new RegExp(String.raw`^(?:${NAME}(?:\s?[、，,和及与&＆]\s?|\s)?){1,6}$`, 'u');

/** Longest credit line (countChars) and longest text before its first role word (a newsroom, a unit). */
export const CREDIT_LINE_MAX = 140;
export const CREDIT_PREFIX_MAX = 16;
/** A value after a separator, unless its key says otherwise (`long`). */
export const CREDIT_VALUE_MAX = 16;
/** How many paragraphs at each end of a document a credit line may sit in. */
export const CREDIT_EDGE = 3;

/**
 * A repost's editing credit: `经过某某重新编排`, `由某某二次整理`, `本文由某某编辑`. Group `who` (`who2`): not kept.
 */
export const EDIT_CREDIT = /^(?:本文)?(?:经过?|由)(?<who>[^\s。！？，,]{1,10}?)(?:重新|二次)(?:编排|编辑|整理|编译|排版)(?:而成)?$|^本文由(?<who2>[^\s。！？，,]{1,10}?)(?:编辑|整理|编译|排版)(?:而成)?$/u;

