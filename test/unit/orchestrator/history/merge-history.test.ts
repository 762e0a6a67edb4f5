import { strict as assert } from 'node:assert';
import { mergeEntries, mergeHistory } from '../../../../src/orchestrator/history/merge-history.js';
import { T0, daemon, fault, probe, runner, summary } from '../fixtures.js';

describe('mergeHistory (one timeline from every source)', () => {
  it('sorts entries of all sources by t', () => {
    const faults = [fault(T0 + 5000, 'start'), fault(T0 + 7000, 'end')];
    const probes = [probe(T0 + 1000, { event: 'progress', bytes: 1 }), probe(T0 + 6000, { event: 'progress', bytes: 2 })];
    const daemons = [daemon(T0 + 5500, 'lb2', 'became-master')];
    const merged = mergeEntries([faults, probes, daemons]);
    assert.deepEqual(
      merged.map((e) => e.t - T0),
      [1000, 5000, 5500, 6000, 7000],
    );
  });

  it('is stable: equal times keep list order, then in-list order', () => {
    const a = [runner(T0, 'a1'), runner(T0, 'a2')];
    const b = [runner(T0, 'b1')];
    const c = [runner(T0 - 1, 'c0'), runner(T0, 'c1')];
    const merged = mergeEntries([a, b, c]).map((e) => (e.kind === 'runner' ? e.event : ''));
    assert.deepEqual(merged, ['c0', 'a1', 'a2', 'b1', 'c1']);
  });

  it('defaults start/end to the entry span and keeps given bounds and streams', () => {
    const h = mergeHistory({ entries: [[runner(T0 + 10, 'x')], [runner(T0 + 90, 'y')]] });
    assert.equal(h.startMs, T0 + 10);
    assert.equal(h.endMs, T0 + 90);
    const given = mergeHistory({ entries: [[runner(T0 + 10, 'x')]], streams: [summary()], startMs: T0, endMs: T0 + 500 });
    assert.equal(given.startMs, T0);
    assert.equal(given.endMs, T0 + 500);
    assert.equal(given.streams.length, 1);
  });

  it('handles no entries at all', () => {
    const h = mergeHistory({ entries: [] });
    assert.deepEqual(h, { entries: [], streams: [], startMs: 0, endMs: 0 });
  });
});
