// Pure: the balancer's data plane as kernel scripts. The kernel does the per-packet work in
// normal mode (nftables DNAT/SNAT + conntrack rows); the daemon only flips set elements when
// a VIP changes mode. Hook order within prerouting: hold marks (raw - 10), the NFQUEUE jump
// (iptables raw, -300: this kernel has NFQUEUE only as an xtables target), conntrack (-200),
// DNAT (-100). Held packets therefore have no conntrack entry yet: holding registers nothing,
// and on release they meet the imported rows.
//
// Sets, per VIP state (see vipMembership):
//   known            the mode table (any mode): addresses in vipPrefix outside it are refused
//   serving          normal mode, addresses up here: new connections are DNAT'd; packets that
//                    reach the VIP itself (no row) are refused with TCP reset / ICMP
//   serving_inside   their inside addresses (full NAT: replies without a row are refused)
//   hold_dst         migration mode: VIP and inside address (client→VIP, full-NAT replies)
//   hold_src         migration mode, dnat: the VIP's server (its replies, routed via us)
import { replaceTableLines, scriptOf } from '../../../kernel/nft-script.js';
import { ipv4Key, type SetElementChange } from '../../../kernel/nft-set-elements.js';
import type { BalancerConfig } from './balancer-config.js';

export const TABLE = 'natlb';
export const HOLD_CHAIN = 'NATLB_HOLD';
/** Packet marks that send a packet to its VIP's NFQUEUE: MARK_BASE + queue number. */
const MARK_BASE = 0x4e4c0000;

export const queueOf = (config: BalancerConfig, vip: string): number =>
  config.migration.queueBase + config.vips.findIndex((v) => v.vip === vip);
export const counterOf = (index: number): string => `vip_${index}`;

export const REFUSAL_COUNTERS = ['refused_tcp', 'refused_other', 'refused_unknown_vip', 'refused_server'] as const;

const hex = (n: number): string => `0x${n.toString(16)}`;

export const nftTableScript = (config: BalancerConfig): string => {
  const { vips, nat } = config;
  const out = JSON.stringify(config.outside.iface);
  const ins = JSON.stringify(config.inside.iface);
  const mark = (vip: string) => hex(MARK_BASE + queueOf(config, vip));
  const drop = config.migration.hold === 'drop';
  return scriptOf(
    replaceTableLines('ip', TABLE, [
      ...['known', 'serving', 'serving_inside', 'hold_dst', 'hold_src'].map((s) => `  set ${s} { type ipv4_addr; }`),
      `  map server_of { type ipv4_addr : ipv4_addr; elements = { ${vips.map((v) => `${v.vip} : ${v.server}`).join(', ')} } }`,
      `  map inside_of { type ipv4_addr : ipv4_addr; elements = { ${vips.map((v) => `${v.vip} : ${v.inside}`).join(', ')} } }`,
      `  map mark_of_dst { type ipv4_addr : mark; elements = { ${vips.flatMap((v) => [`${v.vip} : ${mark(v.vip)}`, `${v.inside} : ${mark(v.vip)}`]).join(', ')} } }`,
      `  map mark_of_src { type ipv4_addr : mark; elements = { ${vips.map((v) => `${v.server} : ${mark(v.vip)}`).join(', ')} } }`,
      `  map counter_of { type ipv4_addr : counter; elements = { ${vips.map((v, i) => `${v.vip} : "${counterOf(i)}"`).join(', ')} } }`,
      ...vips.map((_, i) => `  counter ${counterOf(i)} { }`),
      ...REFUSAL_COUNTERS.map((c) => `  counter ${c} { }`),
      `  chain hold { type filter hook prerouting priority raw - 10; policy accept;`,
      // Two lookups per packet whatever the number of VIPs: the normal path stays cheap.
      `    ip daddr @hold_dst ${drop ? 'drop' : 'meta mark set ip daddr map @mark_of_dst'}`,
      // Only what the server sends through us: its packets to the balancer itself (a controller or
      // copy store on that server talking to our API) must not wait for the move they drive.
      ...(nat === 'dnat'
        ? [`    iifname ${ins} ip saddr @hold_src fib daddr type != local ${drop ? 'drop' : 'meta mark set ip saddr map @mark_of_src'}`]
        : []),
      '  }',
      `  chain nat_pre { type nat hook prerouting priority dstnat; policy accept;`,
      `    iifname ${out} ip daddr @serving dnat to ip daddr map @server_of`,
      '  }',
      ...(nat === 'fullnat'
        ? [
            `  chain nat_post { type nat hook postrouting priority srcnat; policy accept;`,
            `    oifname ${ins} ct original ip daddr @serving snat to ct original ip daddr map @inside_of`,
            '  }',
          ]
        : []),
      `  chain count { type filter hook forward priority filter - 1; policy accept;`,
      '    counter name ct original ip daddr map @counter_of',
      '  }',
      // What still reaches a served VIP (or its inside address) locally matched no row.
      `  chain refuse_in { type filter hook input priority filter; policy accept;`,
      `    ip daddr @serving meta l4proto tcp counter name refused_tcp reject with tcp reset`,
      `    ip daddr @serving counter name refused_other reject with icmp type port-unreachable`,
      `    ip daddr @serving_inside meta l4proto tcp counter name refused_server reject with tcp reset`,
      `    ip daddr @serving_inside counter name refused_server reject with icmp type port-unreachable`,
      '  }',
      `  chain refuse_fwd { type filter hook forward priority filter; policy accept;`,
      `    ip daddr ${config.vipPrefix} ip daddr != @known meta l4proto tcp counter name refused_unknown_vip reject with tcp reset`,
      `    ip daddr ${config.vipPrefix} ip daddr != @known counter name refused_unknown_vip reject with icmp type admin-prohibited`,
      ...(nat === 'dnat'
        ? [
            // A server's segment with no row (with loose tracking off, conntrack calls it invalid).
            `    iifname ${ins} ct state invalid meta l4proto tcp counter name refused_server reject with tcp reset`,
          ]
        : []),
      '  }',
    ]),
  );
};

