import { describe, expect, it } from 'vitest';
import { ELLIPSIS_END, INLINE_RULES, lineRuleFor } from '../../pipeline/rules/boilerplate.js';

// Made-up lines in the shapes 范文 sites, portals and lecture decks use (none copied from raw/).
describe('LINE_RULES: lines removed whole', () => {
  it.each([
    // banners and notices
    ['boilerplate_banner', '本文系网友原创投稿，仅供学习交流，请勿照搬照抄！'],
    ['boilerplate_banner', '本篇为某某网独家稿件，转载请注明来源。'],
    ['boilerplate_banner', '声明：本文仅代表作者个人观点，不代表本站立场。'],
    ['boilerplate_banner', '【免责声明】本站部分内容来自网络'],
    ['boilerplate_banner', '【声明：本文代表作者个人观点，不代表本网立场，仅供参考?!?/p>'],
    ['boilerplate_banner', '本文仅代表作者本人观点，与本网无关。'],
    ['boilerplate_banner', '转载请注明出处，谢谢合作'],
    ['boilerplate_banner', '未经本站书面许可，不得转载或使用'],
    ['boilerplate_banner', '版权所有：某某范文网'],
    ['boilerplate_banner', 'Copyright © 2021 某某文库 All Rights Reserved'],
    ['boilerplate_banner', '如有侵权，请联系删除'],
    ['boilerplate_banner', '图文来自网络，侵删'],
    ['boilerplate_banner', '本文档下载后可编辑修改'],
    ['boilerplate_banner', '更多精品范文请关注本站'],
    ['boilerplate_banner', '以上内容仅供参考'],
    ['boilerplate_banner', '温馨提示：本文为会员专享'],
    // footers
    ['boilerplate_footer', '本文链接：http://www.example.cn/2021/0305/123456.shtml（转载请保留）'],
    ['boilerplate_footer', '原文地址：www.example.com/a/1.html'],
    ['boilerplate_footer', '（责编：王某某；校对：李某）'],
    ['boilerplate_footer', '责任编辑：赵某'],
    ['boilerplate_footer', '已有12人发表了评论'],
    ['boilerplate_footer', '网友评论（3）'],
    ['boilerplate_footer', '欢迎加入读书交流2群：12345678。'],
    ['boilerplate_footer', '欢迎关注某某公众号'],
    ['boilerplate_footer', '党建学习交流群：<QQ>'],
    ['boilerplate_footer', '本栏目投稿邮箱为：tougao@example.cn，欢迎踊跃投稿。'],
    ['boilerplate_footer', '分享到：微信 微博 QQ空间'],
    ['boilerplate_footer', '上一篇：关于加强作风建设的心得体会'],
    ['boilerplate_footer', '下一篇 2021年度述职报告'],
    ['boilerplate_footer', '相关文章：'],
    ['boilerplate_footer', '推荐阅读'],
    ['boilerplate_footer', '扫一扫在手机上阅读'],
    ['boilerplate_footer', '点击阅读原文'],
    ['boilerplate_footer', '【打印】'],
    ['boilerplate_footer', '【字号：大 中 小】'],
    ['boilerplate_footer', '浏览次数：1234'],
    ['boilerplate_footer', '京ICP备12345678号-1'],
    ['boilerplate_footer', '沪公网安备 31010102000000号'],
    ['boilerplate_footer', '首页 | 关于我们 | 联系我们'],
    // Issue 21: what real news pages leave (real lines from ../shared/eval/, see tests/fixtures/real/README.md)
    ['boilerplate_banner', '以上内容（包括图片及视频）为创作者平台"快传号"用户上传并发布，本平台仅提供信息存储服务'],
    ['boilerplate_banner', '特别声明：以上内容（如有图片或视频亦包括在内）为自媒体平台“网易号”用户上传并发布，本平台仅提供信息存储服务。'],
    ['boilerplate_banner', 'Notice: The content above (including the pictures and videos if any) is uploaded and posted by a user of NetEase Hao, which is a social media platform and only provides information storage services.'],
    ['boilerplate_banner', '本文由百家号作者上传并发布，百家号仅提供信息发布平台。'],
    ['boilerplate_banner', '本作品在全世界都属于公有领域，因为作者逝世已经超过100年，并且于1930年1月1日之前出版。'],
    ['boilerplate_banner', 'Public domain'],
    ['boilerplate_banner', 'false'],
    ['boilerplate_footer', '返回腾讯网首页>>'],
    ['boilerplate_footer', '点击进入“文艺星青年”>>'],
    ['boilerplate_footer', '加载中...'],
    ['boilerplate_footer', '您的浏览器不支持video标签'],
    ['boilerplate_footer', '00:00 / 03:25'],
    ['boilerplate_footer', '阅读（177万）'],
    ['boilerplate_footer', '浏览： 33'],
    ['boilerplate_footer', '图集'],
    ['boilerplate_footer', '+1'],
    ['boilerplate_footer', '6、回复【垃圾分类】查看投放指南'],
    ['boilerplate_footer', '看都看完了，点【在看】试试在看'],
    ['boilerplate_footer', '点击菜单栏【便民服务】解锁更多服务！'],
    ['boilerplate_footer', '关注公众号：人民网财经'],
    ['boilerplate_footer', '（本文来自澎湃新闻，更多原创资讯请下载“澎湃新闻”APP）'],
    ['photo_caption', '图为山西品牌丝路行（南美站）启动仪式。（刘通摄）'],
    ['photo_caption', '图片来源：珠海现代有轨电车官网'],
  ])('%s: %s', (rule, line) => {
    expect(lineRuleFor(line)?.rule).toBe(rule);
  });
});

