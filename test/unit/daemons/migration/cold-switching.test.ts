import { strict as assert } from 'node:assert';
import { manualClock } from '../../../../src/common/clock.js';
import { ColdRollbackError, ColdSwitching } from '../../../../src/daemons/migration/agent/cold-switching.js';
import type { SwitchStart } from '../../../../src/daemons/migration/protocol.js';

const VIP = '198.18.55.100';
const req = (extra: Partial<SwitchStart> = {}): SwitchStart => ({
  migration: 'm1',
  process: { match: 'probe server' },
  mainRealIp: '198.18.51.11',
  backupRealIp: '198.18.52.11',
  vip: VIP,
  pause: false,
  vipMode: 'move',
  ...extra,
});

const world = (targetHasService = true) => {
  const clock = manualClock(1000);
  const calls: string[] = [];
  const cold = new ColdSwitching({
    local: {
      findPid: async () => 200,
      signal: async (pid, sig) => void calls.push(`signal ${sig} ${pid}`),
      vip: async (action) => void calls.push(`vip ${action}`),
    },
    peer: {
      vip: async (_m, action, _vip, _t, process) => {
        calls.push(`peer vip ${action}${process ? ` ${process.match}` : ''}`);
        return targetHasService && action === 'add' ? { pid: 300 } : {};
      },
    },
    clock,
    emit: () => undefined,
    peerTimeoutMs: 1000,
  });
  return { cold, calls };
};

describe('migration agent: the cold baseline (stop, VIP, reconnect)', () => {
  it('stops the service with SIGTERM, then moves the VIP to the target that runs it, and reports S704, S705', async () => {
    const { cold, calls } = world();
    const end = await cold.start(req());
    assert.deepEqual(calls, ['signal TERM 200', 'vip del', 'peer vip add probe server']);
    assert.deepEqual(
      end.steps.map((s) => s.step),
      ['S704', 'S705'],
    );
    assert.deepEqual(end.processes, [{ server: '198.18.52.11', pid: 300 }]);
    assert.equal(cold.current()?.phase, 'migrated');
  });

  it('refuses pause mode and a VIP copy: there is nothing to freeze, resume or duplicate', async () => {
    const { cold, calls } = world();
    await assert.rejects(cold.start(req({ pause: true })), /nothing to freeze/);
    await assert.rejects(cold.start(req({ vipMode: 'copy' })), /moves the VIP/);
    assert.deepEqual(calls, []);
    await assert.rejects(cold.resume(), /no resume step/);
  });

  it('a rollback gives the VIP back but fails naming the stopped service (it cannot come back from here)', async () => {
    const { cold, calls } = world(false);
    await assert.rejects(cold.start(req()), /found no service/);
    await assert.rejects(
      cold.rollback('m1', VIP),
      (e: unknown) => e instanceof ColdRollbackError && /start it again by hand/.test(e.message),
    );
    assert.deepEqual(calls.slice(-2), ['peer vip del', 'vip add']);
  });
});