/** The raw PREROUTING rule into the hold chain: only packets the nft hold chain marked take it. */
export const holdJumpArgs = (): string[] => ['PREROUTING', '-m', 'mark', '--mark', `${hex(MARK_BASE)}/0xffff0000`, '-j', HOLD_CHAIN];

/** iptables-legacy-restore input: the NFQUEUE jumps for marked packets (one queue per VIP). */
export const holdQueueScript = (config: BalancerConfig): string =>
  [
    '*raw',
    `:${HOLD_CHAIN} - [0:0]`,
    `-F ${HOLD_CHAIN}`,
    ...(config.migration.hold === 'queue'
      ? config.vips.map(
          (v) =>
            `-A ${HOLD_CHAIN} -m mark --mark ${hex(MARK_BASE + queueOf(config, v.vip))} -j NFQUEUE --queue-num ${queueOf(config, v.vip)}`,
        )
      : []),
    'COMMIT',
  ].join('\n') + '\n';

export interface Membership {
  known: boolean;
  serving: boolean;
  holding: boolean;
}

/**
 * Puts one VIP's addresses in exactly the sets `m` names, as set-element changes applied in one
 * nfnetlink transaction (adding what is there and deleting what is not are both no-ops, so a
 * repeated call is harmless).
 */
export const vipMembershipChanges = (config: BalancerConfig, vip: string, m: Membership): SetElementChange[] => {
  const v = config.vips.find((x) => x.vip === vip);
  if (!v) throw new Error(`VIP ${vip} is not in the config`);
  const sets: [string, string[], boolean][] = [
    ['known', [v.vip], m.known],
    ['serving', [v.vip], m.serving],
    ['serving_inside', [v.inside], m.serving && config.nat === 'fullnat'],
    ['hold_dst', [v.vip, v.inside], m.holding],
    ['hold_src', [v.server], m.holding && config.nat === 'dnat'],
  ];
  return sets.flatMap(([set, elements, member]) =>
    elements.map((address): SetElementChange => ({
      op: member ? 'add' : 'delete',
      family: 'ip',
      table: TABLE,
      set,
      key: ipv4Key(address),
      label: address,
    })),
  );
};
