import { strict as assert } from 'node:assert';
import { Checks } from '../../../../src/orchestrator/checker/checks.js';
import { ChecksConfigSchema, checksFromConfig } from '../../../../src/orchestrator/checker/checks-from-config.js';
import { daemon, history, summary, T0 } from '../fixtures.js';

// The coordinator's S702 (the server switch requested) at T0 + 2000.
const S702 = { kind: 'daemon' as const, daemon: 'migration-coordinator', event: 'message', where: { step: 'S702' } };
const entries = [daemon(T0 + 2000, 'coord', 'message', { step: 'S702' }, 'migration-coordinator')];
const gapAt = (stream: number, startMs: number, ms: number, shorter?: number) =>
  summary({
    stream,
    gaps: [...(shorter === undefined ? [] : [{ startMs: shorter, endMs: shorter + 110 }]), { startMs, endMs: startMs + ms }],
    maxGapMs: ms,
  });

describe('gapStarts check', () => {
  it("after: every stream's longest gap opens after the step (the patent's order: served until the freeze)", () => {
    const h = history(entries, [gapAt(0, T0 + 2070, 150), gapAt(1, T0 + 2075, 140, T0 + 500)]);
    const r = Checks.gapStarts({ after: S702 }).check(h);
    assert.equal(r.valid, true, r.detail);
    assert.match(r.detail, /2 streams, longest gaps start \+70 ms to \+75 ms from .*: every one after it/);
    // The shorter gap before the step is not the outage.
  });

  it('before: every longest gap opens before the step (the network switched first), and one that does not fails, named', () => {
    const early = [gapAt(0, T0 + 1985, 300), gapAt(1, T0 + 1990, 310)];
    assert.equal(Checks.gapStarts({ before: S702 }).check(history(entries, early)).valid, true);
    const r = Checks.gapStarts({ before: S702 }).check(history(entries, [...early, gapAt(2, T0 + 2060, 200), summary({ stream: 3 })]));
    assert.equal(r.valid, false);
    assert.match(r.detail, /not before it: web\/client1#2 \(\+60 ms\), web\/client1#3 \(no gap\)/);
    assert.equal(Checks.gapStarts({ after: S702 }).check(history(entries, early)).valid, false);
  });

  it('is unknown without the step or without streams; the config wants exactly one side', () => {
    assert.equal(Checks.gapStarts({ after: S702 }).check(history([], [gapAt(0, T0 + 2070, 150)])).valid, 'unknown');
    assert.equal(Checks.gapStarts({ after: S702, workload: 'none' }).check(history(entries, [gapAt(0, T0 + 2070, 150)])).valid, 'unknown');
    assert.throws(() => ChecksConfigSchema.parse({ gapStarts: { before: S702, after: S702 } }), /exactly one of before and after/);
    assert.throws(() => ChecksConfigSchema.parse({ gapStarts: {} }), /exactly one of before and after/);
    const checkers = checksFromConfig(ChecksConfigSchema.parse({ gapStarts: [{ after: S702 }, { before: S702, workload: 'web' }] }));
    assert.deepEqual(
      checkers.map((c) => c.name),
      ['gap-starts-after', 'gap-starts-before[web]'],
    );
  });
});
