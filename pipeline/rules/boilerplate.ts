/**
 * Boilerplate patterns: lines and spans that are not part of the article, as data for the clean stage.
 *
 * `LINE_RULES` remove a whole paragraph when it matches and has at most `maxChars` characters (a cap
 * keeps a long body paragraph that happens to start the same way). Patterns are general forms of what
 * 范文/文库 sites, news portals and lecture decks put around a text, not the seed files' literal lines;
 * each entry says what it matches and where that form is seen. Input is normalized text (Simplified,
 * full-width punctuation between Chinese), but both colon and bracket widths are accepted.
 * `INLINE_RULES` remove a span inside a paragraph and keep the rest of the sentence.
 */
import { countChars } from '../lib/stage.js';
import { PERSON_KEYS } from './metadata.js';

export interface LineRule {
  /** Rule code (removed.jsonl, stats.json). */
  rule: 'boilerplate_banner' | 'boilerplate_footer' | 'photo_caption';
  re: RegExp;
  /** Longest paragraph (in counted characters) the rule may remove. */
  maxChars: number;
  /** The audit excerpt of a removed line (given the line with personal data already masked), when the line names a
   *  person (a poster's nickname) or an id the personal-data rules do not know: what replaces it. */
  excerpt?: (line: string) => string;
}

/** A post header's excerpt: who posted becomes `<NAME>`, the date and place stay. */
const POSTER = (line: string) => line.replace(/^[^。！？]*?\s(?=(?:19|20)\d{2}[-/.])/u, '<NAME> ');

// Optional opening bracket or marker before a notice: 【声明：…】, [声明]…, ※ 温馨提示…
const LEAD = String.raw`^[\s【\[（(「『〔<《※★☆▲●■◆#*]*`;
const COLON = '[：:]';

