import { strict as assert } from 'node:assert';
import {
  Migration,
  type MigrationEvent,
  type MoveSpec,
  type Op,
  type OpResult,
} from '../../../../src/daemons/nat-lb/controller/migration.js';
import type { AccessRow } from '../../../../src/daemons/nat-lb/protocol.js';

const VIP = '198.18.7.1';
const row = (clientPort: number): AccessRow => ({
  clientIp: '198.18.0.5',
  clientPort,
  vip: VIP,
  vipPort: 80,
  serverIp: '198.18.1.10',
  serverPort: 80,
  protocol: 'tcp',
  delta: 0,
});
const planned = (extra: Partial<MoveSpec> = {}): MoveSpec => ({
  vip: VIP,
  from: 'A',
  to: 'B',
  kind: 'planned',
  reason: 'test',
  stepTimeoutMs: 1000,
  deadCallTimeoutMs: 100,
  ...extra,
});
const failover = (extra: Partial<MoveSpec> = {}): MoveSpec =>
  planned({ kind: 'failover', rows: 'copy-store', order: 'address-first', ...extra });

const name = (op: Op) => (op.kind === 'balancer' ? `${op.balancer} ${op.path}` : `stores /${op.source}`);
type Responder = (op: Op, name: string) => OpResult | undefined;

/** Runs the machine against scripted answers; each call takes 10 ms. Default answer: ok, with rows for exports. */
const drive = (spec: MoveSpec, respond: Responder = () => undefined) => {
  let now = 0;
  const m = new Migration(spec, now);
  const calls: string[] = [];
  const ops: Op[] = [];
  const events: MigrationEvent[] = [];
  const answer = (op: Op) =>
    respond(op, name(op)) ?? {
      ok: true as const,
      reply: /export|stores/.test(name(op)) ? { vip: VIP, rows: [row(1000), row(1001)] } : { vip: VIP },
    };
  for (let op = m.next(now), guard = 0; op && guard < 50; op = m.next(now), guard++) {
    // A pipelined follower is sent with its predecessor; both answers come back in order.
    const sent = op.kind === 'balancer' && op.then ? [op, op.then] : [op];
    for (const o of sent) {
      calls.push(name(o));
      ops.push(o);
    }
    now += 10;
    for (const o of sent) {
      const result = answer(o);
      if (o.kind === 'balancer' && o.detached) {
        m.onLateResult(o, result);
        m.onResult(o, { ok: false, error: 'not awaited' }, now);
      } else m.onResult(o, result, now);
    }
    events.push(...m.drainEvents());
  }
  events.push(...m.drainEvents());
  return { calls, ops, events, outcome: m.outcome() };
};
const steps = (events: MigrationEvent[]) =>
  events.filter((e) => e.event === 'migration-step').map((e) => `${String(e.data.step)}:${String(e.data.ok)}`);
const failAt =
  (target: string, error = 'boom'): Responder =>
  (_op, n) =>
    n === target ? { ok: false, error } : undefined;

describe('nat-lb migration: planned move', () => {
  it("runs the four steps in the patent order at each balancer (the rows travel between A's release and B's take) and moves the exported rows", () => {
    const r = drive(planned());
    assert.deepEqual(r.calls, [
      'B /migration/begin',
      'A /address/release',
      'A /rows/export',
      'B /rows/import',
      'B /address/take',
      'B /migration/finish',
      'A /rows/delete',
      'A /vip/forget',
    ]);
    // Step 2 (release … take) closes after step 3: the rows travel inside it.
    assert.deepEqual(steps(r.events), ['1:true', '3:true', '2:true', '4:true']);
    assert.deepEqual(
      (r.ops[3] as { body: { rows: AccessRow[] } }).body.rows.map((x) => x.clientPort),
      [1000, 1001],
    );
    assert.deepEqual(r.outcome, { state: 'done', owner: 'B', failedStep: null, error: null, rows: 2 });
    assert.deepEqual(
      r.events.map((e) => e.event),
      ['migration-start', 'migration-step', 'migration-step', 'migration-step', 'migration-step', 'migration-done'],
    );
    const step3 = r.events.find((e) => e.event === 'migration-step' && e.data.step === 3)!;
    // Step 3 runs from the export (t 20) to the import's answer (t 40), sent with the take at t 30.
    assert.deepEqual([step3.data.from, step3.data.to, step3.data.ms, step3.data.rows], ['A', 'B', 20, 2]);
    assert.equal(
      r.ops[4]!.kind === 'balancer' && r.ops[3]!.kind === 'balancer' && r.ops[3]!.then === r.ops[4],
      true,
      'the take goes out behind the import',
    );
    assert.deepEqual(step3.data.callsMs, { 'from /rows/export': 10, 'to /rows/import': 10 });
  });
  it('gives every call of a step the step deadline (one timeout per step, from its first call)', () => {
    const r = drive(planned());
    // begin; release (step 2 from t 10); export (step 3 from t 20); import with take (t 30); step 4 from t 40.
    assert.deepEqual(
      r.ops.map((o) => o.deadlineMs),
      [1000, 1010, 1020, 1020, 1010, 1040, 1040, 1040],
    );
    assert.ok(r.ops.every((o) => o.required));
  });
});

