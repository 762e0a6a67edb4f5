import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InputFileError } from '../../../../src/common/errors.js';
import { parseCopyStoreConfig } from '../../../../src/daemons/nat-lb/copy-store/copy-store-config.js';
import { copyStoreRoutes } from '../../../../src/daemons/nat-lb/copy-store/copy-store-api.js';
import { RowStore } from '../../../../src/daemons/nat-lb/copy-store/row-store.js';
import { parseSs, tcpTableRows } from '../../../../src/daemons/nat-lb/copy-store/ss-table.js';
import type { AccessRow } from '../../../../src/daemons/nat-lb/protocol.js';
import { startJsonApi, type JsonApi } from '../../../../src/daemons/shared/json-api.js';
import { repoRoot } from '../../../helpers/repo-root.js';

const fixture = (name: string) => readFileSync(path.join(repoRoot, 'test/fixtures/ss', name), 'utf8');
const row = (clientPort: number, extra: Partial<AccessRow> = {}): AccessRow => ({
  clientIp: '198.18.0.5', clientPort, vip: '198.18.7.1', vipPort: 80, serverIp: '198.18.1.10', serverPort: 80, protocol: 'tcp', delta: 0, ...extra,
});

describe('nat-lb copy store: row store', () => {
  it('replaces a balancer snapshot, merges balancers, newer snapshot wins per connection', () => {
    const s = new RowStore();
    s.put('lb-a', '198.18.7.1', [row(1000), row(1001)], 0);
    s.put('lb-a', '198.18.7.1', [row(1001), row(1002)], 10);
    assert.deepEqual(s.rowsFor('198.18.7.1', 20).map((r) => r.clientPort).sort(), [1001, 1002]);
    s.put('lb-b', '198.18.7.1', [row(1002, { state: 'FIN_WAIT' }), row(1003)], 30);
    const merged = s.rowsFor('198.18.7.1', 40);
    assert.deepEqual(merged.map((r) => r.clientPort).sort(), [1001, 1002, 1003]);
    assert.equal(merged.find((r) => r.clientPort === 1002)!.state, 'FIN_WAIT');
    assert.deepEqual(s.rowsFor('198.18.7.2', 40), []);
    s.put('lb-a', '198.18.7.1', [], 50);
    assert.deepEqual(s.rowsFor('198.18.7.1', 60).map((r) => r.clientPort).sort(), [1002, 1003]);
  });
  it('leaves expired snapshots out of reads but shows them in status', () => {
    const s = new RowStore({ maxAgeMs: 100 });
    s.put('lb-a', '198.18.7.1', [row(1000)], 0);
    s.put('lb-b', '198.18.7.1', [row(1001)], 150);
    assert.deepEqual(s.rowsFor('198.18.7.1', 200).map((r) => r.clientPort), [1001]);
    assert.deepEqual(s.status(200).map((x) => [x.balancer, x.expired]), [['lb-a', true], ['lb-b', false]]);
  });
});

describe('nat-lb copy store: variant 1 from ss -tni (captured in the lab image)', () => {
  it('parses state, queues, endpoints and the info line', () => {
    const sockets = parseSs(fixture('ss-tni-loopback.txt'));
    assert.equal(sockets.length, 8);
    const s = sockets[7]!;
    assert.deepEqual([s.state, s.recvQ, s.sendQ, s.local, s.peer], ['ESTAB', 0, 143952, { address: '127.0.0.1', port: 80 }, { address: '127.0.0.1', port: 39556 }]);
    assert.deepEqual([s.info.rto, s.info.bytes_sent, s.info.send, s.info.app_limited, s.info.notsent], ['236', '148048', '233164746bps', '', '143952']);
  });
  it('reads output without the State column (a state filter) and without a header', () => {
    const filtered = parseSs(fixture('ss-tni-state-filter.txt'));
    assert.equal(filtered.length, 4);
    assert.equal(filtered[0]!.state, undefined);
    assert.deepEqual(filtered[0]!.peer, { address: '127.0.0.1', port: 39528 });
    const all = parseSs(fixture('ss-tnHi-all.txt'));
    assert.deepEqual(all.map((x) => x.state), ['LISTEN', 'ESTAB', 'ESTAB', 'LISTEN', 'FIN-WAIT-2', 'FIN-WAIT-2']);
    assert.deepEqual(all[3]!.local, { address: '*', port: 8080 });
    assert.deepEqual(all[0]!.peer, { address: '0.0.0.0' });
    assert.deepEqual(all[4]!.local, { address: '198.18.1.10', port: 8080 }, 'IPv4-mapped IPv6 becomes IPv4');
  });
  it('builds the VIP rows from the server ends only: VIP from config, delta 0, conntrack state names', () => {
    const sockets = parseSs(fixture('ss-tni-lab.txt'));
    const rows = tcpTableRows(sockets, { vip: '198.18.7.1', ports: [80] });
    assert.deepEqual(rows.map((r) => r.clientPort).sort(), [45251, 45987]);
    assert.deepEqual(rows[0], { clientIp: '198.18.0.5', clientPort: 45987, vip: '198.18.7.1', vipPort: 80, serverIp: '198.18.1.10', serverPort: 80, protocol: 'tcp', state: 'ESTABLISHED', delta: 0 });
    const closing = tcpTableRows(sockets, { vip: '198.18.7.2', ports: [8080] });
    assert.deepEqual(closing.map((r) => [r.clientPort, r.state]).sort(), [[34219, 'FIN_WAIT'], [35987, 'FIN_WAIT']]);
    assert.deepEqual(tcpTableRows(sockets, { vip: '198.18.7.1', ports: [80], serverIp: '198.18.1.11' }), []);
    assert.deepEqual(tcpTableRows(parseSs(fixture('ss-tnHi-all.txt')), { vip: 'v', ports: [80, 8080] }).length, 4, 'LISTEN sockets are not rows');
    assert.equal(tcpTableRows(parseSs(fixture('ss-tni-state-filter.txt')), { vip: '198.18.7.1', ports: [80] }).length, 4);
  });
  it('skips garbage lines instead of throwing', () => {
    assert.deepEqual(parseSs('garbage here\n\tbbr\nESTAB x y z w\n'), []);
  });
});

