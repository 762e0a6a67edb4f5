// Pure: the device's tables as kernel state. The kernel does every per-packet step:
//   - ARP (table 36): a proxy neighbour entry on NIC 31 per registered IP, answered with
//     NIC 31's MAC (MAC 32); IP 37 is the interface's own address. Nothing else is answered
//     (arp_ignore=1: not the device's inside addresses; no blanket proxy_arp).
//   - Embodiment 1 (table 35): a /32 route per registered IP via its server's link, so the
//     destination IP picks the server; replies are routed back out NIC 31 with MAC 32. No
//     connection tracking: a router's work per packet, no more.
//   - Embodiment 2 (table 39): `dnat to tcp dport map @active_of` on IP 37: the port's active
//     server at the connection's first packet; conntrack keeps established ones where they are.
//     A switch is one delete + add of the map element in one nfnetlink batch (atomic).
//   - Optional (automatic switch with `holdRefused`): a translated connection request that its
//     server refuses (a reset before the handshake completed: its application is gone) has the
//     reset held in NFQUEUE until the device has checked that server and switched the port, so
//     the client's next try meets the new active instead of a second refusal. No other packet
//     goes near the queue: only resets from a server that is not listening.
//   - Anything else arriving on NIC 31 is refused: TCP with a reset, the rest with ICMP; a
//     server's packet that would leave NIC 31 with an address that is not registered (and is
//     not a translated reply) is dropped, so no inside address ever reaches the clients.
import { replaceTableLines, scriptOf } from '../../../kernel/nft-script.js';
import { ipv4Key, portKey, type SetElementChange } from '../../../kernel/nft-set-elements.js';
import type { TableChange } from '../nic-tables.js';

export const TABLE = 'sharednic';
export const COUNTERS = ['dispatched_ip', 'dispatched_port', 'refused_tcp', 'refused_other', 'refused_local', 'leak_dropped'] as const;

export interface PlanSpec {
  /** NIC 31. */
  external: string;
  /** IP 37. */
  deviceIp: string;
  /** Hold refused connection requests' resets (automatic switch only). */
  holdRefused?: boolean;
}

/** The NFQUEUE of held refusals (queue numbers are per network namespace: the device's own). */
export const REFUSAL_QUEUE = 37;
/** The mark that sends a held refusal to the queue (this kernel has NFQUEUE only as an xtables target). */
export const REFUSAL_MARK = 0x534e0025;
/** Counts the refusals held, beside COUNTERS, when holding is on. */
export const HELD_COUNTER = 'held_refusals';

export const nftTableScript = (p: PlanSpec): string => {
  const ext = JSON.stringify(p.external);
  return scriptOf(
    replaceTableLines('ip', TABLE, [
      '  set registered { type ipv4_addr; }',
      '  map active_of { type inet_service : ipv4_addr; }',
      ...[...COUNTERS, ...(p.holdRefused ? [HELD_COUNTER] : [])].map((c) => `  counter ${c} { }`),
      // Dispatch by IP is routing: nothing to remember per connection, so its packets skip
      // conntrack (the per-packet cost that kept it below a plain router); only the port
      // dispatch's DNAT needs it. The forward rules below test the sets before any ct state.
      '  chain untracked { type filter hook prerouting priority raw; policy accept;',
      `    iifname ${ext} ip daddr @registered notrack`,
      `    iifname != ${ext} ip saddr @registered notrack`,
      '  }',
      '  chain pre { type nat hook prerouting priority dstnat; policy accept;',
      // No element for the port: the lookup fails, the rule does not apply, the SYN meets IP 37's
      // own stack, which has no listener there (refuse_local resets it).
      `    iifname ${ext} ip daddr ${p.deviceIp} dnat to tcp dport map @active_of`,
      '  }',
      '  chain dispatch { type filter hook forward priority filter; policy accept;',
      `    iifname ${ext} ip daddr @registered counter name dispatched_ip accept`,
      `    iifname ${ext} ct status dnat counter name dispatched_port accept`,
      `    iifname ${ext} meta l4proto tcp counter name refused_tcp reject with tcp reset`,
      `    iifname ${ext} counter name refused_other reject with icmp type host-unreachable`,
      `    oifname ${ext} ip saddr @registered accept`,
      `    oifname ${ext} ct status dnat accept`,
      `    oifname ${ext} counter name leak_dropped drop`,
      '  }',
      ...(p.holdRefused
        ? [
            // Before the xtables mangle FORWARD hook (-150) that queues what is marked. A reset in
            // reply to a translated SYN: the entry never got past the handshake (not assured).
            '  chain hold_refused { type filter hook forward priority mangle - 10; policy accept;',
            `    oifname ${ext} ct status dnat ct status & assured == 0 tcp flags & rst == rst counter name ${HELD_COUNTER} meta mark set 0x${REFUSAL_MARK.toString(16)}`,
            '  }',
          ]
        : []),
      // The device serves nothing on NIC 31 itself (its API is for the servers and operators).
      '  chain refuse_in { type filter hook input priority filter; policy accept;',
      `    iifname ${ext} meta l4proto tcp counter name refused_local reject with tcp reset`,
      '  }',
    ]),
  );
};

