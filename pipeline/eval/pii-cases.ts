/**
 * Adversarial personal data (issue 23): a seeded generator of made-up items written the ways people and sites write
 * them — separators (hyphens, dots, spaces, underscores, one between every digit), full-width digits, Chinese
 * numerals, a line break inside the number, surrounding text and brackets — and of file and archive member names that
 * carry them; and the leak test: an item leaks when its identifying part (its `secret`) can still be read in a
 * published output once separators are dropped and digits folded.
 *
 * Used by tests/eval/pii.test.ts (every variant through maskPII and clean; a raw folder with these items in text AND
 * in file names through the real pipeline: 0 leaks in OUT outside OUT/stages) and by `make eval`
 * (pipeline/eval/pii.ts prints the leak count). Every number is made up: IDs and cards get valid check digits,
 * mobiles the MIIT ranges, so that the rules' checks are what is tested.
 */
import { mulberry32 } from '../lib/random.js';

export interface PIIVariant {
  /** `kind/form/n`, unique. */
  id: string;
  kind: string;
  /** How it is written (`plain`, `dots`, `spaced`, `fullwidth`, `numerals`, `linebreak` …). */
  form: string;
  /** What must not be readable in any output (canonical: see canonical()). */
  secret: string;
  /**
   * A paragraph (or, for `linebreak`, two lines) carrying the item. Credit and contact lines (`kind` name, forms
   * `line`, `slash`, `compiled`, `contact_line`) are lines of their own, as pages print them.
   */
  text: string;
}

export interface PathVariant { id: string; secret: string; name: string }

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const digits = (r: Rand, n: number) => Array.from({ length: n }, () => String(Math.floor(r() * 10))).join('');

const FULL = '０１２３４５６７８９';
const NUMERALS = '〇一二三四五六七八九';
const toFull = (s: string) => s.replace(/\d/g, (d) => FULL[+d]!);
const toNumerals = (s: string) => s.replace(/\d/g, (d) => NUMERALS[+d]!);

/** Digits grouped by `sizes` and joined by `sep` (`[3, 4, 4]`, '-' → `139-1234-5678`). */
function grouped(d: string, sizes: number[], sep: string): string {
  const out: string[] = [];
  let at = 0;
  for (const n of sizes) { out.push(d.slice(at, at + n)); at += n; }
  if (at < d.length) out.push(d.slice(at));
  return out.filter(Boolean).join(sep);
}

function idCheck(d17: string): string {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 17; i++) s += +d17[i]! * w[i]!;
  return '10X98765432'[s % 11]!;
}

function luhnDigit(body: string): string {
  let sum = 0;
  for (let i = body.length - 1, dbl = true; i >= 0; i--, dbl = !dbl) {
    let x = +body[i]!;
    if (dbl) { x *= 2; if (x > 9) x -= 9; }
    sum += x;
  }
  return String((10 - (sum % 10)) % 10);
}

const REGIONS = ['110105', '320102', '440304', '510107', '330106', '420111', '610113', '370102'];
const pad2 = (n: number) => String(n).padStart(2, '0');

/** Made-up values of each numeric kind, with the group sizes they are usually written in. */
function numberOf(r: Rand, kind: string): { value: string; groups: number[] } {
  switch (kind) {
    case 'mobile': return { value: `1${pick(r, ['3', '5', '7', '8', '9'])}${digits(r, 9)}`, groups: [3, 4, 4] };
    case 'landline': {
      const area = pick(r, ['010', '021', '0571', '0755', '0371', '028']);
      return { value: `${area}${1 + Math.floor(r() * 9)}${digits(r, 7)}`, groups: [area.length, 4, 4] };
    }
    case 'service': return { value: `${pick(r, ['400', '800'])}${digits(r, 7)}`, groups: [3, 3, 4] };
    case 'id18': {
      const y = 1950 + Math.floor(r() * 55);
      const m = 1 + Math.floor(r() * 12);
      const d = 1 + Math.floor(r() * 28);
      const body = `${pick(r, REGIONS)}${y}${pad2(m)}${pad2(d)}${digits(r, 3)}`;
      return { value: body + idCheck(body), groups: [6, 8, 4] };
    }
    case 'id15': {
      const body = `${pick(r, REGIONS)}${pad2(50 + Math.floor(r() * 49))}${pad2(1 + Math.floor(r() * 12))}${pad2(1 + Math.floor(r() * 28))}${digits(r, 3)}`;
      return { value: body, groups: [6, 6, 3] };
    }
    case 'card': {
      const len = pick(r, [16, 19]);
      const pre = pick(r, ['6222', '6217', '6228', '4392', '5187']);
      const body = pre + digits(r, len - 1 - pre.length);
      return { value: body + luhnDigit(body), groups: [4, 4, 4, 4, 4] };
    }
    default: throw new Error(`numberOf: ${kind}`);
  }
}

