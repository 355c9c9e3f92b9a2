#!/usr/bin/env -S npx tsx
/**
 * Benchmark corpus generator: builds a corpus of a given size from the seed texts in `raw/` that looks like a
 * crawl (`make bench SIZE=50MB`, up to several GB). Deterministic: one seeded PRNG (mulberry32), no clock, no
 * Math.random; the same seed, size, seeds and generator code give byte-identical files.
 *
 *   tsx pipeline/bench/generate.ts [--size 50MB] [--seed 1] [--raw raw] [--out out/bench] [--force]
 *
 * What it writes (memory stays bounded: one file is built at a time, plus a ring of recent articles to copy):
 *   OUT/corpus/dNNN/cNNNNNN.{txt,html}   the corpus: the pipeline's RAW folder (nothing else in it)
 *   OUT/corpus.manifest.json              what was planted: files, bytes, scripts, encodings, duplicates
 *   OUT/corpus.files.tsv                  one row per file: path, encoding, script, kind, bytes, articles
 *
 * The text is not the seed articles repeated: the seeds are cut into sentences and clauses, and every original
 * article is a new sequence of seed sentences and clause splices (numbers changed), so only planted copies are
 * duplicates. Of the articles, `exactShare` are exact copies of an earlier article (another title and file,
 * maybe another encoding or script) and `nearShare` near copies (5–10% of sentences edited or deleted).
 * Files: single articles, compilations (目录, numbered headings, banners between articles), HTML pages (nav,
 * footer); a share in Traditional script (opencc-js cn→tw), some of it with converter pinyin damage (`服務(wù)`);
 * legacy encodings (GB18030, Big5, UTF-16 LE with BOM), CRLF, hard-wrapped lines; site banners and footers with
 * e-mail addresses and phone numbers. All shares are in GENERATOR_DEFAULTS.
 */
import { parseCommandLine, pathValue, intValue, usage, type Options } from '../lib/cli.js';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, existsSync, mkdirSync, rmSync, writeFileSync, openSync, writeSync, closeSync, renameSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import * as OpenCC from 'opencc-js';
import { pinyin } from 'pinyin-pro';
import { decodeText, DECODE_DEFAULTS } from '../extract/decode.js';
import { mulberry32 } from '../lib/random.js';

export const GENERATOR_VERSION = 1;

export interface GeneratorConfig {
  exactShare: number;
  nearShare: number;
  /** Share of sentences a near copy edits or deletes: uniform in [min, max]. */
  nearEditMin: number;
  nearEditMax: number;
  /** File kinds (the rest are single-article text files). */
  compilationShare: number;
  htmlShare: number;
  /** Text files in Traditional script, and the share of those damaged by a pinyin-appending converter. */
  traditionalShare: number;
  pinyinDamageShare: number;
  /** Encodings of Simplified files (the rest UTF-8). */
  gb18030Share: number;
  utf16Share: number;
  /** Encodings of Traditional files without pinyin damage (the rest UTF-8). */
  big5Share: number;
  crlfShare: number;
  hardWrapShare: number;
  /** How many recent original articles copies are drawn from (bounds memory). */
  ring: number;
}

export const GENERATOR_DEFAULTS: GeneratorConfig = {
  exactShare: 0.10,       // the brief's "e.g. 10% exact, 10% near"
  nearShare: 0.10,
  nearEditMin: 0.05,      // issue #9: near copies edit or delete 5–10% of sentences
  nearEditMax: 0.10,
  compilationShare: 0.30, // raw/: 2 of 5 files are compilations
  htmlShare: 0.08,
  traditionalShare: 0.15, // raw/004 is the one Traditional seed
  pinyinDamageShare: 0.35,
  gb18030Share: 0.15,
  utf16Share: 0.04,
  big5Share: 0.5,
  crlfShare: 0.2,
  hardWrapShare: 0.08,    // raw/001: slide text broken mid-sentence
  ring: 1000,
};

// --- deterministic randomness ----------------------------------------------------------------------------

export { mulberry32 };

