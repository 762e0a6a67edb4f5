import { strict as assert } from 'node:assert';
import { copyStoreRoutes } from '../../../../src/daemons/nat-lb/copy-store/copy-store-api.js';
import { RowStore } from '../../../../src/daemons/nat-lb/copy-store/row-store.js';
import type { AccessRow } from '../../../../src/daemons/nat-lb/protocol.js';
import { startJsonApi, type JsonApi } from '../../../../src/daemons/shared/json-api.js';

const row = (clientPort: number, extra: Partial<AccessRow> = {}): AccessRow => ({
  clientIp: '198.18.0.5',
  clientPort,
  vip: '198.18.7.1',
  vipPort: 80,
  serverIp: '198.18.1.10',
  serverPort: 80,
  protocol: 'tcp',
  delta: 0,
  ...extra,
});

describe('nat-lb copy store: HTTP API', () => {
  let api: JsonApi;
  let url: string;
  let now = 0;
  const events: string[] = [];
  before(async () => {
    api = await startJsonApi(
      '127.0.0.1:0',
      'store-token',
      copyStoreRoutes({
        node: 's1',
        store: new RowStore(),
        now: () => now,
        emit: (e) => events.push(e),
        tcpTable: { vips: ['198.18.7.1'], read: async (vip) => (vip === '198.18.7.1' ? [row(5555)] : []) },
      }),
    );
    url = `http://127.0.0.1:${api.port}`;
  });
  after(() => api.close());
  const call = async (method: string, p: string, body?: unknown, token = 'store-token') => {
    const res = await fetch(url + p, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
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
    assert.match(
      String((await call('PUT', '/copy', { balancer: 'lb-a', vip: '198.18.7.1', rows: [], extra: 1 })).body.error),
      /body: unknown field 'extra'/,
    );
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
    assert.deepEqual(
      (got.body.rows as AccessRow[]).map((r) => r.clientPort),
      [5555],
    );
    assert.equal((await call('GET', '/tcp-table?vip=198.18.7.9')).code, 404);
  });
});
