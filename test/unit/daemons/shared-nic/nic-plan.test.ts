import { strict as assert } from 'node:assert';
import { kernelStep, nftTableScript, sysctls } from '../../../../src/daemons/shared-nic/device/nic-plan.js';
import { HealthTrack } from '../../../../src/daemons/shared-nic/device/health-track.js';
import { setElementBatch } from '../../../../src/kernel/nft-set-elements.js';

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
      /iifname "eth1" ct status dnat counter name dispatched_port accept\n\s+iifname "eth1" ip daddr @registered counter name dispatched_ip accept\n\s+iifname "eth1" meta l4proto tcp counter name refused_tcp reject with tcp reset/,
    );
    assert.match(
      s,
      /oifname "eth1" ct status dnat accept\n\s+oifname "eth1" ip saddr @registered accept\n\s+oifname "eth1" counter name leak_dropped drop/,
    );
    assert.match(
      s,
      /chain refuse_in \{ type filter hook input[^}]*iifname "eth1" meta l4proto tcp counter name refused_local reject with tcp reset/,
    );
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
    const { batch, acks } = setElementBatch(step.elements, 1);
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
});
