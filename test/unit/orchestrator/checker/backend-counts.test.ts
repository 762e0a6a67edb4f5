import { strict as assert } from 'node:assert';
import { backendCounts } from '../../../../src/orchestrator/checker/backend-counts.js';
import { checksFromConfig, ChecksConfigSchema } from '../../../../src/orchestrator/checker/checks-from-config.js';
import { history, probe, T0 } from '../fixtures.js';

const VIP = '198.18.30.100';
/** One connection from client port `port`: the client's view, and the back end's (it sees `seenFrom`). */
const conn = (port: number, backend: string, seenFrom = '198.18.30.1') => [
  probe(
    T0,
    { event: 'established', tuple: { localAddress: '198.18.30.1', localPort: port, remoteAddress: VIP, remotePort: 8081 }, offset: 0 },
    { workload: 'w', node: 'cl1', stream: port },
  ),
  probe(
    T0 + 1,
    {
      event: 'established',
      tuple: { localAddress: '198.18.31.13', localPort: 8081, remoteAddress: seenFrom, remotePort: port },
      offset: 0,
    },
    { workload: 'server', node: backend, source: 'probe-server', stream: port },
  ),
];

describe('checker: backend counts (redirector pools, ratios, affinity)', () => {
  const two_one = [...conn(1, 'be3'), ...conn(2, 'be3'), ...conn(3, 'be4')];

  it('valid when each back end served exactly its count, from the real clients, one back end each', () => {
    const r = backendCounts({ workload: 'w', counts: { be3: 2, be4: 1 } }).check(history(two_one));
    assert.deepEqual(r, { name: 'backend-counts[w]', valid: true, detail: 'served be3=2 be4=1' });
  });

  it('one connection off is a failure, and so is a node outside the pool', () => {
    const r = backendCounts({ workload: 'w', counts: { be3: 1, be4: 2 } }).check(history(two_one));
    assert.equal(r.valid, false);
    assert.match(r.detail, /served be3=2 be4=1; want be3=1 be4=2/);
    const outside = backendCounts({ workload: 'w', counts: { be3: 2, be4: 1 } }).check(history([...two_one, ...conn(4, 'be1')]));
    assert.match(outside.detail, /served be1=1 be3=2 be4=1; want be1=0 be3=2 be4=1/);
  });

  it('a back end that saw another source (SNAT) or a client on two back ends fails', () => {
    const snat = backendCounts({ workload: 'w', counts: { be3: 1 } }).check(history(conn(1, 'be3', '198.18.31.100')));
    assert.equal(snat.valid, false);
    assert.match(snat.detail, /1 connections from addresses no client used \(not the real client\?\): 198.18.31.100:1/);
    const split = [...conn(1, 'be3'), ...conn(1, 'be4').slice(1)];
    assert.match(
      backendCounts({ workload: 'w', counts: { be3: 1, be4: 1 } }).check(history(split)).detail,
      /1 clients served by two back ends: 198.18.30.1:1 on be3\+be4/,
    );
  });

  it('a count may be a range (a split that is not deterministic); a node outside the ranges still fails', () => {
    const spec = { workload: 'w', counts: { be3: { min: 1 }, be4: { max: 1 } } };
    assert.equal(backendCounts(spec).check(history(two_one)).valid, true);
    const r = backendCounts({ workload: 'w', counts: { be3: { min: 3 }, be4: { max: 1 } } }).check(history(two_one));
    assert.match(r.detail, /served be3=2 be4=1; want be3=3..∞ be4=0..1/);
    assert.throws(() => ChecksConfigSchema.parse({ backendCounts: { workload: 'w', counts: { be3: {} } } }), /give min or max/);
  });

  it('behind a full proxy (proxiedFrom) every connection must come from the proxy, not the client', () => {
    const proxied = [...conn(1, 'be3', '198.18.31.100'), ...conn(2, 'be3', '198.18.31.100')];
    const spec = { workload: 'w', counts: { be3: 2 }, proxiedFrom: '198.18.31.100' };
    assert.deepEqual(backendCounts(spec).check(history(proxied)), { name: 'backend-counts[w]', valid: true, detail: 'served be3=2' });
    const direct = backendCounts(spec).check(history([...conn(1, 'be3', '198.18.31.100'), ...conn(2, 'be3')]));
    assert.equal(direct.valid, false);
    assert.match(direct.detail, /1 connections not from the proxy's 198.18.31.100: 198.18.30.1:2/);
    assert.throws(() => ChecksConfigSchema.parse({ backendCounts: { workload: 'w', counts: {}, proxiedFrom: 'fe1' } }));
  });

  it('servers are matched to the workload by stream id; unknown without any server-side connection', () => {
    const other = conn(7, 'be1').map((e) => (e.event.source === 'probe-client' ? { ...e, workload: 'other' } : e));
    assert.equal(backendCounts({ workload: 'w', counts: { be3: 2, be4: 1 } }).check(history([...two_one, ...other])).valid, true);
    assert.equal(backendCounts({ workload: 'w', counts: { be3: 1 } }).check(history(conn(1, 'be3').slice(1))).valid, 'unknown');
    const checks = checksFromConfig(ChecksConfigSchema.parse({ backendCounts: [{ workload: 'w', counts: { be3: 2, be4: 1 } }] }));
    assert.deepEqual(
      checks.map((c) => c.name),
      ['backend-counts[w]'],
    );
    assert.throws(() => ChecksConfigSchema.parse({ backendCounts: { workload: 'w', counts: { be3: -1 } } }));
  });
});
