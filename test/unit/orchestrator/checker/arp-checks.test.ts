import { strict as assert } from 'node:assert';
import { ChecksConfigSchema, checksFromConfig } from '../../../../src/orchestrator/checker/checks-from-config.js';
import { Checks } from '../../../../src/orchestrator/checker/checks.js';
import type { HistoryEntry } from '../../../../src/orchestrator/history/history-types.js';
import { T0, arpPacket as arp, daemon, fault as faultAt, history } from '../fixtures.js';

const VIP = '198.18.7.100';
const CLIENT = '198.18.7.10';
const A = '02:00:00:00:00:0a'; // lb1
const B = '02:00:00:00:00:0b'; // lb2
const C = '02:00:00:00:00:0c'; // the client

/** A gratuitous announcement of the VIP by `mac`. */
const garp = (ms: number, mac: string, point?: string) => arp(ms, 'request', mac, VIP, VIP, point);
/** A reply for the VIP by `mac` to the client. */
const reply = (ms: number, mac: string, point?: string) => arp(ms, 'reply', mac, VIP, CLIENT, point, C);
/** The client asking who has the VIP (not a claim). */
const ask = (ms: number) => arp(ms, 'request', C, CLIENT, VIP);
const fault = (ms: number, phase: 'start' | 'end', id?: string, name?: string, targets?: string[]) =>
  faultAt(T0 + ms, phase, id, name, targets);
const mode = (ms: number, node: string, mac: string, to: string, vip = VIP) => daemon(T0 + ms, node, 'mode', { vip, mac, from: 'x', to });

