import { strict as assert } from 'node:assert';
import { ChecksConfigSchema, checksFromConfig } from '../../../../src/orchestrator/checker/checks-from-config.js';
import { Checks } from '../../../../src/orchestrator/checker/checks.js';
import { splitBrainHeal } from '../../../../src/orchestrator/checker/split-brain-heal.js';
import type { HistoryEntry } from '../../../../src/orchestrator/history/history-types.js';
import { T0, arpPacket as arp, daemon, fault as faultAt, history } from '../fixtures.js';

const VIP = '198.18.7.100';
const BYSTANDER = '198.18.7.13';
const S1 = '02:00:5e:07:00:11';
const S2 = '02:00:5e:07:00:12';
const S3 = '02:00:5e:07:00:13';

const mode = (ms: number, node: string, mac: string, to: string) => daemon(T0 + ms, node, 'mode', { vip: VIP, mac, from: 'x', to });
const pathUp = (ms: number, node: string, peer: string, oneWayMs = 0.2, path = 'hb') =>
  daemon(T0 + ms + 0.5, node, 'path-up', { peer, path, sentMs: T0 + ms - oneWayMs, heardMs: T0 + ms });
const fault = (ms: number, phase: 'start' | 'end') => faultAt(T0 + ms, phase, 'partition-1', 'partition', ['s1', 's2']);
const garp = (ms: number, mac: string) => arp(ms, 'request', mac, VIP, VIP, 's3:eth1');
const answer = (ms: number, mac: string) => arp(ms, 'reply', mac, VIP, BYSTANDER, 's3:eth1', S3);

/** s1 ACTIVE, s2 takes over during a 2 s partition (1000–3000 ms); the heal's tail is the test's. */
const heal = (tail: HistoryEntry[]) =>
  history([
    mode(100, 's1', S1, 'ACTIVE'),
    mode(110, 's2', S2, 'STANDBY'),
    fault(1000, 'start'),
    mode(1300, 's2', S2, 'ACTIVE'),
    garp(1301, S2),
    answer(1400, S2),
    fault(3000, 'end'),
    ...tail,
  ]);