/** Draws from a PRNG: integers, picks, coin flips. */
export class Rng {
  constructor(readonly next: () => number) {}
  int(lo: number, hi: number): number { return lo + Math.floor(this.next() * (hi - lo + 1)); }
  pick<T>(xs: readonly T[]): T { return xs[Math.floor(this.next() * xs.length)]!; }
  chance(p: number): boolean { return this.next() < p; }
  digits(n: number): string { let s = String(this.int(1, 9)); while (s.length < n) s += String(this.int(0, 9)); return s; }
}

/** `50MB` → bytes (KB/MB/GB are powers of 1024; a bare number is bytes). */
export function parseSize(s: string | number): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMG]?)i?B?\s*$/i.exec(String(s));
  if (!m) throw new Error(`bench: size must look like 50MB, 500MB, 2GB or a byte count; got ${JSON.stringify(s)}`);
  return Math.round(Number(m[1]) * 1024 ** ' KMG'.indexOf((m[2] || ' ').toUpperCase()));
}

// --- seed material ---------------------------------------------------------------------------------------

export interface SeedBank {
  sentences: string[];
  clauses: string[];
  titles: string[];
  topics: string[];
  /** Characters of the seed bodies, to draw replacements from (near copies). */
  chars: string[];
}

const toSimplified = OpenCC.Converter({ from: 'tw', to: 'cn' });
const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });
const PINYIN_DAMAGE = /\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)/g;
// A line that is site furniture, not body text: e-mail, URL, long digit runs, comment counters, notices.
const NOT_BODY = /@|https?:|www\.|\d{5,}|评论|声明|转载|投稿|本文|作者单位|责编|校对|欢迎|仅供|目录/;

/** Reads the seed files (any encoding the pipeline decodes) and cuts them into reusable pieces. */
export function loadSeeds(rawDir: string): SeedBank {
  const names = readdirSync(rawDir).filter((n) => /\.(txt|text)$/i.test(n)).sort();
  if (names.length === 0) throw new Error(`bench: no seed .txt files in ${rawDir}`);
  const sentences = new Set<string>(), clauses = new Set<string>(), titles = new Set<string>(), topics = new Set<string>();
  for (const name of names) {
    const d = decodeText(readFileSync(path.join(rawDir, name)), DECODE_DEFAULTS);
    if (!d.ok) continue;
    for (let line of d.text.split(/\r?\n/)) {
      line = toSimplified(line.replace(PINYIN_DAMAGE, '')).replace(/\*+|（翻页）|\s+/g, '').replace(/^\d+[.、．]\s*/, '');
      if (!line || NOT_BODY.test(line)) continue;
      for (const m of line.matchAll(/“([\p{Script=Han}]{4,12})”/gu)) topics.add(m[1]!);
      if (!/[。！？]/.test(line)) {
        if (line.length >= 8 && line.length <= 36 && !/^[一二三四五六七八九十（(]/.test(line) && !/[，：；]$/.test(line)) titles.add(line.replace(/^——/, ''));
        continue;
      }
      for (const s of line.match(/[^。！？]+[。！？]+[”’」』]?/g) ?? []) {
        if (s.length < 8 || s.length > 160 || /^[一二三四五六七八九十]+、|^（[一二三四五六七八九十]+）/.test(s)) continue;
        sentences.add(s);
        for (const c of s.replace(/[。！？”’」』]+$/, '').split(/[，；]/)) if (c.length >= 4 && c.length <= 40) clauses.add(c);
      }
    }
  }
  const chars = [...new Set([...sentences].join('').match(/\p{Script=Han}/gu) ?? [])].sort();
  if (sentences.size < 50) throw new Error(`bench: the seeds give only ${sentences.size} sentences; add text to ${rawDir}`);
  return { sentences: [...sentences], clauses: [...clauses], titles: [...titles], topics: [...topics], chars };
}

// --- articles ----------------------------------------------------------------------------------------------

export interface Article {
  title: string;
  subtitle: string | null;
  /** Paragraphs, each a list of sentences (kept apart so near copies can edit sentence by sentence). */
  paragraphs: string[][];
}

const GENRE_SUFFIXES = ['专题研讨发言', '专题学习心得体会', '党课讲稿', '理论学习中心组讲话', '研讨交流发言材料', '主题教育心得体会', '工作报告', '专题党课讲稿', '交流发言'];
const MEETINGS = ['全县干部大会', '党组理论学习中心组专题学习会', '全市作风建设推进会', '机关党支部主题党日活动', '全区经济工作会议', '专题民主生活会'];
const CN_NUM = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三', '十四', '十五', '十六', '十七', '十八', '十九', '二十'];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭', '何', '林'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '强', '磊', '洋', '艳', '勇', '军', '杰', '涛', '明', '超', '秀英', '建华', '一頔', '慕琪', '志刚'];
const PLACES = ['延川', '安化', '桐庐', '平山', '宁都', '兰考', '正定', '古田', '遵义', '延安', '瑞金', '西柏坡', '梁家河', '井冈山'];
const SITES = ['范文网', '公文网', '写作网', '学习网', '党建网', '宣讲网', '文库', '资料网', '秘书网'];
const SITE_PREFIX = ['第一', '优秀', '精品', '原创', '大众', '华夏', '求实', '笔杆子', '公文', '星火'];
const MAIL_HOSTS = ['qq.com', '126.com', '163.com', 'sina.com', 'foxmail.com'];