export const LINE_RULES: LineRule[] = [
  // --- the page's own address first: "本文链接：URL（转载请保留）" is a footer, not a reprint notice ---
  // "本文链接：http://…", "原文地址：…", "网址：www.…": the page's own address.
  { rule: 'boilerplate_footer', maxChars: 200, re: new RegExp(String.raw`${LEAD}(?:本文|原文|文章|本页|页面|永久)?(?:链接|网址|地址|出处)${COLON}\s*(?:<URL>|https?://|www\.|[A-Za-z0-9-]+\.(?:com|cn|net|org|gov))`, 'i') },
  { rule: 'boilerplate_footer', maxChars: 200, re: new RegExp(String.raw`${LEAD}(?:本文|原文|文章|本页)(?:链接|网址|地址)${COLON}`) },

  // --- site banners and notices (范文 sites, 宣讲家网-style portals, 文库 uploads) -------------------
  // "本文系作者原创投稿，仅供学习参考…", "本文系XX网独家稿件，转载请注明来源": an origin notice that opens
  // with 本文系/本文为 and names the text's status (原创, 投稿, 独家, 首发, 稿件, 整理).
  { rule: 'boilerplate_banner', maxChars: 100, re: new RegExp(String.raw`${LEAD}本(?:文|篇|稿)(?:系|为|是|属)[^。！？]{0,24}?(?:原创|投稿|独家|首发|稿件|整理|授权|转载)`) },
  // "声明：本文代表作者个人观点，不代表本网立场…", "【免责声明】…", "版权声明：…": a labelled disclaimer.
  { rule: 'boilerplate_banner', maxChars: 160, re: new RegExp(String.raw`${LEAD}(?:免责|版权|特别|郑重)?声明(?:${COLON}|[】\]）)])`) },
  // "本文仅代表作者个人观点，不代表本站立场": the same disclaimer without its label.
  { rule: 'boilerplate_banner', maxChars: 100, re: new RegExp(String.raw`${LEAD}(?:本文|文章|以上|该文)[^。！？]{0,12}代表[^。！？]{0,12}(?:观点|立场|看法)`) },
  // "转载请注明出处", "未经许可不得转载", "谢绝转载": reprint notices, anywhere in a short line.
  { rule: 'boilerplate_banner', maxChars: 60, re: /(?:转载|转发|引用)[^。！？，]{0,3}(?:请|须)(?:务必)?(?:注明|保留|标明|联系)|未经[^。！？]{0,8}(?:许可|授权|同意)[^。！？]{0,10}(?:转载|复制|使用|摘编)|(?:禁止|严禁|谢绝|请勿)[^。！？]{0,4}转载|请勿(?:照搬|抄袭|商用)/ },
  // "版权所有 © 2020 XX网", "Copyright © …", "All Rights Reserved": copyright lines (page footers of
  // portals and Word templates).
  { rule: 'boilerplate_banner', maxChars: 80, re: /版权所有|版权归[^。！？]{1,20}所有|著作权归|[Cc]opyright|©|\([Cc]\)\s*(?:19|20)\d\d|All Rights Reserved/i },
  // "如有侵权请联系删除", "侵删": takedown notices of 文库 uploads.
  { rule: 'boilerplate_banner', maxChars: 60, re: /(?:如|若)(?:有|涉及|存在)?侵权[^。！？]{0,6}(?:联系|删除|告知|处理)|侵权(?:请)?(?:联系|必删|立删)|侵删/ },
  // "下载后可编辑", "本文档可编辑修改", "Word版": document-shop upload notes.
  { rule: 'boilerplate_banner', maxChars: 60, re: /下载后(?:可|即可)(?:编辑|修改|打印|使用)|(?:可|能)(?:自由|随意)?编辑(?:修改)?(?:版|文档)?[。！]?$|(?:word|Word|WORD|doc|docx)\s*(?:版|格式|文档)(?:下载)?[。！]?$/ },
  // "更多精品范文请关注…", "更多优秀文章尽在XX网": pointers to the site's other texts.
  { rule: 'boilerplate_banner', maxChars: 60, re: new RegExp(String.raw`${LEAD}(?:更多|查看更多|获取更多)[^。！？]{0,8}(?:范文|文章|资料|内容|精彩|文档|资讯|精品|好文)`) },
  // "仅供学习参考，请勿照搬照抄", "以上内容仅供参考": usage notices on 范文 sites.
  { rule: 'boilerplate_banner', maxChars: 40, re: /^[^。！？]{0,10}仅供[^。！？]{0,6}(?:参考|交流|学习)/ },
  // "温馨提示：…", "特别提示：…", "编者按：" is NOT here (it introduces the article itself).
  { rule: 'boilerplate_banner', maxChars: 80, re: new RegExp(String.raw`${LEAD}(?:温馨|友情|特别)提示${COLON}`) },

  // --- footers (news portals: people.cn, 宣讲家网, gov sites; blog and forum pages) ----------------------
  // "(责编：张三；校对：李四)", "责任编辑：张三", "编辑：…  审核：…": editor credits on a line of their own.
  { rule: 'boilerplate_footer', maxChars: 60, re: new RegExp(String.raw`${LEAD}(?:责编|责任编辑|编辑|校对|审核|审校|终审|初审|复审|监制|值班编辑|实习编辑|网络编辑|编审)${COLON}`) },
  // "已有0人发表了评论", "网友评论(3)", "发表评论", "共12条评论": comment counters and prompts.
  { rule: 'boilerplate_footer', maxChars: 40, re: /^(?:已有|共有?)\s*\d+\s*(?:人|位网友|位|条)[^。！？]{0,6}(?:评论|跟帖|点赞)|^(?:网友|我要|发表|查看|全部|最新|热门)?评论\s*[（(]?\s*\d*\s*[）)]?\s*$|^\d+\s*条评论/ },
  // "欢迎加入网友之家交流5群：…", "欢迎关注XX公众号", "欢迎扫码…": calls to join or follow.
  { rule: 'boilerplate_footer', maxChars: 80, re: /^欢迎(?:大家)?(?:加入|关注|扫码|扫描|添加|访问|订阅|登录)[^。！？]{0,24}(?:群|公众号|微信|微博|网|站|号|频道|平台|APP|App|客户端|二维码|<QQ>|<WECHAT>|\d{5,})/ },
  // "XX交流群：123456", "读者群：…": a group invitation without 欢迎 (a bare "QQ群：…" line is a contact
  // line, removed by the personal-data step).
  { rule: 'boilerplate_footer', maxChars: 60, re: /(?:交流[\d一二三四五六七八九十]*群|读者群|微信群)(?:号码?)?\s*[：:]?\s*(?:\d{5,}|<QQ>)/ },
  // "投稿邮箱为：…", "投稿信箱", "投稿方式": calls for submissions.
  { rule: 'boilerplate_footer', maxChars: 100, re: /投稿(?:邮箱|信箱|地址|方式|热线|电话)\s*(?:为|是)?\s*[：:]|投稿(?:邮箱|信箱)[^。！？]{0,6}(?:@|<EMAIL>)/ },
  // "分享到：微信 微博 QQ空间", "一键分享": share bars.
  { rule: 'boilerplate_footer', maxChars: 50, re: new RegExp(String.raw`${LEAD}(?:分享到|分享至|一键分享)(?:${COLON}|\s|$)|^(?:分享|收藏|点赞|打印|关闭)(?:\s*[|｜丨/]?\s*(?:分享|收藏|点赞|打印|关闭|举报|纠错|评论))+\s*$`) },
  // "上一篇：…", "下一篇：…", "上一页 下一页": previous/next navigation.
  { rule: 'boilerplate_footer', maxChars: 80, re: new RegExp(String.raw`${LEAD}(?:上一篇|下一篇|上一页|下一页|上篇|下篇|前一篇|后一篇|上一条|下一条)(?:${COLON}|\s|$)`) },
  // "相关文章：", "推荐阅读", "延伸阅读", "猜你喜欢": related-article headers.
  { rule: 'boilerplate_footer', maxChars: 30, re: new RegExp(String.raw`${LEAD}(?:相关(?:文章|阅读|新闻|推荐|链接|内容|专题|范文)|推荐阅读|延伸阅读|热门(?:文章|推荐|阅读)|猜你喜欢|精彩推荐|往期(?:回顾|推荐|精选)|热点推荐)(?:${COLON}|\s|$|[》>】\]])`) },
  // "扫一扫关注", "长按识别二维码", "点击阅读原文", "返回顶部", "打印本页", "关闭窗口", "【字号：大 中 小】".
  { rule: 'boilerplate_footer', maxChars: 40, re: new RegExp(String.raw`${LEAD}(?:扫一扫|扫码|长按)[^。！？]{0,16}(?:关注|二维码|识别|阅读|手机)|${LEAD}(?:点击|戳)阅读原文|^阅读原文\s*$|${LEAD}(?:返回顶部|返回首页|打印本页|打印此页|关闭窗口|关闭本页|【打印】|【关闭】)|字号${COLON}?\s*[【\[]?\s*大`) },
  // "浏览次数：123", "阅读量 1.2万", "点击数：": page counters.
  { rule: 'boilerplate_footer', maxChars: 30, re: new RegExp(String.raw`${LEAD}(?:浏览|阅读|点击|访问)(?:次数|量|数)?${COLON}?\s*[（(]?\s*[\d.]+\s*(?:万|亿|次)?\+?\s*[）)]?\s*$`) },
  // "京ICP备12345678号-1", "ICP证…", "京公网安备 11010502030143号": MIIT and police registration numbers
  // every mainland site prints in its footer.
  { rule: 'boilerplate_footer', maxChars: 80, re: /ICP\s*(?:备|证)|公网安备|网安备\s*\d/i },
  // --- issue 21: what real news pages leave in (kingname/GeneralNewsExtractor test pages and the magic-html
  // benchmark pages in ../shared/eval/; none is one site's literal line) ----------------------------------------
  // Self-media platform notices: "以上内容（包括图片及视频）为创作者平台“快传号”用户上传并发布，本平台仅提供信息存储服务"
  // (360), "特别声明：以上内容…为自媒体平台“网易号”用户上传并发布…", "声明：该文观点仅代表作者本人，搜狐号系信息发布平台，搜狐仅
  // 提供信息存储空间服务。", "本文由百家号作者上传并发布，百家号仅提供信息发布平台。"
  { rule: 'boilerplate_banner', maxChars: 160, re: /(?:网易号|快传号|搜狐号|百家号|企鹅号|头条号|大鱼号|一点号|澎湃号|新浪号)[”"」]?\s*(?:用户|作者)[^。！？]{0,6}(?:上传|发布)|(?:仅|只)提供信息(?:存储|发布)(?:空间)?(?:服务|平台)|(?:网易号|快传号|搜狐号|百家号)系信息发布平台/ },
  // The English version of 网易号's notice: "Notice: The content above (including the pictures and videos if any) is
  // uploaded and posted by a user of NetEase Hao, which is a social media platform and only provides information
  // storage services."
  { rule: 'boilerplate_banner', maxChars: 400, re: /^(?:Notice|Disclaimer|Statement)\s*[:：]\s*The content above\b.*(?:uploaded and posted by|information storage services)/i },
  // Wikisource's licence block at the end of a work: "本作品在全世界都属于公有领域，因为作者逝世已经超过100年…",
  // "这部作品…在美国属于公有领域", and the template's bare cells "Public domain", "false", "true".
  { rule: 'boilerplate_banner', maxChars: 300, re: /^(?:本|这部|该|此)作品[^。！？]{0,60}(?:属于|进入|处于)公有领域|^(?:Public domain|PD-[\w-]+|false|true)$/i },
  // "返回腾讯网首页>>", "点击进入“文艺星青年”>>", "进入专题>>": links out of the article, with their arrows.
  { rule: 'boilerplate_footer', maxChars: 40, re: /^(?:返回|点击进入|点击查看|进入|查看)[^。！？]{0,20}(?:>>|》》|»|→)$/ },
  // "加载中...", "视频加载中", "您的浏览器不支持video标签", "00:00 / 03:25", "播放" / "暂停" / "全屏": video-player
  // strings of news pages (新浪, 网易, 腾讯 players) left where the player was.
  { rule: 'boilerplate_footer', maxChars: 30, re: /^(?:视频|图片|内容|正在)?加载(?:中|失败)[^。！？]{0,10}$|浏览器(?:暂)?不支持[^。！？]{0,16}(?:video|视频|播放|HTML5)|^\d{1,2}:\d{2}\s*\/\s*\d{1,2}:\d{2}$|^(?:播放|暂停|全屏|退出全屏|重播|静音|倍速|清晰度|关闭视频)$/iu },
  // "图集", "组图", "+1", "＋1": gallery badges and like buttons that become lines of their own.
  { rule: 'boilerplate_footer', maxChars: 6, re: /^(?:图集|组图|高清组图|多图|[+＋]\s*\d{1,3})$/u },
  // A newspaper's WeChat menu: "6、回复【垃圾分类】查看投放指南", "点击菜单栏【便民服务】解锁更多服务！",
  // "看都看完了，点【在看】试试在看", "点个“在看”", "关注公众号：人民网财经".
  { rule: 'boilerplate_footer', maxChars: 40, re: /回复[【\[「“][^】\]」”]{1,16}[】\]」”][^。！？]{0,6}(?:查看|获取|了解|即可|可|领取)|点(?:个|击)?[【\[「“](?:在看|赞|分享|收藏|再看)[】\]」”]|^点击(?:菜单栏|底部菜单|下方菜单|公众号菜单)|^关注(?:微信)?公众号[：:]/u },
  // A site's app plug after a news item: "（本文来自澎湃新闻，更多原创资讯请下载“澎湃新闻”APP）", "下载××客户端，看更多新闻".
  { rule: 'boilerplate_footer', maxChars: 60, re: /(?:请|欢迎)?(?:下载|打开|安装)[^。！？]{0,12}(?:APP|App|app|客户端)/u },
  // A photo caption on a line of its own: "图为山西品牌丝路行（南美站）启动仪式。（刘通摄）", "上图：…（新华社记者李贺摄）".
  { rule: 'photo_caption', maxChars: 100, re: /^(?:图为|图：|图片：|上图|下图|左图|右图|组图)[^。！？]{0,80}[。]?\s*[（(][^（）()]{0,20}摄(?:影)?[）)]$|^[（(]?\s*(?:图片|图)(?:来源|来自|[:：])[^。！？]{0,20}[）)]?$/u },

  // A bare photo credit on its own line: "新华社发", "新华社发（某某摄）", "中新社发" (xinhuanet and chinanews photo pages).
  { rule: 'photo_caption', maxChars: 30, re: /^(?:新华社|中新社|人民网|本报|央视网)发\s*(?:[（(][^（）()]{0,20}摄(?:影)?[）)])?$/u },
  // Kept edge lines of the hand-labelled real pages (tests/fixtures/eval-real/labels.json), as general forms:
  // "原标题：…", "（原题为《…》）", "本文原标题：《…》": the headline the item had elsewhere.
  { rule: 'boilerplate_footer', maxChars: 80, re: /^[（(]?\s*(?:本文)?原(?:标)?题(?:为)?\s*[：:《]/u },
  // Forum and Q&A page counters and buttons: "查看: 3481|回复: 3", "回复", "展开全部", "4个回答", "首赞", "订阅",
  // "播报文章", "Play Video", "阅读剩余全文（）", "昨天", "8 小时前", "更多回答（2）".
  { rule: 'boilerplate_footer', maxChars: 40, re: /^(?:查看|浏览|阅读|回复|点击|评论)\s*[:：]\s*\d+(?:\s*[|｜]\s*(?:查看|浏览|阅读|回复|点击|评论)\s*[:：]\s*\d+)+$|^(?:回复|展开全部|收起全部|订阅|首赞|播报文章|Play Video|阅读剩余全文.{0,4}|查看全文|昨天|今天|刚刚|\d+\s*个回答|\d+\s*条回答|更多(?:回答|评论|回复)\s*[（(]\d+[）)])$|^[^。！？]{0,12}[·・]?\s*\d+\s*(?:分钟|小时|天)前$/iu },
  // "调查问题加载中，请稍候。": a widget still loading.
  { rule: 'boilerplate_footer', maxChars: 20, re: /^[^。！？]{0,8}加载(?:中|失败)[^！？]{0,10}$/u },
  // "图片均来自网络", "部分图片来源于网络", "信息来源于网络": image and text credits of the whole page.
  { rule: 'boilerplate_footer', maxChars: 30, re: /^(?:文中|部分|本文)?(?:图片|图文|配图|信息|内容|资料|素材)(?:均|皆)?(?:来自|来源于|源自|取自)(?:网络|互联网)/u },
  // "推荐阅读：绥德交警：8月1日起…", "往期推荐：…": a recommended article under its label (longer than the bare header).
  { rule: 'boilerplate_footer', maxChars: 80, re: /^(?:推荐阅读|相关阅读|延伸阅读|往期推荐|往期回顾|热文推荐)\s*[：:]/u },
  // "更多“…”的相关经验资讯请关注<URL>": a pointer to the site with a long topic inside.
  { rule: 'boilerplate_footer', maxChars: 80, re: /^更多[^。！？]{0,40}请关注/u },
  // "20190926|国贸|增长率|全球经济": a tag line, three or more short keywords between bars.
  { rule: 'boilerplate_footer', maxChars: 60, re: /^[^|｜。，！？\s]{1,12}(?:\s*[|｜]\s*[^|｜。，！？\s]{1,12}){2,}$/u },

  // Forum furniture (Discuz boards, 天涯, 贴吧, the 网易 game forums of tests/fixtures/eval-real) and a portal's header
  // links: "[复制链接]", "快速发帖", "子版块", "设为首页", "加入收藏",
  // "只看该作者", "发表于 2024-5-6 12:47:42 | 只看该作者", "来自 - 重庆", "来自 - 四川南充 |倒序浏览 |阅读模式", "楼主", "引用",
  // "使用道具", "电梯直达", "返回列表".
  { rule: 'boilerplate_footer', maxChars: 50, re: /^[\[【]?(?:复制链接|子版块|全部|设为首页|加入收藏|收藏本站|快速发帖|发表回复|快速回复|发新帖|只看该作者|只看楼主|倒序浏览|阅读模式|使用道具|电梯直达|返回列表|举报|楼主|引用|举报\s*收起)[\]】]?$|^发表于\s*[^。！？]{1,30}?(?:\s*[|｜]\s*(?:只看该作者|只看楼主|倒序浏览))*$|^来自\s*[-–—:：]\s*\p{Script=Han}{2,8}(?:\s*[|｜]\s*(?:倒序浏览|阅读模式|只看该作者|只看楼主))*$/u },
  // A post's or comment's header: who and when, ending in a date and time and optionally the poster's IP province
  // ("6765 有用 某某 看过 2024-04-07 13:19:20 贵州" on douban, "某某 2024-05-20 06:48 北京" on 知乎/微博-style threads).
  // Something must come before the date: a date alone is a date line (published).
  { rule: 'boilerplate_footer', maxChars: 60, excerpt: POSTER, re: /^(?!\d{4}[-/.年])[^。！？]{1,40}?\s(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s+\p{Script=Han}{2,4})?$/u },
  // The same in a thread list, with a relative day: "某某前天 17:01", "某某 昨天 09:30".
  { rule: 'boilerplate_footer', maxChars: 40, excerpt: (l) => l.replace(/^.*?(?=\s*(?:前天|昨天|今天)\s*\d)/u, '<NAME> '), re: /^[^。！？\s]{1,24}\s*(?:前天|昨天|今天)\s*\d{1,2}:\d{2}$/u },
  // The IP location line of 搜狐号, 微博, 知乎 and 头条 posts: "发布于：北京市", "IP属地：广东".
  { rule: 'boilerplate_footer', maxChars: 20, re: /^(?:发布于|IP属地|ip属地|IP 属地)\s*[：:]\s*\p{Script=Han}{2,8}$/u },
  // A link out of the article on its own line: "返回搜狐，查看更多" (搜狐 article pages; glued to the last sentence it is an
  // inline rule).
  { rule: 'boilerplate_footer', maxChars: 20, re: /^返回[^。！？\s，,]{1,10}[，,]\s*查看更多$/u },
  // A keyword line under a news item: "关键字： LPR", "关键词：…", "标签：…", "Tags: …" (财经网, 新浪, blog pages).
  { rule: 'boilerplate_footer', maxChars: 60, re: /^(?:关键字|关键词|标签|Tags?)\s*[：:]/iu },
  // A widget asking to reload: "若长时间无响应，请刷新本页面" (光明网 survey widget), "请刷新页面重试".
  { rule: 'boilerplate_footer', maxChars: 30, re: /请(?:刷新|重新加载)(?:本|此|当前)?页面/u },
  // A portal's calendar widget: "农历：甲辰年四月廿一", "今天是…农历甲辰年…" (古诗词 and local portals' page headers).
  { rule: 'boilerplate_footer', maxChars: 40, re: /^(?:今天是[^。！？]{0,16})?农历\s*[：:]?\s*[甲乙丙丁戊己庚辛壬癸][子丑寅卯辰巳午未申酉戌亥]年/u },
  // A video's info line: "《…》5月20日起电影频道22:00播出 时长：01:45 来源：电影网" (1905电影网, 央视网, 腾讯视频 pages).
  { rule: 'boilerplate_footer', maxChars: 80, re: /(?:时长|片长)\s*[：:]\s*\d{1,2}:\d{2}(?::\d{2})?(?:\s|$)/u },
  // A Q&A site's service plug after an answer: "推荐律师服务：若未解决您的问题，请您详细描述您的问题，通过百度律临进行免费专业咨询"
  // (百度知道), "推荐医生服务：…".
  { rule: 'boilerplate_footer', maxChars: 80, re: /^推荐[^。！？：:]{0,6}(?:服务|律师|医生|专家)\s*[：:]/u },

  // A page's script or language switch: "繁体", "简体 | 繁體", "English" (古诗词 sites, gov portals' headers).
  { rule: 'boilerplate_footer', maxChars: 20, re: /^(?:简体|繁体|繁體|簡體|简体中文|繁體中文|English|ENGLISH|中文版|英文版)(?:\s*[|｜/丨]\s*(?:简体|繁体|繁體|簡體|简体中文|繁體中文|English|ENGLISH|中文版|英文版))*$/u },
  // Vote buttons of Q&A pages: "抢首赞已赞过已踩过<" (百度知道), "赞同 反对".
  { rule: 'boilerplate_footer', maxChars: 20, re: /^(?:抢首赞|已赞过|已踩过|赞同|反对)(?:\s*(?:抢首赞|已赞过|已踩过|赞同|反对))+\s*[<>]?$/u },
  // A contact handle for readers (a WeChat or QQ id after a call to get in touch): "教程交流： xhd825" (CSDN blogs),
  // "合作联系：abc_123". The id is personal data: the excerpt shows <WECHAT>.
  { rule: 'boilerplate_footer', maxChars: 30, excerpt: (l) => l.replace(/[A-Za-z][A-Za-z0-9_-]{4,19}$/u, '<WECHAT>'), re: /^[^。！？：:]{0,6}(?:交流|咨询|合作|联系|加群|进群)\s*[：:]\s*[A-Za-z][A-Za-z0-9_-]{4,19}$/u },
  // More of the issue-21 pages (tests/fixtures/eval-real: WeChat articles saved as served, 范文 and forum archives):
  // "| 主题已经关闭，停止回复．" (a closed thread's notice).
  { rule: 'boilerplate_footer', maxChars: 30, re: /主题已(?:经)?(?:被)?(?:关闭|锁定)/u },
  // A visitor counter: "您是本文第 154 个阅览者", "您是本站第12345位访客".
  { rule: 'boilerplate_footer', maxChars: 30, re: /^您是本(?:文|帖|贴|站|页)第\s*\d+\s*(?:个|位|名)(?:阅览者|访问者|访客|读者)/u },
  // A BBS post's footer: "本贴由某某于2005年8月12日16:12:21在〖某某〗发表" (the poster becomes <NAME> in the excerpt).
  { rule: 'boilerplate_footer', maxChars: 80, excerpt: (l) => l.replace(/^本(贴|帖)由.*?于/u, '本$1由<NAME>于'), re: /^本(?:贴|帖)由[^。！？]{1,20}于\s*(?:19|20)\d{2}年/u },
  // An old BBS's thread furniture: "本贴跟从标题：", "| 回复线索：", "跟贴：" (the list of replies that followed).
  { rule: 'boilerplate_footer', maxChars: 20, re: /^[|｜]?\s*(?:本贴跟从标题|本帖跟从标题|回复线索|跟贴列表|跟帖列表|跟贴|跟帖)\s*[：:]?$/u },
  // "如你觉得文章不错，请识别图中二维码关注，并推荐给你的朋友", "长按识别下方二维码关注我们": a follow-us plug.
  { rule: 'boilerplate_footer', maxChars: 80, re: /(?:识别|扫描|长按)(?:图中|下方|上方|文末)?二维码[^。！？]{0,6}关注/u },
  // "欢迎分享到朋友圈~", "欢迎转发给好友": a share plug.
  { rule: 'boilerplate_footer', maxChars: 30, re: /^欢迎(?:大家)?(?:分享|转发)(?:到|至|给)?(?:朋友圈|好友|朋友)/u },
  // "投稿|<EMAIL> 合作|whcjrb027（微信）": a 公众号's submission and business contacts (the ids become placeholders in
  // the excerpt).
  { rule: 'boilerplate_footer', maxChars: 80, excerpt: (l) => l.replace(/(?<![<A-Za-z0-9_-])[A-Za-z][A-Za-z0-9_-]{4,19}(?![>A-Za-z0-9_-])/gu, '<WECHAT>'), re: /^投稿\s*[|｜丨]\s*(?:<EMAIL>|\S+@)/u },
  // "返目录", "返目录下一页", "返回列表": a book site's navigation.
  { rule: 'boilerplate_footer', maxChars: 20, re: /^(?:返回|返)(?:目录|首页|列表|上一级)(?:\s*(?:上一页|下一页|上一章|下一章))*$/u },
  // "“民主与科学”网站(<URL>)搜集整理于2002-09-25": an archive site's collection note.
  { rule: 'boilerplate_footer', maxChars: 80, re: /^[^。！？]{0,40}(?:搜集|收集)整理于\s*(?:19|20)\d{2}/u },
  // An old forum's post header: "某某著作 [图] 某某 20:02:45 9/12/05 (75)" (title, poster, time, US-style date, views;
  // "（无内容）" for an empty post).
  { rule: 'boilerplate_footer', maxChars: 80, excerpt: (l) => l.replace(/^.*?(?=\d{1,2}:\d{2}(?::\d{2})?\s+\d{1,2}\/\d{1,2}\/\d{2,4})/u, '<NAME> '), re: /\s\d{1,2}:\d{2}(?::\d{2})?\s+\d{1,2}\/\d{1,2}\/\d{2,4}(?:\s*[（(](?:\d+|无内容)[)）])?$/u },
  // A BBS list entry: "某某标题【某某版主】08-11 16:06 298字 [4321/87]" (title, poster, date, length, views/replies).
  { rule: 'boilerplate_footer', maxChars: 100, excerpt: (l) => l.replace(/^.*?(?=\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}\s+\d+字)/u, '<NAME> '), re: /\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}\s+\d+字\s*[\[［]\d+\s*\/\s*\d+[\]］]$/u },
  // A reprint's source note: "（摘自《某某学术季刊》2000年第2期，原文约15，000字）《新华文摘》2000年第09期", "（选自《某某》）": the
  // publication becomes source_site (SITE_IN_NOTICE), the line goes.
  { rule: 'boilerplate_banner', maxChars: 100, re: /^[（(]\s*(?:摘自|选自|转自|原载于?|原刊于?|刊于)《[^》]{2,30}》[^。！？]*[）)](?:《[^》]{2,30}》[^。！？]{0,16})?$/u },
  // A breadcrumb: "首页>>人物聚焦>>2005人物" (北医新闻网), "首页 > 新闻中心 > 正文", "网站首页 » 政务公开 » 通知公告", "当前位置：首页 >
  // 政务公开" (gov.cn portals and TRS/WordPress templates: the path from the home page to the article). The first step is the
  // home page, or a 当前位置/您的位置 label leads; every step is short and no sentence. No gold text of tests/fixtures/eval-real
  // has one (its `>>` lines are shell commands of a blog post).
  { rule: 'boilerplate_footer', maxChars: 80, re: /^(?:(?:当前位置|您的位置|你的位置|您现在的位置|您当前的位置|当前的位置|所在位置|现在位置)\s*[：:]\s*(?:[^。！？，,>＞»›→]{1,16}\s*(?:>>?|＞＞?|»|›|→)\s*)*[^。！？，,>＞»›→]{0,16}|(?:首页|主页|网站首页|返回首页|Home)(?:\s*(?:>>?|＞＞?|»|›|→)\s*[^。！？，,>＞»›→]{1,16}){1,6}\s*(?:>>?|＞＞?|»|›|→)?)$/iu },
  // A blog post's trackback address and its footer of counters: "Trackback: <URL>", "引用通告地址：…" (博客中国, DoNews, bokee and
  // blogbus pages of 2004-2008), "- 作者：流泉访问统计： 2005年08月30日，星期二 13:22 加入博采", "发表于 10:22 | 阅读(123) | 评论(0)".
  { rule: 'boilerplate_footer', maxChars: 200, re: /^(?:Trackback|TrackBack|Trackback\s*URL|引用通告(?:地址)?|引用地址)\s*[：:]/iu },
  { rule: 'boilerplate_footer', maxChars: 80, re: /\d{1,2}:\d{2}[^。！？]{0,20}(?:加入博采|(?:阅读|评论|引用|浏览)\s*[（(]\d+[）)])|访问统计\s*[：:][^。！？]{0,30}\d{1,2}:\d{2}/u },
  // "联系我们 | 关于我们 | 网站地图": site navigation bars.
  { rule: 'boilerplate_footer', maxChars: 60, re: /^(?:首页|联系我们|关于我们|网站地图|友情链接|网站声明|隐私政策|帮助中心|意见反馈)(?:\s*[|｜丨/·]\s*\S{2,8}){1,}\s*$/ },
];