describe('nat-lb migration: planned rollback to the source', () => {
  const cases: [string, string, string[], number][] = [
    ['target fails step 1', 'B /migration/begin', ['B /migration/abort'], 1],
    [
      'target fails to take the address',
      'B /address/take',
      ['A /address/take', 'B /address/release', 'B /rows/delete', 'B /migration/abort'],
      2,
    ],
    ['source fails to release the address', 'A /address/release', ['A /address/take', 'B /migration/abort'], 2],
    ['source fails the export (B has taken nothing yet)', 'A /rows/export', ['A /address/take', 'B /migration/abort'], 3],
    // The take went out behind the import: it may have landed, so the cleanup releases the address too.
    [
      'target fails the import',
      'B /rows/import',
      ['B /address/take', 'A /address/take', 'B /address/release', 'B /rows/delete', 'B /migration/abort'],
      3,
    ],
    [
      'target fails finish (the source still has its rows)',
      'B /migration/finish',
      ['A /address/take', 'B /address/release', 'B /rows/delete', 'B /migration/abort'],
      4,
    ],
    [
      'source fails the delete after the target finished (rows may be gone there)',
      'A /rows/delete',
      ['A /address/take', 'A /rows/import', 'B /address/release', 'B /rows/delete', 'B /migration/abort'],
      4,
    ],
    [
      'source fails to forget after the target finished',
      'A /vip/forget',
      [
        'A /migration/begin',
        'A /address/take',
        'A /rows/import',
        'A /migration/finish',
        'B /address/release',
        'B /rows/delete',
        'B /migration/abort',
      ],
      4,
    ],
  ];
  for (const [what, failing, rollback, step] of cases) {
    it(`${what}: the source restored first, then the target cleaned up unawaited; owner A`, () => {
      const r = drive(planned(), failAt(failing));
      const at = r.calls.indexOf(failing);
      assert.deepEqual(r.calls.slice(at + 1), rollback);
      const targetCleanup = r.ops.slice(at + 1).filter((o) => o.kind === 'balancer' && o.balancer === 'B' && o.phase === 'rollback');
      assert.ok(targetCleanup.every((o) => o.kind === 'balancer' && o.detached && !o.required));
      assert.deepEqual(r.outcome.state, 'rolled-back');
      assert.deepEqual([r.outcome.owner, r.outcome.failedStep], ['A', step]);
      assert.equal(steps(r.events).at(-1), `${step}:false`);
      const rb = r.events.find((e) => e.event === 'rollback')!;
      assert.deepEqual([rb.data.ok, rb.data.owner, rb.data.failedStep], [true, 'A', step]);
      assert.match(String(rb.data.error), new RegExp(`${failing}: boom`));
    });
  }
  it('puts the rows back at the source from memory even when the dead target cannot be read', () => {
    // The source deleted its rows after the target's release, then failed to forget; the target died meanwhile.
    const alive = new Set(['B /migration/begin', 'B /address/take', 'B /rows/import', 'B /migration/finish']);
    const r = drive(planned(), (_op, n) =>
      n === 'A /vip/forget' || (n.startsWith('B /') && !alive.has(n)) ? { ok: false, error: 'ECONNREFUSED' } : undefined,
    );
    const importBack = r.ops.filter((o) => o.kind === 'balancer' && o.balancer === 'A' && o.path === '/rows/import');
    assert.equal(importBack.length, 1);
    assert.deepEqual(
      (importBack[0] as { body: { rows: AccessRow[] } }).body.rows.map((x) => x.clientPort),
      [1000, 1001],
    );
    assert.deepEqual([r.outcome.state, r.outcome.owner], ['rolled-back', 'A']);
  });
  it('ends failed with no owner when the source cannot take the VIP back either', () => {
    const r = drive(planned(), (_op, n) =>
      n === 'B /address/take' || n === 'A /address/take' ? { ok: false, error: 'timeout' } : undefined,
    );
    assert.deepEqual([r.outcome.state, r.outcome.owner], ['failed', null]);
    assert.equal(r.events.find((e) => e.event === 'rollback')!.data.ok, false);
    assert.equal(r.events.at(-1)!.event, 'migration-done');
  });
  it('a resumed move rolls back as if steps 2 and 3 had happened, but the source never forgot', () => {
    const r = drive(planned({ resumed: true }), failAt('B /migration/begin'));
    assert.deepEqual(r.calls.slice(1), [
      'B /rows/export',
      'A /address/take',
      'A /rows/import',
      'B /address/release',
      'B /rows/delete',
      'B /migration/abort',
    ]);
  });
});

