import { strict as assert } from 'node:assert';
import { manualClock } from '../../../../src/common/clock.js';
import type { LocalOps, PeerCalls } from '../../../../src/daemons/migration/agent/agent-ops.js';
import { Switching } from '../../../../src/daemons/migration/agent/switching.js';
import type { SwitchStart } from '../../../../src/daemons/migration/protocol.js';

const A = '198.18.51.11';
const B = '198.18.52.11';
const VIP = '198.18.55.100';

/**
 * A server as the agent sees it: processes (running, stopped, or exiting after a dump that ended
 * them), the VIP, image folders; each op takes 5 ms. As on the real server, a restore while the
 * dumped process is still exiting fails (its connections' 4-tuples are taken), and a restored
 * process is a new pid.
 */
const world = (failOn?: string, sendQueues: number[] = [0], drainMs = 500) => {
  const clock = manualClock(1000);
  const calls: string[] = [];
  const procs = new Map<number, 'running' | 'stopped' | 'exiting'>([[200, 'running']]);
  let nextPid = 300;
  let vipHere = true;
  const step = (name: string) => {
    calls.push(name);
    clock.advance(5);
    if (name === failOn) throw new Error(`${name} failed`);
  };
  const local: LocalOps = {
    findPid: async (p) => {
      step('findPid');
      const pid = 'pid' in p ? p.pid : 200;
      if (!procs.has(pid)) throw new Error(`no process ${pid}`);
      return pid;
    },
    signal: async (pid, sig) => {
      step(`signal ${sig} ${pid}`);
      if (!procs.has(pid) || procs.get(pid) === 'exiting') throw new Error(`kill: (${pid}) - No such process`);
      procs.set(pid, sig === 'STOP' ? 'stopped' : 'running');
    },
    dump: async (pid, _dir, leaveRunning) => {
      step('dump');
      if (!leaveRunning) procs.set(pid, 'exiting');
    },
    restore: async () => {
      step('restore');
      if ([...procs.values()].includes('exiting')) throw new Error("Can't connect inet socket back: Cannot assign requested address");
      const pid = nextPid++;
      procs.set(pid, 'stopped');
      return pid;
    },
    exited: async (pid) => {
      step(`exited ${pid}`);
      if (procs.get(pid) === 'exiting') procs.delete(pid);
    },
    vip: async (action) => {
      step(`vip ${action}`);
      vipHere = action === 'add';
    },
    sendImages: async () => step('send'),
    receiveImages: async () => ({ port: 1, done: Promise.resolve() }),
    imagesDir: (m) => `/var/tmp/migration/${m}`,
    bytesIn: async () => 4096,
    // Successive reads of the service's send queues; the last one stays.
    queuedBytes: async () => ({ connections: 1, send: sendQueues.length > 1 ? sendQueues.shift()! : sendQueues[0]!, receive: 0 }),
  };
  const peer: PeerCalls = {
    receive: async () => {
      step('peer receive');
      return { host: '198.18.54.12', port: 7601 };
    },
    restore: async () => {
      step('peer restore');
      return { pid: 200, restoreMs: 55 };
    },
    thaw: async () => step('peer thaw'),
    discard: async () => step('peer discard'),
  };
  const events: string[] = [];
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
    clock.advance(ms);
  };
  let held = false;
  const holdVip = async (_vip: string, on: boolean) => {
    step(on ? 'hold' : 'release');
    held = on;
  };
  const switching = new Switching({ local, peer, clock, emit: (e) => events.push(e), peerTimeoutMs: 1000, drainMs, sleep, holdVip });
  return { switching, calls, procs, vip: () => vipHere, held: () => held, events, sleeps };
};

const request = (extra: Partial<SwitchStart> = {}): SwitchStart => ({
  migration: 'm1',
  process: { match: 'socat' },
  mainRealIp: A,
  backupRealIp: B,
  vip: VIP,
  pause: true,
  vipMode: 'move',
  ...extra,
});