const LEAD: Record<string, string[]> = {
  mobile: ['请拨打', '联系电话：', '如有疑问，可致电', '手机', '他的号码是', '（电话'],
  landline: ['办公室电话', '请致电', '联系电话：', '传真：', '值班室'],
  service: ['服务热线', '客服电话', '请拨打', '免费咨询'],
  id18: ['身份证号：', '公民身份号码', '证件号码为', '身份证'],
  id15: ['身份证号：', '老身份证号码', '证件号'],
  card: ['银行卡号：', '请汇入账户', '卡号', '开户行账号'],
};
const TAIL = ['。', '，欢迎联系。', '）', '，工作日可办理。', ''];
/** Sentences around an item, so that it sits inside ordinary text as in a notice. */
const BEFORE = ['为做好本次活动的报名工作，现将有关事项通知如下，', '各单位要高度重视，认真组织，', '会议结束后，', ''];
const AFTER = ['请各支部认真落实，确保各项工作取得实效。', '逾期不再受理，请相互转告。', ''];

const SURNAMES = ['欧阳', '诸葛', '祁', '滕', '韦', '邝', '阙', '宓'];
const GIVEN = ['珂玥', '烨霖', '沅芷', '翊辰', '璟萱', '昀', '骞', '嫣然'];
const nameOf = (r: Rand) => pick(r, SURNAMES) + pick(r, GIVEN);
const ROADS = ['幸福', '建设', '中山北', '解放', '朝阳', '滨江'];
const PINYIN = ['zhangwei', 'liqiang', 'wangfang', 'chenjing', 'zhaolei', 'sunli'];
const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁苏浙赣鄂桂甘晋陕吉闽贵粤川宁琼';

const NUMBER_FORMS = ['plain', 'hyphen', 'space', 'dot', 'underscore', 'spaced', 'fullwidth', 'numerals', 'linebreak'] as const;

function writeNumber(value: string, groups: number[], form: string): string {
  switch (form) {
    case 'plain': return value;
    case 'hyphen': return grouped(value, groups, '-');
    case 'space': return grouped(value, groups, ' ');
    case 'dot': return grouped(value, groups, '.');
    case 'underscore': return grouped(value, groups, '_');
    case 'spaced': return value.split('').join(' ');
    case 'fullwidth': return toFull(value);
    case 'numerals': return toNumerals(value);
    case 'linebreak': return grouped(value, [groups[0]! + groups[1]!], '\n');
    default: throw new Error(form);
  }
}

