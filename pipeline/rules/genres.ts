/**
 * The `genre` column: a keyword table read against a document's title (+ subtitle), and, when the title says
 * nothing, a few opening formulas. Chinese genre names are head-final (`……重要讲话研讨发言` is a 研讨发言 about a
 * 讲话), so among the title matches the one that ends last wins; on a tie the longer match, then table order.
 * Unclear documents get null: a genre is never guessed from the topic.
 *
 * Segment runs before script normalization, so titles are folded through TRADITIONAL_FOLD first (the
 * Traditional forms of the characters used below; one to one).
 */

export interface GenreRule {
  genre: string;
  /** Matched against title + subtitle (global flag: every match is considered). */
  title: RegExp;
  /** Matched against the first characters of the body when no title rule matched. */
  opening?: RegExp;
  note: string;
}

export const GENRES: GenreRule[] = [
  {
    genre: '党课讲稿',
    title: /(?:专题)?党课(?:讲稿|讲话|辅导报告|辅导|课件|材料)?/gu,
    opening: /(?:讲|上)(?:一堂|一次|这次|今天的|这堂)?(?:专题)?党课/u,
    note: '党课 scripts: `……党课讲稿` (raw/001), `专题党课：……`; opening `今天我给大家讲一堂党课`',
  },
  {
    genre: '研讨发言',
    title: /研讨(?:交流)?(?:发言|材料|提纲)?|交流发言|发言(?:材料|稿|提纲)?|座谈(?:会)?发言/gu,
    opening: /(?:谈|讲|交流)(?:几点|一下|个人的?|自己的)(?:认识|体会|感受|看法|思考)|作(?:一)?交流发言/u,
    note: '发言 at study sessions: `……研讨发言` (raw/000, raw/002 subtitles), `……研讨交流会上的发言材料` (raw/003)',
  },
  {
    genre: '心得体会',
    title: /心得(?:体会)?|体会文章|学习体会|感悟|感想|读后感|观后感|学习笔记/gu,
    note: 'study essays: `……专题学习心得体会` (raw/000)',
  },
  {
    genre: '讲话',
    title: /(?:重要|动员|总结|主持|开班|开幕|闭幕)?讲话(?:稿|提纲)?|致辞|贺词|宣讲稿|讲稿/gu,
    opening: /^(?:同志们|各位领导|各位同志|同事们|朋友们)[，,！!：:]/u,
    note: 'speeches: `……中心组讲话` (raw/000), `在……会议上的讲话`; opening salutation `同志们：`',
  },
  {
    genre: '工作报告',
    title: /(?:政府)?工作报告/gu,
    note: 'work reports: `2025年政府工作报告` (shared/eval/docx provincial reports)',
  },
  {
    genre: '述职报告',
    title: /述职(?:述廉|述学)*(?:报告)?/gu,
    note: 'annual personal reports of officials',
  },
  {
    genre: '工作总结',
    title: /(?:工作|年度|半年|年终|个人)总结/gu,
    note: 'summaries: `2023年度工作总结`',
  },
  {
    genre: '对照检查材料',
    title: /对照检查(?:材料)?|检视剖析(?:材料)?|个人剖析材料|检视材料/gu,
    note: 'self-criticism material for 民主生活会',
  },
  {
    genre: '调研报告',
    title: /调研报告|调查报告/gu,
    note: 'survey reports',
  },
  {
    genre: '回信',
    title: /回信|复信/gu,
    note: 'letters in reply: `给……的回信`',
  },
  {
    genre: '评论',
    title: /评论(?:员文章|员)?|时评|短评|社论|述评|[【\[［〖][^】\]］〗]{0,14}(?:谈|评|论|观察)[】\]］〗]/gu,
    note: 'commentary, also column pieces `【全国两会地方谈】……` (raw/001 appended article)',
  },
];

/** How many body characters the opening formulas look at. */
export const OPENING_CHARS = 120;

/** Traditional → Simplified for the characters the table uses (segment runs before normalization). */
export const TRADITIONAL_FOLD: Record<string, string> = {
  黨: '党', 課: '课', 講: '讲', 話: '话', 輔: '辅', 導: '导', 報: '报', 討: '讨', 發: '发', 論: '论',
  體: '体', 會: '会', 讀: '读', 後: '后', 觀: '观', 記: '记', 動: '动', 員: '员', 結: '结', 開: '开', 閉: '闭',
  辭: '辞', 賀: '贺', 詞: '词', 總: '总', 職: '职', 學: '学', 檢: '检', 視: '视',
  調: '调', 復: '复', 評: '评', 時: '时', 們: '们', 領: '领', 說: '说',
  談: '谈', 點: '点', 認: '认', 識: '识', 對: '对', 個: '个', 這: '这', 試: '试', 見: '见', 題: '题',
};