/** The first line rule that removes `line` whole (within its length cap), or null. */
export function lineRuleFor(line: string): LineRule | null {
  const n = countChars(line);
  for (const r of LINE_RULES) if (n <= r.maxChars && r.re.test(line)) return r;
  return null;
}

export interface InlineRule {
  rule: 'slide_marker' | 'boilerplate_footer' | 'photo_caption';
  re: RegExp;
}

export const INLINE_RULES: InlineRule[] = [
  // Lecture speaker notes and slide cues in brackets, on their own or inside a sentence (党课讲稿 decks
  // turned into text): （翻页） （下一页） （切换PPT） （播放视频） （选择性举例） （选择性朗读本段） （选讲）
  // （停顿） （掌声） （板书）. Brackets of either width, mixed. Only the marker goes; the sentence stays.
  { rule: 'slide_marker', re: /[（(]\s*(?:翻页|换页|翻到下一页|下一页|上一页|下一张|切换(?:到)?(?:下一(?:页|张))?\s*(?:PPT|ppt|幻灯片|课件)?|(?:播放|放映|展示|插入)(?:视频|短片|PPT|ppt|幻灯片|图片|音频|课件)|(?:PPT|ppt|幻灯片)\s*\d+|选择性[\p{Script=Han}]{1,6}|可选(?:讲|读|讲内容|举例)|选讲|选读|朗读本段|朗读此段|停顿|稍停|掌声|板书)\s*[）)]/gu },
  // An editor credit in brackets inside or at the end of a paragraph: "…护好“一方人”。（责编：王某某；校对：李某）"
  // (宣讲家网 and people.cn put it after the last sentence). Names are not kept.
  { rule: 'boilerplate_footer', re: /[（(]\s*(?:责编|责任编辑|编辑|校对|审核|审校|终审|初审|复审|监制|值班编辑|实习编辑|网络编辑|编审)[：:][^（）()\n]{0,40}[）)]/g },
  // Issue 21: a link out of the article glued to its last sentence: "…整顿仍将持续。返回腾讯网首页>>" (腾讯 news pages).
  { rule: 'boilerplate_footer', re: /(?<=[。！？”」）)])\s*返回[^。！？\s]{0,12}首页\s*(?:>>|》》|»)\s*$/g },
  // "…）返回搜狐，查看更多" (搜狐 article pages).
  { rule: 'boilerplate_footer', re: /(?<=[。！？”」）)])\s*返回[^。！？\s，,]{1,10}[，,]\s*查看更多\s*$/g },
  // A photo credit inside a paragraph: "（新华社记者李贺摄）", "新华社记者 王鹏/摄", "（刘通 摄）", "（摄影：张三）"
  // (xinhuanet, people.cn, provincial portals). Only the credit goes; the caption sentence it follows stays.
  { rule: 'photo_caption', re: /[（(]\s*(?:(?:新华社|中新社|人民网|本报|本网|央视)?(?:记者|通讯员|特约摄影|摄影记者)\s*)?[\p{Script=Han}·]{2,8}(?:\s*[、和]\s*[\p{Script=Han}·]{2,4})*\s*\/?\s*摄(?:影)?\s*[）)]|[（(]\s*摄影\s*[：:]\s*[\p{Script=Han}·]{2,8}\s*[）)]|(?:新华社|中新社|本报)?记者\s*[\p{Script=Han}·]{2,4}\s*\/\s*摄/gu },
];