/** `n` variants of personal data in text, seeded. */
export function piiVariants(seed = 23, n = 240): PIIVariant[] {
  const r = mulberry32(seed);
  const out: PIIVariant[] = [];
  const numeric = ['mobile', 'landline', 'service', 'id18', 'id15', 'card'];
  const other = ['email', 'email_idn', 'email_obfuscated', 'qq', 'wechat', 'plate', 'address', 'credit', 'contact'];
  let j = 0;
  for (let i = 0; out.length < n; i++) {
    const wrap = (item: string) => `${pick(r, BEFORE)}${item}${pick(r, AFTER)}`;
    if (i % 3 !== 2) {
      const kind = numeric[j % numeric.length]!;
      const form = NUMBER_FORMS[Math.floor(j / numeric.length) % NUMBER_FORMS.length]!;
      j++;
      // Chinese numerals are how phone numbers are read out; IDs and cards are not written so.
      if (form === 'numerals' && !['mobile', 'landline', 'service'].includes(kind)) continue;
      const { value, groups } = numberOf(r, kind);
      const written = writeNumber(value, groups, form);
      out.push({ id: `${kind}/${form}/${out.length}`, kind, form, secret: value, text: wrap(`${pick(r, LEAD[kind]!)}${written}${pick(r, TAIL)}`) });
      continue;
    }
    const kind = other[Math.floor(i / 3) % other.length]!;
    const k = out.length;
    switch (kind) {
      case 'email': {
        const local = `${pick(r, PINYIN)}${digits(r, 3)}`;
        out.push({ id: `email/plain/${k}`, kind, form: 'plain', secret: local, text: wrap(`请将材料发送至${local}${pick(r, ['@163.com', '＠qq.com', '@example.com.cn', '@sina.cn'])}${pick(r, TAIL)}`) });
        break;
      }
      case 'email_idn': {
        const local = `${pick(r, PINYIN)}${digits(r, 2)}`;
        out.push({ id: `email/idn/${k}`, kind: 'email', form: 'idn', secret: local, text: wrap(`来信请寄${local}@${pick(r, ['例子.中国', '政务.公司', '学习网.cn', 'example.中国'])}，我们会回复。`) });
        break;
      }
      case 'email_obfuscated': {
        const local = `${pick(r, PINYIN)}${digits(r, 3)}`;
        const at = pick(r, ['(at)', '[at]', '#', '（at）', '艾特']);
        out.push({ id: `email/obfuscated/${k}`, kind: 'email', form: 'obfuscated', secret: local, text: wrap(`投稿邮箱${local}${at}163.com（请把符号换成@）`) });
        break;
      }
      case 'qq': {
        const q = `${1 + Math.floor(r() * 9)}${digits(r, 8)}`;
        out.push({ id: `qq/label/${k}`, kind, form: 'label', secret: q, text: wrap(`${pick(r, ['QQ：', 'QQ号', '扣扣', '企鹅号：', 'QQ群：', '交流群：'])}${pick(r, ['', ' '])}${pick(r, [q, toFull(q)])}${pick(r, TAIL)}`) });
        break;
      }
      case 'wechat': {
        const w = `${pick(r, PINYIN)}_${digits(r, 2)}`;
        out.push({ id: `wechat/label/${k}`, kind, form: 'label', secret: w, text: wrap(`有意者${pick(r, ['加微信', '微信号：', '威信：', '加V：', 'V信', 'vx：', '微 信：', '薇信'])}${w}${pick(r, TAIL)}`) });
        break;
      }
      case 'plate': {
        const p = `${pick(r, PROVINCES.split(''))}${pick(r, LETTERS.split(''))}`;
        const tail = `${pick(r, LETTERS.split(''))}${digits(r, 4)}`;
        const sep = pick(r, ['', '·', ' ', '-']);
        out.push({ id: `plate/${sep === '' ? 'plain' : 'sep'}/${k}`, kind, form: 'plate', secret: p + tail, text: wrap(`肇事车辆车牌号为${p}${sep}${tail}，请知情者提供线索。`) });
        break;
      }
      case 'address': {
        const road = `${pick(r, ROADS)}${pick(r, ['路', '街', '大道'])}`;
        const no = `${10 + Math.floor(r() * 900)}号`;
        const unit = pick(r, ['', `${1 + Math.floor(r() * 9)}栋${1 + Math.floor(r() * 4)}单元${100 + Math.floor(r() * 900)}室`, '院']);
        out.push({ id: `address/street/${k}`, kind, form: 'street', secret: road + no, text: wrap(`他家住在某某区${road}${no}${unit}，平时热心公益。`) });
        break;
      }
      case 'credit': {
        const a = nameOf(r);
        const b = nameOf(r);
        const form = pick(r, ['news_lead', 'line', 'slash', 'compiled']);
        const text = form === 'news_lead' ? `本报讯（记者 ${a} 通讯员 ${b}）近日，全市召开工作推进会，部署下一阶段重点任务。`
          : form === 'line' ? `记者 ${a} 通讯员 ${b}` : form === 'slash' ? `摄影/${a} 编辑/${b}` : `材料整理：${a}`;
        out.push({ id: `name/${form}/${k}`, kind: 'name', form, secret: a, text });
        break;
      }
      case 'contact': {
        const a = nameOf(r);
        const form = pick(r, ['line', 'sentence']);
        out.push({ id: `name/contact_${form}/${k}`, kind: 'name', form: `contact_${form}`, secret: a, text: form === 'line' ? `联系人：${a}` : `报名事宜请与联系人${a}联系，逾期不再受理。` });
        break;
      }
    }
  }
  return out;
}

