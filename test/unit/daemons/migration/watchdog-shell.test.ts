import { strict as assert } from 'node:assert';
import { manualClock } from '../../../../src/common/clock.js';
import type { Handover } from '../../../../src/daemons/migration/agent/agent-ops.js';
import { CoordinatorWatchdog } from '../../../../src/daemons/migration/agent/coordinator-watchdog.js';
import { HandoverLog } from '../../../../src/daemons/migration/agent/handover-log.js';
import { startWatchdog, trackBusy, type GatewayCalls } from '../../../../src/daemons/migration/agent/watchdog-shell.js';
import type { CoordinatorPhase } from '../../../../src/daemons/migration/protocol.js';

const tick = () => new Promise((r) => setTimeout(r, 30));

/** A frozen hand-over of m1, a gateway whose table says where taro is (or that does not answer), the watchdog armed by one keepalive. */
const setup = (phase: CoordinatorPhase, taroVlan: number | 'down', moveFails = false) => {
  const clock = manualClock();
  const calls: string[] = [];
  const events: { event: string; data?: Record<string, unknown> }[] = [];
  const log = new HandoverLog('m1');
  log.phase = 'frozen';
  const handover: Handover = {
    start: () => Promise.reject(new Error('not here')),
    resume: async (m, processes) => {
      calls.push(`resume ${m} ${processes.map((p) => `${p.server}/${p.pid}`).join(',')}`);
      log.phase = 'resumed';
      return [];
    },
    rollback: async (m, vip) => {
      calls.push(`rollback ${m} ${vip}`);
      log.phase = 'rolled-back';
      return [];
    },
    current: () => log,
  };
  const gateways: GatewayCalls = {
    table: async () => {
      if (taroVlan === 'down') throw new Error('ECONNREFUSED');
      return [{ name: 'taro', vlan: taroVlan }];
    },
    move: async (g, _m, users, rollback) => {
      if (taroVlan === 'down' || moveFails) throw new Error('ECONNREFUSED');
      calls.push(`move ${g} ${users.map((u) => `${u.name}→${u.vlan}`).join(',')}${rollback ? ' (rollback)' : ''}`);
    },
  };
  const watchdog = new CoordinatorWatchdog(1000);
  watchdog.heard(
    {
      migration: 'm1',
      seq: 3,
      phase,
      users: [{ gateway: 'ugw', name: 'taro', fromVlan: 1, toVlan: 2 }],
      resume: [{ server: '198.18.52.11', pid: 42 }],
    },
    clock.monotonicMs(),
  );
  const shell = startWatchdog({
    watchdog,
    handover: trackBusy(handover),
    gateways,
    clock,
    emit: (event, data) => void events.push({ event, ...(data ? { data } : {}) }),
    realIp: '198.18.51.11',
    vip: () => '198.18.55.100',
    checkMs: 5,
  });
  return { clock, calls, events, shell };
};

describe('migration agent: the watchdog shell carries the decision out', () => {
  it('nothing before the timeout; then, users switched (gateway says VLAN 2), it resumes at the target once', async () => {
    const w = setup('network', 2);
    try {
      w.clock.advance(999);
      await tick();
      assert.deepEqual(w.calls, []);
      w.clock.advance(1);
      await tick();
      await tick();
      assert.deepEqual(w.calls, ['resume m1 198.18.52.11/42']);
      assert.deepEqual(
        w.events.map((e) => [e.event, e.data?.decision, e.data?.usersAt ?? e.data?.answering]),
        [
          ['watchdog', 'forward', 'target'],
          ['watchdog-done', 'forward', 'backup'],
        ],
      );
    } finally {
      w.shell.stop();
    }
  });

  it('users not switched: fences the migration at the gateway (nobody to move), then rolls back at the source', async () => {
    const w = setup('switching', 1);
    try {
      w.clock.advance(1000);
      await tick();
      await tick();
      assert.deepEqual(w.calls, ['move ugw taro→1 (rollback)', 'rollback m1 198.18.55.100']);
    } finally {
      w.shell.stop();
    }
  });

  /** The watchdog's timeout passes with no gateway call succeeding: the server goes back all the same, and the failure is reported. */
  const backDespiteGateway = async (w: ReturnType<typeof setup>, reported: RegExp) => {
    try {
      w.clock.advance(1000);
      await tick();
      await tick();
      assert.deepEqual(w.calls, ['rollback m1 198.18.55.100']);
      const failed = w.events.find((e) => e.event === 'watchdog-failed');
      assert.match(String(failed?.data?.error), reported);
    } finally {
      w.shell.stop();
    }
  };

  it('the coordinator was rolling back and the gateway is gone: the server still goes back, and the failure is reported', () =>
    backDespiteGateway(setup('rolling-back', 'down'), /not all moved back: .*ECONNREFUSED/));

  it('users not switched but the fence call fails: the server still goes back, and the open fence is reported', () =>
    backDespiteGateway(setup('switching', 1, true), /a gateway was not fenced .*ECONNREFUSED/));
});