describe('nat-lb copy store: config', () => {
  const base = 'node: s1\ntoken: a-long-token\nlisten: 198.18.3.11:7901\n';
  it('defaults to no TCP table and names bad lines', () => {
    assert.deepEqual(parseCopyStoreConfig(base, '/c.yml').tcpTable, []);
    const rejects = (text: string, line: number, problem: RegExp) =>
      assert.throws(() => parseCopyStoreConfig(text, '/c.yml'), (e: unknown) => e instanceof InputFileError && e.position.line === line && problem.test(e.message));
    rejects(base + 'extra: 1\n', 4, /unknown key 'extra'/);
    rejects(base + 'tcpTable:\n  - { vip: 198.18.7.1, ports: [80] }\n  - { vip: 198.18.7.1, ports: [81] }\n', 6, /listed twice/);
    rejects(base + 'tcpTable:\n  - { vip: 198.18.7.1, ports: [0] }\n', 5, /greater than or equal to 1/);
  });
});

describe('nat-lb copy store: HTTP API', () => {
  let api: JsonApi;
  let url: string;
  let now = 0;
  const events: string[] = [];
  before(async () => {
    api = await startJsonApi('127.0.0.1:0', 'store-token', copyStoreRoutes({
      node: 's1', store: new RowStore(), now: () => now, emit: (e) => events.push(e),
      tcpTable: { vips: ['198.18.7.1'], read: async (vip) => (vip === '198.18.7.1' ? [row(5555)] : []) },
    }));
    url = `http://127.0.0.1:${api.port}`;
  });
  after(() => api.close());
  const call = async (method: string, p: string, body?: unknown, token = 'store-token') => {
    const res = await fetch(url + p, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
    return { code: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  it('stores PUT /copy and serves the merged rows on GET /copy', async () => {
    assert.equal((await call('PUT', '/copy', { balancer: 'lb-a', vip: '198.18.7.1', rows: [row(1000)] })).code, 200);
    now = 5;
    await call('PUT', '/copy', { balancer: 'lb-b', vip: '198.18.7.1', rows: [row(1001)] });
    const got = await call('GET', '/copy?vip=198.18.7.1');
    assert.equal(got.code, 200);
    assert.deepEqual((got.body.rows as AccessRow[]).map((r) => r.clientPort).sort(), [1000, 1001]);
    assert.deepEqual(events, ['copy-first', 'copy-first']);
    const status = await call('GET', '/status');
    assert.equal((status.body.snapshots as unknown[]).length, 2);
  });
  it('answers 400 naming the field, 401, 404, 405, and keeps serving', async () => {
    const bad = await call('PUT', '/copy', { balancer: 'lb-a', vip: '198.18.7.1', rows: [{ ...row(1), clientPort: 'x' }] });
    assert.deepEqual([bad.code, bad.body.error], [400, 'body.rows[0].clientPort: Expected number, received string']);
    assert.match(String((await call('PUT', '/copy', { balancer: 'lb-a', vip: '198.18.7.1', rows: [], extra: 1 })).body.error), /body: unknown field 'extra'/);
    assert.match(String((await call('PUT', '/copy', '{not json')).body.error), /body is not JSON/);
    assert.match(String((await call('PUT', '/copy', { vip: '198.18.7.1', rows: [] })).body.error), /body.balancer: missing/);
    assert.match(String((await call('GET', '/copy?vip=nope')).body.error), /query.vip: expected an IPv4 address/);
    assert.equal((await call('GET', '/copy?vip=198.18.7.1', undefined, 'wrong-token')).code, 401);
    assert.equal((await call('GET', '/nothing')).code, 404);
    assert.equal((await call('POST', '/copy', {})).code, 405);
    assert.equal((await call('GET', '/copy?vip=198.18.7.1')).code, 200);
  });
  it('serves variant 1 rows for its own VIP only', async () => {
    const got = await call('GET', '/tcp-table?vip=198.18.7.1');
    assert.deepEqual((got.body.rows as AccessRow[]).map((r) => r.clientPort), [5555]);
    assert.equal((await call('GET', '/tcp-table?vip=198.18.7.9')).code, 404);
  });
});
