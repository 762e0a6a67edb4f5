import { strict as assert } from 'node:assert';
import { SessionMigration } from '../../../../src/daemons/migration/coordinator/session-migration.js';
import { A, B, callNames, drive, goodReply, messageSteps, plan } from './migration-fixtures.js';

const ALL = ['S701', 'S702', 'S703', 'S704', 'S705', 'S706', 'S707', 'S708', 'S709', 'S710', 'S711', 'end'];

describe('migration coordinator: the S701–S711 sequence', () => {
  it('sends the messages in the patent order, each after the previous acknowledgement, and ends at the backup', () => {
    const r = drive(plan());
    assert.deepEqual(messageSteps(r.events), ALL);
    assert.deepEqual(callNames(r.calls), ['agent-a /switch-start', 'ugw1 /switch', 'agent-a /resume']);
    assert.equal(r.state.outcome, 'done');
    const done = r.events.find((e) => e.event === 'migration-done')!;
    assert.equal(done.data.answering, 'backup');
    assert.equal(r.events.filter((e) => e.event === 'ack').length, 3);
  });

  it('S702 carries the pid, the backup real IP and the VIP; S707 the user and destination VLAN (§6 2)', () => {
    const r = drive(plan());
    const s702 = r.events.find((e) => e.event === 'message' && e.data.step === 'S702')!.data.payload as Record<string, unknown>;
    assert.deepEqual(s702.process, { pid: 2000 });
    assert.equal(s702.backupRealIp, B);
    assert.equal(s702.vip, '198.18.50.100');
    const s707 = r.events.find((e) => e.event === 'message' && e.data.step === 'S707')!.data.payload as Record<string, unknown>;
    assert.deepEqual(s707.users, [{ name: 'taro', vlan: 2 }]);
  });

  it('no-pause mode (§6 10): no freeze, no resume messages; the run ends at the network switch end notice', () => {
    const r = drive(plan({ pause: false }));
    assert.deepEqual(messageSteps(r.events), ['S701', 'S702', 'S704', 'S705', 'S706', 'S707', 'S708', 'end']);
    assert.ok(!callNames(r.calls).includes('agent-a /resume'));
    assert.equal(r.state.outcome, 'done');
  });

  it('without the VIP move (P3 off) there is no S705', () => {
    const r = drive(plan({ vipMode: 'none' }));
    assert.deepEqual(
      messageSteps(r.events),
      ALL.filter((s) => s !== 'S705'),
    );
  });

  it('embodiment 3: the resume request names both copies, (a2, pid) and (b2, pid)', () => {
    const r = drive(plan({ vipMode: 'copy' }));
    const s709 = r.calls.find((c) => c.step === 'S709')!;
    assert.deepEqual((s709.body as { processes: unknown }).processes, [
      { server: A, pid: 2000 },
      { server: B, pid: 2000 },
    ]);
    assert.equal(r.events.find((e) => e.event === 'migration-done')!.data.answering, 'both');
  });

  it('sends S707 to every gateway at once and S709 only after the last switch end notice', () => {
    const p = plan({
      users: [
        { name: 'u1', gateway: 'ugw1', fromVlan: 1, toVlan: 2 },
        { name: 'u2', gateway: 'ugw2', fromVlan: 1, toVlan: 2 },
      ],
    });
    const m = new SessionMigration(p, 0);
    const [start] = m.next(0);
    m.onResult(start!, { ok: true, reply: goodReply(p, start!, 1) }, 1);
    const s707 = m.next(1);
    assert.deepEqual(
      s707.map((c) => c.to),
      ['ugw1', 'ugw2'],
    );
    m.onResult(s707[0]!, { ok: true, reply: goodReply(p, s707[0]!, 2) }, 2);
    assert.deepEqual(m.next(2), [], 'no resume while a gateway has not confirmed');
    m.onResult(s707[1]!, { ok: true, reply: goodReply(p, s707[1]!, 3) }, 3);
    assert.deepEqual(
      m.next(3).map((c) => c.step),
      ['S709'],
    );
  });

  it('gives every call the deadline of its step, and the gratuitous ARP request only in garp mode (§6 12)', () => {
    const r = drive(plan({ routerMac: 'garp', router: { ip: '198.18.50.1', mac: '02:00:00:00:00:0b' } }));
    const s707 = r.calls.find((c) => c.step === 'S707')!;
    assert.deepEqual((s707.body as { announce: unknown }).announce, { ip: '198.18.50.1', mac: '02:00:00:00:00:0b' });
    assert.equal(r.calls[0]!.deadlineMs, 5000);
    assert.equal(s707.deadlineMs - r.calls[0]!.deadlineMs, 2000 - 5000 + 10);
    assert.equal((drive(plan()).calls[1]!.body as { announce?: unknown }).announce, undefined);
  });

  it('refuses an acknowledgement that breaks the contract: substeps out of order, another migration, a late one', () => {
    const swapped = drive(plan(), (call, now) => {
      if (call.kind !== 'switch-start') return undefined;
      const reply = goodReply(plan(), call, now) as { steps: unknown[] };
      return { ok: true, reply: { ...reply, steps: [...reply.steps].reverse() } };
    });
    assert.match(String(swapped.state.failure?.error), /reported steps \[S705,S704,S703\], expected \[S703,S704,S705\]/);
    const other = drive(plan(), (call, now) =>
      call.kind === 'resume' ? { ok: true, reply: { ...(goodReply(plan(), call, now) as object), migration: 'm2' } } : undefined,
    );
    assert.match(String(other.state.failure?.error), /migration 'm2', not 'm1'/);
    const p = plan();
    const m = new SessionMigration(p, 0);
    const [start] = m.next(0);
    m.onResult(start!, { ok: true, reply: goodReply(p, start!, 6000) }, 6000);
    assert.match(String(m.state().failure?.error), /acknowledged 1000 ms after its deadline/);
  });

  it('network-first (the negative test of §6 11) switches the users before the server, then resumes', () => {
    const r = drive(plan({ order: 'network-first' }));
    assert.deepEqual(messageSteps(r.events), [
      'S701',
      'S707',
      'S708',
      'S702',
      'S703',
      'S704',
      'S705',
      'S706',
      'S709',
      'S710',
      'S711',
      'end',
    ]);
    const failed = drive(plan({ order: 'network-first' }), (call) =>
      call.kind === 'switch-start' ? { ok: false, error: 'x' } : undefined,
    );
    assert.deepEqual(callNames(failed.calls), ['ugw1 /switch', 'agent-a /switch-start', 'ugw1 /switch', 'agent-a /rollback']);
  });
});
