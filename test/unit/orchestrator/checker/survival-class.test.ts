import { strict as assert } from 'node:assert';
import { classContradiction } from '../../../../src/orchestrator/checker/class-contradictions.js';
import { ChecksConfigSchema, scenarioCheckers } from '../../../../src/orchestrator/checker/checks-from-config.js';
import { survivalClass, survivalVerdictOf, type SurvivalClass } from '../../../../src/orchestrator/checker/survival-class.js';
import type { WorkloadStreamSummary } from '../../../../src/orchestrator/history/history-types.js';
import { history, probe, summary, T0 } from '../fixtures.js';

const tuple = (port: number) => ({ localAddress: '198.18.1.10', localPort: port, remoteAddress: '198.18.0.100', remotePort: 5001 });
/** Two streams that survived the fault on their first connection. */
const kept = () => [summary({ stream: 0 }), summary({ stream: 1 })];
/** Stream 1 was reset and came back on a second connection, every byte intact. */
const reconnected = () => [
  summary({ stream: 0 }),
  summary({ stream: 1, resets: 1, reconnects: 1, connections: [tuple(40001), tuple(40002)] }),
];
const verdict = (cls: SurvivalClass, streams: WorkloadStreamSummary[], entries = [] as Parameters<typeof history>[0]) =>
  survivalClass(cls).check(history(entries, streams));

describe('survival class (expect:) as an implied check', () => {
  describe('transparent', () => {
    it('holds when every stream kept its first connection, every byte intact', () => {
      const r = verdict('transparent', kept());
      assert.equal(r.valid, true, r.detail);
      assert.equal(r.name, 'expect: transparent');
      assert.match(r.detail, /each of 2 streams kept its first connection/);
    });
    it('does not hold when a stream reconnected, even with no byte lost', () => {
      const r = verdict('transparent', reconnected());
      assert.equal(r.valid, false);
      assert.match(r.detail, /1 of 2 streams broke the class: web\/client1#1: resets 1, reconnects 1, 2 connections/);
    });
    it('does not hold for a stream on a second connection without a counted reconnect (taken over by a new socket)', () => {
      assert.equal(verdict('transparent', [summary({ connections: [tuple(1), tuple(2)] })]).valid, false);
    });
    it('does not hold for a stream that never connected, or failed', () => {
      assert.match(verdict('transparent', [summary({ connections: [] })]).detail, /0 connections/);
      assert.match(verdict('transparent', [summary({ failed: true, failReason: 'gave up' })]).detail, /failed \(gave up\)/);
    });
  });

  describe('session', () => {
    it('holds when streams reconnected with every byte intact', () => {
      assert.equal(verdict('session', reconnected()).valid, true);
    });
    for (const field of ['bytesLost', 'bytesDuplicated', 'bytesCorrupt'] as const) {
      it(`does not hold when a stream has ${field}`, () => {
        const r = verdict('session', [summary(), summary({ stream: 1, [field]: 512 })]);
        assert.equal(r.valid, false);
        assert.match(r.detail, new RegExp(`web/client1#1: ${field} 512`));
      });
    }
    it('does not hold when a stream failed for good, even if its client died before summarising', () => {
      assert.equal(verdict('session', [summary({ failed: true })]).valid, false);
      const r = verdict('session', kept(), [probe(T0 + 900, { event: 'failed', offset: 0, reason: 'no server' }, { stream: 7 })]);
      assert.equal(r.valid, false);
      assert.match(r.detail, /web\/client1#7: failed/);
    });
  });

  describe('none', () => {
    it('holds whatever the connections did: it implies nothing', () => {
      const r = verdict('none', [summary({ failed: true, resets: 3, bytesLost: 10, connections: [] })]);
      assert.equal(r.valid, true);
      assert.match(r.detail, /nothing implied/);
    });
  });

  it('is unknown, never a pass, when there are no streams or a stream has no summary', () => {
    assert.equal(verdict('session', []).valid, 'unknown');
    const r = verdict('transparent', kept(), [probe(T0 + 100, { event: 'established', offset: 0, tuple: tuple(5) }, { stream: 9 })]);
    assert.equal(r.valid, 'unknown');
    assert.match(r.detail, /1 streams have no summary: web\/client1#9/);
  });

  it("comes first among a scenario's checkers, and a report finds its verdict by name", () => {
    const checkers = scenarioCheckers('transparent', ChecksConfigSchema.parse({ maxGapMs: 500 }));
    assert.deepEqual(
      checkers.map((c) => c.name),
      ['expect: transparent', 'max-gap'],
    );
    const results = checkers.map((c) => c.check(history([], reconnected())));
    assert.deepEqual(survivalVerdictOf(results), { expect: 'transparent', valid: false, detail: results[0]!.detail });
    assert.equal(survivalVerdictOf(results.slice(1)), undefined);
  });
});

describe('checks weaker than the survival class', () => {
  const config = (raw: unknown) => ChecksConfigSchema.parse(raw);
  const cases: [SurvivalClass, unknown, string | undefined][] = [
    ['transparent', { reconnects: { max: 4 } }, 'reconnects allows up to 4 per stream'],
    ['transparent', { resets: 1 }, 'resets allows up to 1 per stream'],
    ['transparent', { reconnects: { min: 1 } }, 'reconnects asks for at least 1 per stream'],
    ['transparent', { reconnects: 0, resets: { max: 0 }, bytesLost: 0, noFailedStreams: true }, undefined],
    ['session', { reconnects: { min: 1, max: 5 }, bytesLost: 0 }, undefined],
    ['session', { bytesDuplicated: { max: 10 } }, 'bytesDuplicated allows up to 10 per stream'],
    ['session', { noFailedStreams: false, maxGapMs: 100 }, 'noFailedStreams: false lets streams fail'],
    ['none', { reconnects: 40, bytesLost: 1_000_000, noFailedStreams: false }, undefined],
  ];
  for (const [cls, raw, want] of cases) {
    it(`${cls} with ${JSON.stringify(raw)}: ${want ?? 'no contradiction'}`, () => {
      assert.equal(classContradiction(cls, config(raw))?.problem, want);
    });
  }
});
