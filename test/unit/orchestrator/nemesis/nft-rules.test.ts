import { strict as assert } from 'node:assert';
import { deleteTableScript, lossScript, partitionScript, tableName } from '../../../../src/orchestrator/nemesis/nft-rules.js';
import { clientArgv, serverInstances, PROBE_SERVER_PATTERN } from '../../../../src/orchestrator/runner/probe-commands.js';
import { seededRandom } from '../../../../src/orchestrator/runner/seeded-random.js';

describe('nemesis nftables scripts', () => {
  it('gives each fault a table of its own', () => {
    assert.equal(tableName('partition-1'), 'fl_nemesis_partition_1');
    assert.equal(deleteTableScript('loss-2'), 'delete table inet fl_nemesis_loss_2\n');
  });

  it('drops all IP traffic from a set of addresses before conntrack and routing', () => {
    assert.equal(
      partitionScript('p-1', { fromAddresses: ['198.18.5.1', '198.18.6.1'] }),
      [
        'add table inet fl_nemesis_p_1',
        'add chain inet fl_nemesis_p_1 drop_in { type filter hook prerouting priority -300; policy accept; }',
        'add rule inet fl_nemesis_p_1 drop_in ip saddr { 198.18.5.1, 198.18.6.1 } counter drop',
      ].join('\n') + '\n',
    );
  });

  it('narrows a partition to one protocol and port, both directions of its flows', () => {
    const script = partitionScript('p', { fromAddresses: ['198.18.5.1'], protocol: 'udp', port: 5405 });
    assert.match(script, /ip saddr \{ 198\.18\.5\.1 \} meta l4proto udp th dport 5405 counter drop/);
    assert.match(script, /ip saddr \{ 198\.18\.5\.1 \} meta l4proto udp th sport 5405 counter drop/);
    assert.match(partitionScript('p', { fromAddresses: ['1.1.1.1'], port: 80 }), /meta l4proto \{ tcp, udp \} th dport 80/);
    assert.match(partitionScript('p', { fromAddresses: ['1.1.1.1'], protocol: 'icmp' }), /meta l4proto icmp counter drop/);
  });

  it('drops a random share of packets with numgen (no netem here), per direction and interface', () => {
    const both = lossScript('l', 12.5, 'both', 'eth1');
    assert.match(both, /loss_in \{ type filter hook prerouting/);
    assert.match(both, /iifname "eth1" numgen random mod 10000 < 1250 counter drop/);
    assert.match(both, /oifname "eth1" numgen random mod 10000 < 1250 counter drop/);
    assert.doesNotMatch(lossScript('l', 5, 'in'), /loss_out/);
    assert.doesNotMatch(lossScript('l', 5, 'out'), /loss_in/);
  });
});

describe('probe command lines', () => {
  const w = {
    name: 'main',
    server: { node: ['s'], listen: '198.18.5.2:7000' },
    client: { node: 'c', connect: '198.18.5.2:7000' },
    streams: 3,
    direction: 'echo' as const,
    rate: 1000,
    duration: 2500,
    stall: 700,
    gapThreshold: 100,
    reconnect: false,
  };
  it('builds the client argv from a workload, stream ids apart per workload', () => {
    const argv = clientArgv(w, 2);
    assert.deepEqual(argv.slice(0, 3), ['node', '/opt/failover-lab/dist/src/probe/main.js', 'client']);
    const flag = (f: string) => argv[argv.indexOf(f) + 1];
    assert.equal(flag('--first-stream-id'), '200001');
    assert.equal(flag('--duration-s'), '2.5');
    assert.equal(flag('--ping-timeout-ms'), '700', 'defaults to the stall time');
    assert.ok(argv.includes('--no-reconnect'));
  });
  it('starts one server per node and address', () => {
    assert.equal(serverInstances([w, { ...w, name: 'b' }, { ...w, server: { node: ['s'], listen: '198.18.5.2:7001' } }]).length, 2);
  });
  it('finds the probe server without matching a shell that names it', () => {
    assert.ok(new RegExp(PROBE_SERVER_PATTERN).test('node /opt/failover-lab/dist/src/probe/main.js server --listen x'));
    assert.ok(!new RegExp(PROBE_SERVER_PATTERN).test(`pkill -f ${PROBE_SERVER_PATTERN}`));
  });
});

describe('seeded random', () => {
  it('repeats for a seed and differs between seeds', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const c = seededRandom(8);
    const xs = [a(), a(), a()];
    assert.deepEqual(xs, [b(), b(), b()]);
    assert.notDeepEqual(xs, [c(), c(), c()]);
    assert.ok(xs.every((x) => x >= 0 && x < 1));
  });
});