describe('split-brain checks', () => {
  describe('splitBrainHeal', () => {
    it('names the nodes ACTIVE at the heal, the first crossing (after the fault began), the loser and the winner', () => {
      const h = splitBrainHeal(heal([pathUp(2999.5, 's1', 's2', 0.5), pathUp(3001, 's2', 's1'), mode(3001.4, 's2', S2, 'STANDBY')]), VIP)!;
      assert.deepEqual(
        h.active.map((a) => a.node),
        ['s2', 's1'],
      );
      assert.deepEqual(h.crossing, { t: T0 + 2999.5, from: 's2', to: 's1', path: 'hb', oneWayMs: 0.5 });
      assert.equal(h.endT, T0 + 3001.4);
      assert.deepEqual(h.winner, { node: 's1', mac: S1 });
      assert.deepEqual(h.losers, [{ node: 's2', mac: S2, t: T0 + 3001.4 }]);
      assert.equal(h.healT, T0 + 2999.5, 'the heal began with the first crossing');
    });

    it('sees the split brain even when the loser stepped down before the heal was recorded', () => {
      assert.equal(splitBrainHeal(heal([]), VIP)!.healT, T0 + 3000, 'without crossings: the recorded end');
      const early = history([
        ...heal([]).entries.filter((e) => e.kind !== 'fault' || e.phase === 'start'),
        pathUp(2980, 's2', 's1'),
        mode(2980.6, 's2', S2, 'STANDBY'),
        fault(2990, 'end'),
      ]);
      const r = Checks.splitBrainOver({ vip: VIP, withinMs: 10 }).check(early);
      assert.equal(r.valid, true, r.detail);
      assert.match(r.detail, /over 0\.6 ms after the first heartbeat s1 → s2/);
    });
  });

  describe('splitBrainOver', () => {
    const check = Checks.splitBrainOver({ vip: VIP, withinMs: 10 });

    it('passes when the loser steps down within a round trip + withinMs of the first crossing', () => {
      const r = check.check(heal([pathUp(3050, 's1', 's2'), mode(3060, 's2', S2, 'STANDBY')]));
      assert.equal(r.valid, true, r.detail);
      assert.match(
        r.detail,
        /split brain over 10 ms after the first heartbeat s2 → s1 on hb .* s2 at \+3\.060 s stepped down, s1 stayed; bound 0\.4 \+ 10 ms/,
      );
    });

    it("fails when the loser waits for the winner's next periodic beat", () => {
      const r = check.check(heal([pathUp(3050, 's1', 's2'), pathUp(3100, 's2', 's1'), mode(3100.5, 's2', S2, 'STANDBY')]));
      assert.equal(r.valid, false);
      assert.match(r.detail, /over 50\.5 ms after/);
    });

    it('fails when the split brain never ends; unknown without a split brain or without a crossing', () => {
      assert.equal(check.check(heal([pathUp(3050, 's1', 's2')])).valid, false);
      assert.equal(check.check(heal([mode(3010, 's2', S2, 'STANDBY')])).valid, 'unknown');
      const none = check.check(history([mode(100, 's1', S1, 'ACTIVE'), fault(1000, 'start'), fault(3000, 'end')]));
      assert.equal(none.valid, 'unknown');
      assert.match(none.detail, /no split brain when partition-1 healed: s1 ACTIVE/);
      assert.equal(check.check(history([mode(100, 's1', S1, 'ACTIVE')])).valid, 'unknown');
    });
  });

  describe('arpLoserSilent', () => {
    const check = Checks.arpLoserSilent({ vip: VIP });
    const healed = [pathUp(3050, 's1', 's2'), answer(3050.1, S2), mode(3050.6, 's2', S2, 'STANDBY'), garp(3051, S1)];

    it('passes when only the winner answers after its re-announce', () => {
      const r = check.check(heal([...healed, answer(3060, S1), answer(3070, S1)]));
      assert.equal(r.valid, true, r.detail);
      assert.match(r.detail, /2 answers for 198\.18\.7\.100 after s1's first announcement at \+3\.051 s, none from s2/);
    });

    it('fails on an answer by the loser after the re-announce, even one that came first', () => {
      const r = check.check(
        heal([pathUp(3050, 's1', 's2'), garp(3050.2, S1), answer(3060, S2), answer(3060.04, S1), mode(3100, 's2', S2, 'STANDBY')]),
      );
      assert.equal(r.valid, false);
      assert.match(
        r.detail,
        /1 ARP packets for 198\.18\.7\.100 from the loser after s1's first announcement at \+3\.050 s; first s2 02:00:5e:07:00:12 \(reply at \+3\.060 s on s3:eth1\)/,
      );
    });

    it('is unknown when nobody asked after the re-announce, when the winner never announced, or without packets', () => {
      assert.equal(check.check(heal(healed)).valid, 'unknown');
      assert.equal(check.check(heal([pathUp(3050, 's1', 's2'), mode(3050.6, 's2', S2, 'STANDBY'), answer(3060, S1)])).valid, 'unknown');
      assert.equal(check.check(history([mode(100, 's1', S1, 'ACTIVE'), fault(1000, 'start'), fault(3000, 'end')])).valid, 'unknown');
    });
  });

  describe('singleArpOwner untilSplitBrainEnds', () => {
    const tail = [pathUp(3050, 's1', 's2'), answer(3050.1, S2), mode(3050.6, 's2', S2, 'STANDBY'), garp(3051, S1), answer(3060, S1)];

    it("tolerates the loser's answers until it steps down, none after", () => {
      const spec = { vip: VIP, allowDuringFaults: ['partition'], untilSplitBrainEnds: true, graceMs: 0 };
      const r = Checks.singleArpOwner(spec).check(heal(tail));
      assert.equal(r.valid, true, r.detail);
      assert.match(r.detail, /3 claims during partition-1 \(until its split brain ended \+0 ms grace\) not judged/);
      assert.equal(Checks.singleArpOwner(spec).check(heal([...tail, answer(3070, S2)])).valid, false, 'the loser after stepping down');
      assert.equal(
        Checks.singleArpOwner({ ...spec, untilSplitBrainEnds: false }).check(heal(tail)).valid,
        false,
        'without it, the answer between the heal and the step-down counts',
      );
    });
  });

  it('the checks section takes splitBrainOver, arpLoserSilent and untilSplitBrainEnds, and refuses unknown keys', () => {
    const config = ChecksConfigSchema.parse({
      splitBrainOver: { vip: VIP, withinMs: 10 },
      arpLoserSilent: [{ vip: VIP, afterFault: 'partition' }],
      singleArpOwner: { vip: VIP, allowDuringFaults: ['partition'], untilSplitBrainEnds: true },
    });
    assert.deepEqual(
      checksFromConfig(config).map((c) => c.name),
      ['single-arp-owner[198.18.7.100]', 'split-brain-over[198.18.7.100]', 'arp-loser-silent[198.18.7.100]'],
    );
    assert.equal(ChecksConfigSchema.safeParse({ splitBrainOver: { vip: VIP } }).success, false, 'withinMs is required');
    assert.equal(ChecksConfigSchema.safeParse({ arpLoserSilent: { vip: VIP, graceMs: 1 } }).success, false);
  });
});
