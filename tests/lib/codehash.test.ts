import { describe, it, expect } from 'vitest';
import path from 'node:path';
import { codeFiles } from '../../pipeline/lib/codehash.js';
import { STAGES } from '../../pipeline/stages/index.js';
import { ROOT } from '../helpers.js';

const rel = (fs: string[]) => fs.map((f) => path.relative(ROOT, f));
const stagesDir = path.join(ROOT, 'pipeline/stages');

describe('code fingerprints', () => {
  it('the plumbing fingerprint covers the runner and worker but no stage, so editing a stage reruns only it and what follows', () => {
    const files = rel([...codeFiles(path.join(ROOT, 'pipeline/lib/runner.ts'), [stagesDir]), ...codeFiles(path.join(ROOT, 'pipeline/lib/worker.ts'), [stagesDir])]);
    expect(files).toContain('pipeline/lib/runner.ts');
    expect(files).toContain('pipeline/lib/worker.ts');
    expect(files).toContain('pipeline/lib/io.ts');
    expect(files.filter((f) => f.startsWith('pipeline/stages/'))).toEqual([]);
  });

  it("a stage's fingerprint follows its imports into rules and lib", () => {
    const files = rel(codeFiles(path.join(ROOT, 'pipeline/stages/segment.ts')));
    expect(files).toContain('pipeline/stages/segment.ts');
    expect(files).toContain('pipeline/rules/headings.ts');
    expect(files).not.toContain('pipeline/stages/dedupe.ts');
    for (const s of STAGES) expect(rel(codeFiles(path.join(ROOT, `pipeline/stages/${s.name}.ts`)))).toContain(`pipeline/stages/${s.name}.ts`);
  });
});
