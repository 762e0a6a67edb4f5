import { strict as assert } from 'node:assert';
import { manualClock } from '../../../../src/common/clock.js';
import { CoordinatorWatchdog, decide, usersAt } from '../../../../src/daemons/migration/agent/coordinator-watchdog.js';
import { keepaliveFor, phaseOf } from '../../../../src/daemons/migration/coordinator/keepalive.js';
import type { CoordinatorPhase, Keepalive } from '../../../../src/daemons/migration/protocol.js';
import { SessionMigration } from '../../../../src/daemons/migration/coordinator/session-migration.js';
import { goodReply, plan } from './migration-fixtures.js';

const users: Keepalive['users'] = [
  { gateway: 'ugw1', name: 'taro', fromVlan: 1, toVlan: 2 },
  { gateway: 'ugw2', name: 'hanako', fromVlan: 1, toVlan: 2 },
];
const ka = (seq: number, phase: CoordinatorPhase = 'switching', migration = 'm1'): Keepalive => ({ migration, seq, phase, users });

describe('migration agent: the watchdog on the coordinator', () => {
  it('fires only after timeoutMs of silence, once per migration, and never after the ended keepalive', () => {
    const clock = manualClock();
    const w = new CoordinatorWatchdog(1000);
    assert.equal(w.due(clock.monotonicMs()), undefined, 'nothing heard: nothing to watch');
    w.heard(ka(0), clock.monotonicMs());
    clock.advance(250);
    w.heard(ka(1, 'network'), clock.monotonicMs());
    clock.advance(999);
    assert.equal(w.due(clock.monotonicMs()), undefined);
    clock.advance(1);
    assert.equal(w.due(clock.monotonicMs())?.phase, 'network');
    assert.equal(w.silentMs(clock.monotonicMs()), 1000);
    w.settle('m1');
    clock.advance(5000);
    assert.equal(w.due(clock.monotonicMs()), undefined, 'acted once: never again for m1');
    w.heard(ka(0, 'switching', 'm2'), clock.monotonicMs());
    w.heard(ka(1, 'ended', 'm2'), clock.monotonicMs());
    clock.advance(5000);
    assert.equal(w.due(clock.monotonicMs()), undefined, 'm2 ended: its silence is normal');
  });

  it('a keepalive that arrives late (lower seq) does not move the phase back or restart the silence', () => {
    const clock = manualClock();
    const w = new CoordinatorWatchdog(1000);
    w.heard(ka(5, 'switched'), clock.monotonicMs());
    clock.advance(600);
    w.heard(ka(4, 'network'), clock.monotonicMs());
    clock.advance(400);
    assert.equal(w.due(clock.monotonicMs())?.phase, 'switched');
  });

  it('rolls back when the state is handed over but the network switch was not confirmed and the users are at the source', () => {
    assert.equal(decide('switching', 'frozen').action, 'ask-gateways');
    assert.equal(decide('network', 'frozen').action, 'ask-gateways');
    assert.deepEqual(decide('switching', 'frozen', 'source'), {
      action: 'back',
      usersBack: false,
      reason: 'the gateways report the users not switched',
    });
    const mixed = decide('network', 'frozen', 'mixed');
    assert.ok(mixed.action === 'back' && mixed.usersBack, 'some users moved: every one goes back with the service');
    const unknown = decide('network', 'frozen', 'unknown');
    assert.ok(unknown.action === 'back' && unknown.usersBack);
  });

  it('rolls forward when the target holds the state and the users are switched', () => {
    for (const phase of ['switched', 'resuming'] as const) {
      const d = decide(phase, 'frozen');
      assert.ok(d.action === 'forward' && d.resume && !d.usersForward, phase);
    }
    const asked = decide('network', 'frozen', 'target');
    assert.ok(asked.action === 'forward' && asked.resume && !asked.usersForward);
  });

  it('waits while a call is running here, and does nothing where one place already answers', () => {
    assert.equal(decide('switching', 'busy').action, 'wait');
    assert.equal(decide('switching', 'idle').action, 'none');
    assert.equal(decide('resuming', 'resumed').action, 'none');
    assert.equal(decide('rolling-back', 'rolled-back').action, 'none');
    assert.equal(decide('ended', 'frozen').action, 'none');
  });

  it('the coordinator was rolling back: the agent finishes the rollback, users first', () => {
    const d = decide('rolling-back', 'frozen');
    assert.ok(d.action === 'back' && d.usersBack);
  });

  it('no-pause mode: the target already runs, so the users are moved there unless they are', () => {
    const d = decide('network', 'migrated');
    assert.ok(d.action === 'forward' && d.usersForward && !d.resume);
    assert.equal(decide('switched', 'migrated').action, 'none');
  });

  it('reads where the users are from each gateway table; an unanswered gateway makes it unknown', () => {
    const t = (vlanTaro: number, vlanHanako: number | undefined) =>
      new Map([
        ['ugw1', [{ name: 'taro', vlan: vlanTaro }]],
        ['ugw2', vlanHanako === undefined ? undefined : [{ name: 'hanako', vlan: vlanHanako }]],
      ]);
    assert.equal(usersAt(users, t(2, 2)), 'target');
    assert.equal(usersAt(users, t(1, 1)), 'source');
    assert.equal(usersAt(users, t(2, 1)), 'mixed');
    assert.equal(usersAt(users, t(2, undefined)), 'unknown');
    assert.equal(usersAt(users, t(7, 2)), 'unknown');
  });
});

describe('migration coordinator: what its keepalives say', () => {
  it('the phase follows the sequence: switching, network, switched, resuming, ended', () => {
    const p = plan();
    const m = new SessionMigration(p, 0);
    const seen: CoordinatorPhase[] = [m.progress().phase];
    let calls = m.next(0);
    while (calls.length > 0) {
      seen.push(m.progress().phase);
      for (const c of calls) m.onResult(c, { ok: true, reply: goodReply(p, c, 10) }, 10);
      seen.push(m.progress().phase);
      calls = m.next(10);
    }
    assert.deepEqual(seen, ['switching', 'switching', 'switching', 'network', 'switched', 'resuming', 'ended']);
    assert.deepEqual(keepaliveFor(p, 3, m.progress()).users, [{ gateway: 'ugw1', name: 'taro', fromVlan: 1, toVlan: 2 }]);
  });

  it('names the processes S709 resumes once S706 named them, and says rolling-back after a failure', () => {
    const p = plan();
    const m = new SessionMigration(p, 0);
    const [s702] = m.next(0);
    assert.equal(m.progress().resume, undefined);
    m.onResult(s702!, { ok: true, reply: goodReply(p, s702!, 0) }, 0);
    assert.deepEqual(m.progress().resume, [{ server: '198.18.53.11', pid: 2000 }]);
    const [s707] = m.next(0);
    m.onResult(s707!, { ok: false, error: 'refused' }, 0);
    assert.equal(m.progress().phase, 'rolling-back');
    assert.equal(phaseOf(true, true, { network: true, switched: false, resuming: false }), 'network');
  });
});
