import { strict as assert } from 'node:assert';
import { callNames, drive, messageSteps, plan } from './migration-fixtures.js';

const done = (r: ReturnType<typeof drive>) => r.events.find((e) => e.event === 'migration-done')!.data;

describe('migration coordinator: rollback to exactly one place', () => {
  it('a switching failure (target crash mid-migration) asks the main agent to undo, and no network switch is sent', () => {
    const r = drive(plan(), (call) => (call.kind === 'switch-start' ? { ok: false, error: 'restore failed at agent-b' } : undefined));
    assert.deepEqual(callNames(r.calls), ['agent-a /switch-start', 'agent-a /rollback']);
    assert.deepEqual(messageSteps(r.events), ['S701', 'S702']);
    assert.equal(r.state.outcome, 'rolled-back');
    assert.equal(done(r).answering, 'main');
    assert.equal(done(r).failedStep, 'S702');
  });

  it('a switching timeout rolls back the same way', () => {
    const r = drive(plan(), (call) => (call.kind === 'switch-start' ? 'silence' : undefined));
    assert.deepEqual(callNames(r.calls), ['agent-a /switch-start', 'agent-a /rollback']);
    assert.equal(r.state.outcome, 'rolled-back');
  });

  it('a VLAN switch failure takes every user back to VLAN 1 first, then the service back to the main server', () => {
    const p = plan({
      users: [
        { name: 'u1', gateway: 'ugw1', fromVlan: 1, toVlan: 2 },
        { name: 'u2', gateway: 'ugw2', fromVlan: 1, toVlan: 2 },
      ],
    });
    const r = drive(p, (call) => (call.kind === 'network-switch' && call.to === 'ugw2' ? { ok: false, error: 'port busy' } : undefined));
    assert.deepEqual(callNames(r.calls), [
      'agent-a /switch-start',
      'ugw1 /switch',
      'ugw2 /switch',
      'ugw1 /switch',
      'ugw2 /switch',
      'agent-a /rollback',
    ]);
    const back = r.calls.filter((c) => c.kind === 'network-back').map((c) => c.body as { users: unknown; rollback?: boolean });
    assert.deepEqual(
      back.map((b) => b.users),
      [[{ name: 'u1', vlan: 1 }], [{ name: 'u2', vlan: 1 }]],
    );
    assert.ok(
      back.every((b) => b.rollback === true),
      'each switch-back says it is a rollback, so the gateway fences the migration',
    );
    const forward = r.calls.filter((c) => c.kind === 'network-switch').map((c) => (c.body as { rollback?: boolean }).rollback);
    assert.deepEqual(forward, [undefined, undefined]);
    assert.equal(r.state.outcome, 'rolled-back');
    assert.ok(!messageSteps(r.events).includes('S709'), 'never a resume after a failed switch');
  });

  it('a failed resume with the backup still frozen goes back; with the backup running it rolls forward', () => {
    const back = drive(plan(), (call) => (call.kind === 'resume' ? { ok: false, error: 'timeout' } : undefined));
    assert.deepEqual(callNames(back.calls).slice(3), ['agent-a /status', 'ugw1 /switch', 'agent-a /rollback']);
    assert.equal(back.state.outcome, 'rolled-back');
    const forward = drive(plan(), (call) => {
      if (call.kind === 'resume') return { ok: false, error: 'timeout' };
      if (call.kind === 'status') return { ok: true, reply: { node: 'srvA', serviceAt: 'backup', frozen: false } };
      return undefined;
    });
    assert.deepEqual(callNames(forward.calls).slice(3), ['agent-a /status']);
    assert.equal(forward.state.outcome, 'rolled-forward');
    assert.equal(done(forward).answering, 'backup');
  });

  it('retries a failing rollback call, then declares the migration failed with the service place unknown', () => {
    let tries = 0;
    const r = drive(plan(), (call) => {
      if (call.kind === 'switch-start') return { ok: false, error: 'boom' };
      if (call.kind === 'server-rollback' && ++tries < 3) return { ok: false, error: 'unreachable' };
      return undefined;
    });
    assert.equal(r.state.outcome, 'rolled-back');
    assert.equal(r.calls.filter((c) => c.kind === 'server-rollback').length, 3);
    const failed = drive(plan(), (call) =>
      call.kind === 'switch-start' || call.kind === 'server-rollback' ? { ok: false, error: 'x' } : undefined,
    );
    assert.equal(failed.state.outcome, 'failed');
    assert.equal(done(failed).answering, 'unknown');
    assert.ok(failed.events.some((e) => e.event === 'rollback-failed'));
  });

  it('refuses a rollback acknowledgement that does not put the service back at the main server', () => {
    const r = drive(plan({ rollbackTries: 1 }), (call) => {
      if (call.kind === 'switch-start') return { ok: false, error: 'boom' };
      if (call.kind === 'server-rollback') return { ok: true, reply: { migration: 'm1', answering: 'backup', undone: [] } };
      return undefined;
    });
    assert.equal(r.state.outcome, 'failed');
  });
});
