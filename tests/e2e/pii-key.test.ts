/**
 * JINGWEN_PII_KEY is the one key of every keyed fingerprint (issue 23): the ledger's `path_fingerprint` and the
 * `hash` of clean's personal-data removals in report/removed.jsonl; no key, no hash. A run under another key
 * runs clean and the export again (their code keys hold the key's tag), so no fingerprint of the old key stays;
 * the key itself is written nowhere in OUT.
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../pipeline/lib/pii.js';
import { readLines, runCli, tempDir } from '../helpers.js';

const BODY = '关于做好近期有关工作的通知\n为进一步做好相关工作，现将有关事项通知如下。各单位要高度重视，认真组织实施，切实把各项工作抓紧抓实抓好，确保取得实效。\n如有问题请拨打13912345678与办公室联系。\n';

async function allText(dir: string): Promise<string> {
  let s = '';
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) s += await readFile(path.join(e.parentPath, e.name), 'utf8').catch(() => '');
  }
  return s;
}

describe('JINGWEN_PII_KEY keys clean\'s removal hashes and the ledger alike', () => {
  let raw: string;
  let out: string;
  const removedOf = async () => (await readLines<{ rule: string; hash: string | null }>(path.join(out, 'report/removed.jsonl'))).filter((r) => r.rule === 'pii_mobile');
  beforeAll(async () => {
    raw = await tempDir('jw-key-raw-');
    out = await tempDir('jw-key-out-');
    await mkdir(raw, { recursive: true });
    await writeFile(path.join(raw, '通知13800138000.txt'), BODY);
  }, 60_000);

  it('without a key: no hash, no fingerprint', async () => {
    const r = await runCli(['--raw', raw, '--out', out, '--quiet', '--workers', '1'], { JINGWEN_PII_KEY: '' });
    expect(r.code).toBe(0);
    const rem = await removedOf();
    expect(rem.length).toBe(1);
    expect(rem[0]!.hash).toBe(null);
    const ledger = await readLines<{ path_fingerprint?: string | null }>(path.join(out, 'report/ledger.jsonl'));
    expect(ledger[0]!.path_fingerprint).toBe(null);
  }, 120_000);

  it('with a key: the removal hash is the HMAC of the value under it, the ledger under the same key', async () => {
    const r = await runCli(['--raw', raw, '--out', out, '--quiet', '--workers', '1'], { JINGWEN_PII_KEY: 'k-one' });
    expect(r.code).toBe(0);
    expect((await removedOf())[0]!.hash).toBe(fingerprint('13912345678', 'k-one'));
    const ledger = await readLines<{ path_fingerprint?: string | null }>(path.join(out, 'report/ledger.jsonl'));
    expect(ledger[0]!.path_fingerprint).toBe(fingerprint('通知13800138000.txt', 'k-one'));
  }, 120_000);

  it('another key re-runs what depends on it; the key is written nowhere', async () => {
    const r = await runCli(['--raw', raw, '--out', out, '--quiet', '--workers', '1'], { JINGWEN_PII_KEY: 'k-two' });
    expect(r.code).toBe(0);
    expect((await removedOf())[0]!.hash).toBe(fingerprint('13912345678', 'k-two'));
    const ledger = await readLines<{ path_fingerprint?: string | null }>(path.join(out, 'report/ledger.jsonl'));
    expect(ledger[0]!.path_fingerprint).toBe(fingerprint('通知13800138000.txt', 'k-two'));
    const all = await allText(out);
    expect(all).not.toContain('k-two');
    expect(all).not.toContain('k-one');
  }, 120_000);
});
