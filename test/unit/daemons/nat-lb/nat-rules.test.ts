import { strict as assert } from 'node:assert';
import { parseBalancerConfig } from '../../../../src/daemons/nat-lb/balancer/balancer-config.js';
import { holdQueueScript, nftTableScript, vipMembershipChanges } from '../../../../src/daemons/nat-lb/balancer/nat-rules.js';
import { BALANCER_YAML } from './balancer-fixtures.js';

const base = BALANCER_YAML;

describe('nat-balancer ruleset', () => {
  const dnat = parseBalancerConfig(base, '/c.yml');
  const fullnat = parseBalancerConfig(base.replace('nat: dnat', 'nat: fullnat'), '/c.yml');
  const drop = parseBalancerConfig(base + 'migration: { hold: drop }\n', '/c.yml');

  it("translates new connections to served VIPs only, from the outside, to the VIP's server", () => {
    const s = nftTableScript(dnat);
    assert.match(
      s,
      /chain nat_pre \{ type nat hook prerouting priority dstnat;[^}]*iifname "eth1" ip daddr @serving dnat to ip daddr map @server_of/,
    );
    assert.match(
      s,
      /map server_of \{ type ipv4_addr : ipv4_addr; elements = \{ 198\.18\.20\.101 : 198\.18\.21\.11, 198\.18\.20\.103 : 198\.18\.21\.13 \} \}/,
    );
    assert.doesNotMatch(s, /snat/);
  });
  it("full NAT rewrites the source to the VIP's inside address and refuses row-less replies to it", () => {
    const s = nftTableScript(fullnat);
    assert.match(s, /oifname "eth2" ct original ip daddr @serving snat to ct original ip daddr map @inside_of/);
    assert.match(s, /ip daddr @serving_inside meta l4proto tcp counter name refused_server reject with tcp reset/);
  });
  it('refuses: a row-less segment to a served VIP (reset), anything in the VIP prefix outside the mode table, a row-less server segment', () => {
    const s = nftTableScript(dnat);
    assert.match(
      s,
      /chain refuse_in \{ type filter hook input[^}]*ip daddr @serving meta l4proto tcp counter name refused_tcp reject with tcp reset/,
    );
    assert.match(s, /ip daddr @serving counter name refused_other reject with icmp type port-unreachable/);
    assert.match(
      s,
      /ip daddr 198\.18\.20\.96\/27 ip daddr != @known meta l4proto tcp counter name refused_unknown_vip reject with tcp reset/,
    );
    assert.match(s, /iifname "eth2" ct state invalid meta l4proto tcp counter name refused_server reject with tcp reset/);
  });
  it("holds both directions before conntrack: marks for the VIP's NFQUEUE, or drops in variant 3", () => {
    const s = nftTableScript(dnat);
    assert.match(s, /chain hold \{ type filter hook prerouting priority raw - 10;/);
    assert.match(s, /ip daddr @hold_dst meta mark set ip daddr map @mark_of_dst\n/);
    assert.match(
      s,
      /map mark_of_dst \{ type ipv4_addr : mark; elements = \{ 198\.18\.20\.101 : 0x4e4c0064, 198\.18\.21\.101 : 0x4e4c0064, 198\.18\.20\.103 : 0x4e4c0065, 198\.18\.21\.103 : 0x4e4c0065 \} \}/,
    );
    assert.match(s, /iifname "eth2" ip saddr @hold_src fib daddr type != local meta mark set ip saddr map @mark_of_src\n/);
    assert.match(
      s,
      /map mark_of_src \{ type ipv4_addr : mark; elements = \{ 198\.18\.21\.11 : 0x4e4c0064, 198\.18\.21\.13 : 0x4e4c0065 \} \}/,
    );
    assert.match(holdQueueScript(dnat), /-A NATLB_HOLD -m mark --mark 0x4e4c0065 -j NFQUEUE --queue-num 101\n/);
    assert.match(nftTableScript(drop), /ip daddr @hold_dst drop\n/);
    assert.doesNotMatch(holdQueueScript(drop), /NFQUEUE/);
    assert.doesNotMatch(nftTableScript(fullnat), /ip saddr @hold_src/);
  });
  it('counts each VIP in both directions by its original destination', () => {
    assert.match(nftTableScript(dnat), /counter name ct original ip daddr map @counter_of/);
    assert.match(
      nftTableScript(dnat),
      /map counter_of \{ type ipv4_addr : counter; elements = \{ 198\.18\.20\.101 : "vip_0", 198\.18\.20\.103 : "vip_1" \} \}/,
    );
  });
  it('puts a VIP in exactly its sets: one change per address and set', () => {
    const changes = vipMembershipChanges(dnat, '198.18.20.101', { known: true, serving: false, holding: true });
    assert.deepEqual(
      changes.map((c) => `${c.op} ${c.family} ${c.table} ${c.set} ${c.label} ${c.key.toString('hex')}`),
      [
        'add ip natlb known 198.18.20.101 c6121465',
        'delete ip natlb serving 198.18.20.101 c6121465',
        'delete ip natlb serving_inside 198.18.21.101 c6121565',
        'add ip natlb hold_dst 198.18.20.101 c6121465',
        'add ip natlb hold_dst 198.18.21.101 c6121565',
        'add ip natlb hold_src 198.18.21.11 c612150b',
      ],
    );
    assert.throws(() => vipMembershipChanges(dnat, '198.18.20.109', { known: true, serving: true, holding: false }), /not in the config/);
  });
});