describe('LINE_RULES: body lines that look alike stay', () => {
  it.each([
    ['a sentence that mentions 声明', '外交部发言人发表声明，表明了中方的严正立场。'],
    ['声明 as a heading word', '声明的内容要经过集体研究。'],
    ['a sentence that mentions 链接', '要用好“链接”思维，把上下游企业链接起来。'],
    ['本文 in a sentence', '本文结合工作实际，谈几点体会。'],
    ['转载 as a topic', '要规范新闻转载行为，保护原创作品。'],
    ['评论 in a sentence', '网友评论普遍认为这项措施很及时。'],
    ['欢迎 without a channel', '欢迎大家加入志愿服务队伍，共建美好家园。'],
    ['交流群 without a number', '我们建立了村民微信交流群，及时发布信息。'],
    ['分享 as a verb', '分享给大家一个基层干部的故事。'],
    ['阅读原文 as study advice', '阅读原文、学习原著，是理论学习的基本功。'],
    ['更多 in a sentence', '更多的是要在实践中锤炼本领。'],
    ['版权 in a long sentence over the cap', '要加强知识产权保护，' + '依法打击侵犯版权所有人合法权益的行为，'.repeat(4)],
    ['a long body paragraph that starts like a notice', '本文系统梳理了' + '新时代党的建设的基本经验和主要做法，'.repeat(8)],
    ['a lecture line', '领导干部岗位是一种能力席位。'],
    ['公有领域 in a sentence about copyright law', '作品进入公有领域后，任何人都可以自由使用。'],
    ['加载 in a sentence', '加载中的数据要及时保存，以免丢失。'],
    ['回复 in a sentence', '对群众来信要及时回复，做到件件有回音。'],
    ['a download in a long sentence', '全市政务服务事项已全部接入“一网通办”，群众可以下载APP办理，' + '实现了“最多跑一次”，'.repeat(3)],
    ['a time of day', '10:03'],
  ])('%s', (_why, line) => {
    expect(lineRuleFor(line)).toBeNull();
  });
});

describe('INLINE_RULES: slide markers and editor credits inside a sentence', () => {
  const strip = (s: string) => INLINE_RULES.reduce((t, r) => t.replace(r.re, ''), s);
  it.each([
    ['（一）担当的内涵（翻页）', '（一）担当的内涵'],
    ['(选择性举例)举例:在这个世界上', '举例:在这个世界上'],
    ['（选择性朗读本段）总书记指出', '总书记指出'],
    ['不要说（翻页）（选择性举例）从山岭上下来', '不要说从山岭上下来'],
    ['1+1>2的效果。（翻页）', '1+1>2的效果。'],
    ['（下一页）（切换PPT）（播放视频）（掌声）讲到这里', '讲到这里'],
    ['（幻灯片3）要点如下', '要点如下'],
    ['护好“一方人”。（责编：赵某；校对：张某）', '护好“一方人”。'],
    ['…整顿仍将持续。返回腾讯网首页>>', '…整顿仍将持续。'],
    ['图为活动现场（新华社记者李贺摄）。会议强调，要做好工作。', '图为活动现场。会议强调，要做好工作。'],
    ['代表们认真审议报告。（刘通 摄）', '代表们认真审议报告。'],
    ['新华社记者 王鹏/摄', ''],
    ['（摄影：张三）', ''],
    ['首页的返回按钮>>不在句末', '首页的返回按钮>>不在句末'],
    ['（新华社发）', '（新华社发）'],
    // stay
    ['（前言）', '（前言）'],
    ['（一）担当的内涵', '（一）担当的内涵'],
    ['制作演示文稿（PPT）参加比赛', '制作演示文稿（PPT）参加比赛'],
    ['（略）', '（略）'],
  ])('%s → %s', (input, out) => expect(strip(input)).toBe(out));
});

describe('ELLIPSIS_END', () => {
  it.each([
    ['不懈奋斗的历...', true],
    ['不懈奋斗的历…', true],
    ['不懈奋斗的历……', true],
    ['不懈奋斗的历。。。', true],
    ['不懈奋斗的历程。', false],
    ['他说：“……”', false],
  ])('%s → %s', (s, yes) => expect(ELLIPSIS_END.test(s)).toBe(yes));
});
