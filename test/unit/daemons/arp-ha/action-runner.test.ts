import { strict as assert } from 'node:assert';
import { manualClock } from '../../../../src/common/clock.js';
import { ActionRunner, type ActionEffects } from '../../../../src/daemons/arp-ha/action-runner.js';
import { AppLink } from '../../../../src/daemons/arp-ha/app-link.js';
import type { Action } from '../../../../src/daemons/arp-ha/arp-ha-machine.js';
import type { TakeoverCheckpoint } from '../../../../src/daemons/arp-ha/heartbeat-codec.js';
import { arpHaConfig } from './arp-ha-fixtures.js';

const CONFIG = arpHaConfig([
  '{ name: web, vip: 198.18.7.100, iface: eth1, garp: { count: 3, intervalMs: 2 }, takeover: { port: 7000, app: "127.0.0.1:1" } }',
  '{ name: api, vip: 198.18.7.101, iface: eth2, fastFail: { port: 8000 } }',
]);
const MAC = '02:00:00:00:00:01';
/** eth2's: each group announces with its own interface's MAC. */
const MAC2 = '02:00:00:00:00:02';
const CP: TakeoverCheckpoint = { client: '198.18.7.1:40000', server: '198.18.7.100:7000', firstSeq: 1 };

const toActive = (group: string, vip: string): Action => ({
  type: 'set-mode',
  group,
  vip,
  from: 'STANDBY',
  to: 'ACTIVE',
  reason: 'peer dead',
});
const fastFail = (group: string, vip: string, port: number, clients: string[], checkpoints: TakeoverCheckpoint[]): Action => ({
  type: 'fast-fail',
  group,
  vip,
  port,
  clients,
  checkpoints,
});

/** Effects that log each call and take the time a real one takes on the manual clock. */
const setUp = (fail: Partial<Record<keyof ActionEffects, boolean>> = {}, withNotify = false) => {
  const clock = manualClock(1_700_000_000_000);
  const calls: string[] = [];
  const events: { event: string; [k: string]: unknown }[] = [];
  const active = new Set<string>();
  let heartbeats = 0;
  /** When each event and heartbeat left, on the manual clock. */
  const stamps: { what: string; at: number }[] = [];
  /** The later announcements, run when the test says their time has come. */
  const scheduled: { fn: () => void; ms: number }[] = [];
  const effects: ActionEffects = {
    setArpMode: (vip, on, hold) => {
      calls.push(`gate ${vip} ${on ? 'open' : 'shut'}${hold ? ` hold ${hold.port}` : ''}`);
      clock.advance(2);
      return fail.setArpMode ? Promise.reject(new Error('nft refused')) : Promise.resolve();
    },
    announce: (vip, iface, mac, count) => {
      calls.push(`announce ${vip} ${iface} ×${count}`);
      clock.advance(1);
      return Promise.resolve();
    },
    releaseHold: (vip, port) => {
      calls.push(`release ${vip}:${port}`);
      return Promise.resolve();
    },
    takeOver: async (o) => {
      calls.push(`takeover ${o.vip}:${o.port} ${o.checkpoints.length} checkpoint(s)`);
      clock.advance(30);
      await o.releaseHold();
      if (fail.takeOver) throw new Error('raw socket refused');
      return { startedAt: clock.nowMs(), nudged: 1, answered: 1, restored: 1, reset: [], answerMs: 10, restoreMs: 20 };
    },
    nudgeClients: (vip, port, clients) => {
      calls.push(`nudge ${vip}:${port} ${clients.join(' ')}`);
      return clients.length;
    },
  };
  const runner = new ActionRunner({
    groups: CONFIG.groups,
    macs: new Map([
      ['eth1', MAC],
      ['eth2', MAC2],
    ]),
    apps: new Map([['web', new AppLink('127.0.0.1:1')]]),
    isActive: (g) => active.has(g),
    sendHeartbeat: () => {
      heartbeats++;
      stamps.push({ what: 'heartbeat', at: clock.nowMs() });
    },
    emit: (event, data = {}) => {
      events.push({ event, ...data });
      stamps.push({ what: event, at: clock.nowMs() });
    },
    clock,
    effects,
    later: (fn, ms) => scheduled.push({ fn, ms }),
    ...(withNotify
      ? {
          notify: (c: Extract<Action, { type: 'set-mode' }>, decidedMs: number) =>
            calls.push(`notify ${c.group} ${c.to} decided at ${decidedMs}`),
        }
      : {}),
  });
  return { runner, calls, events, active, scheduled, stamps, clock, heartbeats: () => heartbeats };
};