describe('nat-lb migration: failover', () => {
  it('address first: the dead source is asked briefly and not waited for; rows come from the copy stores', () => {
    const r = drive(failover(), (_op, n) => (n.startsWith('A /') ? { ok: false, error: 'ECONNREFUSED' } : undefined));
    assert.deepEqual(r.calls, [
      'B /migration/begin',
      'A /address/release',
      'B /address/take',
      'stores /copy',
      'B /rows/import',
      'B /migration/finish',
      'A /vip/forget',
    ]);
    assert.deepEqual(steps(r.events), ['1:true', '2:true', '3:true', '4:true']);
    const release = r.ops[1]!;
    assert.deepEqual([release.required, release.kind === 'balancer' && release.detached, release.deadlineMs], [false, true, 110]);
    assert.deepEqual([r.outcome.state, r.outcome.owner, r.outcome.rows], ['done', 'B', 2]);
  });
  it('V2 state first: rows are installed before the address moves', () => {
    const r = drive(failover({ order: 'state-first' }));
    assert.deepEqual(r.calls, [
      'B /migration/begin',
      'stores /copy',
      'B /rows/import',
      'A /address/release',
      'B /address/take',
      'B /migration/finish',
      'A /vip/forget',
    ]);
    assert.deepEqual(steps(r.events), ['1:true', '3:true', '2:true', '4:true']);
  });
  it('V14: reads the rows from the failed balancer if it still answers, else from the copy stores', () => {
    assert.deepEqual(drive(failover({ rows: 'balancer-then-copy-store' })).calls.slice(3, 5), ['A /rows/export', 'B /rows/import']);
    const fallback = drive(failover({ rows: 'balancer-then-copy-store' }), failAt('A /rows/export'));
    assert.deepEqual(fallback.calls.slice(3, 6), ['A /rows/export', 'stores /copy', 'B /rows/import']);
  });
  it("V1 asks the servers' TCP tables; a resumed failover whose target has rows skips step 3", () => {
    assert.ok(drive(failover({ rows: 'tcp-table' })).calls.includes('stores /tcp-table'));
    const r = drive(failover({ rows: 'none', resumed: true }));
    assert.deepEqual(r.calls, ['B /migration/begin', 'A /address/release', 'B /address/take', 'B /migration/finish', 'A /vip/forget']);
  });
  it('an orphan VIP (no known source) makes only target calls', () => {
    const r = drive(failover({ from: undefined }));
    assert.deepEqual(r.calls, ['B /migration/begin', 'B /address/take', 'stores /copy', 'B /rows/import', 'B /migration/finish']);
  });
  it('target dies: it cleans up best effort and the VIP is left without owner, to be retried', () => {
    const r = drive(failover(), (_op, n) => (n.startsWith('A /') || n === 'B /rows/import' ? { ok: false, error: 'x' } : undefined));
    assert.deepEqual(r.calls.slice(r.calls.indexOf('B /rows/import') + 1), ['B /address/release', 'B /rows/delete', 'B /migration/abort']);
    assert.ok(
      r.ops.filter((o) => o.kind === 'balancer' && o.balancer === 'A').every((o) => o.kind === 'balancer' && o.detached),
      'the dead source is never waited for',
    );
    assert.deepEqual([r.outcome.state, r.outcome.owner, r.outcome.failedStep], ['rolled-back', null, 3]);
  });
  it('target fails but the "dead" source answered after all: it takes the address back', () => {
    const r = drive(failover(), failAt('B /address/take'));
    assert.deepEqual(r.calls.slice(3), ['A /address/take', 'B /address/release', 'B /migration/abort']);
    assert.deepEqual([r.outcome.state, r.outcome.owner], ['rolled-back', 'A']);
  });
  it('copy stores all failing fail step 3', () => {
    const r = drive(failover(), failAt('stores /copy', 'every copy store failed'));
    assert.deepEqual([r.outcome.failedStep, r.outcome.owner], [3, 'A']);
  });
});
