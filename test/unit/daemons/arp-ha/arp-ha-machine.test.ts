import { strict as assert } from 'node:assert';
import { ArpHaMachine, type Action, type MachineConfig } from '../../../../src/daemons/arp-ha/arp-ha-machine.js';
import type { Heartbeat, Mode } from '../../../../src/daemons/arp-ha/heartbeat-codec.js';

const DEAD = 300;
const cfg = (node: string, mac: string, extra: Partial<MachineConfig> = {}, preempt = false): MachineConfig => ({
  node,
  mac,
  paths: ['hb', 'lan'],
  deadMs: DEAD,
  groups: [{ name: 'web', vip: '198.18.7.100', priority: 100, preempt }],
  ...extra,
});
const hb = (node: string, mac: string, mode: Mode, seq = 1, extra: Partial<Heartbeat['groups'][number]> = {}): Heartbeat => ({
  v: 1,
  node,
  boot: 'b1',
  seq,
  sentMs: 0,
  groups: [{ group: 'web', mode, priority: 100, mac, eligible: true, ...extra }],
});
const A = '02:00:00:00:00:01';
const B = '02:00:00:00:00:02';
const modes = (actions: Action[]) => actions.flatMap((a) => (a.type === 'set-mode' ? [`${a.from}->${a.to}`] : []));
const events = (actions: Action[]) => actions.flatMap((a) => (a.type === 'event' ? [a.event] : []));

