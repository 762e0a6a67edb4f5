import { strict as assert } from 'node:assert';
import {
  kernelStep,
  nftTableScript,
  REFUSAL_MARK,
  REFUSAL_QUEUE,
  refusalQueueRule,
  sysctls,
} from '../../../../src/daemons/shared-nic/device/nic-plan.js';
import { afterRound, HealthTrack } from '../../../../src/daemons/shared-nic/device/health-track.js';
import { nftBatch } from '../../../../src/kernel/nft-batch.js';

const spec = { external: 'eth1', deviceIp: '198.18.40.37' };

describe('shared-nic data plane plan', () => {
  it('translates new connections to IP 37 by destination port through the active_of map', () => {
    const s = nftTableScript(spec);
    assert.match(s, /map active_of \{ type inet_service : ipv4_addr; \}/);
    assert.match(
      s,
      /chain pre \{ type nat hook prerouting priority dstnat;[^}]*iifname "eth1" ip daddr 198\.18\.40\.37 dnat to tcp dport map @active_of/,
    );
  });
  it('forwards only translated or registered traffic from NIC 31 and resets other TCP; drops what would leak an inside address', () => {
    const s = nftTableScript(spec);
    assert.match(
      s,
      /iifname "eth1" ip daddr @registered counter name dispatched_ip accept\n\s+iifname "eth1" ct status dnat counter name dispatched_port accept\n\s+iifname "eth1" meta l4proto tcp counter name refused_tcp reject with tcp reset/,
    );
    assert.match(
      s,
      /oifname "eth1" ip saddr @registered accept\n\s+oifname "eth1" ct status dnat accept\n\s+oifname "eth1" counter name leak_dropped drop/,
    );
    assert.match(
      s,
      /chain refuse_in \{ type filter hook input[^}]*iifname "eth1" meta l4proto tcp counter name refused_local reject with tcp reset/,
    );
  });
  it('holds only resets of translated connection requests the server refused, and only when asked', () => {
    assert.doesNotMatch(nftTableScript(spec), /hold_refused|held_refusals/);
    const s = nftTableScript({ ...spec, holdRefused: true });
    assert.match(s, /counter held_refusals \{ \}/);
    // Before the xtables mangle FORWARD hook (-150) that queues the marked packet.
    assert.match(
      s,
      /chain hold_refused \{ type filter hook forward priority mangle - 10;[^}]*oifname "eth1" ct status dnat ct status & assured == 0 tcp flags & rst == rst counter name held_refusals meta mark set 0x534e0025/,
    );
    const rule = refusalQueueRule();
    assert.equal(rule[rule.indexOf('--mark') + 1], `0x${REFUSAL_MARK.toString(16)}`);
    assert.equal(rule[rule.indexOf('--queue-num') + 1], String(REFUSAL_QUEUE));
    assert.ok(rule.includes('--queue-bypass'), 'a device that is not reading lets the resets through');
  });
  it('dispatch by IP is routing: its packets, both ways, skip connection tracking; nothing else does', () => {
    const s = nftTableScript(spec);
    assert.match(
      s,
      /chain untracked \{ type filter hook prerouting priority raw;[^}]*\n\s+iifname "eth1" ip daddr @registered notrack\n\s+iifname != "eth1" ip saddr @registered notrack\n\s+\}/,
    );
    assert.equal(s.match(/notrack/g)?.length, 2);
  });
  it('registration: set element and route before the proxy ARP entry; deregistration: ARP first', () => {
    const add = kernelStep(spec, { kind: 'ip-added', ip: '198.18.40.11', server: 'srv10', via: '198.18.41.10', iface: 'eth2' });
    assert.equal(add.ipFirst, false);
    assert.deepEqual(add.ip, [
      ['route', 'replace', '198.18.40.11/32', 'via', '198.18.41.10', 'dev', 'eth2'],
      ['neigh', 'replace', 'proxy', '198.18.40.11', 'dev', 'eth1'],
    ]);
    assert.deepEqual(
      add.elements.map((e) => [e.op, e.set, e.key.toString('hex')]),
      [['add', 'registered', 'c612280b']],
    );
    const del = kernelStep(spec, { kind: 'ip-removed', ip: '198.18.40.11', server: 'srv10', via: '198.18.41.10', iface: 'eth2' });
    assert.equal(del.ipFirst, true);
    assert.deepEqual(del.ip[0], ['neigh', 'del', 'proxy', '198.18.40.11', 'dev', 'eth1']);
  });
  it('a switch is one batch: delete the port element, add it with the new server', () => {
    const step = kernelStep(spec, { kind: 'port-target', port: 7000, server: 'srv20', address: '198.18.42.20' });
    assert.deepEqual(
      step.elements.map((e) => [e.op, e.key.toString('hex'), e.data?.toString('hex')]),
      [
        ['delete', '1b58', undefined],
        ['add', '1b58', 'c6122a14'],
      ],
    );
    const { batch, acks } = nftBatch(step.elements, 1);
    assert.equal(acks.length, 2);
    // The value travels in NFTA_SET_ELEM_DATA (type 2) > NFTA_DATA_VALUE: 198.18.42.20.
    assert.ok(batch.includes(Buffer.from('0800010 0c6122a14'.replace(/ /g, ''), 'hex')));
    const none = kernelStep(spec, { kind: 'port-target', port: 7000 });
    assert.deepEqual(
      none.elements.map((e) => e.op),
      ['delete'],
    );
  });
  it('sysctls: no blanket proxy ARP, only NIC 31 own addresses answered locally, no proxy delay', () => {
    const s = sysctls('eth1');
    for (const want of [
      'net.ipv4.conf.all.proxy_arp=0',
      'net.ipv4.conf.eth1.arp_ignore=1',
      'net.ipv4.neigh.eth1.proxy_delay=0',
      'net.ipv4.ip_forward=1',
    ])
      assert.ok(s.includes(want), want);
  });
});

