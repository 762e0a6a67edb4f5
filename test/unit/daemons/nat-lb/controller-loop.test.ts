// The controller's main loop against fake balancers and a copy store that are real HTTP
// servers on 127.0.0.1 (protocol.ts on the wire). Timings are loose: 2 shared cores.
import { strict as assert } from 'node:assert';
import { pollUntil } from '../../../../src/common/poll.js';
import { copyStoreRoutes } from '../../../../src/daemons/nat-lb/copy-store/copy-store-api.js';
import { RowStore } from '../../../../src/daemons/nat-lb/copy-store/row-store.js';
import { controllerRoutes } from '../../../../src/daemons/nat-lb/controller/controller-api.js';
import { controllerConfigSchema, type ControllerConfig } from '../../../../src/daemons/nat-lb/controller/controller-config.js';
import { ControlClient } from '../../../../src/daemons/nat-lb/controller/control-client.js';
import { NatController } from '../../../../src/daemons/nat-lb/controller/controller.js';
import type { AccessRow } from '../../../../src/daemons/nat-lb/protocol.js';
import { startJsonApi, type JsonApi } from '../../../../src/daemons/shared/json-api.js';
import { FakeBalancer, TOKEN, type Call } from './fake-balancer.js';

const V1 = '198.18.7.1';
const V2 = '198.18.7.2';
const V3 = '198.18.7.3';
const row = (vip: string, clientPort: number): AccessRow => ({
  clientIp: '198.18.0.5',
  clientPort,
  vip,
  vipPort: 80,
  serverIp: '198.18.1.10',
  serverPort: 80,
  protocol: 'tcp',
  state: 'ESTABLISHED',
  delta: 0,
});
const rows = (vip: string, ...ports: number[]) => ports.map((p) => row(vip, p));

interface Ev {
  event: string;
  [k: string]: unknown;
}

class Bed {
  readonly log: Call[] = [];
  readonly events: Ev[] = [];
  readonly traffic = new Map<string, number>();
  readonly a = new FakeBalancer('A', this.log, this.traffic);
  readonly b = new FakeBalancer('B', this.log, this.traffic);
  readonly store = new RowStore();
  private storeApi: JsonApi | undefined;
  private controllers: NatController[] = [];
  private apis: JsonApi[] = [];

  async start(): Promise<this> {
    await this.a.start();
    await this.b.start();
    // Variant 1: this server's "TCP table" holds V1's connections on ports 3000+.
    const tcpTable = { vips: [V1], read: async (vip: string) => rows(vip, 3000, 3001) };
    this.storeApi = await startJsonApi(
      '127.0.0.1:0',
      TOKEN,
      copyStoreRoutes({ node: 's1', store: this.store, now: Date.now, emit: () => undefined, tcpTable }),
    );
    return this;
  }

  config(over: Record<string, unknown> = {}): ControllerConfig {
    return {
      ...controllerConfigSchema.parse({
        token: 'controller-token',
        listen: '127.0.0.1:0',
        peerToken: TOKEN,
        balancers: [this.a.endpoint, this.b.endpoint],
        copyStores: [{ name: 's1', api: `127.0.0.1:${this.storeApi!.port}` }],
        poll: { intervalMs: 30, timeoutMs: 300, misses: 3 },
        migration: { stepTimeoutMs: 600, deadCallTimeoutMs: 200, retryMs: 300 },
        policy: { enabled: false },
        ...over,
      }),
      node: 'ctl',
    };
  }

  /** A controller whose events go to `events`; `api` also serves its HTTP API. */
  async controller(over: Record<string, unknown> = {}, api = false): Promise<{ c: NatController; url?: string }> {
    const c = new NatController(this.config(over), {
      client: new ControlClient(),
      emit: (event, data = {}) => this.events.push({ event, ...data }),
    });
    this.controllers.push(c);
    c.start();
    if (!api) return { c };
    const served = await startJsonApi('127.0.0.1:0', 'controller-token', controllerRoutes(c));
    this.apis.push(served);
    return { c, url: `http://127.0.0.1:${served.port}` };
  }

  calls(from = 0): string[] {
    return this.log.slice(from).map((c) => `${c.balancer} ${c.path}`);
  }

  named(event: string): Ev[] {
    return this.events.filter((e) => e.event === event);
  }

