import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { walkRaw } from '../../pipeline/lib/walk.js';

describe('walkRaw: display paths', () => {
  it('stay unique when a real file is named like the label a GBK name gets', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jw-walk-'));
    const gbk = iconv.encode('讲话.txt', 'gbk');
    writeFileSync(Buffer.concat([Buffer.from(dir + '/'), gbk]), '甲');
    writeFileSync(path.join(dir, '讲话.txt'), '乙');
    // The label the GBK name would get, taken by a UTF-8 file.
    writeFileSync(path.join(dir, `讲话.txt [name bytes ${gbk.toString('hex')}]`), '丙');
    const rels = (await walkRaw(dir)).map((e) => e.rel);
    expect(new Set(rels).size).toBe(3);
    expect(rels).toContain('讲话.txt');
    expect(rels).toContain(`讲话.txt [name bytes ${gbk.toString('hex')}]`);
    expect(rels).toContain(`讲话.txt [name bytes ${gbk.toString('hex')}] #2`);
  });

  it('gives a file whose path is over 4,096 bytes an unreadable entry instead of leaving it out', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jw-walk-'));
    // 18 folders of 240 bytes: made by a shell that cds into each (an absolute path that long cannot be opened).
    const seg = 'd'.repeat(240);
    execFileSync('bash', ['-c', `cd "$1" && for i in $(seq 18); do mkdir ${seg} && cd ${seg}; done && echo 正文 > f.txt`, '_', dir]);
    const entries = await walkRaw(dir);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ kind: 'unreadable', error: 'ENAMETOOLONG' });
    expect(entries[0]!.rel.endsWith('/f.txt') || entries[0]!.rel.endsWith(seg)).toBe(true);
  });
});