/**
 * A preview snippet ends in an ellipsis (`...`, `…`, `……`, `⋯`, `。。。`). Each lookbehind starts a match only
 * at the first mark of a run, where the leftmost match starts anyway (so `replace` removes the same span):
 * without them a paragraph of 20,000 dots took ~1 s, 200,000 ~100 s (issue 10, R4).
 */
export const ELLIPSIS_END = /(?:(?<!\.)\.{2,}|(?<!…)…+|(?<!⋯)⋯+|(?<!。)。{3,})\s*$/;
/** A snippet shorter than this (letters, digits, Han) is not judged: too little to be sure it repeats the body. */
export const SNIPPET_MIN_CHARS = 12;

/**
 * Role words after which a value is a person's name (`责编：…`, `作者：…`, `供稿：…`): the person keys of
 * metadata lines (PERSON_KEYS in rules/metadata.ts, longest first), so the two never drift. Group 1 is the
 * key and its colon; the name runs to the next separator, and a list of names joined by `、` goes whole (`（责编：某某、某某）`:
 * issue 21, the second editor of people.cn's credit reached removed.jsonl). Used by lib/redact.ts for report excerpts.
 */
export const NAME_ROLES = new RegExp(
  `((?:${PERSON_KEYS.map(([k]) => k).sort((a, b) => b.length - a.length).join('|')})\\s*[：:]\\s*)[^；;，,、|｜丨）)\\]】\\s]+(?:\\s*、\\s*[^；;，,、|｜丨）)\\]】\\s]+)*`, 'g');

