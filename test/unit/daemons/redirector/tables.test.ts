import { strict as assert } from 'node:assert';
import { AssignedRoutes, type ConnectionReading } from '../../../../src/daemons/redirector/front/assigned-routes.js';
import { ForwardingTable } from '../../../../src/daemons/redirector/front/forwarding-table.js';
import { HealthTracker } from '../../../../src/daemons/redirector/front/health.js';

const reading = (clientIp: string, clientPort: number, service: number, backendIp: string, state = 'ESTABLISHED'): ConnectionReading => ({
  clientIp,
  clientPort,
  frontIp: '198.18.30.100',
  service,
  backendIp,
  state,
});

describe('redirector: tables 111 and 112, health', () => {
  it('112: ratios per service; a removed member waits for its re-add; errors name service and members', () => {
    const t = new ForwardingTable([
      {
        port: 8081,
        members: [
          { backend: 'be3', ip: '198.18.31.13', ratio: 2 },
          { backend: 'be4', ip: '198.18.31.14', ratio: 1 },
        ],
      },
    ]);
    assert.deepEqual(t.weights(8081), [
      { name: 'be3', weight: 2 },
      { name: 'be4', weight: 1 },
    ]);
    assert.deepEqual(t.setRatio(8081, 'be4', 0), { from: 1, to: 0 });
    t.remove(8081, 'be3', 'failed');
    assert.deepEqual(t.weights(8081), [{ name: 'be4', weight: 0 }]);
    assert.deepEqual(t.removed(), [{ port: 8081, backend: 'be3', ip: '198.18.31.13', ratio: 2, reason: 'failed' }]);
    t.add(8081, 'be3', '198.18.31.13', 2);
    assert.deepEqual(t.removed(), []);
    assert.throws(() => t.setRatio(8081, 'be9', 1), /be9 is not in service 8081; members: be4, be3/);
    assert.throws(() => t.add(8081, 'be3', '198.18.31.13', 1), /be3 is in service 8081 already/);
    assert.throws(() => t.members(9999), /no service 9999; services: 8081/);
    t.add(8081, 'be5', '198.18.31.15', 1, 'starting');
    assert.equal(t.weights(8081).length, 2, 'a starting member is not in the cycle');
    t.setState(8081, 'be3', 'stopping');
    assert.equal(t.member(8081, 'be3')!.ratio, 0);
    assert.throws(() => t.setRatio(8081, 'be3', 2), /being stopped/);
  });

  it('112 copied whole from another table (a standby following the active): the changed cycles named, a mismatch refused unchanged', () => {
    const make = () =>
      new ForwardingTable([
        {
          port: 8080,
          members: [
            { backend: 'be1', ip: '198.18.31.11', ratio: 1 },
            { backend: 'be2', ip: '198.18.31.12', ratio: 1 },
          ],
        },
        { port: 8081, members: [{ backend: 'be3', ip: '198.18.31.13', ratio: 2 }] },
      ]);
    const active = make();
    active.setRatio(8080, 'be1', 3);
    active.remove(8081, 'be3', 'admin');
    const standby = make();
    assert.deepEqual(standby.replaceWith(active.copy()), [8080, 8081]);
    assert.deepEqual(standby.copy(), active.copy());
    assert.deepEqual(standby.replaceWith(active.copy()), [], 'nothing changed: no cycle to reprogram');
    active.setState(8080, 'be2', 'starting');
    assert.deepEqual(standby.replaceWith(active.copy()), [8080], 'a member out of the cycle changes it');

    const before = standby.copy();
    const other = new ForwardingTable([{ port: 8080, members: [] }]);
    assert.throws(() => standby.replaceWith(other.copy()), /its services are 8080, this table's 8080, 8081/);
    const twice = active.copy();
    twice.services[0]!.members.push({ ...twice.services[0]!.members[0]! });
    assert.throws(() => standby.replaceWith(twice), /be1 is in its service 8080 twice/);
    const stray = active.copy();
    stray.removed.push({ port: 9999, backend: 'be9', ip: '198.18.31.19', ratio: 1, reason: 'admin' });
    assert.throws(() => standby.replaceWith(stray), /its removed be9 names service 9999, which is not one of 8080, 8081/);
    assert.deepEqual(standby.copy(), before, 'a refused copy changes nothing');
  });

  it('111: rebuilt exactly from each dump, keyed by (service, client IP, client port); closing connections are no routes', () => {
    const r = new AssignedRoutes(
      [
        { name: 'be1', ip: '198.18.31.11' },
        { name: 'be2', ip: '198.18.31.12' },
        { name: 'be5', ip: '198.18.31.15' },
      ],
      '198.18.30.100',
      [8080, 8082],
    );
    const first = [
      reading('198.18.30.1', 40000, 8080, '198.18.31.11'),
      reading('198.18.30.1', 40001, 8080, '198.18.31.12'), // same IP, other port: another client
      reading('198.18.30.1', 40000, 8082, '198.18.31.15'), // same (IP, port), other service
      reading('198.18.30.2', 40000, 8080, '198.18.31.12', 'TIME_WAIT'),
      reading('198.18.30.2', 40002, 9999, '198.18.31.12'),
      { ...reading('198.18.30.2', 40003, 8080, '198.18.31.12'), frontIp: '198.18.30.22' },
    ];
    assert.deepEqual(r.replace(first), { added: 3, removed: 0 });
    assert.equal(r.get(8080, '198.18.30.1', 40000)!.backend, 'be1');
    assert.equal(r.get(8080, '198.18.30.1', 40001)!.backend, 'be2');
    assert.equal(r.get(8082, '198.18.30.1', 40000)!.backend, 'be5');
    assert.deepEqual(r.counts(), { '8080': { be1: 1, be2: 1 }, '8082': { be5: 1 } });
    assert.deepEqual(r.replace(first.slice(1, 3)), { added: 0, removed: 1 });
    assert.deepEqual(
      r.removeBackend('be2').map((x) => x.clientPort),
      [40001],
    );
    assert.equal(r.size, 1);
  });

  it('health, agent method: dead after misses × interval of silence, alive on the next report', () => {
    const h = new HealthTracker(['be1', 'be2'], { method: 'agent', intervalMs: 100, misses: 3 }, 0);
    h.seen('be1', 50);
    assert.deepEqual(h.tick(299), []);
    assert.deepEqual(h.tick(300), [{ backend: 'be2', to: 'dead', silentMs: 300 }]);
    assert.deepEqual(h.tick(350), [{ backend: 'be1', to: 'dead', silentMs: 300 }]);
    assert.deepEqual(h.tick(1000), [], 'declared once');
    assert.deepEqual(h.seen('be1', 1000), { backend: 'be1', to: 'alive' });
    assert.throws(() => h.seen('be9', 0), /no back end be9/);
    const graced = new HealthTracker(['be1', 'be2'], { method: 'agent', intervalMs: 100, misses: 3, startGraceMs: 1000 }, 0);
    graced.seen('be1', 10);
    assert.deepEqual(graced.tick(999), [], 'nobody dies within the grace');
    assert.deepEqual(graced.tick(1000), [
      { backend: 'be1', to: 'dead', silentMs: 990 },
      { backend: 'be2', to: 'dead', silentMs: 1000 },
    ]);
    const late = new HealthTracker(['be1'], { method: 'agent', intervalMs: 100, misses: 3 }, 0);
    late.restart(1000);
    assert.deepEqual(late.tick(1200), [], 'silence counts from the restart (the daemon ready to hear)');
  });

  it('health, tcp method: dead after misses failed connects in a row', () => {
    const h = new HealthTracker(['be1'], { method: 'tcp', intervalMs: 100, misses: 2 }, 0);
    assert.equal(h.failed('be1', 100), undefined);
    h.seen('be1', 200);
    assert.equal(h.failed('be1', 300), undefined, 'a success starts the count afresh');
    assert.deepEqual(h.failed('be1', 400), { backend: 'be1', to: 'dead', silentMs: 200 });
    assert.deepEqual(h.tick(10_000), [], 'silence alone does not kill with tcp');
  });
});
