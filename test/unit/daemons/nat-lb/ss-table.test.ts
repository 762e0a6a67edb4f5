import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseSs, tcpTableRows } from '../../../../src/daemons/nat-lb/copy-store/ss-table.js';
import { repoRoot } from '../../../helpers/repo-root.js';

const fixture = (name: string) => readFileSync(path.join(repoRoot, 'test/fixtures/ss', name), 'utf8');

describe('nat-lb copy store: variant 1 from ss -tni (captured in the lab image)', () => {
  it('parses state, queues, endpoints and the info line', () => {
    const sockets = parseSs(fixture('ss-tni-loopback.txt'));
    assert.equal(sockets.length, 8);
    const s = sockets[7]!;
    assert.deepEqual(
      [s.state, s.recvQ, s.sendQ, s.local, s.peer],
      ['ESTAB', 0, 143952, { address: '127.0.0.1', port: 80 }, { address: '127.0.0.1', port: 39556 }],
    );
    assert.deepEqual(
      [s.info.rto, s.info.bytes_sent, s.info.send, s.info.app_limited, s.info.notsent],
      ['236', '148048', '233164746bps', '', '143952'],
    );
  });
  it('reads output without the State column (a state filter) and without a header', () => {
    const filtered = parseSs(fixture('ss-tni-state-filter.txt'));
    assert.equal(filtered.length, 4);
    assert.equal(filtered[0]!.state, undefined);
    assert.deepEqual(filtered[0]!.peer, { address: '127.0.0.1', port: 39528 });
    const all = parseSs(fixture('ss-tnHi-all.txt'));
    assert.deepEqual(
      all.map((x) => x.state),
      ['LISTEN', 'ESTAB', 'ESTAB', 'LISTEN', 'FIN-WAIT-2', 'FIN-WAIT-2'],
    );
    assert.deepEqual(all[3]!.local, { address: '*', port: 8080 });
    assert.deepEqual(all[0]!.peer, { address: '0.0.0.0' });
    assert.deepEqual(all[4]!.local, { address: '198.18.1.10', port: 8080 }, 'IPv4-mapped IPv6 becomes IPv4');
  });
  it('builds the VIP rows from the server ends only: VIP from config, delta 0, conntrack state names', () => {
    const sockets = parseSs(fixture('ss-tni-lab.txt'));
    const rows = tcpTableRows(sockets, { vip: '198.18.7.1', ports: [80] });
    assert.deepEqual(rows.map((r) => r.clientPort).sort(), [45251, 45987]);
    assert.deepEqual(rows[0], {
      clientIp: '198.18.0.5',
      clientPort: 45987,
      vip: '198.18.7.1',
      vipPort: 80,
      serverIp: '198.18.1.10',
      serverPort: 80,
      protocol: 'tcp',
      state: 'ESTABLISHED',
      delta: 0,
    });
    const closing = tcpTableRows(sockets, { vip: '198.18.7.2', ports: [8080] });
    assert.deepEqual(closing.map((r) => [r.clientPort, r.state]).sort(), [
      [34219, 'FIN_WAIT'],
      [35987, 'FIN_WAIT'],
    ]);
    assert.deepEqual(tcpTableRows(sockets, { vip: '198.18.7.1', ports: [80], serverIp: '198.18.1.11' }), []);
    assert.deepEqual(
      tcpTableRows(parseSs(fixture('ss-tnHi-all.txt')), { vip: 'v', ports: [80, 8080] }).length,
      4,
      'LISTEN sockets are not rows',
    );
    assert.equal(tcpTableRows(parseSs(fixture('ss-tni-state-filter.txt')), { vip: '198.18.7.1', ports: [80] }).length, 4);
  });
  it('skips garbage lines instead of throwing', () => {
    assert.deepEqual(parseSs('garbage here\n\tbbr\nESTAB x y z w\n'), []);
  });
});
