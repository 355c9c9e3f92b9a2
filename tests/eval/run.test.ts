import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** make eval's runner on two pages of the set (the whole set runs in make eval, not here). */
function evalRun(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'pipeline/eval/run.ts', '--workers', '1', ...args], { encoding: 'utf8' });
}

describe('pipeline/eval/run.ts on a subset', () => {
  it('runs the pipeline over the chosen pages and writes every family from that run', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'jw-eval-test-'));
    try {
      const r = evalRun(['--only', 'gov-5351624,people-45fcfa7d', '--out', out]);
      expect(r.status, r.stderr).toBe(0);
      for (const f of ['summary', 'html', 'segmentation', 'titles', 'dates', 'boilerplate', 'pii']) expect(existsSync(path.join(out, `${f}.json`)), f).toBe(true);
      const s = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8'));
      expect(s.set).toMatchObject({ pages: 2, sites: 2, gold_pages: 2, word_files: 0 });
      expect(s.segmentation.single_article_pages).toBe(2);
      expect(s.titles.pages).toBe(2);
      expect(s.titles.gov_pages).toBe(1);
      expect(s.dates.pages).toBe(2);
      const html = JSON.parse(readFileSync(path.join(out, 'html.json'), 'utf8'));
      expect(html.rows.map((r: { id: string }) => r.id).sort()).toEqual(['gov-5351624', 'people-45fcfa7d']);
      for (const row of html.rows) {
        expect(row.f1).toBeGreaterThanOrEqual(0);
        expect(row.f1).toBeLessThanOrEqual(1);
        expect(row.gold_chars).toBeGreaterThan(100);
        expect(typeof row.extract_f1).toBe('number');
      }
      expect(r.stdout).toContain('HTML main-text F1');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('refuses an unknown page id and a manifest with problems (exit 2), before running anything', () => {
    expect(evalRun(['--only', 'no-such-page', '--out', os.tmpdir()]).status).toBe(2);
    const set = mkdtempSync(path.join(os.tmpdir(), 'jw-eval-set-'));
    try {
      cpSync('tests/fixtures/eval-real/manifest.json', path.join(set, 'manifest.json'));
      const r = evalRun(['--set', set, '--out', path.join(set, 'out')]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('does not exist');
      expect(existsSync(path.join(set, 'out'))).toBe(false);
    } finally {
      rmSync(set, { recursive: true, force: true });
    }
  });
});