describe('ARP checks', () => {
  describe('singleArpOwner', () => {
    it('is unknown when nobody claimed the VIP (client requests are not claims)', () => {
      const r = Checks.singleArpOwner({ vip: VIP }).check(history([ask(100), arp(200, 'reply', A, '198.18.7.1', CLIENT)]));
      assert.equal(r.valid, 'unknown');
      assert.match(r.detail, /no ARP claim for VIP 198\.18\.7\.100/);
    });

    it('passes a clean takeover: one owner, then another, never two within the window', () => {
      const h = history([
        garp(200, A),
        ask(1000),
        reply(1001, A),
        fault(5000, 'start', 'crash-1', 'crash', ['lb1']),
        garp(6000, B),
        reply(8000, B),
        fault(9000, 'end', 'crash-1', 'crash', ['lb1']),
        reply(12_000, B),
      ]);
      const r = Checks.singleArpOwner({ vip: VIP }).check(h);
      assert.equal(r.valid, true, r.detail);
      assert.equal(r.name, 'single-arp-owner[198.18.7.100]');
      assert.match(r.detail, /5 claims, owners in order 02:00:00:00:00:0a → 02:00:00:00:00:0b/);
    });

    it('does not hold a claim made just before its node went down against the new owner', () => {
      const h = history([
        mode(0, 'lb1', A, 'ACTIVE'),
        mode(0, 'lb2', B, 'STANDBY'),
        reply(4700, A),
        fault(5000, 'start', 'crash-1', 'crash', ['lb1']),
        garp(5300, B),
      ]);
      assert.equal(Checks.singleArpOwner({ vip: VIP }).check(h).valid, true);
      // The same claims without the crash in between are two owners at once.
      const split = history([mode(0, 'lb1', A, 'ACTIVE'), mode(0, 'lb2', B, 'STANDBY'), reply(4700, A), garp(5300, B)]);
      assert.equal(Checks.singleArpOwner({ vip: VIP }).check(split).valid, false);
    });

    it('counts one frame seen on several capture points once', () => {
      const h = history([garp(200, A, 'sw1:eth1'), garp(200.4, A, 'sw1:eth3'), garp(200.9, A, 'lb2:eth1'), garp(1200, A, 'sw1:eth1')]);
      assert.match(Checks.singleArpOwner({ vip: VIP }).check(h).detail, /: 2 claims,/);
    });

    it('fails when two MACs claim within the window, naming VIP, MACs, times and capture points', () => {
      const h = history([garp(200, A), reply(2000, A, 'lb1:eth1'), reply(2400, B, 'sw1:eth3'), reply(2500, A, 'lb1:eth1')]);
      const r = Checks.singleArpOwner({ vip: VIP }).check(h);
      assert.equal(r.valid, false);
      assert.match(r.detail, /VIP 198\.18\.7\.100 claimed by two MACs 400 ms apart \(window 1000 ms\)/);
      assert.match(
        r.detail,
        /02:00:00:00:00:0a \(reply at \+2\.000 s on lb1:eth1\) and 02:00:00:00:00:0b \(reply at \+2\.400 s on sw1:eth3\)/,
      );
      assert.match(r.detail, /2 conflicting claims in all/);
    });

    it('uses windowMs: claims 1.5 s apart pass a 1 s window and fail a 2 s one', () => {
      const h = history([reply(1000, A), reply(2500, B)]);
      assert.equal(Checks.singleArpOwner({ vip: VIP }).check(h).valid, true);
      assert.equal(Checks.singleArpOwner({ vip: VIP, windowMs: 2000 }).check(h).valid, false);
    });

    describe('during a partition', () => {
      const splitBrain: HistoryEntry[] = [
        garp(200, A),
        fault(5000, 'start', 'partition-1', 'partition', ['lb1', 'lb2']),
        garp(5900, B),
        reply(6000, A),
        reply(6100, B),
        reply(7000, A),
        reply(7050, B),
        fault(8000, 'end', 'partition-1', 'partition', ['lb1', 'lb2']),
        garp(8200, B), // the loser's last word, within the grace
      ];
      const allow = { vip: VIP, allowDuringFaults: ['partition'], graceMs: 300 };

      it('tolerates two owners while the partition lasts and for graceMs after', () => {
        const h = history([...splitBrain, reply(8900, A), reply(10_000, A)]);
        const r = Checks.singleArpOwner(allow).check(h);
        assert.equal(r.valid, true, r.detail);
        assert.match(r.detail, /6 claims during partition-1 \(\+300 ms grace\) not judged/);
        assert.equal(Checks.singleArpOwner({ vip: VIP }).check(h).valid, false, 'not tolerated unless asked');
        assert.equal(Checks.singleArpOwner({ ...allow, allowDuringFaults: ['partition-1'] }).check(h).valid, true, 'by instance id');
        assert.equal(Checks.singleArpOwner({ ...allow, allowDuringFaults: ['link-flap'] }).check(h).valid, false);
      });

      it('fails when both still claim after the grace', () => {
        const h = history([...splitBrain, reply(8500, A), reply(8600, B)]);
        const r = Checks.singleArpOwner(allow).check(h);
        assert.equal(r.valid, false);
        assert.match(r.detail, /100 ms apart.*\+8\.500 s.*\+8\.600 s/);
      });

      it('counts a partition that never ended as lasting to the end', () => {
        const h = history([garp(200, A), fault(5000, 'start', 'partition-1', 'partition'), reply(6000, A), reply(6100, B)]);
        assert.equal(Checks.singleArpOwner(allow).check(h).valid, true);
      });
    });
  });

  describe('arpSilentWhileStandby', () => {
    const election: HistoryEntry[] = [
      mode(0, 'lb1', A, 'INITIAL'),
      mode(0, 'lb2', B, 'INITIAL'),
      garp(80, A),
      mode(100, 'lb1', A, 'ACTIVE'),
      mode(100, 'lb2', B, 'STANDBY'),
      ask(1000),
      reply(1001, A),
      fault(5000, 'start', 'crash-1', 'crash', ['lb1']),
      garp(5999, B),
      mode(6000, 'lb2', B, 'ACTIVE'),
      garp(6001, B),
      reply(7000, B),
    ];

    it('passes when only ACTIVE nodes (or one about to log ACTIVE) speak for the VIP', () => {
      const r = Checks.arpSilentWhileStandby({ vip: VIP }).check(history(election));
      assert.equal(r.valid, true, r.detail);
      assert.equal(r.name, 'arp-silent-while-standby[198.18.7.100]');
      assert.match(r.detail, /5 ARP packets with sender 198\.18\.7\.100, all from ACTIVE nodes \(of lb1, lb2\)/);
    });

    it('fails on a claim from the standby, naming node, MAC, time, capture point and mode', () => {
      const r = Checks.arpSilentWhileStandby({ vip: VIP }).check(history([...election, reply(3000, B, 'lb2:eth1')]));
      assert.equal(r.valid, false);
      assert.match(
        r.detail,
        /1 ARP packets with sender 198\.18\.7\.100 from a node not ACTIVE: lb2 02:00:00:00:00:0b \(reply at \+3\.000 s on lb2:eth1\) while STANDBY \(since \+0\.100 s\)/,
      );
    });

    it('fails on a mere request with the VIP as sender from the standby (it poisons caches too)', () => {
      const r = Checks.arpSilentWhileStandby({ vip: VIP }).check(history([...election, arp(3000, 'request', B, VIP, CLIENT)]));
      assert.equal(r.valid, false);
      assert.match(r.detail, /lb2 .*request at \+3\.000 s/);
    });

    it('allows leadMs before the ACTIVE mode event, not more; before any mode event a node is INITIAL', () => {
      const early = [mode(0, 'lb1', A, 'INITIAL'), garp(30, A), mode(100, 'lb1', A, 'ACTIVE')];
      const r = Checks.arpSilentWhileStandby({ vip: VIP }).check(history(early));
      assert.equal(r.valid, false);
      assert.match(r.detail, /while INITIAL \(since \+0\.000 s\)/);
      assert.equal(Checks.arpSilentWhileStandby({ vip: VIP, leadMs: 70 }).check(history(early)).valid, true);
      const beforeAny = Checks.arpSilentWhileStandby({ vip: VIP }).check(history([garp(-500, B), mode(0, 'lb2', B, 'INITIAL')]));
      assert.match(beforeAny.detail, /INITIAL \(before its first mode event\)/);
    });

    it('fails when a demoted node keeps answering after logging STANDBY', () => {
      const h = history([...election, mode(9000, 'lb2', B, 'STANDBY'), reply(9500, B)]);
      assert.match(Checks.arpSilentWhileStandby({ vip: VIP }).check(h).detail, /while STANDBY \(since \+9\.000 s\)/);
    });

    it('matches MACs case-insensitively and keeps VIPs apart', () => {
      const h = history([mode(0, 'lb1', A.toUpperCase(), 'ACTIVE'), mode(0, 'lb1', A, 'STANDBY', '198.18.7.101'), garp(100, A)]);
      assert.equal(Checks.arpSilentWhileStandby({ vip: VIP }).check(h).valid, true);
    });

    it('is unknown without mode events for the VIP, without any capture, or for a MAC no mode event names', () => {
      const noModes = Checks.arpSilentWhileStandby({ vip: VIP }).check(
        history([garp(100, A), mode(0, 'lb1', A, 'ACTIVE', '198.18.7.101')]),
      );
      assert.equal(noModes.valid, 'unknown');
      assert.match(noModes.detail, /no arp-ha mode event for VIP 198\.18\.7\.100/);
      const noCapture = Checks.arpSilentWhileStandby({ vip: VIP }).check(history([mode(0, 'lb1', A, 'ACTIVE')]));
      assert.equal(noCapture.valid, 'unknown');
      assert.match(noCapture.detail, /no packets captured/);
      const stranger = Checks.arpSilentWhileStandby({ vip: VIP }).check(history([...election, garp(7500, '02:00:00:00:00:99')]));
      assert.equal(stranger.valid, 'unknown');
      assert.match(stranger.detail, /except from 02:00:00:00:00:99, which no arp-ha mode event names/);
    });
  });

  describe('arpOwnerAfter', () => {
    const failover: HistoryEntry[] = [
      mode(0, 'lb1', A, 'ACTIVE'),
      mode(0, 'lb2', B, 'STANDBY'),
      garp(100, A),
      fault(5000, 'start', 'crash-1', 'crash', ['lb1']),
      mode(6000, 'lb2', B, 'ACTIVE'),
      garp(6001, B),
      fault(9000, 'end', 'crash-1', 'crash', ['lb1']),
      mode(9500, 'lb1', A, 'STANDBY'),
    ];

    it('passes when the claims after the fault settle on the expected owner', () => {
      const h = history([...failover, reply(9200, B), reply(12_000, B)]);
      const r = Checks.arpOwnerAfter({ vip: VIP, node: 'lb2', withinMs: 1000 }).check(h);
      assert.equal(r.valid, true, r.detail);
      assert.match(
        r.detail,
        /owned by 02:00:00:00:00:0b within 1000 ms after crash-1 ended at \+9\.000 s: the one claim after \+10\.000 s/,
      );
      assert.equal(Checks.arpOwnerAfter({ vip: VIP, mac: B.toUpperCase(), withinMs: 1000 }).check(h).valid, true);
      assert.equal(Checks.arpOwnerAfter({ vip: VIP, withinMs: 5000 }).check(h).valid, true, 'only the last claim decides');
    });

    it('fails on preemption (the restarted node takes the VIP back) and on two owners after the settle time', () => {
      const pre = Checks.arpOwnerAfter({ vip: VIP, node: 'lb2', withinMs: 1000 }).check(
        history([...failover, garp(9400, A), reply(12_000, A)]),
      );
      assert.equal(pre.valid, false);
      assert.match(pre.detail, /owned by 02:00:00:00:00:0a after crash-1 .*\(want 02:00:00:00:00:0b, lb2\)/);
      const two = Checks.arpOwnerAfter({ vip: VIP, withinMs: 1000 }).check(history([...failover, reply(11_000, B), reply(12_000, A)]));
      assert.equal(two.valid, false);
      assert.match(two.detail, /still claimed by 2 MACs more than 1000 ms after crash-1/);
    });

    it("is unknown without an ended fault, without claims after it, or without the node's MAC", () => {
      assert.equal(Checks.arpOwnerAfter({ vip: VIP, withinMs: 1000 }).check(history([garp(100, A)])).valid, 'unknown');
      assert.equal(
        Checks.arpOwnerAfter({ vip: VIP, withinMs: 1000, afterFault: 'partition' }).check(history([...failover, reply(12_000, B)])).valid,
        'unknown',
      );
      assert.match(
        Checks.arpOwnerAfter({ vip: VIP, withinMs: 1000 }).check(history(failover)).detail,
        /no ARP claim for VIP .* after crash-1 ended/,
      );
      assert.match(
        Checks.arpOwnerAfter({ vip: VIP, node: 'lb3', withinMs: 1000 }).check(history([...failover, reply(12_000, B)])).detail,
        /gives lb3's MAC/,
      );
    });
  });

  describe('from the checks config', () => {
    it('accepts one object or a list per key and builds one checker per VIP', () => {
      const config = ChecksConfigSchema.parse({
        singleArpOwner: [{ vip: VIP, allowDuringFaults: ['partition'], graceMs: 300 }, { vip: '198.18.7.101' }],
        arpSilentWhileStandby: { vip: VIP },
        arpOwnerAfter: { vip: VIP, node: 'lb2', withinMs: 1000, afterFault: 'crash' },
      });
      assert.deepEqual(
        checksFromConfig(config).map((c) => c.name),
        [
          'single-arp-owner[198.18.7.100]',
          'single-arp-owner[198.18.7.101]',
          'arp-silent-while-standby[198.18.7.100]',
          'arp-owner-after[198.18.7.100 = lb2]',
        ],
      );
      const [allowing] = checksFromConfig(config);
      const h = history([
        fault(5000, 'start', 'partition-1', 'partition'),
        reply(6000, A),
        reply(6100, B),
        fault(8000, 'end', 'partition-1', 'partition'),
        reply(8200, A),
      ]);
      assert.equal(allowing!.check(h).valid, true);
    });

    it('is strict: misspelt keys, bad addresses, mac with node', () => {
      const bad = [
        { singleArpOwner: { vip: VIP, allowDuringFault: ['partition'] } },
        { singleArpOwner: { vip: '198.18.7' } },
        { singleArpOwner: [] },
        { singleArpOwner: { vip: VIP, graceMs: -1 } },
        { arpSilentWhileStandby: { vip: VIP, mac: A } },
        { arpOwnerAfter: { vip: VIP } },
        { arpOwnerAfter: { vip: VIP, withinMs: 10, mac: 'aa-bb' } },
        { arpOwnerAfter: { vip: VIP, withinMs: 10, mac: A, node: 'lb1' } },
      ];
      for (const config of bad) assert.equal(ChecksConfigSchema.safeParse(config).success, false, JSON.stringify(config));
    });
  });
});
