import { strict as assert } from 'node:assert';
import { ChecksConfigSchema, checksFromConfig } from '../../../../src/orchestrator/checker/checks-from-config.js';
import { T0, fault, history, probe, summary } from '../fixtures.js';

describe('checks config (scenario `checks:` section)', () => {
  const full = {
    maxGapMs: 2300,
    resets: { max: 0 },
    reconnects: { max: 0 },
    bytesLost: 0,
    bytesDuplicated: 0,
    bytesCorrupt: 0,
    bytesReordered: 0,
    handshakeFailures: 0,
    gap: { expectedMs: 2000, toleranceMs: 300, count: 1 },
    noFailedStreams: true,
    streamsEstablished: 2,
    stallDetectedWithinMs: 1500,
    invariants: [
      { name: 'no probe resets', count: { kind: 'probe', event: 'reset' }, max: 0 },
      { name: 'never two masters', never: { kind: 'daemon', event: 'split-brain' } },
    ],
  };

  it('accepts the documented example and builds one checker per entry, in a fixed order', () => {
    const config = ChecksConfigSchema.parse(full);
    const names = checksFromConfig(config).map((c) => c.name);
    assert.deepEqual(names, [
      'streams-established',
      'no-failed-streams',
      'max-gap',
      'gap-within',
      'stall-detected-within',
      'resets',
      'reconnects',
      'bytes-lost',
      'bytes-duplicated',
      'bytes-corrupt',
      'bytes-reordered',
      'handshake-failures',
      'no probe resets',
      'never two masters',
    ]);
  });

  it('numeric shorthand means max (min for streamsEstablished)', () => {
    const checkers = checksFromConfig(ChecksConfigSchema.parse({ resets: 0, reconnects: 1, streamsEstablished: 1 }));
    const h = history([], [summary({ resets: 1, reconnects: 1 })]);
    const results = Object.fromEntries(checkers.map((c) => [c.name, c.check(h)]));
    assert.equal(results['resets']!.valid, false);
    assert.equal(results['reconnects']!.valid, true);
    assert.match(results['reconnects']!.detail, /≤ 1/);
    assert.equal(results['streams-established']!.valid, true);
  });

  it('runs invariants from config against the history', () => {
    const [check] = checksFromConfig(
      ChecksConfigSchema.parse({ invariants: [{ name: 'no resets', count: { kind: 'probe', event: 'reset' }, max: 0 }] }),
    );
    const h = history([probe(T0, { event: 'reset', offset: 0, error: 'ECONNRESET' })]);
    assert.equal(check!.check(h).valid, false);
  });

  it('scopes count and never invariants to a window given by after/until entry filters', () => {
    const [count, nev] = checksFromConfig(
      ChecksConfigSchema.parse({
        invariants: [
          {
            name: 'resets after the fault',
            count: { kind: 'probe', event: 'reset' },
            min: 1,
            max: 1,
            after: { kind: 'fault', event: 'start' },
          },
          { name: 'none before it', never: { kind: 'probe', event: 'reset' }, until: { kind: 'fault', event: 'start' } },
        ],
      }),
    );
    const h = history([
      fault(T0 + 100, 'start', 'kill-1', 'kill', ['srv']),
      probe(T0 + 200, { event: 'reset', offset: 0, error: 'ECONNRESET' }),
    ]);
    assert.equal(count!.check(h).valid, true);
    assert.equal(nev!.check(h).valid, true);
    assert.equal(
      ChecksConfigSchema.safeParse({
        invariants: [{ name: 'x', count: { kind: 'probe' }, max: 0, after: { kind: 'fault', evnt: 'start' } }],
      }).success,
      false,
    );
  });

  it('rejects unknown or misspelt keys at every level', () => {
    assert.equal(ChecksConfigSchema.safeParse({ maxGap: 2000 }).success, false);
    assert.equal(ChecksConfigSchema.safeParse({ resets: { maximum: 0 } }).success, false);
    assert.equal(ChecksConfigSchema.safeParse({ gap: { expectedMs: 1, toleranceMs: 1, cnt: 1 } }).success, false);
    assert.equal(
      ChecksConfigSchema.safeParse({ invariants: [{ name: 'x', count: { kind: 'probe', evnt: 'reset' }, max: 0 }] }).success,
      false,
    );
  });

  it('rejects bad values with a message a scenario author can act on', () => {
    assert.equal(ChecksConfigSchema.safeParse({ resets: -1 }).success, false);
    assert.equal(ChecksConfigSchema.safeParse({ maxGapMs: 0 }).success, false);
    assert.equal(ChecksConfigSchema.safeParse({ reconnects: {} }).success, false);
    assert.equal(ChecksConfigSchema.safeParse({ reconnects: { min: 3, max: 1 } }).success, false);
    assert.equal(ChecksConfigSchema.safeParse({ invariants: [{ name: 'x', count: { kind: 'probe' } }] }).success, false);
    const wrongKey = ChecksConfigSchema.safeParse({ invariants: [{ name: 'x', never: { kind: 'probe', daemon: 'arp-ha' } }] });
    assert.equal(wrongKey.success, false);
    if (!wrongKey.success) assert.ok(wrongKey.error.issues.some((i) => /daemon does not apply to kind 'probe'/.test(i.message)));
  });

  it('an empty section is valid and asks for nothing', () => {
    assert.deepEqual(checksFromConfig(ChecksConfigSchema.parse({})), []);
  });
});
