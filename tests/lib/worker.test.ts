import { describe, expect, it } from 'vitest';
import { runChain, runGather, recordsOf } from '../../pipeline/lib/worker.js';
import { duplicatesLines, DUPLICATES_FROM } from '../../pipeline/lib/duplicates.js';
import { runGlobalInMemory } from '../../pipeline/lib/stage.js';
import { dedupe, DEDUPE_DEFAULTS } from '../../pipeline/stages/dedupe.js';
import { essays000 } from '../fixtures/dedupe/seeds.js';

const bytes = (lines: string[]) => new TextEncoder().encode(lines.join('\n') + '\n');
const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b ?? new Uint8Array(0));

describe('worker: gather', () => {
  it('parses only the lines asked about, numbering records as the non-empty lines', () => {
    const [, a, b] = essays000();
    // The unasked first line is not JSON: reading it would throw. The empty line is not a record.
    const input = bytes(['{not json', JSON.stringify(a), '', JSON.stringify(b)]);
    const asks = [undefined, { id: a!.id, shingles: 1 << 5 }, { id: b!.id, shingles: 1 << 5, paragraphs: [] }];
    const r = runGather({ kind: 'gather', stage: 'dedupe', bytes: input, asks });
    expect(r.at).toEqual([1, 2]);
    expect(r.values).toEqual([dedupe.gather!(a!, asks[1]!, DEDUPE_DEFAULTS), dedupe.gather!(b!, asks[2]!, DEDUPE_DEFAULTS)]);
    expect((r.values[0] as { sets: unknown[] }).sets).toHaveLength(1);
  });
});

describe('worker: report/duplicates.jsonl rows built in the chain', () => {
  it('are the rows built afterwards from dedupe\'s dropped file, byte for byte', async () => {
    const docs = essays000();
    // An exact copy of the first essay in another file, and a near copy of the second (one paragraph gone).
    const copies = [
      { ...docs[0]!, id: 'jw_' + 'f'.repeat(20), source_file: 'copy.txt' },
      { ...docs[1]!, id: 'jw_' + 'e'.repeat(20), source_file: 'near.txt', paragraphs: docs[1]!.paragraphs.slice(0, -1) },
    ];
    const input = [...docs, ...copies];
    const { plan } = await runGlobalInMemory(dedupe, input, DEDUPE_DEFAULTS);
    const res = await runChain({
      kind: 'chain', bytes: bytes(input.map((d) => JSON.stringify(d))),
      steps: [{ stage: 'dedupe', op: 'apply', decisions: plan.decisions }, { stage: 'validate', op: 'map' }, { stage: 'export', op: 'export', duplicatesOf: DUPLICATES_FROM }],
    });
    const dropped = recordsOf(res.steps[0]!.dropped);
    expect(dropped.length).toBeGreaterThanOrEqual(1);
    const later = duplicatesLines(dropped).map((l) => l + '\n').join('');
    expect(text(res.duplicates)).toBe(later);
    expect(text(res.duplicates)).toContain('"dup_of":"' + docs[0]!.id + '"');
    // Without duplicatesOf the chain leaves them to the export's finish.
    const plain = await runChain({
      kind: 'chain', bytes: bytes(input.map((d) => JSON.stringify(d))),
      steps: [{ stage: 'dedupe', op: 'apply', decisions: plan.decisions }, { stage: 'validate', op: 'map' }, { stage: 'export', op: 'export' }],
    });
    expect(plain.duplicates).toBeUndefined();
  });
});