describe('arp-ha state machine', () => {
  it('alone: INITIAL waits one dead interval, then goes ACTIVE', () => {
    const m = new ArpHaMachine(cfg('a', '02:00:00:00:00:01'), 0);
    assert.deepEqual(modes(m.onTick(100)), []);
    assert.deepEqual(modes(m.onTick(DEAD)), ['INITIAL->ACTIVE']);
  });

  it('booting together: the lower MAC becomes ACTIVE, the other STANDBY', () => {
    const a = new ArpHaMachine(cfg('a', '02:00:00:00:00:01'), 0);
    const b = new ArpHaMachine(cfg('b', '02:00:00:00:00:02'), 0);
    a.onHeartbeat('hb', hb('b', '02:00:00:00:00:02', 'INITIAL'), 50);
    b.onHeartbeat('hb', hb('a', '02:00:00:00:00:01', 'INITIAL'), 50);
    a.onHeartbeat('hb', hb('b', '02:00:00:00:00:02', 'INITIAL', 2), 250);
    b.onHeartbeat('hb', hb('a', '02:00:00:00:00:01', 'INITIAL', 2), 250);
    assert.deepEqual(modes(a.onTick(DEAD)), ['INITIAL->ACTIVE']);
    assert.deepEqual(modes(b.onTick(DEAD)), ['INITIAL->STANDBY']);
  });

  it('priority beats MAC', () => {
    const b = new ArpHaMachine({ ...cfg('b', '02:00:00:00:00:02'), groups: [{ name: 'web', vip: 'v', priority: 200, preempt: false }] }, 0);
    b.onHeartbeat('hb', hb('a', '02:00:00:00:00:01', 'INITIAL'), 250);
    assert.deepEqual(modes(b.onTick(DEAD)), ['INITIAL->ACTIVE']);
  });

  it('joining a group with an ACTIVE peer: STANDBY at once, no announcement (no preemption)', () => {
    const a = new ArpHaMachine(cfg('a', '02:00:00:00:00:01'), 0);
    const actions = a.onHeartbeat('hb', hb('b', '02:00:00:00:00:02', 'ACTIVE'), 10);
    assert.deepEqual(modes(actions), ['INITIAL->STANDBY']);
    assert.ok(!actions.some((x) => x.type === 'announce'));
    assert.deepEqual(modes(a.onTick(5000 + 10)), ['STANDBY->ACTIVE'], 'and takes over only when the active is gone');
  });

  it('takes over only when every path has lost the active peer', () => {
    const s = new ArpHaMachine(cfg('b', '02:00:00:00:00:02'), 0);
    s.onHeartbeat('hb', hb('a', '02:00:00:00:00:01', 'ACTIVE', 1), 0);
    s.onHeartbeat('lan', hb('a', '02:00:00:00:00:01', 'ACTIVE', 1), 0);
    for (let t = 100, seq = 2; t <= 1000; t += 100, seq++) {
      const acts = [...s.onHeartbeat('lan', hb('a', '02:00:00:00:00:01', 'ACTIVE', seq), t), ...s.onTick(t)];
      assert.deepEqual(modes(acts), [], `no takeover at ${t} while the LAN path lives`);
    }
    assert.deepEqual(events(s.onTick(1000)), []);
    const later = s.onTick(1000 + DEAD + 1);
    assert.deepEqual(
      events(later).filter((e) => e === 'peer-down'),
      ['peer-down'],
    );
    assert.deepEqual(modes(later), ['STANDBY->ACTIVE']);
  });

  it('reports each path going down once and coming back', () => {
    const s = new ArpHaMachine(cfg('b', '02:00:00:00:00:02'), 0);
    s.onHeartbeat('hb', hb('a', '02:00:00:00:00:01', 'ACTIVE', 1), 0);
    s.onHeartbeat('lan', hb('a', '02:00:00:00:00:01', 'ACTIVE', 1), 350);
    assert.deepEqual(events(s.onTick(400)), ['path-down']);
    assert.deepEqual(events(s.onTick(500)), []);
    assert.deepEqual(events(s.onHeartbeat('hb', hb('a', '02:00:00:00:00:01', 'ACTIVE', 2), 550)), ['path-up']);
  });

  it('three servers: exactly the best standby takes over', () => {
    const make = (node: string, mac: string) => {
      const m = new ArpHaMachine(cfg(node, mac), 0);
      m.onHeartbeat('hb', hb('a', '02:00:00:00:00:01', 'ACTIVE'), 0);
      return m;
    };
    const b = make('b', '02:00:00:00:00:02');
    const c = make('c', '02:00:00:00:00:03');
    b.onHeartbeat('hb', hb('c', '02:00:00:00:00:03', 'STANDBY'), 0);
    c.onHeartbeat('hb', hb('b', '02:00:00:00:00:02', 'STANDBY'), 0);
    // a dies; b and c keep hearing each other.
    b.onHeartbeat('hb', hb('c', '02:00:00:00:00:03', 'STANDBY', 2), 300);
    c.onHeartbeat('hb', hb('b', '02:00:00:00:00:02', 'STANDBY', 2), 300);
    assert.deepEqual(modes(b.onTick(350)), ['STANDBY->ACTIVE']);
    assert.deepEqual(modes(c.onTick(350)), []);
  });

  /** Two nodes both ACTIVE after their heartbeats were cut: a outranks b (lower MAC). */
  const splitBrain = (extra: Partial<MachineConfig> = {}) => {
    const a = new ArpHaMachine(cfg('a', A, extra), 0);
    const b = new ArpHaMachine(cfg('b', B, extra), 0);
    a.onHeartbeat('hb', hb('b', B, 'INITIAL'), 0);
    b.onHeartbeat('hb', hb('a', A, 'INITIAL'), 0);
    assert.deepEqual([...modes(a.onTick(DEAD)), ...modes(b.onTick(DEAD))], ['INITIAL->ACTIVE', 'INITIAL->STANDBY']);
    // The heartbeats are cut: b takes over too.
    a.onTick(2 * DEAD + 1);
    assert.deepEqual(modes(b.onTick(2 * DEAD + 1)), ['STANDBY->ACTIVE']);
    return { a, b };
  };
  const announces = (actions: Action[]) => actions.filter((x) => x.type === 'announce').length;
  const kinds = (actions: Action[]) => actions.map((x) => (x.type === 'event' ? x.event : x.type));

  it("split brain, the loser's beat crosses first: the winner beats at once and re-announces only once the loser is silent", () => {
    const { a, b } = splitBrain();
    const aSeesB = a.onHeartbeat('hb', hb('b', B, 'ACTIVE'), 1000);
    assert.deepEqual(modes(aSeesB), []);
    assert.deepEqual(kinds(aSeesB), ['path-up', 'peer-up', 'split-brain', 'send-heartbeat'], 'a heartbeat now, no announcement yet');
    const bSeesA = b.onHeartbeat('hb', hb('a', A, 'ACTIVE'), 1000.2);
    assert.deepEqual(kinds(bSeesA), ['path-up', 'peer-up', 'split-brain', 'set-mode', 'send-heartbeat'], 'gate shut, then it says so');
    assert.deepEqual(modes(bSeesA), ['ACTIVE->STANDBY']);
    assert.equal(announces(bSeesA), 0, 'the loser never announces');
    assert.equal(announces(a.onHeartbeat('hb', hb('b', B, 'ACTIVE', 2), 1000.3)), 0, 'a beat the loser sent before stepping down');
    const ack = a.onHeartbeat('hb', hb('b', B, 'STANDBY', 3), 1000.4);
    assert.deepEqual(
      ack.flatMap((x) => (x.type === 'announce' ? [x.reason] : [])),
      ['re-announcing after a split brain'],
    );
    assert.equal(announces([...a.onTick(1100), ...a.onHeartbeat('hb', hb('b', B, 'STANDBY', 4), 1100)]), 0, 'once');
  });

  it("split brain, the winner's beat crosses first: the loser demotes; the winner re-announces on its STANDBY beat", () => {
    const { a, b } = splitBrain();
    assert.deepEqual(modes(b.onHeartbeat('hb', hb('a', A, 'ACTIVE'), 1000)), ['ACTIVE->STANDBY']);
    const back = a.onHeartbeat('hb', hb('b', B, 'STANDBY'), 1000.2);
    assert.deepEqual(kinds(back), ['path-up', 'peer-up', 'announce']);
    assert.equal(announces(a.onTick(1100)), 0);
  });

  it('split brain: without word from the loser, the winner re-announces after reannounceWaitMs, and again once the loser yields', () => {
    const { a } = splitBrain({ reannounceWaitMs: 25 });
    a.onHeartbeat('hb', hb('b', B, 'ACTIVE'), 1000);
    assert.equal(announces(a.onTick(1024)), 0);
    assert.equal(announces(a.onTick(1025)), 1);
    assert.equal(announces([...a.onTick(1050), ...a.onHeartbeat('hb', hb('b', B, 'ACTIVE', 2), 1060)]), 0, 'not while waiting on');
    assert.equal(announces(a.onHeartbeat('hb', hb('b', B, 'STANDBY', 3), 1100)), 1, 'it may have answered meanwhile');
  });

  it('the default wait is a tenth of the dead interval', () => {
    const { a } = splitBrain();
    a.onHeartbeat('hb', hb('b', B, 'ACTIVE'), 1000);
    assert.equal(announces(a.onTick(1000 + DEAD / 10 - 1)), 0);
    assert.equal(announces(a.onTick(1000 + DEAD / 10)), 1);
  });

  it('a start-up split brain (each chose before hearing the other) resolves the same way: the loser silent before the re-announce', () => {
    const a = new ArpHaMachine(cfg('a', A), 0);
    const b = new ArpHaMachine(cfg('b', B), 0);
    assert.deepEqual([...modes(a.onTick(DEAD)), ...modes(b.onTick(DEAD))], ['INITIAL->ACTIVE', 'INITIAL->ACTIVE']);
    assert.deepEqual(kinds(a.onHeartbeat('hb', hb('b', B, 'ACTIVE'), DEAD + 5)), ['path-up', 'peer-up', 'split-brain', 'send-heartbeat']);
    assert.deepEqual(kinds(b.onHeartbeat('hb', hb('a', A, 'ACTIVE'), DEAD + 6)), [
      'path-up',
      'peer-up',
      'split-brain',
      'set-mode',
      'send-heartbeat',
    ]);
    assert.equal(announces(a.onHeartbeat('hb', hb('b', B, 'STANDBY', 2), DEAD + 7)), 1);
  });

  it('path-up names when the first beat was sent and heard (the checks time the first crossing)', () => {
    const { a } = splitBrain();
    const up = a.onHeartbeat('lan', { ...hb('b', B, 'STANDBY'), sentMs: 999.5 }, 1000).find((x) => x.type === 'event');
    assert.deepEqual(up, { type: 'event', event: 'path-up', data: { peer: 'b', path: 'lan', sentMs: 999.5, heardMs: 1000 } });
  });

  it('re-announces when a peer it had lost comes back, before any ACTIVE is seen', () => {
    const a = new ArpHaMachine(cfg('a', '02:00:00:00:00:01'), 0);
    a.onHeartbeat('hb', hb('b', '02:00:00:00:00:02', 'STANDBY'), 0);
    a.onTick(DEAD);
    assert.equal(a.status(DEAD).groups[0]!.mode, 'ACTIVE');
    assert.ok(events(a.onTick(DEAD + 400)).includes('peer-down'));
    const back = a.onHeartbeat('hb', hb('b', '02:00:00:00:00:02', 'STANDBY', 2), 2000);
    assert.deepEqual(
      back.filter((x) => x.type === 'announce').map((x) => x.type === 'announce' && x.reason),
      ['re-announcing after a split brain'],
    );
  });

  it('preempt: a better node takes the VIP back; without it, it stays standby', () => {
    const withPreempt = new ArpHaMachine(cfg('a', '02:00:00:00:00:01', {}, true), 0);
    withPreempt.onHeartbeat('hb', hb('b', '02:00:00:00:00:02', 'ACTIVE'), 10);
    assert.deepEqual(modes(withPreempt.onHeartbeat('hb', hb('b', '02:00:00:00:00:02', 'ACTIVE', 2), 110)), ['STANDBY->ACTIVE']);
    const without = new ArpHaMachine(cfg('a', '02:00:00:00:00:01'), 0);
    without.onHeartbeat('hb', hb('b', '02:00:00:00:00:02', 'ACTIVE'), 10);
    assert.deepEqual(modes(without.onHeartbeat('hb', hb('b', '02:00:00:00:00:02', 'ACTIVE', 2), 110)), []);
  });

  it('a failing application check demotes the active and keeps it from being chosen', () => {
    const a = new ArpHaMachine(cfg('a', '02:00:00:00:00:01'), 0);
    a.onTick(DEAD);
    assert.deepEqual(modes(a.onCheck(undefined, false, 400)), ['ACTIVE->STANDBY']);
    assert.equal(a.adverts()[0]!.eligible, false);
    assert.deepEqual(modes(a.onTick(2000)), [], 'ineligible: does not take the VIP even alone');
    assert.deepEqual(modes(a.onCheck(undefined, true, 2100)), ['STANDBY->ACTIVE']);
  });
});