/**
 * Office titles of a byline under a report's title (`省长 王予波`, `××省人民政府代省长 ××`, `自治区主席 ××`): heads of
 * government at each level (省长 市长 区长 县长 州长 盟长 旗长 乡长 镇长; 主席 of an autonomous region, a CPPCC or a
 * standing committee; 主任 of a people's congress standing committee or a commission), party secretaries (书记,
 * 党委书记, 党组书记; `市委书记` is 书记 after the org prefix), and heads of departments and institutions whose
 * reports and speeches carry the same header (部长 厅长 局长 院长 校长 行长 社长 董事长 总经理). Longest first.
 * Source: the bylines of Word and web copies of 政府工作报告 and leaders' speeches.
 */
export const OFFICE_TITLES = [
  '党委书记', '党组书记', '董事长', '总经理', '委员长', '省长', '市长', '区长', '县长', '州长', '盟长', '旗长', '乡长', '镇长',
  '主席', '主任', '书记', '部长', '厅长', '局长', '院长', '校长', '行长', '社长',
];

/**
 * A byline: optional organisation (a place or body ending in 省 市 区 州 县 盟 旗 政府 党委 党组 人大常委会 政协,
 * `四川省人民政府`, `宁夏回族自治区`), optional 代理/代/常务副/副/执行, an office title, then a name (2–4 Han, or a
 * transliterated name with a middle dot: `艾尔肯·吐尼亚孜`), optionally `同志`, alone on its line. The spaces
 * between office and name (`省长 王某`, `市长　张某某`) are allowed but not required: normalize drops them between
 * Han. The clean stage applies it only to the paragraphs directly under the title or subtitle (rule `byline`);
 * the name is not kept, not even in the audit excerpt.
 */
export const BYLINE = new RegExp(
  String.raw`^(?<org>\p{Script=Han}{0,20}?(?:省|市|区|州|县|盟|旗|政府|党委|党组|人大常委会|政协))?` +
  String.raw`(?<office>(?:代理|代|常务副|副|执行)?(?:${OFFICE_TITLES.join('|')}))[\s\u3000]*` +
  String.raw`(?<name>\p{Script=Han}{2,4}|\p{Script=Han}{1,8}[·•・]\p{Script=Han}{1,10})(?:同志)?$`, 'u');