/** `n` file or member names that carry personal data, seeded: a phone, an ID, an email, a credited or a bare name. */
export function pathVariants(seed = 23, n = 24): PathVariant[] {
  const r = mulberry32(seed ^ 0x5eed);
  const out: PathVariant[] = [];
  for (let i = 0; out.length < n; i++) {
    const k = out.length;
    switch (i % 8) {
      case 0: { const { value, groups } = numberOf(r, 'mobile'); out.push({ id: `path/mobile/${k}`, secret: value, name: `${pick(r, ['报名', '材料', '学员'])}_${writeNumber(value, groups, pick(r, ['plain', 'hyphen', 'underscore', 'fullwidth']))}_心得体会` }); break; }
      case 1: { const { value } = numberOf(r, 'id18'); out.push({ id: `path/id/${k}`, secret: value, name: `报名表-${value}` }); break; }
      case 2: { const local = `${pick(r, PINYIN)}${digits(r, 3)}`; out.push({ id: `path/email/${k}`, secret: local, name: `${local}@163.com 投稿` }); break; }
      case 3: { const a = nameOf(r); out.push({ id: `path/credit/${k}`, secret: a, name: `记者${a}_报道` }); break; }
      case 4: { const a = nameOf(r); out.push({ id: `path/contact/${k}`, secret: a, name: `联系人${a}-通知` }); break; }
      case 5: { const { value, groups } = numberOf(r, 'landline'); out.push({ id: `path/landline/${k}`, secret: value, name: `电话 ${writeNumber(value, groups, 'space')} 会议记录` }); break; }
      // a bare name between separators, and one run into the document word after it (issue 23's `张三_心得.docx`)
      case 6: { const a = nameOf(r); out.push({ id: `path/bare/${k}`, secret: a, name: `${a}_${pick(r, ['心得体会', '述职报告', '发言稿', '简历'])}` }); break; }
      case 7: { const a = nameOf(r); out.push({ id: `path/bare-glued/${k}`, secret: a, name: `${2000 + Math.floor(r() * 25)}年${a}${pick(r, ['述职报告', '心得体会', '同志先进事迹', '入党申请书'])}` }); break; }
    }
  }
  return out;
}

const FOLD: Record<string, string> = Object.fromEntries([...FULL].map((c, i) => [c, String(i)]).concat([...NUMERALS].map((c, i) => [c, String(i)]), [['零', '0'], ['○', '0'], ['＠', '@']]));

/** What a leak is looked for in: digits folded, letters lower-cased, separators and whitespace dropped. */
export function canonical(s: string): string {
  return s.replace(/[０-９〇一二三四五六七八九零○＠]/g, (c) => FOLD[c] ?? c).replace(/[\s\-._·/－–—．\\]/g, '').toLowerCase();
}

/** The secrets of `items` still readable in `published` (already canonical() when `isCanonical`). */
export function leaked<T extends { secret: string }>(items: readonly T[], published: string, isCanonical = false): T[] {
  const c = isCanonical ? published : canonical(published);
  return items.filter((v) => c.includes(canonical(v.secret)));
}
