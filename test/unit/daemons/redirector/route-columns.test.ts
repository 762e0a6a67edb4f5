import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AssignedRoutes } from '../../../../src/daemons/redirector/front/assigned-routes.js';
import { RouteColumns } from '../../../../src/daemons/redirector/front/route-columns.js';
import { eachEntry, EntryFields } from '../../../../src/kernel/ctnetlink-codec.js';
import { repoRoot } from '../../../helpers/repo-root.js';

const fixture = JSON.parse(readFileSync(path.join(repoRoot, 'test/fixtures/ctnetlink/redirector-dump-events.json'), 'utf8')) as {
  dumpSeq: number;
  dump: string[];
  events: string[];
};
const IP = 0xc6121e01; // 198.18.30.1

describe('redirector: table 111 in typed columns', () => {
  it('insert, lookup and delete by (service, client address, client port); addresses above 2^31 too', () => {
    const t = new RouteColumns();
    const a = t.insert(8080, IP, 40000);
    assert.deepEqual(a, { row: 0, created: true });
    assert.deepEqual(t.insert(8080, IP, 40000), { row: 0, created: false }, 'the same key is the same row');
    const b = t.insert(8082, IP, 40000).row;
    const c = t.insert(8080, IP, 40001).row;
    const d = t.insert(8080, 0xfffffffe, 40000).row;
    assert.equal(new Set([a.row, b, c, d]).size, 4, 'service, port and address each tell keys apart');
    assert.equal(t.find(8080, 0xfffffffe | 0, 40000), d, 'a signed 32-bit address finds the same row');
    assert.equal(t.size, 4);
    t.remove(b);
    assert.equal(t.find(8082, IP, 40000), -1);
    assert.equal(t.find(8080, IP, 40001), c, 'a deletion does not hide the keys probed past it');
    assert.equal(t.size, 3);
    assert.throws(() => t.remove(b), /not in the hash/);
  });

  it('grows past its first size and keeps every key; freed rows are reused before new ones', () => {
    const t = new RouteColumns();
    const n = 20_000;
    for (let i = 0; i < n; i++) t.insert(8080 + (i % 3), IP + (i >> 10), i & 0xffff);
    assert.equal(t.size, n);
    for (let i = 0; i < n; i++) assert.equal(t.find(8080 + (i % 3), IP + (i >> 10), i & 0xffff) >= 0, true, `key ${i}`);
    const end = t.end;
    const freed: number[] = [];
    for (let i = 0; i < n; i += 2) {
      const row = t.find(8080 + (i % 3), IP + (i >> 10), i & 0xffff);
      freed.push(row);
      t.remove(row);
    }
    assert.equal(t.size, n / 2);
    for (let i = 0; i < n / 2; i++) t.insert(9000, IP, i);
    assert.equal(t.end, end, 'no row beyond the old end: the freed ones were taken');
    for (let i = 1; i < n; i += 2) assert.ok(t.find(8080 + (i % 3), IP + (i >> 10), i & 0xffff) >= 0, `kept key ${i}`);
    // Many deletions and inserts of other keys: tombstones are cleared by rehashing, lookups stay exact.
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < n / 2; i++) t.remove(t.find(9000 + round, IP, i));
      for (let i = 0; i < n / 2; i++) t.insert(9001 + round, IP, i);
    }
    assert.equal(t.size, n);
    assert.equal(t.find(9005, IP, 123) >= 0, true);
    assert.equal(t.find(9004, IP, 123), -1);
  });

  it('111 from the real dump, then the real events applied after it: exact, one route per live connection', () => {
    const routes = new AssignedRoutes(
      [
        { name: 'be1', ip: '198.18.31.11' },
        { name: 'be2', ip: '198.18.31.12' },
        { name: 'be3', ip: '198.18.31.13' },
        { name: 'be5', ip: '198.18.31.15' },
      ],
      '198.18.30.100',
      [8080, 8081, 8082],
    );
    const f = new EntryFields();
    routes.beginRebuild();
    for (const hex of fixture.dump) eachEntry(Buffer.from(hex, 'hex'), fixture.dumpSeq, f, (e) => routes.observe(e));
    assert.equal(routes.endRebuild(), 0);
    // Not routes: TIME_WAIT, port 9999 (no service), UDP.
    assert.deepEqual(routes.counts(), { '8080': { be1: 1, be2: 1 }, '8082': { be5: 1 } });
    assert.equal(routes.get(8080, '198.18.30.1', 40001)!.state, 'ESTABLISHED');
    // Every event since the subscription, those older than the dump included: the end state is the kernel's.
    for (const hex of fixture.events) eachEntry(Buffer.from(hex, 'hex'), undefined, f, (e) => routes.observe(e));
    assert.deepEqual(
      routes
        .list()
        .map((r) => `${r.service} ${r.clientIp}:${r.clientPort} ${r.backend} ${r.state}`)
        .sort(),
      ['8081 198.18.30.4:40005 be3 SYN_SENT', '8082 198.18.30.3:40000 be5 ESTABLISHED'],
    );
    // A rebuild from the (older) dump again drops nothing it lists and re-adds what it shows.
    routes.beginRebuild();
    for (const hex of fixture.dump) eachEntry(Buffer.from(hex, 'hex'), fixture.dumpSeq, f, (e) => routes.observe(e));
    assert.equal(routes.endRebuild(), 1, 'the route the dump does not show (8081) goes');
    assert.equal(routes.size, 3);
  });

  it('an update without a TCP state does not bring back a closed connection; a new one without a state is a route', () => {
    const routes = new AssignedRoutes([{ name: 'be1', ip: '198.18.31.11' }], '198.18.30.100', [8080]);
    const f = {
      orig: { src: IP, dst: 0xc6121e64, protocol: 6, sport: 1, dport: 8080 },
      reply: { src: 0xc6121f0b },
      tcpState: -1,
      deleted: false,
      created: false,
    };
    assert.equal(routes.observe(f), 0);
    assert.equal(routes.size, 0);
    assert.equal(routes.observe({ ...f, created: true }), 1);
    assert.equal(routes.observe({ ...f, tcpState: 7 }), -1, 'TIME_WAIT ends the route');
    assert.equal(routes.observe({ ...f, reply: { src: 0xc6121f0c }, created: true }), 0, 'an unknown back end is no route');
  });
});