function personName(r: Rng): string { return r.pick(SURNAMES) + r.pick(GIVEN); }
function siteName(r: Rng): string { return r.pick(SITE_PREFIX) + r.pick(SITES); }
function domain(r: Rng): string {
  let s = '';
  for (let n = r.int(3, 8); s.length < n;) s += 'abcdefghijklmnopqrstuvwxyz0123456789'[r.int(0, 35)];
  return `${r.chance(0.5) ? 'www.' : ''}${s}.${r.pick(['com', 'cn', 'net', 'com.cn'])}`;
}
function email(r: Rng): string {
  let s = '';
  for (let n = r.int(5, 10); s.length < n;) s += 'abcdefghijklmnopqrstuvwxyz0123456789'[r.int(0, s.length ? 35 : 25)];
  return `${s}@${r.pick(MAIL_HOSTS)}`;
}
function phone(r: Rng): string {
  return r.chance(0.5) ? `1${r.pick(['3', '5', '7', '8', '9'])}${r.digits(9)}` : `0${r.digits(r.int(2, 3))}-${r.digits(r.int(7, 8))}`;
}

/** Changes the numbers of a sentence (years, counts), so spliced sentences differ more. */
function renumber(s: string, r: Rng): string {
  return s.replace(/\d+/g, (d) => (r.chance(0.5) ? String(r.int(1, d.length >= 4 ? 2024 : 10 ** d.length - 1)) : d));
}

function sentence(bank: SeedBank, r: Rng): string {
  if (r.chance(0.55)) return renumber(r.pick(bank.sentences), r);
  const n = r.int(2, 4);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(r.pick(bank.clauses));
  return renumber(parts.join('，'), r) + (r.chance(0.9) ? '。' : '！');
}

function title(bank: SeedBank, r: Rng): string {
  const topic = bank.topics.length ? r.pick(bank.topics) : r.pick(bank.clauses).slice(0, 8);
  switch (r.int(0, 4)) {
    case 0: return bank.titles.length ? r.pick(bank.titles) : `“${topic}”${r.pick(GENRE_SUFFIXES)}`;
    case 1: return `在${r.pick(PLACES)}${r.pick(MEETINGS)}上的讲话`;
    case 2: return `关于“${topic}”的${r.pick(GENRE_SUFFIXES)}`;
    default: return `“${topic}”${r.pick(GENRE_SUFFIXES)}`;
  }
}