describe('arp-ha action runner', () => {
  it('a takeover: gate opened with the resets held, one announcement, then the rebuild; where its time went', async () => {
    const { runner, calls, events, active } = setUp();
    active.add('web');
    runner.run([toActive('web', '198.18.7.100'), fastFail('web', '198.18.7.100', 7000, [CP.client, '198.18.7.1:40001'], [CP])]);
    await runner.idle();
    assert.deepEqual(
      calls,
      [
        'gate 198.18.7.100 open hold 7000',
        'announce 198.18.7.100 eth1 ×1',
        'takeover 198.18.7.100:7000 1 checkpoint(s)',
        'release 198.18.7.100:7000',
        'nudge 198.18.7.100:7000 198.18.7.1:40001',
      ],
      'released once; the client without a checkpoint gets fast fail',
    );
    assert.deepEqual(
      events.map((e) => e.event),
      ['mode', 'garp-sent', 'takeover', 'fast-fail'],
    );
    assert.deepEqual(events[2]!.stagesMs, { gate: 2, garp: 3, nudge: 3, done: 33 });
    assert.deepEqual(events[0], {
      event: 'mode',
      group: 'web',
      vip: '198.18.7.100',
      from: 'STANDBY',
      to: 'ACTIVE',
      reason: 'peer dead',
      mac: MAC,
      gateMs: 2,
    });
  });

  it('announces the rest of the GARP count in the background, only while still ACTIVE', async () => {
    const { runner, calls, active, scheduled } = setUp();
    active.add('web');
    runner.run([toActive('web', '198.18.7.100')]);
    await runner.idle();
    assert.deepEqual(
      scheduled.map((s) => s.ms),
      [2, 4],
      'two more, 2 ms apart',
    );
    assert.equal(calls.filter((c) => c.startsWith('announce')).length, 1, 'not before their time');
    scheduled.forEach((s) => s.fn());
    await runner.idle();
    assert.equal(calls.filter((c) => c.startsWith('announce')).length, 3);

    const demoted = setUp();
    demoted.active.add('web');
    demoted.runner.run([toActive('web', '198.18.7.100')]);
    await demoted.runner.idle();
    demoted.active.delete('web');
    demoted.scheduled.forEach((s) => s.fn());
    await demoted.runner.idle();
    assert.deepEqual(demoted.calls.filter((c) => c.startsWith('announce')).length, 1, 'a node that stepped down stays silent');
  });

  it('plain fast fail (no application): nudges every client; heartbeats, events and announcements as asked', async () => {
    const { runner, calls, events, heartbeats } = setUp();
    runner.run([
      fastFail('api', '198.18.7.101', 8000, ['198.18.7.1:1', '198.18.7.1:2'], []),
      { type: 'send-heartbeat' },
      { type: 'announce', group: 'api', vip: '198.18.7.101', reason: 'split brain' },
      { type: 'event', event: 'peer-down', data: { peer: 's2' } },
      { type: 'set-mode', group: 'api', vip: '198.18.7.101', from: 'ACTIVE', to: 'STANDBY', reason: 'outranked' },
    ]);
    await runner.idle();
    assert.deepEqual(calls, [
      'nudge 198.18.7.101:8000 198.18.7.1:1 198.18.7.1:2',
      'announce 198.18.7.101 eth2 ×1',
      'gate 198.18.7.101 shut',
    ]);
    assert.equal(heartbeats(), 1);
    assert.deepEqual(
      events.map((e) => e.event),
      ['fast-fail', 'garp-sent', 'peer-down', 'mode'],
    );
    assert.equal(events[0]!.clients, 2);
    assert.equal(events[1]!.mac, MAC2, "api lives on eth2: announced with eth2's MAC, not the first group's");
    assert.equal(events[3]!.mac, MAC2);
  });

  it("a split brain's re-announce: one pair now, the rest scheduled; what follows (a heartbeat) does not wait", async () => {
    const { runner, calls, events, active, scheduled, stamps, clock } = setUp();
    active.add('web');
    const start = clock.nowMs();
    runner.run([
      { type: 'announce', group: 'web', vip: '198.18.7.100', reason: 're-announcing after a split brain' },
      { type: 'send-heartbeat' },
    ]);
    await runner.idle();
    assert.deepEqual(calls, ['announce 198.18.7.100 eth1 ×1'], 'the second and third pairs are not sent in line');
    assert.deepEqual(
      scheduled.map((x) => x.ms),
      [2, 4],
    );
    assert.deepEqual(stamps, [
      { what: 'garp-sent', at: start + 1 },
      { what: 'heartbeat', at: start + 1 },
    ]);
    assert.deepEqual(events[0], {
      event: 'garp-sent',
      group: 'web',
      vip: '198.18.7.100',
      count: 3,
      mac: MAC,
      reason: 're-announcing after a split brain',
    });
    active.delete('web');
    scheduled.forEach((x) => x.fn());
    await runner.idle();
    assert.equal(calls.length, 1, 'demoted meanwhile: the scheduled pairs stay unsent');
  });

  it('a failed action is an error event; the hold is released and the next actions still run', async () => {
    const { runner, calls, events } = setUp({ takeOver: true, setArpMode: true });
    runner.run([fastFail('web', '198.18.7.100', 7000, [CP.client], [CP]), toActive('api', '198.18.7.101'), { type: 'send-heartbeat' }]);
    runner.run([{ type: 'event', event: 'after', data: {} }]);
    await runner.idle();
    assert.deepEqual(calls, ['takeover 198.18.7.100:7000 1 checkpoint(s)', 'release 198.18.7.100:7000', 'gate 198.18.7.101 open']);
    assert.deepEqual(
      events.map((e) => [e.event, e.error]),
      [
        ['error', 'raw socket refused'],
        ['error', 'nft refused'],
        ['after', undefined],
      ],
    );
  });

  it("tells the batch's mode changes once every gate is set and first announced: after both addresses, before a rebuild", async () => {
    const { runner, calls, active, clock } = setUp({}, true);
    active.add('web');
    active.add('api');
    const decided = clock.monotonicMs();
    runner.run([
      toActive('web', '198.18.7.100'),
      { type: 'send-heartbeat' },
      toActive('api', '198.18.7.101'),
      { type: 'send-heartbeat' },
      fastFail('web', '198.18.7.100', 7000, [CP.client], [CP]),
    ]);
    await runner.idle();
    assert.deepEqual(calls, [
      'gate 198.18.7.100 open hold 7000',
      'announce 198.18.7.100 eth1 ×1',
      'gate 198.18.7.101 open',
      'announce 198.18.7.101 eth2 ×1',
      `notify web ACTIVE decided at ${decided}`,
      `notify api ACTIVE decided at ${decided}`,
      'takeover 198.18.7.100:7000 1 checkpoint(s)',
      'release 198.18.7.100:7000',
    ]);
    const quiet = setUp({}, true);
    quiet.runner.run([{ type: 'send-heartbeat' }, { type: 'announce', group: 'web', vip: '198.18.7.100', reason: 'split brain' }]);
    await quiet.runner.idle();
    assert.deepEqual(quiet.calls, ['announce 198.18.7.100 eth1 ×1'], 'no mode change, nothing to tell');
  });
});
