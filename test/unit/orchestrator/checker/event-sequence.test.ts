import { strict as assert } from 'node:assert';
import { eventSequence } from '../../../../src/orchestrator/checker/event-count.js';
import { checksFromConfig, ChecksConfigSchema } from '../../../../src/orchestrator/checker/checks-from-config.js';
import { T0, daemon, history } from '../fixtures.js';

describe('eventSequence (a message order, exactly)', () => {
  const msg = (t: number, step: string) => daemon(T0 + t, 'coord', 'message', { step }, 'migration-coordinator');
  const ordered = history([msg(1, 'S701'), msg(2, 'S702'), daemon(T0 + 3, 'coord', 'ack', {}, 'migration-coordinator'), msg(4, 'S706')]);
  const spec = { kind: 'daemon' as const, event: 'message', field: 'step', equals: ['S701', 'S702', 'S706'] };

  it('holds for exactly the listed values in history order', () => {
    const r = eventSequence(spec).check(ordered);
    assert.equal(r.valid, true);
    assert.equal(r.detail, 'step: S701 → S702 → S706');
  });

  it('fails on a missing, an extra or a swapped value, showing both sequences', () => {
    const swapped = history([msg(1, 'S701'), msg(2, 'S706'), msg(3, 'S702')]);
    assert.match(String(eventSequence(spec).check(swapped).detail), /got S701 → S706 → S702, want S701 → S702 → S706/);
    assert.equal(eventSequence(spec).check(history([msg(1, 'S701'), msg(2, 'S702')])).valid, false);
    assert.equal(eventSequence(spec).check(history([msg(1, 'S701'), msg(2, 'S702'), msg(3, 'S706'), msg(4, 'S707')])).valid, false);
  });

  it('is an invariant form of a scenario file', () => {
    const config = ChecksConfigSchema.parse({
      invariants: [{ name: 'order', sequence: { kind: 'daemon', event: 'message' }, field: 'step', equals: ['S701'] }],
    });
    const [check] = checksFromConfig(config);
    assert.equal(check!.name, 'order');
    assert.throws(() => ChecksConfigSchema.parse({ invariants: [{ name: 'o', sequence: { kind: 'daemon' }, field: 'step', equals: [] }] }));
  });
});