/** A new article: seed sentences and clause splices in a new order, some structure headings and a salutation. */
export function newArticle(bank: SeedBank, r: Rng): Article {
  const paragraphs: string[][] = [];
  const n = r.int(5, 18);
  if (r.chance(0.2)) paragraphs.push([r.pick(['同志们：', '各位领导、同志们：', '同志们、朋友们：'])]);
  let heading = 0;
  const structured = r.chance(0.4);
  for (let i = 0; i < n; i++) {
    const p: string[] = [];
    for (let k = r.int(1, 7); k > 0; k--) p.push(sentence(bank, r));
    if (structured && i > 0 && i % 3 === 1 && heading < 9) p.unshift(`${CN_NUM[++heading]}、${r.pick(bank.clauses)}。`);
    paragraphs.push(p);
  }
  const subtitle = r.chance(0.25) ? `——学习${r.pick(bank.topics.length ? bank.topics : bank.clauses)}${r.pick(GENRE_SUFFIXES)}` : null;
  return { title: title(bank, r), subtitle, paragraphs };
}

/** A near copy: `share` of the sentences each edited (1–3 characters replaced, or a clause dropped) or deleted. */
export function nearCopy(a: Article, bank: SeedBank, r: Rng, share: number): { article: Article; edited: number; sentences: number } {
  let edited = 0, total = 0;
  const paragraphs = a.paragraphs.map((p) => p.flatMap((s) => {
    total++;
    if (!r.chance(share) || p.length === 1) return [s];
    edited++;
    if (r.chance(0.4)) return [];
    const cps = [...s];
    if (r.chance(0.3) && s.includes('，')) return [s.replace(/，[^，。！？]*/, '')];
    for (let k = r.int(1, 3); k > 0; k--) {
      const i = r.int(0, Math.max(0, cps.length - 2));
      if (/\p{Script=Han}/u.test(cps[i]!)) cps[i] = r.pick(bank.chars);
    }
    return [cps.join('')];
  })).filter((p) => p.length > 0);
  return { article: { title: a.title, subtitle: a.subtitle, paragraphs }, edited, sentences: total };
}

// --- site furniture ----------------------------------------------------------------------------------------

function bannerLine(r: Rng, site: string): string {
  switch (r.int(0, 5)) {
    case 0: return '本文系作者原创投稿，仅供学习参考，请勿照搬照抄！';
    case 1: return `本文为${site}原创文章，转载请注明出处。`;
    case 2: return '【声明：本文代表作者个人观点，不代表本网立场，仅供参考。】';
    case 3: return `更多精品范文请关注${site}（${domain(r)}）`;
    case 4: return '温馨提示：本文档下载后可编辑修改，如有侵权请联系删除。';
    default: return `${site}整理，仅供学习交流使用。`;
  }
}

function footerLines(r: Rng, site: string): string[] {
  const lines: string[] = [];
  if (r.chance(0.4)) lines.push(`（责编：${personName(r)}；校对：${personName(r)}）`);
  if (r.chance(0.4)) lines.push(`本文链接：http://${domain(r)}/${r.int(2015, 2024)}/${String(r.int(1, 12)).padStart(2, '0')}${String(r.int(1, 28)).padStart(2, '0')}/${r.digits(7)}.shtml（转载请保留）`);
  if (r.chance(0.3)) lines.push(`作者单位：中共${r.pick(PLACES)}县委${r.pick(['办公室', '组织部', '宣传部', '党校'])}`);
  if (r.chance(0.35)) lines.push(`投稿邮箱：${email(r)}，欢迎大家踊跃投稿。`);
  if (r.chance(0.25)) lines.push(`欢迎加入${site}交流${r.int(1, 9)}群：${r.digits(r.int(8, 10))}。`);
  if (r.chance(0.25)) lines.push(`联系电话：${phone(r)}`);
  if (r.chance(0.3)) lines.push(`已有${r.int(0, 300)}人发表了评论`);
  if (r.chance(0.2)) lines.push(`版权所有 © ${r.int(2008, 2024)} ${site} 京ICP备${r.digits(8)}号-1`);
  return lines;
}

// --- files ---------------------------------------------------------------------------------------------------

