import { workloadMs } from '../../../../src/orchestrator/scenario/parse-scenario.js';
import { strict as assert } from 'node:assert';
import {
  dataInterfaces,
  deleteLossScript,
  deleteTableScript,
  lossScript,
  partitionScript,
  partitionSources,
  tableName,
  UNDELIVERABLE_ETHERTYPE,
} from '../../../../src/orchestrator/nemesis/nft-rules.js';
import {
  clientArgv,
  realtimeClientNodes,
  serverInstances,
  PROBE_SERVER_PATTERN,
} from '../../../../src/orchestrator/runner/probe-commands.js';
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
        'add set inet fl_nemesis_p_1 sources { type ipv4_addr; }',
        'add element inet fl_nemesis_p_1 sources { 198.18.5.1, 198.18.6.1 }',
        'add chain inet fl_nemesis_p_1 drop_in { type filter hook prerouting priority -300; policy accept; }',
        'add rule inet fl_nemesis_p_1 drop_in ip saddr @sources counter drop',
      ].join('\n') + '\n',
    );
  });

  it('loads a partition inert (an empty set) for its sources to go in on every node at once', () => {
    const inert = partitionScript('p-1', { fromAddresses: ['198.18.5.1'] }, false);
    assert.doesNotMatch(inert, /add element/);
    assert.match(inert, /add rule inet fl_nemesis_p_1 drop_in ip saddr @sources counter drop/);
    assert.deepEqual(partitionSources('p-1', ['198.18.5.1', '198.18.6.1']), [
      { op: 'add', family: 'inet', table: 'fl_nemesis_p_1', set: 'sources', key: Buffer.from([198, 18, 5, 1]), label: '198.18.5.1' },
      { op: 'add', family: 'inet', table: 'fl_nemesis_p_1', set: 'sources', key: Buffer.from([198, 18, 6, 1]), label: '198.18.6.1' },
    ]);
  });

  it('narrows a partition to one protocol and port, both directions of its flows', () => {
    const script = partitionScript('p', { fromAddresses: ['198.18.5.1'], protocol: 'udp', port: 5405 });
    assert.match(script, /ip saddr @sources meta l4proto udp th dport 5405 counter drop/);
    assert.match(script, /ip saddr @sources meta l4proto udp th sport 5405 counter drop/);
    assert.match(partitionScript('p', { fromAddresses: ['1.1.1.1'], port: 80 }), /meta l4proto \{ tcp, udp \} th dport 80/);
    assert.match(partitionScript('p', { fromAddresses: ['1.1.1.1'], protocol: 'icmp' }), /meta l4proto icmp counter drop/);
  });

  it('drops a random share of incoming frames at the device ingress (no netem here), per interface', () => {
    const script = lossScript('l', 12.5, 'in', ['eth1', 'eth2']);
    assert.equal(
      script,
      [
        'add table netdev fl_nemesis_l',
        'add chain netdev fl_nemesis_l loss_in_eth1 { type filter hook ingress device "eth1" priority -500; policy accept; }',
        'add rule netdev fl_nemesis_l loss_in_eth1 numgen random mod 10000 < 1250 counter drop',
        'add chain netdev fl_nemesis_l loss_in_eth2 { type filter hook ingress device "eth2" priority -500; policy accept; }',
        'add rule netdev fl_nemesis_l loss_in_eth2 numgen random mod 10000 < 1250 counter drop',
      ].join('\n') + '\n',
    );
    assert.doesNotMatch(script, /egress|postrouting/);
  });

  it('loses outgoing frames after the device took them, by an ethertype no receiver handles, never by a local drop', () => {
    const out = lossScript('l', 20, 'out', ['eth1']);
    assert.match(
      out,
      /add chain netdev fl_nemesis_l loss_out_eth1 \{ type filter hook egress device "eth1" priority 500; policy accept; \}/,
    );
    assert.match(out, new RegExp(`loss_out_eth1 numgen random mod 10000 < 2000 counter ether type set ${UNDELIVERABLE_ETHERTYPE}\n`));
    // A drop in the sender is a failed send to its TCP, which resends at once: nothing is lost.
    assert.doesNotMatch(out, /drop|postrouting|ingress/);
    const both = lossScript('l', 5, 'both', ['eth1', 'e-2']);
    assert.equal(both.match(/hook ingress/g)?.length, 2);
    assert.equal(both.match(/hook egress/g)?.length, 2);
    assert.match(both, /loss_out_e_2 \{ type filter hook egress device "e-2"/);
  });

  it('covers the data interfaces when no interface is named, and is undone by deleting its netdev table', () => {
    assert.deepEqual(dataInterfaces(['lo', 'eth2', 'eth0', 'eth1']), ['eth1', 'eth2']);
    assert.deepEqual(dataInterfaces(['lo', 'eth0']), []);
    assert.equal(deleteLossScript('loss-2'), 'delete table netdev fl_nemesis_loss_2\n');
    assert.match(lossScript('loss-2', 5, 'out', ['eth1']), /^add table netdev fl_nemesis_loss_2\n/);
  });
});

describe('probe command lines', () => {
  const w = {
    name: 'main',
    kind: 'probe' as const,
    server: { node: ['s'], listen: '198.18.5.2:7000' },
    client: { node: 'c', connect: '198.18.5.2:7000' },
    streams: 3,
    direction: 'echo' as const,
    rate: 1000,
    duration: 2500,
    stall: 700,
    gapThreshold: 100,
    reconnect: false,
    realtime: false,
  };
  it('builds the client argv from a workload, stream ids apart per workload', () => {
    const argv = clientArgv(w, 2);
    assert.deepEqual(argv.slice(0, 3), ['node', '/opt/failover-lab/dist/src/probe/main.js', 'client']);
    const flag = (f: string) => argv[argv.indexOf(f) + 1];
    assert.equal(flag('--first-stream-id'), '200001');
    assert.equal(flag('--duration-s'), '2.5');
    assert.equal(flag('--ping-timeout-ms'), '700', 'defaults to the stall time');
    assert.ok(argv.includes('--no-reconnect'));
    assert.ok(!argv.includes('--reconnect-backoff-ms'), "the probe's own default unless the scenario says");
    const quick = clientArgv({ ...w, reconnectBackoff: 10 }, 0);
    assert.equal(quick[quick.indexOf('--reconnect-backoff-ms') + 1], '10');
    assert.ok(!argv.includes('--pacer-tick-ms'), "the probe's own tick unless the scenario says");
    const fine = clientArgv({ ...w, pacerTick: 15 }, 0);
    assert.equal(fine[fine.indexOf('--pacer-tick-ms') + 1], '15');
    assert.ok(!argv.includes('--realtime-priority'), 'normal priority unless the scenario asks');
    const rt = clientArgv({ ...w, realtime: true }, 0);
    assert.equal(rt[rt.indexOf('--realtime-priority') + 1], '5');
    assert.ok(!argv.includes('--start-delay-ms'), 'connects at once unless the scenario says');
    const late = { ...w, client: { ...w.client, startDelay: 2000 } };
    const lateArgv = clientArgv(late, 0);
    assert.equal(lateArgv[lateArgv.indexOf('--start-delay-ms') + 1], '2000');
    assert.equal(workloadMs(late), 4500, 'the runner waits for the delay and the duration');
  });
  it('gives a realtime budget to the nodes of realtime clients only', () => {
    assert.deepEqual(realtimeClientNodes([w, { ...w, realtime: true, client: { node: 'rt', connect: 'x:1' } }]), ['rt']);
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