  async close(): Promise<void> {
    this.controllers.forEach((c) => c.stop());
    await Promise.all([...this.apis.map((a) => a.close()), this.a.kill(), this.b.kill(), this.storeApi?.close()]);
  }
}

const waitFor = (what: string, check: () => boolean, timeoutMs = 15_000) => pollUntil(what, check, { timeoutMs, intervalMs: 20 });
const owned = (c: NatController, vip: string) => (c.status().assignment as Record<string, string>)[vip];
const post = async (url: string, body: unknown) => {
  const res = await fetch(`${url}/move`, {
    method: 'POST',
    headers: { authorization: 'Bearer controller-token', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { code: res.status, body: (await res.json()) as Record<string, unknown> };
};

/** A is consistent owner of `vip`: normal, address up, all rows; B knows nothing of it. */
const assertOwnedBy = (owner: FakeBalancer, other: FakeBalancer, vip: string, ports: number[]) => {
  assert.equal(owner.mode(vip), 'normal', `${owner.name} holds ${vip} in normal mode`);
  assert.ok(owner.hasAddress(vip), `${owner.name} has the address`);
  assert.deepEqual(owner.rowPorts(vip), ports);
  assert.equal(other.mode(vip), undefined, `${other.name} has no ${vip}`);
  assert.ok(!other.hasAddress(vip), `${other.name} does not have the address`);
};

describe('nat-lb controller loop (fake balancers over HTTP)', function () {
  this.timeout(60_000);
  let bed: Bed;
  beforeEach(async () => {
    bed = await new Bed().start();
  });
  afterEach(async function () {
    await bed.close();
    // The fakes refuse (409) what the real balancer refuses: a controller that drew a refusal
    // asked for a step out of order, even if it recovered.
    const refusals = [...bed.a.refusals.map((r) => `A ${r}`), ...bed.b.refusals.map((r) => `B ${r}`)];
    if (this.currentTest?.state === 'passed') assert.deepEqual(refusals, [], 'steps the real balancer would refuse');
  });

  it('planned move over POST /move: the four steps in order, rows moved, one owner, events per step', async () => {
    bed.a.hold(V1, rows(V1, 1000, 1001, 1002)).hold(V2);
    bed.b.hold(V3);
    const { c, url } = await bed.controller({}, true);
    await waitFor('assignment', () => owned(c, V1) === 'A' && owned(c, V3) === 'B');
    const from = bed.log.length;
    const res = await post(url!, { vip: V1, to: 'B' });
    assert.deepEqual([res.code, res.body.state, res.body.owner, res.body.rows], [200, 'done', 'B', 3]);
    assert.deepEqual(bed.calls(from), [
      'B /migration/begin',
      'A /address/release',
      'A /rows/export',
      'B /rows/import',
      'B /address/take',
      'B /migration/finish',
      'A /rows/delete',
      'A /vip/forget',
    ]);
    assertOwnedBy(bed.b, bed.a, V1, [1000, 1001, 1002]);
    assert.equal(bed.a.mode(V2), 'normal', 'the other VIP stays put');
    const steps = bed.named('migration-step').map((e) => [e.vip, e.step, e.from, e.to, e.ok, typeof e.ms]);
    assert.deepEqual(
      steps,
      // Step 2 (release … take) closes after step 3: the rows travel inside it.
      [1, 3, 2, 4].map((s) => [V1, s, 'A', 'B', true, 'number']),
    );
    assert.equal(owned(c, V1), 'B');
    const status = c.status();
    assert.deepEqual([status.lastMoves.length, status.lastMoves[0]!.state, status.migration], [1, 'done', null]);
  });

  it('POST /move refuses what cannot be done with 400 / 404 / 409 and moves nothing', async () => {
    bed.a.hold(V1);
    const { c, url } = await bed.controller({}, true);
    await waitFor('assignment', () => owned(c, V1) === 'A');
    assert.match(String((await post(url!, { vip: V1 })).body.error), /body.to: missing/);
    assert.equal((await post(url!, { vip: V2, to: 'B' })).code, 404);
    assert.equal((await post(url!, { vip: V1, to: 'C' })).code, 404);
    assert.equal((await post(url!, { vip: V1, to: 'A' })).code, 409);
    assert.deepEqual(
      bed.calls().filter((x) => !x.endsWith('/status')),
      [],
    );
  });

  it('a step that misses its deadline rolls the move back to the source', async () => {
    bed.a.hold(V1, rows(V1, 1000));
    bed.b.hang.add('/address/take');
    const { c } = await bed.controller();
    await waitFor('assignment', () => owned(c, V1) === 'A');
    const started = Date.now();
    const r = await c.requestMove(V1, 'B');
    assert.deepEqual([r.state, r.owner, r.failedStep], ['rolled-back', 'A', 2]);
    assert.ok(Date.now() - started >= 550, 'waited for the step deadline');
    assert.match(String(r.error), /B \/address\/take: .*no answer within/);
    bed.b.hang.clear();
    await waitFor('B to be clean', () => bed.b.mode(V1) === undefined);
    assertOwnedBy(bed.a, bed.b, V1, [1000]);
    assert.deepEqual(
      bed.named('migration-step').map((e) => [e.step, e.ok]),
      [
        [1, true],
        [3, true],
        [2, false],
      ],
    );
    assert.deepEqual(
      bed.named('rollback').map((e) => [e.ok, e.owner, e.failedStep]),
      [[true, 'A', 2]],
    );
  });

  it('a balancer declared dead mid-move has its call abandoned: the move rolls back at detection, not at the step deadline', async () => {
    bed.a.hold(V1, rows(V1, 1000));
    bed.b.hang.add('/address/take');
    const { c } = await bed.controller({ migration: { stepTimeoutMs: 10_000, deadCallTimeoutMs: 200, retryMs: 300 } });
    await waitFor('assignment', () => owned(c, V1) === 'A');
    const started = Date.now();
    const moving = c.requestMove(V1, 'B');
    await waitFor('B to be asked to take the address', () => bed.calls().includes('B /address/take'));
    bed.b.statusDown = true; // its polls fail from now on: dead after 3 misses
    const r = await moving;
    assert.deepEqual([r.state, r.owner, r.failedStep], ['rolled-back', 'A', 2]);
    assert.match(String(r.error), /B \/address\/take: abandoned: B was declared dead/);
    assert.ok(Date.now() - started < 5_000, `rolled back ${Date.now() - started} ms after the request, long before the 10 s step deadline`);
    const dead = bed.named('balancer-dead').find((e) => e.balancer === 'B');
    assert.ok(dead, 'B was declared dead');
    assert.equal(bed.a.mode(V1), 'normal');
    assert.ok(bed.a.hasAddress(V1), 'A took the address back');
    assert.deepEqual(bed.a.rowPorts(V1), [1000]);
  });

  for (const [step, path] of [
    [1, '/migration/begin'],
    [3, '/rows/import'],
    [2, '/address/take'],
  ] as const) {
    it(`the target dies after step ${step}: the source is the one consistent owner, with every row`, async () => {
      bed.a.hold(V1, rows(V1, 1000, 1001));
      const { c } = await bed.controller();
      await waitFor('assignment', () => owned(c, V1) === 'A');
      bed.b.dieAfter = path;
      const from = bed.log.length;
      const r = await c.requestMove(V1, 'B');
      assert.deepEqual([r.state, r.owner], ['rolled-back', 'A']);
      if (path === '/address/take') {
        // B died after its take, the last call before its release: A deletes its rows only
        // after that release, so it still has them and only takes the address back.
        assert.equal(r.failedStep, 4);
        const a = bed.calls(from).filter((x) => x.startsWith('A '));
        assert.deepEqual(a.slice(-2), ['A /rows/export', 'A /address/take']);
      }
      assert.equal(bed.a.mode(V1), 'normal');
      assert.ok(bed.a.hasAddress(V1));
      assert.deepEqual(bed.a.rowPorts(V1), [1000, 1001]);
      await waitFor('B declared dead', () => bed.named('balancer-dead').some((e) => e.balancer === 'B'));
      assert.equal(owned(c, V1), 'A');
      assert.equal(bed.named('rollback')[0]!.ok, true);
    });
  }

  it('controller killed in step 3, restarted: reads the mode tables and completes the move to one owner', async () => {
    bed.a.hold(V1, rows(V1, 1000, 1001));
    const first = await bed.controller();
    await waitFor('assignment', () => owned(first.c, V1) === 'A');
    bed.b.hang.add('/rows/import');
    void first.c.requestMove(V1, 'B').catch(() => undefined);
    await waitFor('step 3 reached', () => bed.calls().includes('B /rows/import'));
    first.c.stop();
    bed.b.hang.clear();
    assert.deepEqual([bed.a.mode(V1), bed.b.mode(V1)], ['normal', 'migration'], 'half done');
    const second = await bed.controller();
    await waitFor('repaired', () => owned(second.c, V1) === 'B' && bed.b.mode(V1) === 'normal');
    assertOwnedBy(bed.b, bed.a, V1, [1000, 1001]);
    assert.ok(bed.named('migration-start').some((e) => e.resumed === true && e.kind === 'planned'));
  });

  it('controller killed in step 4 after the target finished: the restarted one has the source forget', async () => {
    bed.a.hold(V1, rows(V1, 1000));
    const first = await bed.controller();
    await waitFor('assignment', () => owned(first.c, V1) === 'A');
    bed.a.hang.add('/vip/forget');
    void first.c.requestMove(V1, 'B').catch(() => undefined);
    await waitFor('step 4 reached', () => bed.calls().includes('A /vip/forget'));
    first.c.stop();
    bed.a.hang.clear();
    const from = bed.log.length;
    const second = await bed.controller();
    await waitFor('repaired', () => owned(second.c, V1) === 'B' && bed.b.mode(V1) === 'normal');
    assertOwnedBy(bed.b, bed.a, V1, [1000]);
    assert.ok(!bed.calls(from).includes('B /rows/import'), 'the rows are already there: no copy-store import over them');
  });

  it('failover of a killed balancer: its VIPs go to the survivor with the rows from the copy store', async () => {
    bed.a.hold(V1, rows(V1, 1000, 1001)).hold(V2);
    bed.b.hold(V3);
    bed.store.put('A', V1, rows(V1, 1000, 1001), Date.now());
    const { c } = await bed.controller();
    await waitFor('assignment', () => owned(c, V1) === 'A');
    await bed.a.kill();
    await waitFor('failover', () => owned(c, V1) === 'B' && owned(c, V2) === 'B', 20_000);
    assert.deepEqual([bed.b.mode(V1), bed.b.rowPorts(V1), bed.b.mode(V2), bed.b.rowPorts(V2)], ['normal', [1000, 1001], 'normal', []]);
    assert.ok(bed.b.hasAddress(V1) && bed.b.hasAddress(V2));
    assert.deepEqual(
      bed.named('balancer-dead').map((e) => e.balancer),
      ['A'],
    );
    const v1Steps = bed
      .named('migration-step')
      .filter((e) => e.vip === V1)
      .map((e) => [e.step, e.ok, e.to]);
    assert.deepEqual(v1Steps, [
      [1, true, 'B'],
      [2, true, 'B'],
      [3, true, 'B'],
      [4, true, 'B'],
    ]);
    assert.ok(bed.named('copy-rows').some((e) => e.vip === V1 && e.rows === 2));
  });

  it('V2 failover (state first): the survivor imports the rows before it takes the address', async () => {
    bed.a.hold(V1, rows(V1, 1000));
    bed.store.put('A', V1, rows(V1, 1000), Date.now());
    const { c } = await bed.controller({ migration: { stepTimeoutMs: 600, deadCallTimeoutMs: 200, failoverOrder: 'state-first' } });
    await waitFor('assignment', () => owned(c, V1) === 'A');
    const from = bed.log.length;
    await bed.a.kill();
    await waitFor('failover', () => bed.b.mode(V1) === 'normal' && bed.named('migration-done').length > 0, 20_000);
    const b = bed.calls(from).filter((x) => x.startsWith('B '));
    assert.deepEqual(b, ['B /migration/begin', 'B /rows/import', 'B /address/take', 'B /migration/finish']);
    assert.deepEqual(
      bed.named('migration-step').map((e) => e.step),
      [1, 3, 2, 4],
    );
  });

  it('V14: a balancer dead to health checks but still readable gives its own rows', async () => {
    bed.a.hold(V1, rows(V1, 1000, 1001, 1002));
    bed.store.put('A', V1, rows(V1, 1000), Date.now());
    const { c } = await bed.controller({
      migration: { stepTimeoutMs: 600, deadCallTimeoutMs: 200, failoverRows: 'balancer-then-copy-store' },
    });
    await waitFor('assignment', () => owned(c, V1) === 'A');
    bed.a.statusDown = true;
    await waitFor('failover', () => bed.b.mode(V1) === 'normal', 20_000);
    assert.deepEqual(bed.b.rowPorts(V1), [1000, 1001, 1002]);
    assert.equal(bed.named('copy-rows').length, 0, 'the copy stores were not needed');
  });

  it("V1 failover: the rows are rebuilt from the servers' TCP tables", async () => {
    bed.a.hold(V1, rows(V1, 1000));
    const { c } = await bed.controller({ migration: { stepTimeoutMs: 600, deadCallTimeoutMs: 200, failoverRows: 'tcp-table' } });
    await waitFor('assignment', () => owned(c, V1) === 'A');
    await bed.a.kill();
    await waitFor('failover', () => bed.b.mode(V1) === 'normal', 20_000);
    assert.deepEqual(bed.b.rowPorts(V1), [3000, 3001]);
  });

  it('the source dies in the middle of a planned move: the rollback cannot reach it, so the VIP fails over to the target', async () => {
    bed.a.hold(V1, rows(V1, 1000, 1001));
    bed.store.put('A', V1, rows(V1, 1000, 1001), Date.now());
    const { c } = await bed.controller();
    await waitFor('assignment', () => owned(c, V1) === 'A');
    bed.a.dieAfter = '/address/release';
    const r = await c.requestMove(V1, 'B');
    assert.deepEqual([r.state, r.owner], ['failed', null]);
    await waitFor('failed over to B', () => owned(c, V1) === 'B' && bed.b.mode(V1) === 'normal', 20_000);
    assert.deepEqual(bed.b.rowPorts(V1), [1000, 1001]);
    assert.ok(bed.b.hasAddress(V1));
  });

  it('a failover target that dies leaves the VIP unowned, then it is retried when a balancer is back', async () => {
    bed.a.hold(V1, rows(V1, 1000));
    bed.store.put('A', V1, rows(V1, 1000), Date.now());
    const { c } = await bed.controller();
    await waitFor('assignment', () => owned(c, V1) === 'A');
    bed.b.dieAfter = '/address/take';
    await bed.a.kill();
    await waitFor('rollback', () => bed.named('rollback').length > 0, 20_000);
    assert.deepEqual(
      bed.named('rollback').map((e) => [e.ok, e.owner]),
      [[true, null]],
    );
    // A comes back empty (a restarted balancer); the VIP goes there with the copy-store rows.
    bed.a.wipe();
    await bed.a.start();
    await waitFor('retried on A', () => bed.a.mode(V1) === 'normal' && owned(c, V1) === 'A', 20_000);
    assert.deepEqual(bed.a.rowPorts(V1), [1000]);
  });

  it('load-triggered move: the VIP that best evens the byte rates moves once the imbalance holds', async () => {
    bed.traffic.set(V1, 400_000).set(V2, 200_000).set(V3, 20_000);
    bed.a.hold(V1).hold(V2);
    bed.b.hold(V3);
    const { c } = await bed.controller({
      policy: { enabled: true, thresholdPercent: 30, holdMs: 400, windowMs: 300, minRateBps: 1000, cooldownMs: 60_000 },
    });
    await waitFor('V2 moved to B', () => owned(c, V2) === 'B' && bed.b.mode(V2) === 'normal', 20_000);
    const decision = bed.named('policy-decision').find((e) => e.kind === 'move')!;
    assert.deepEqual([decision.vip, decision.from, decision.to], [V2, 'A', 'B']);
    assert.ok(
      bed.named('policy-decision').some((e) => e.kind === 'hold'),
      'it held before deciding',
    );
    assert.equal(owned(c, V1), 'A');
  });

  it("two balancers claiming one VIP: the assigned one keeps it (with the other's rows), the other lets go", async () => {
    bed.a.hold(V1, rows(V1, 1000, 1001));
    bed.b.hold(V1, rows(V1, 2000));
    const { c } = await bed.controller();
    await waitFor('deduped', () => bed.named('repair').length > 0 && owned(c, V1) === 'A');
    assertOwnedBy(bed.a, bed.b, V1, [1000, 1001, 2000]);
    assert.deepEqual(
      bed.named('repair').map((e) => [e.keep, e.dropped]),
      [['A', ['B']]],
    );
  });
});
