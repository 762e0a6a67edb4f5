import { strict as assert } from 'node:assert';
import { manualClock } from '../../../../src/common/clock.js';
import {
  MAX_CHECKPOINTS_PER_BEAT,
  MAX_CONNS_PER_BEAT,
  type GroupAdvert,
  type TakeoverCheckpoint,
} from '../../../../src/daemons/arp-ha/heartbeat-codec.js';
import { HeartbeatPacker } from '../../../../src/daemons/arp-ha/heartbeat-packer.js';

const ADVERTS: GroupAdvert[] = [{ group: 'web', mode: 'ACTIVE', priority: 100, mac: '02:00:00:00:00:01', eligible: true }];
const checkpoint = (i: number): TakeoverCheckpoint => ({ client: `198.18.7.1:${40000 + i}`, server: '198.18.7.100:7000', firstSeq: i });
const clients = (n: number, base = 40000) => Array.from({ length: n }, (_, i) => `198.18.7.1:${base + i}`);

describe('arp-ha heartbeat packer', () => {
  it("numbers each heartbeat and stamps it with the clock's wall time", () => {
    const clock = manualClock(1_700_000_000_000);
    const packer = new HeartbeatPacker('s1', 'boot1', clock);
    assert.deepEqual(packer.pack(ADVERTS), { v: 1, node: 's1', boot: 'boot1', seq: 1, sentMs: 1_700_000_000_000, groups: ADVERTS });
    clock.advance(100);
    const second = packer.pack(ADVERTS);
    assert.deepEqual([second.seq, second.sentMs, 'conns' in second], [2, 1_700_000_000_100, false]);
  });

  it('carries the clients of each group it was given, within the per-beat budget, and forgets a group set to none', () => {
    const packer = new HeartbeatPacker('s1', 'b', manualClock());
    packer.setClients('web', clients(MAX_CONNS_PER_BEAT - 10));
    packer.setClients('db', clients(50, 50000));
    const conns = packer.pack(ADVERTS).conns!;
    assert.deepEqual(
      conns.map((c) => [c.group, c.clients.length]),
      [
        ['web', MAX_CONNS_PER_BEAT - 10],
        ['db', 10],
      ],
    );
    assert.deepEqual(conns[1]!.clients, clients(10, 50000), 'the first of the second group');
    packer.setClients('web', undefined);
    assert.deepEqual(
      packer.pack(ADVERTS).conns!.map((c) => [c.group, c.clients.length]),
      [['db', 50]],
    );
  });

  it('sends a small checkpoint list whole, a large one in rotating shares that cover every connection', () => {
    const packer = new HeartbeatPacker('s1', 'b', manualClock());
    packer.setClients('web', clients(3));
    packer.setCheckpoints('web', 7, [checkpoint(0), checkpoint(1)]);
    assert.deepEqual(packer.pack(ADVERTS).conns![0]!.tcp, [checkpoint(0), checkpoint(1)]);
    assert.equal(packer.checkpointVersion('web'), 7);

    const total = MAX_CHECKPOINTS_PER_BEAT * 2 + 5;
    packer.setCheckpoints(
      'web',
      8,
      Array.from({ length: total }, (_, i) => checkpoint(i)),
    );
    const seen = new Set<number>();
    for (let beat = 0; beat < 3; beat++) {
      const share = packer.pack(ADVERTS).conns![0]!.tcp!;
      assert.equal(share.length, MAX_CHECKPOINTS_PER_BEAT);
      share.forEach((c) => seen.add(c.firstSeq));
    }
    assert.equal(seen.size, total, 'three beats carried every checkpoint');
    // The fourth share starts where the third ended, wrapping around.
    assert.equal(packer.pack(ADVERTS).conns![0]!.tcp![0]!.firstSeq, (MAX_CHECKPOINTS_PER_BEAT * 3) % total);
  });

  it("carries checkpoints only with the group's clients, and none once dropped", () => {
    const packer = new HeartbeatPacker('s1', 'b', manualClock());
    packer.setCheckpoints('web', 1, [checkpoint(0)]);
    assert.equal(packer.pack(ADVERTS).conns, undefined, 'no client list: nothing to carry');
    packer.setClients('web', []);
    assert.deepEqual(packer.pack(ADVERTS).conns, [{ group: 'web', clients: [], tcp: [checkpoint(0)] }]);
    packer.dropCheckpoints('web');
    assert.deepEqual(packer.pack(ADVERTS).conns, [{ group: 'web', clients: [] }]);
    assert.equal(packer.checkpointVersion('web'), undefined);
  });
});
