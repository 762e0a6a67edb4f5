import { strict as assert } from 'node:assert';
import { manualClock } from '../../../../src/common/clock.js';
import { createConnectionWatch, type AppRequests } from '../../../../src/daemons/arp-ha/connection-watch.js';
import { HeartbeatPacker } from '../../../../src/daemons/arp-ha/heartbeat-packer.js';
import { arpHaConfig } from './arp-ha-fixtures.js';

const CONFIG = arpHaConfig([
  '{ name: web, vip: 198.18.7.100, iface: eth1, takeover: { port: 7000, app: "127.0.0.1:7001" } }',
  '{ name: api, vip: 198.18.7.101, iface: eth1, fastFail: { port: 8000 } }',
  '{ name: plain, vip: 198.18.7.102, iface: eth1 }',
]);

/** Answers like the probe server's control port: checkpoints since a version, empty restores. */
class FakeApp implements AppRequests {
  readonly asked: Record<string, unknown>[] = [];
  version = 3;
  conns: unknown[] | undefined = [{ client: '198.18.7.1:40000', server: '198.18.7.100:7000', firstSeq: 1 }];
  refuse = false;
  request(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    this.asked.push(body);
    if (this.refuse) return Promise.resolve({ ok: false, error: 'busy' });
    if (body.op === 'restore') return Promise.resolve({ ok: true, results: [] });
    return Promise.resolve({ ok: true, version: this.version, ...(this.conns ? { conns: this.conns } : {}) });
  }
}

const setUp = () => {
  const app = new FakeApp();
  const active = new Set<string>();
  const errors: string[] = [];
  const packer = new HeartbeatPacker('s1', 'b', manualClock());
  const read: string[] = [];
  const watch = createConnectionWatch({
    groups: CONFIG.groups,
    apps: new Map([['web', app]]),
    isActive: (g) => active.has(g),
    packer,
    readClients: (vip, port) => {
      read.push(`${vip}:${port}`);
      return vip.endsWith('.101') ? Promise.reject(new Error('no /proc')) : Promise.resolve(['198.18.7.1:40000']);
    },
    onAppError: (group, e) => errors.push(`${group}: ${(e as Error).message}`),
  });
  return { app, active, errors, packer, read, watch };
};

describe('arp-ha connection watch', () => {
  it("while ACTIVE: reads the clients of fast-fail and takeover groups and the application's checkpoints, then only news", async () => {
    const { app, active, packer, read, watch } = setUp();
    active.add('web').add('api').add('plain');
    await watch();
    assert.deepEqual(read, ['198.18.7.100:7000', '198.18.7.101:8000'], 'a group with neither has no clients to read');
    assert.deepEqual(
      packer.pack([]).conns,
      [
        { group: 'web', clients: ['198.18.7.1:40000'], tcp: app.conns },
        { group: 'api', clients: [] },
      ],
      'an unreadable client list counts as empty',
    );
    app.conns = undefined; // nothing new since version 3
    await watch();
    assert.deepEqual(app.asked, [{ op: 'checkpoints' }, { op: 'checkpoints', since: 3 }]);
    assert.equal(packer.checkpointVersion('web'), 3, 'an answer without a list keeps what is held');
  });

  it('while not ACTIVE: carries nothing, and keeps the application link warm with an empty restore every 10th round', async () => {
    const { app, active, packer, read, watch } = setUp();
    active.add('web');
    await watch();
    active.delete('web');
    for (let i = 0; i < 20; i++) await watch();
    assert.deepEqual(read, ['198.18.7.100:7000']);
    assert.equal(packer.pack([]).conns, undefined);
    assert.equal(packer.checkpointVersion('web'), undefined);
    assert.deepEqual(app.asked.slice(1), [
      { op: 'restore', conns: [] },
      { op: 'restore', conns: [] },
    ]);
  });

  it('reports a refused checkpoint request to onAppError and goes on', async () => {
    const { app, active, errors, watch } = setUp();
    active.add('web');
    app.refuse = true;
    await watch();
    assert.deepEqual(errors, ['web: checkpoints refused: busy']);
  });
});
