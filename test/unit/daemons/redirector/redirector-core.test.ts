import { strict as assert } from 'node:assert';
import { AdminRefusal, FollowRefusal, RedirectorCore, type Outcome } from '../../../../src/daemons/redirector/front/redirector-core.js';
import { config, report } from './redirector-fixtures.js';

const events = (o: Outcome) => o.events.map((e) => e.event);
const reading = (clientPort: number, service: number, backendIp: string) => ({
  clientIp: '198.18.30.1',
  clientPort,
  frontIp: '198.18.30.100',
  service,
  backendIp,
  state: 'ESTABLISHED',
});
const everyoneReports = (core: RedirectorCore, t: number, skip: string[] = [], load = 0.1) => {
  for (const b of ['be1', 'be2', 'be3', 'be4', 'be5', 'be6']) if (!skip.includes(b)) core.report(report(b, load), t);
};

describe('redirector: the core state machine', () => {
  it('failure: a silent back end leaves 112 of every service, its routes are purged; only the admin re-adds it', () => {
    const core = new RedirectorCore(config(), 0);
    core.readings([reading(1, 8080, '198.18.31.11'), reading(2, 8080, '198.18.31.12')], 0);
    everyoneReports(core, 100, ['be1']);
    everyoneReports(core, 200, ['be1']);
    const o = core.tick(300);
    assert.deepEqual(o.effects, [
      { kind: 'block', backend: 'be1', ip: '198.18.31.11' },
      { kind: 'program', port: 8080 },
      { kind: 'purge', backend: 'be1', ip: '198.18.31.11', ports: [8080], kick: true },
    ]);
    assert.deepEqual(o.events, [{ event: 'backend-dead', data: { backend: 'be1', silentMs: 300, ports: [8080] } }]);
    assert.deepEqual(core.table.weights(8080), [{ name: 'be2', weight: 1 }]);
    assert.throws(
      () => core.setRatio(8080, 'be1', 1),
      (e: unknown) => e instanceof AdminRefusal && /be1 is dead/.test(e.message),
    );
    const back = core.report(report('be1'), 400);
    assert.deepEqual(events(back), ['backend-alive'], 'admin re-add: coming back is not enough');
    assert.deepEqual(back.effects, [{ kind: 'unblock', backend: 'be1', ip: '198.18.31.11' }]);
    assert.equal(core.table.member(8080, 'be1'), undefined);
    const readd = core.setRatio(8080, 'be1', 1);
    assert.deepEqual(events(readd), ['backend-readded']);
    assert.deepEqual(readd.effects, [{ kind: 'program', port: 8080 }]);
    assert.deepEqual(core.table.weights(8080), [
      { name: 'be2', weight: 1 },
      { name: 'be1', weight: 1 },
    ]);
  });

  it('auto re-add (option): the back end returns with its last ratio when it reports again', () => {
    const core = new RedirectorCore(config('{ intervalMs: 100, misses: 3, startGraceMs: 0, reAdd: auto }'), 0);
    core.tick(300);
    const o = core.report(report('be3'), 400);
    assert.deepEqual(events(o), ['backend-alive', 'backend-readded']);
    assert.deepEqual(core.table.member(8081, 'be3'), { backend: 'be3', ip: '198.18.31.13', ratio: 2, state: 'serving' });
  });

  it('load: an overloaded back end steps down by `step`, once per cooldown, never below minRatio; its connections stay', () => {
    const core = new RedirectorCore(config(), 0);
    core.readings([reading(1, 8081, '198.18.31.13')], 0);
    const o = core.report(report('be3', 0.9), 10);
    assert.deepEqual(o.events, [{ event: 'ratio-lowered', data: { port: 8081, backend: 'be3', from: 2, to: 1, load: 0.9 } }]);
    assert.deepEqual(o.effects, [{ kind: 'program', port: 8081 }]);
    assert.deepEqual(events(core.report(report('be3', 0.9), 500)), [], 'cooldown');
    assert.deepEqual(events(core.report(report('be3', 0.9), 2000)), [], 'at minRatio');
    assert.equal(core.routes.count(8081, 'be3'), 1, 'the connection in service is not moved');
  });

  it('drain (ratio 0) and restore are admin ratios; unknown names are refused with the members listed', () => {
    const core = new RedirectorCore(config(), 0);
    assert.deepEqual(core.setRatio(8080, 'be1', 0).events, [{ event: 'ratio-set', data: { port: 8080, backend: 'be1', from: 1, to: 0 } }]);
    assert.deepEqual(core.table.weights(8080), [
      { name: 'be1', weight: 0 },
      { name: 'be2', weight: 1 },
    ]);
    core.setRatio(8080, 'be1', 1);
    assert.throws(() => core.setRatio(8080, 'be3', 1), /be3 is not in service 8080 and was not removed from it; use add/);
    assert.throws(() => core.add(8080, 'be9', 1), /no back end be9; known: be1, be2/);
  });

  const calm = '{ intervalMs: 10000, misses: 3 }';

  it('scale-out: all of 8080 overloaded for holdMs → start on the first live spare, forward only once it listens', () => {
    const core = new RedirectorCore(config(calm), 0);
    core.report(report('be1', 0.9), 0);
    core.report(report('be2', 0.9), 0);
    assert.deepEqual(events(core.tick(100)), []);
    const o = core.tick(600);
    assert.deepEqual(o.effects, [{ kind: 'command', backend: 'be5', ip: '198.18.31.15', action: 'start', port: 8080 }]);
    assert.equal(core.table.member(8080, 'be5')!.state, 'starting');
    assert.equal(core.table.weights(8080).length, 2, 'not forwarded to while starting');
    assert.deepEqual(events(core.report(report('be5', 0, [8082]), 700)), [], 'listening on another port is not enough');
    const up = core.report(report('be5', 0, [8080, 8082]), 800);
    assert.deepEqual(up.events, [{ event: 'scale-out-listening', data: { port: 8080, backend: 'be5', afterMs: 200 } }]);
    assert.deepEqual(up.effects, [{ kind: 'program', port: 8080 }]);
    assert.deepEqual(core.table.weights(8080).at(-1), { name: 'be5', weight: 1 });
  });

  it('scale-out that never listens is dropped after startTimeoutMs', () => {
    const core = new RedirectorCore(config(calm), 0);
    core.report(report('be1', 0.9), 0);
    core.report(report('be2', 0.9), 0);
    core.tick(0);
    assert.deepEqual(events(core.tick(500)), ['scale-out-start']);
    everyoneReports(core, 1000, [], 0.9);
    everyoneReports(core, 3000, [], 0.9);
    const o = core.tick(3500);
    assert.ok(events(o).includes('scale-out-failed'), JSON.stringify(o.events));
    assert.equal(core.table.member(8080, 'be5'), undefined);
  });

  it('drain-then-stop: ratio 0 at once, stop only when neither 111 nor the agent has a connection, dropped once not listening', () => {
    const core = new RedirectorCore(config(), 0);
    core.readings([reading(1, 8082, '198.18.31.16')], 0);
    const o = core.stop(8082, 'be6', 0);
    assert.deepEqual(o.effects, [{ kind: 'program', port: 8082 }]);
    assert.deepEqual(core.table.weights(8082), [{ name: 'be5', weight: 1 }]);
    assert.deepEqual(
      core.readings([], 100).effects,
      [{ kind: 'command', backend: 'be6', ip: '198.18.31.16', action: 'stop', port: 8082 }],
      'no route left in 111 and no agent count that says otherwise',
    );
    const c2 = new RedirectorCore(config(), 0);
    c2.report(report('be6', 0.1, [8082], { '8082': 1 }), 0);
    c2.stop(8082, 'be6', 0);
    assert.deepEqual(c2.readings([], 100).effects, [], 'the agent still has a connection');
    const stop = c2.report(report('be6', 0.1, [8082], { '8082': 0 }), 200);
    assert.deepEqual(stop.effects, [{ kind: 'command', backend: 'be6', ip: '198.18.31.16', action: 'stop', port: 8082 }]);
    assert.deepEqual(events(c2.report(report('be6', 0.1, [], {}), 300)), ['process-stopped']);
    assert.equal(c2.table.member(8082, 'be6'), undefined);
  });

  it('admin removal purges like a failure; reports from unknown nodes are refused', () => {
    const core = new RedirectorCore(config(), 0);
    assert.deepEqual(core.remove(8081, 'be4').effects, [
      { kind: 'program', port: 8081 },
      { kind: 'purge', backend: 'be4', ip: '198.18.31.14', ports: [8081], kick: true },
    ]);
    assert.deepEqual(events(core.report(report('be9'), 0)), ['report-refused']);
  });

  describe("a pair: the standby follows the active front end's 112", () => {
    const calmConfig = () => config('{ intervalMs: 10000, misses: 3, startGraceMs: 0 }');

    it('takes the table whole and reprograms only the cycles that changed; decides nothing itself and refuses the admin', () => {
      const active = new RedirectorCore(calmConfig(), 0);
      const standby = new RedirectorCore(calmConfig(), 0);
      standby.standBy();
      assert.equal(standby.following, true);
      active.setRatio(8080, 'be1', 3);
      const o = standby.follow(active.table.copy());
      assert.deepEqual(o.effects, [{ kind: 'program', port: 8080 }]);
      assert.deepEqual(o.events, [
        {
          event: 'table-followed',
          data: { reprogrammed: [8080], forwarding: '8080: be1=3 be2=1; 8081: be3=2 be4=1; 8082: be5=1 be6=1', keptOut: [] },
        },
      ]);
      assert.deepEqual(standby.follow(active.table.copy()), { effects: [], events: [] }, 'the same table again: nothing to do');
      assert.throws(
        () => standby.setRatio(8080, 'be2', 2),
        (e: unknown) =>
          e instanceof AdminRefusal &&
          /this front end is the standby: its table 112 follows the active's; make the change there/.test(e.message),
      );
      assert.throws(() => standby.stop(8082, 'be6', 0), AdminRefusal);
      assert.deepEqual(events(standby.report(report('be3', 0.95), 10)), [], "an overload is the active's to act on");
      assert.deepEqual(standby.table.member(8081, 'be3')!.ratio, 2);
      assert.deepEqual(standby.tick(1000).effects, [], 'nor does it scale out');
    });

    it('a back end dead by its own checks stays out of the followed table', () => {
      const active = new RedirectorCore(calmConfig(), 0);
      const standby = new RedirectorCore(config(), 0);
      standby.standBy();
      everyoneReports(standby, 100, ['be4']);
      everyoneReports(standby, 200, ['be4']);
      assert.deepEqual(events(standby.tick(300)), ['backend-dead']);
      assert.deepEqual(standby.follow(active.table.copy()), { effects: [], events: [] }, "the active's table but for be4: as it is here");
      active.setRatio(8081, 'be3', 1);
      const o = standby.follow(active.table.copy());
      assert.deepEqual(standby.table.weights(8081), [{ name: 'be3', weight: 1 }]);
      assert.deepEqual(standby.table.removed(), [{ port: 8081, backend: 'be4', ip: '198.18.31.14', ratio: 1, reason: 'failed' }]);
      assert.deepEqual(o.events[0]?.data.keptOut, ['8081/be4']);
      assert.deepEqual(o.effects, [{ kind: 'program', port: 8081 }]);
    });

    it('a table naming other back ends or services is refused whole', () => {
      const standby = new RedirectorCore(calmConfig(), 0);
      standby.standBy();
      const copy = standby.table.copy();
      copy.services[0]!.members[0]!.ip = '198.18.31.99';
      assert.throws(
        () => standby.follow(copy),
        (e: unknown) =>
          e instanceof FollowRefusal && /names back end be1 at 198.18.31.99; this front end's config has 198.18.31.11/.test(e.message),
      );
      const fewer = standby.table.copy();
      fewer.services.pop();
      assert.throws(() => standby.follow(fewer), /the peer's table 112: its services are 8080, 8081, this table's 8080, 8081, 8082/);
      assert.deepEqual(standby.table.copy(), new RedirectorCore(calmConfig(), 0).table.copy());
    });

    it("taking over, it leads on the followed table: the old active's scale-out joins once listening, the admin is heard", () => {
      const active = new RedirectorCore(calmConfig(), 0);
      for (const b of ['be1', 'be2']) active.report(report(b, 0.9), 0);
      active.tick(0);
      assert.deepEqual(events(active.tick(500)), ['scale-out-start']);
      const standby = new RedirectorCore(calmConfig(), 0);
      standby.standBy();
      standby.follow(active.table.copy());
      assert.equal(standby.table.member(8080, 'be5')!.state, 'starting');
      assert.deepEqual(standby.lead(2000), { effects: [], events: [] });
      assert.equal(standby.following, false);
      assert.deepEqual(events(standby.report(report('be5', 0.1, [8080]), 2100)), ['scale-out-listening']);
      assert.deepEqual(events(standby.setRatio(8080, 'be2', 2)), ['ratio-set']);
      assert.deepEqual(standby.follow(active.table.copy()), { effects: [], events: [] }, "leading, a peer's table is not followed");
    });
  });
});