function articleLines(a: Article, hardWrap: boolean, r: Rng): string[] {
  const body = a.paragraphs.map((p) => p.join(''));
  if (!hardWrap) return body;
  // Slide/page extraction: lines cut every 30–60 characters, a slide marker after some paragraphs.
  const out: string[] = [];
  for (const p of body) {
    for (let i = 0; i < p.length;) { const n = r.int(30, 60); out.push(p.slice(i, i + n)); i += n; }
    if (r.chance(0.3)) out[out.length - 1] += '（翻页）';
  }
  return out;
}

function singleFile(a: Article, r: Rng, site: string, hardWrap: boolean): string {
  const lines: string[] = [];
  if (r.chance(0.35)) lines.push(bannerLine(r, site));
  lines.push(a.title);
  if (a.subtitle) lines.push(a.subtitle);
  lines.push('');
  lines.push(...articleLines(a, hardWrap, r));
  lines.push('', ...footerLines(r, site));
  return lines.join('\n') + '\n';
}

function compilationFile(as: Article[], r: Rng, site: string, hardWrap: boolean): string {
  const style = r.int(0, 3);
  const heading = (k: number, t: string) => [`${k}. ${t}`, `${k}、${t}`, `篇${CN_NUM[k] ?? k}：${t}`, `【篇${CN_NUM[k] ?? k}】${t}`][style]!;
  const lines: string[] = [];
  if (style <= 1 && r.chance(0.7)) lines.push('目录', ' ', ...as.map((a, i) => heading(i + 1, a.title)), ' ', '', '');
  const banner = r.chance(0.5) ? bannerLine(r, site) : null;
  as.forEach((a, i) => {
    if (banner) lines.push(banner);
    lines.push(heading(i + 1, a.title));
    if (a.subtitle) lines.push(a.subtitle);
    lines.push(' ', ...articleLines(a, hardWrap, r), '', '');
  });
  lines.push(...footerLines(r, site));
  return lines.join('\n') + '\n';
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function htmlFile(a: Article, r: Rng, site: string, charset: string): string {
  const paras = a.paragraphs.map((p) => `<p>${esc(p.join(''))}</p>`).join('\n');
  return `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="${charset}"><title>${esc(a.title)}_${site}</title>
<meta name="keywords" content="${esc(a.title)},心得体会,讲话稿"></head>
<body>
<div class="nav"><a href="/">首页</a> | <a href="/fanwen/">范文大全</a> | <a href="/xinde/">心得体会</a> | <a href="/jianghua/">讲话稿</a> | <a href="/dangke/">党课</a></div>
<div class="article"><h1>${esc(a.title)}</h1>${a.subtitle ? `\n<h2>${esc(a.subtitle)}</h2>` : ''}
<div class="info">来源：${site}　发布时间：${r.int(2015, 2024)}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}　浏览次数：${r.int(10, 99999)}</div>
${paras}
</div>
<div class="footer"><p>联系我们 | 关于我们 | 网站地图 | 投稿邮箱：${email(r)}</p><p>版权所有 © ${r.int(2008, 2024)} ${site} 京ICP备${r.digits(8)}号-1 客服电话：${phone(r)}</p></div>
</body></html>
`;
}

/** Appends tone-marked pinyin in brackets after the Traditional characters a broken converter chose (`務(wù)`). */
export function pinyinDamage(trad: string): string {
  let out = '';
  for (const ch of trad) out += ch + (damagedPinyin(ch) ?? '');
  return out;
}
const damageCache = new Map<string, string | null>();
function damagedPinyin(ch: string): string | null {
  let v = damageCache.get(ch);
  if (v !== undefined) return v;
  v = null;
  const simp = toSimplified(ch);
  // The converter damaged a fixed subset of the characters that differ between the scripts (raw/004: 責 務 發 關…).
  if (simp !== ch && (createHash('sha256').update(ch).digest()[0]! & 3) === 0) {
    const py = pinyin(simp, { toneType: 'symbol' });
    if (/^[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+$/.test(py)) v = `(${py})`;
  }
  damageCache.set(ch, v);
  return v;
}

type Enc = 'utf-8' | 'utf-8-bom' | 'gb18030' | 'big5' | 'utf-16le';

/** Bytes of `text` in `enc`; null when the encoding cannot carry it (Big5 has no pinyin tone marks). */
function encode(text: string, enc: Enc): Buffer | null {
  if (enc === 'utf-8') return Buffer.from(text, 'utf8');
  if (enc === 'utf-8-bom') return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
  if (enc === 'utf-16le') return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const b = iconv.encode(text, enc);
  return iconv.decode(b, enc) === text ? b : null;
}

// --- the corpus --------------------------------------------------------------------------------------------

export interface Manifest {
  generator_version: number;
  key: string;
  seed: number;
  target_bytes: number;
  bytes: number;
  files: number;
  files_by_kind: Record<string, number>;
  files_by_encoding: Record<string, number>;
  files_traditional: number;
  files_pinyin_damage: number;
  files_crlf: number;
  files_hard_wrapped: number;
  /** UTF-8 bytes of the Traditional files' text (what the native OpenCC row converts). */
  traditional_text_bytes: number;
  traditional_share_bytes: number;
  /** Articles planted = documents the pipeline should find (HTML articles included). */
  articles: number;
  articles_original: number;
  exact_duplicates: number;
  near_duplicates: number;
  /** Copies placed in the other script than their original (may come out exact or near after normalize). */
  duplicates_cross_script: number;
  near_sentences_edited_share: number;
  boilerplate_lines: number;
  seed_sentences: number;
  seed_clauses: number;
  config: GeneratorConfig;
}

export interface GenerateOptions {
  raw: string;
  /** Folder for corpus/, corpus.manifest.json, corpus.files.tsv. */
  out: string;
  bytes: number;
  seed: number;
  config?: Partial<GeneratorConfig>;
  force?: boolean;
  log?: (s: string) => void;
}

const SELF = fileURLToPath(import.meta.url);

/** What decides whether an existing corpus can be reused: size, seed, configuration, seeds and this code. */
export function corpusKey(opts: GenerateOptions, cfg: GeneratorConfig): string {
  const h = createHash('sha256').update(JSON.stringify({ v: GENERATOR_VERSION, bytes: opts.bytes, seed: opts.seed, cfg }));
  h.update(readFileSync(SELF));
  for (const n of readdirSync(opts.raw).sort()) {
    const p = path.join(opts.raw, n);
    if (statSync(p).isFile()) h.update(n + '\0').update(readFileSync(p));
  }
  return h.digest('hex');
}

/** Reads the manifest of the corpus in `out` if it was made with these options, else null. */
export function cachedManifest(opts: GenerateOptions): Manifest | null {
  const cfg = { ...GENERATOR_DEFAULTS, ...opts.config };
  const file = path.join(opts.out, 'corpus.manifest.json');
  if (!existsSync(file) || !existsSync(path.join(opts.out, 'corpus'))) return null;
  const m = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  return m.key === corpusKey(opts, cfg) ? m : null;
}

/** Generates the corpus (or reuses the one already there for the same options). */
export function generateCorpus(opts: GenerateOptions): Manifest {
  const cfg = { ...GENERATOR_DEFAULTS, ...opts.config };
  const log = opts.log ?? (() => {});
  if (!opts.force) {
    const m = cachedManifest(opts);
    if (m) { log(`bench: corpus cached (${m.files} files, ${m.bytes} bytes, seed ${m.seed})`); return m; }
  }
  const key = corpusKey(opts, cfg);
  const bank = loadSeeds(opts.raw);
  const r = new Rng(mulberry32(opts.seed));
  const corpus = path.join(opts.out, 'corpus');
  rmSync(corpus, { recursive: true, force: true });
  rmSync(path.join(opts.out, 'corpus.manifest.json'), { force: true });
  mkdirSync(corpus, { recursive: true });
  const tsvTmp = path.join(opts.out, 'corpus.files.tsv.tmp');
  const tsv = openSync(tsvTmp, 'w');
  writeSync(tsv, 'path\tencoding\tscript\tkind\tbytes\tarticles\n');

  const m: Manifest = {
    generator_version: GENERATOR_VERSION, key, seed: opts.seed, target_bytes: opts.bytes, bytes: 0, files: 0,
    files_by_kind: { single: 0, compilation: 0, html: 0 }, files_by_encoding: {}, files_traditional: 0, files_pinyin_damage: 0,
    files_crlf: 0, files_hard_wrapped: 0, traditional_text_bytes: 0, traditional_share_bytes: 0, articles: 0, articles_original: 0,
    exact_duplicates: 0, near_duplicates: 0, duplicates_cross_script: 0, near_sentences_edited_share: 0, boilerplate_lines: 0,
    seed_sentences: bank.sentences.length, seed_clauses: bank.clauses.length, config: cfg,
  };
  // Recent original articles (with the script they were published in), the pool copies come from.
  const ring: { a: Article; trad: boolean }[] = [];
  let ringNext = 0, nearEdited = 0, nearSentences = 0;

  const nextArticle = (trad: boolean): Article => {
    m.articles++;
    const u = r.next();
    if (ring.length >= 20 && u < cfg.exactShare + cfg.nearShare) {
      const src = r.pick(ring);
      if (src.trad !== trad) m.duplicates_cross_script++;
      if (u < cfg.exactShare) {
        m.exact_duplicates++;
        // Sites retitle what they copy; dedupe compares bodies.
        return { ...src.a, title: r.chance(0.5) ? src.a.title : title(bank, r) };
      }
      m.near_duplicates++;
      const c = nearCopy(src.a, bank, r, cfg.nearEditMin + r.next() * (cfg.nearEditMax - cfg.nearEditMin));
      nearEdited += c.edited;
      nearSentences += c.sentences;
      return c.article;
    }
    m.articles_original++;
    const a = newArticle(bank, r);
    const slot = { a, trad };
    if (ring.length < cfg.ring) ring.push(slot); else { ring[ringNext] = slot; ringNext = (ringNext + 1) % cfg.ring; }
    return a;
  };

  while (m.bytes < opts.bytes) {
    const i = m.files;
    const site = siteName(r);
    // File kinds from a low-discrepancy sequence (golden ratio), so even a 1 MB corpus has each kind at its share.
    const u = (i * 0.6180339887498949 + (opts.seed % 1000) / 1000) % 1;
    const kind = u < cfg.htmlShare ? 'html' : u < cfg.htmlShare + cfg.compilationShare ? 'compilation' : 'single';
    const trad = kind !== 'html' && r.chance(cfg.traditionalShare);
    const damaged = trad && r.chance(cfg.pinyinDamageShare);
    const hardWrap = kind !== 'html' && r.chance(cfg.hardWrapShare);
    const articles = kind === 'compilation' ? Array.from({ length: r.int(3, 14) }, () => nextArticle(trad)) : [nextArticle(trad)];
    let enc: Enc;
    const e = r.next();
    if (trad) enc = damaged ? (e < cfg.utf16Share * 3 ? 'utf-16le' : 'utf-8') : e < cfg.big5Share ? 'big5' : e < cfg.big5Share + cfg.utf16Share ? 'utf-16le' : 'utf-8';
    else enc = e < cfg.gb18030Share ? 'gb18030' : e < cfg.gb18030Share + cfg.utf16Share ? 'utf-16le' : e < cfg.gb18030Share + cfg.utf16Share + 0.03 ? 'utf-8-bom' : 'utf-8';
    let text: string;
    if (kind === 'html') text = htmlFile(articles[0]!, r, site, enc === 'gb18030' ? 'gb2312' : 'utf-8');
    else {
      text = kind === 'compilation' ? compilationFile(articles, r, site, hardWrap) : singleFile(articles[0]!, r, site, hardWrap);
      m.boilerplate_lines += text.split('\n').filter((l) => NOT_BODY.test(l)).length;
    }
    if (trad) {
      text = toTraditional(text);
      if (damaged) text = pinyinDamage(text);
    }
    // Big5 has no ©: sites in Big5 write (C).
    if (enc === 'big5') text = text.replace(/©/g, '(C)');
    const crlf = r.chance(cfg.crlfShare);
    if (crlf) text = text.replace(/\n/g, '\r\n');
    let bytes = encode(text, enc);
    if (!bytes) { enc = 'utf-8'; bytes = encode(text, enc)!; }
    const rel = `d${String(Math.floor(i / 1000)).padStart(3, '0')}/c${String(i).padStart(6, '0')}.${kind === 'html' ? 'html' : 'txt'}`;
    if (i % 1000 === 0) mkdirSync(path.join(corpus, path.dirname(rel)), { recursive: true });
    writeFileSync(path.join(corpus, rel), bytes);
    writeSync(tsv, `${rel}\t${enc}\t${trad ? 'Hant' : 'Hans'}\t${kind}\t${bytes.length}\t${articles.length}\n`);
    m.files++;
    m.bytes += bytes.length;
    m.files_by_kind[kind]!++;
    m.files_by_encoding[enc] = (m.files_by_encoding[enc] ?? 0) + 1;
    if (trad) { m.files_traditional++; m.traditional_text_bytes += Buffer.byteLength(text, 'utf8'); }
    if (damaged) m.files_pinyin_damage++;
    if (crlf) m.files_crlf++;
    if (hardWrap) m.files_hard_wrapped++;
    if (i % 2000 === 0 && i > 0) log(`bench: generated ${m.files} files, ${(m.bytes / 2 ** 20).toFixed(1)} MB`);
  }
  closeSync(tsv);
  renameSync(tsvTmp, path.join(opts.out, 'corpus.files.tsv'));
  m.traditional_share_bytes = Number((m.traditional_text_bytes / Math.max(1, m.bytes)).toFixed(4));
  m.near_sentences_edited_share = Number((nearEdited / Math.max(1, nearSentences)).toFixed(4));
  writeFileSync(path.join(opts.out, 'corpus.manifest.json'), JSON.stringify(m, null, 2) + '\n');
  log(`bench: generated ${m.files} files, ${m.bytes} bytes, ${m.articles} articles (${m.exact_duplicates} exact, ${m.near_duplicates} near copies)`);
  return m;
}

/** A corpus size option: the text, once parseSize reads it. */
export function sizeValue(text: string): string {
  try {
    parseSize(text);
  } catch {
    throw new Error(`must look like 50MB, 500MB, 2GB or a byte count; got ${JSON.stringify(text)}`);
  }
  return text;
}

/** The command line (pipeline/lib/cli.ts). */
const OPTIONS = {
  size: { type: 'string', arg: 'SIZE', help: 'corpus size: 50MB, 500MB, 2GB or a byte count (default 50MB)', check: sizeValue, default: '50MB' },
  seed: { type: 'string', arg: 'N', help: 'seed (default 1)', check: intValue(0, 2 ** 31 - 1), default: 1 },
  raw: { type: 'string', arg: 'DIR', help: 'seed raw folder (default raw)', check: pathValue, default: 'raw' },
  out: { type: 'string', arg: 'DIR', help: 'writes the corpus to OUT/corpus/ and its manifest beside it (default out/bench)', check: pathValue, default: 'out/bench' },
  force: { type: 'boolean', help: 'generate again even when the corpus exists' },
} as const satisfies Options;

if (process.argv[1] && path.resolve(process.argv[1]) === SELF) {
  try {
    const args = parseCommandLine(process.argv.slice(2), OPTIONS);
    if (!args) process.stdout.write(usage('tsx pipeline/bench/generate.ts', OPTIONS));
    else {
      const m = generateCorpus({
        raw: path.resolve(args.raw), out: path.resolve(args.out), bytes: parseSize(args.size), seed: args.seed, force: args.force,
        log: (s) => process.stderr.write(s + '\n'),
      });
      process.stdout.write(JSON.stringify({ ...m, config: undefined }, null, 2) + '\n');
    }
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exitCode = 2;
  }
}