/** One table change as kernel operations, in the order that never answers ARP for an IP it cannot deliver. */
export interface KernelStep {
  /** `ip` argument lists, run in order. */
  ip: string[][];
  /** One nfnetlink batch (atomic). */
  elements: SetElementChange[];
  /** Whether the ip commands go before the batch. */
  ipFirst: boolean;
}

const registered = (op: 'add' | 'delete', ip: string): SetElementChange => ({
  op,
  family: 'ip',
  table: TABLE,
  set: 'registered',
  key: ipv4Key(ip),
  label: ip,
});

export const kernelStep = (p: PlanSpec, change: TableChange): KernelStep => {
  switch (change.kind) {
    case 'ip-added':
      // Route and set first, then the proxy entry: ARP is answered only once packets can be delivered.
      return {
        ipFirst: false,
        elements: [registered('add', change.ip)],
        ip: [
          ['route', 'replace', `${change.ip}/32`, 'via', change.via, 'dev', change.iface],
          ['neigh', 'replace', 'proxy', change.ip, 'dev', p.external],
        ],
      };
    case 'ip-removed':
      // The proxy entry first: ARP stops before the route goes; what still arrives is reset.
      return {
        ipFirst: true,
        elements: [registered('delete', change.ip)],
        ip: [
          ['neigh', 'del', 'proxy', change.ip, 'dev', p.external],
          ['route', 'del', `${change.ip}/32`],
        ],
      };
    case 'port-target': {
      const key = portKey(change.port);
      const base = { family: 'ip' as const, table: TABLE, set: 'active_of', key };
      const del: SetElementChange = { ...base, op: 'delete', label: `${change.port}` };
      if (!change.address) return { ipFirst: false, ip: [], elements: [del] };
      return {
        ipFirst: false,
        ip: [],
        elements: [del, { ...base, op: 'add', data: ipv4Key(change.address), label: `${change.port} : ${change.address}` }],
      };
    }
  }
};

/** iptables-legacy arguments after `-t mangle -A|-D`: the marked refusals go to the queue (to none without a reader). */
export const refusalQueueRule = (): string[] => [
  'FORWARD',
  '-m',
  'mark',
  '--mark',
  `0x${REFUSAL_MARK.toString(16)}`,
  '-j',
  'NFQUEUE',
  '--queue-num',
  String(REFUSAL_QUEUE),
  // A device that is not reading (stopped, crashed) must not swallow the resets.
  '--queue-bypass',
];

/** The sysctls the plan relies on, as `sysctl -w` arguments. */
export const sysctls = (external: string): string[] => [
  'net.ipv4.ip_forward=1',
  'net.ipv4.conf.all.send_redirects=0',
  'net.ipv4.conf.all.proxy_arp=0',
  // Only addresses of NIC 31 itself (IP 37) are answered by the local stack.
  'net.ipv4.conf.all.arp_ignore=1',
  'net.ipv4.conf.all.arp_announce=2',
  `net.ipv4.conf.${external}.arp_ignore=1`,
  `net.ipv4.conf.${external}.arp_announce=2`,
  // A proxied broadcast request is otherwise answered after a random delay of up to 0.8 s.
  `net.ipv4.neigh.${external}.proxy_delay=0`,
  // Strict reverse-path filtering would drop a server's packets before the leak rule counts them.
  'net.ipv4.conf.all.rp_filter=0',
  `net.ipv4.conf.${external}.rp_filter=0`,
  'net.netfilter.nf_conntrack_tcp_loose=0',
];