describe('migration agent: switching (S703–S705), resume and rollback', () => {
  it('freezes, dumps, sends, restores at the backup with the VIP there first, then drops the VIP here', async () => {
    const w = world();
    const end = await w.switching.start(request());
    assert.deepEqual(w.calls, ['findPid', 'signal STOP 200', 'hold', 'dump', 'peer receive', 'send', 'peer restore', 'vip del']);
    assert.equal(w.held(), true, 'held until the resume');
    assert.deepEqual(
      end.steps.map((s) => s.step),
      ['S703', 'S704', 'S705'],
    );
    assert.deepEqual(end.processes, [{ server: B, pid: 200 }]);
    assert.equal(end.steps[1]!.detail!.restoreMs, 55);
    assert.equal(w.vip(), false);
    assert.equal(w.procs.get(200), 'exiting', 'the dump ended the process here (it exits on its own time)');
  });

  it('no-pause mode sends no stop; copy mode keeps the process and the VIP here and names both copies', async () => {
    const noPause = world();
    await noPause.switching.start(request({ pause: false }));
    assert.ok(!noPause.calls.some((c) => c.startsWith('signal')));
    const copy = world();
    const end = await copy.switching.start(request({ vipMode: 'copy' }));
    assert.deepEqual(end.processes, [
      { server: A, pid: 200 },
      { server: B, pid: 200 },
    ]);
    assert.equal(copy.vip(), true);
    assert.ok(copy.calls.indexOf('release') === copy.calls.indexOf('dump') + 1, 'a copy left running is released after the dump');
    await copy.switching.resume('m1', end.processes, A);
    assert.deepEqual(copy.calls.slice(-2), ['peer thaw', 'signal CONT 200']);
  });

  it('a restore failure at the backup rolls back to the main server: copy discarded, process restored here and thawed', async () => {
    const w = world('peer restore');
    await assert.rejects(w.switching.start(request()), /peer restore failed/);
    const undone = await w.switching.rollback('m1', VIP);
    assert.deepEqual(undone, ['backup copy discarded', 'restore-main', 'release-main', 'thaw-main']);
    assert.deepEqual(w.calls.slice(-5), ['peer discard', 'exited 200', 'restore', 'release', 'signal CONT 300'], 'the restored pid thawed');
    assert.equal(w.held(), false);
    assert.equal(w.procs.get(200), undefined, 'the dumped process is gone');
    assert.equal(w.procs.get(300), 'running');
    assert.equal(w.vip(), true, 'the VIP never left');
    assert.equal(w.switching.current()!.phase, 'rolled-back');
  });

  it('releases the VIP after the resume, once; the main server answers nothing for it until then', async () => {
    const w = world();
    const end = await w.switching.start(request());
    await w.switching.resume('m1', end.processes, A);
    assert.deepEqual(w.calls.slice(-2), ['peer thaw', 'release']);
    assert.equal(w.held(), false);
    assert.deepEqual(await w.switching.rollback('m1', VIP).then((u) => u.includes('release-main')), false);
  });

  it('dumps a frozen service once its send queues are acknowledged, and says what they held', async () => {
    const w = world(undefined, [3000, 1200, 0]);
    const end = await w.switching.start(request());
    assert.deepEqual(w.sleeps, [5, 5]);
    const d = end.steps[1]!.detail!;
    assert.equal(d.drainMs, 10);
    assert.deepEqual(d.queuedAtFreeze, { connections: 1, send: 3000, receive: 0 });
    assert.deepEqual(d.queued, { connections: 1, send: 0, receive: 0 });
  });

  it('dumps what is left when the drain time is up, and never waits for a running service', async () => {
    const stuck = world(undefined, [3000], 20);
    const end = await stuck.switching.start(request());
    assert.deepEqual(stuck.sleeps, [5, 5, 5, 5]);
    assert.deepEqual(end.steps[1]!.detail!.queued, { connections: 1, send: 3000, receive: 0 });
    const running = world(undefined, [3000]);
    await running.switching.start(request({ pause: false }));
    assert.deepEqual(running.sleeps, []);
  });

  it('refuses a second migration while one is frozen, and a resume or rollback of another migration', async () => {
    const w = world();
    await w.switching.start(request());
    await assert.rejects(w.switching.start(request({ migration: 'm2' })), /'m1' is still frozen/);
    await assert.rejects(w.switching.resume('m9', [], A), /no migration 'm9' here \(current: m1\)/);
  });
});
