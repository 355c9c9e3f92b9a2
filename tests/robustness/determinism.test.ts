/**
 * Determinism: the outputs (data, report and stage files; not metas or timings) are byte-identical whatever the
 * order the raw files were created in and the file system lists them (a preload reverses every readdir), the time
 * zone, the locale and the number of worker threads.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import iconv from 'iconv-lite';
import { pathToFileURL } from 'node:url';
import { cli, digest, tempDir, ROOT, type RunResult } from './util.js';

/** A preload that reverses every directory listing: the same tree, listed in another order. */
const REVERSE = pathToFileURL(path.join(ROOT, 'tests/robustness/reverse-readdir.mjs')).href;

/** Files of the test corpus: names chosen so code-unit order, locale order and creation order all differ. */
async function corpus(): Promise<[string, Buffer][]> {
  const real = (n: string) => readFile(path.join(ROOT, 'raw', n));
  const a = await real('003_db51f0831cc1980b.txt');
  const b = await real('004_91d04d10e2169a48.txt');
  const crlf = Buffer.from(b.toString('utf8').replace(/\n/g, '\r\n'));
  return [
    ['Zeta.txt', a],
    ['alpha.txt', b],
    ['中文/讲话.txt', a],
    ['中文/Ä-umlaut.txt', crlf],
    ['_under/b.txt', iconv.encode(b.toString('utf8'), 'gbk')],
    ['10.txt', crlf],
    ['9.txt', Buffer.from('')],
    ['deep/er/est/x.txt', b],
    // A site's folder of made-up speeches sharing a banner at their edges: dedupe removes it (boilerplate_recurring),
    // a decision taken over the whole corpus, so it must not depend on the workers or the order either.
    ...SPEECH_TOPICS.map((t, k): [string, Buffer] => [`site/speech${k}.txt`, Buffer.from(speech(t, k))]),
  ];
}

const SPEECH_TOPICS = ['乡村振兴', '生态保护', '科技创新', '教育公平'];
const SPEECH_BANNER = '某某市政府门户网站领导讲话频道';
function speech(t: string, k: number): string {
  return [`在${t}工作会议上的讲话`, SPEECH_BANNER, '同志们：',
    `关于${t}工作，今年我们围绕重点任务推进了第${k + 1}批试点项目，覆盖${12 + k * 7}个县区，投入资金${3 + k}亿元，群众满意度明显提高，各项工作取得新进展。`,
    `在${t}领域，我们始终牢记“绿水青山就是金山银山”，把这一理念贯穿到规划、建设和管理的全过程，第${k + 2}季度新增项目${k * 3 + 5}个，成效明显。`,
    `下一步，要把${t}同深化改革结合起来，完善考核办法，压实各级责任，确保${2025 + k}年各项指标全面完成，为全市发展大局作出新的更大贡献。`,
    '让我们紧密团结起来，为实现中华民族伟大复兴的中国梦而不懈奋斗！'].join('\n\n') + '\n';
}

async function build(dir: string, files: [string, Buffer][]): Promise<void> {
  for (const [rel, data] of files) {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), data);
  }
}

let runs: Record<string, RunResult> = {};
let outOf: (name: string) => string = () => '';
let digests: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  const tmp = await tempDir('jw-det-');
  const files = await corpus();
  const rawA = path.join(tmp, 'rawA');
  const rawB = path.join(tmp, 'rawB');
  await build(rawA, files);
  await build(rawB, [...files].reverse());
  const base = { TZ: 'UTC', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' };
  const cases: Record<string, [string, string[], Record<string, string>]> = {
    base: [rawA, ['--workers', '2'], base],
    order: [rawB, ['--workers', '2'], { ...base, NODE_OPTIONS: `--import ${REVERSE}` }],
    tz_lang: [rawA, ['--workers', '2'], { TZ: 'Pacific/Kiritimati', LANG: 'zh_CN.GB18030', LC_ALL: 'tr_TR.UTF-8', LANGUAGE: 'zh_CN' }],
    workers1: [rawA, ['--workers', '1'], base],
    workers3: [rawA, ['--workers', '3'], base],
  };
  // rawA and rawB are separate folders with the same relative paths, so the same ids.
  outOf = (name) => path.join(tmp, `out-${name}`);
  const results = await Promise.all(Object.entries(cases).map(async ([name, [raw, args, env]]) => [name, await cli(['--raw', raw, '--out', path.join(tmp, `out-${name}`), '--quiet', ...args], { env })] as const));
  runs = Object.fromEntries(results);
  for (const name of Object.keys(cases)) digests[name] = await digest(path.join(tmp, `out-${name}`));
});

describe('byte-identical outputs', () => {
  it('every run finishes', () => {
    for (const [name, r] of Object.entries(runs)) expect(r.code, `${name}: ${r.stderr}`).toBe(0);
    expect(Object.keys(digests['base']!)).toContain('documents.parquet');
  });

  it('the recurring banner of the site folder goes from each of its speeches, the rest stays', async () => {
    const removed = (await readFile(path.join(outOf('base'), 'report/removed.jsonl'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const rec = removed.filter((r) => r.rule === 'boilerplate_recurring');
    expect(rec.map((r) => r.source_file).sort()).toEqual(SPEECH_TOPICS.map((_, k) => `site/speech${k}.txt`));
    expect(rec.every((r) => r.text === SPEECH_BANNER)).toBe(true);
    const docs = (await readFile(path.join(outOf('base'), 'documents.jsonl'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l));
    for (const d of docs.filter((x) => x.source_file.startsWith('site/'))) {
      expect(d.text.startsWith('同志们：')).toBe(true);
      expect(d.text).toContain('而不懈奋斗！');
    }
  });

  it.each([
    ['file-system order (files created in reverse order, listings reversed)', 'order'],
    ['TZ and LANG/LC_ALL', 'tz_lang'],
    ['1 worker vs 2', 'workers1'],
    ['3 workers vs 2', 'workers3'],
  ])('across %s', (_what, name) => {
    expect(digests[name]).toEqual(digests['base']);
  });
});