describe('shared-nic automatic switch count', () => {
  it('switches after N failures in a row of the same active server; success or another server restarts the count', () => {
    const h = new HealthTrack(2);
    assert.equal(h.record(7000, 'srv10', false), false);
    assert.equal(h.record(7000, 'srv10', true), false);
    assert.equal(h.record(7000, 'srv10', false), false);
    assert.equal(h.record(7000, 'srv20', false), false, 'another server: count again');
    assert.equal(h.record(7000, 'srv20', false), true);
    assert.equal(h.record(7001, 'srv20', false), false, 'ports are independent');
  });
  it('is suspect while a count runs, not after a success or a switch', () => {
    const h = new HealthTrack(2);
    assert.equal(h.suspect(), false);
    h.record(7000, 'srv10', false);
    assert.equal(h.suspect(), true);
    h.record(7000, 'srv10', true);
    assert.equal(h.suspect(), false, 'a success ends it');
    h.record(7000, 'srv10', false);
    assert.equal(h.record(7000, 'srv10', false), true);
    assert.equal(h.suspect(), false, 'the switch ends it');
    const one = new HealthTrack(1);
    assert.equal(one.record(7000, 'srv10', false), true);
    assert.equal(one.suspect(), false, 'with one failure the first failed check decides');
  });
});

describe('shared-nic held refusals after a round of checks', () => {
  it('nothing held: nothing to do', () => {
    assert.equal(afterRound({ heldAtStart: 0, heldNow: 0, switched: false, rerun: false }, true), 'none');
  });
  it('held while a count is still running: the next round decides', () => {
    assert.equal(afterRound({ heldAtStart: 3, heldNow: 3, switched: false, rerun: false }, true), 'hold');
  });
  it('judged by the round (switched, or found healthy): released', () => {
    assert.equal(afterRound({ heldAtStart: 3, heldNow: 3, switched: false, rerun: false }, false), 'release');
  });
  it('refused during a round whose checks may predate the death: one more round first, not two', () => {
    assert.equal(afterRound({ heldAtStart: 0, heldNow: 2, switched: false, rerun: false }, false), 'check-again');
    assert.equal(afterRound({ heldAtStart: 2, heldNow: 5, switched: false, rerun: true }, false), 'release');
  });
  it('a round that switched lets every refusal go at once: their clients retry onto the new active', () => {
    assert.equal(afterRound({ heldAtStart: 0, heldNow: 13, switched: true, rerun: false }, false), 'release');
  });
});
