// Pure: the redirector's data plane: its table as an nft script, and a service's cycle as one
// nfnetlink transaction. Forwarding is below TCP, in the kernel: a new connection to
// VIP:service takes the service's chain, whose one rule DNATs it to the next back end of the
// ratio cycle (`numgen inc mod N` over the service's map of slot → address; the counter is the
// rule's own, so a freshly installed cycle starts at its head); conntrack forwards every later
// packet of the connection by that choice, both ways, with the client's own address (DNAT
// only). The front end holds no socket for a forwarded connection. A new cycle is on a failed
// back end's path to its clients' reconnects, so it goes without starting nft (a spawned
// `nft -f` took 60 ms and more on a busy 2-core host).
//
// What reaches the VIP without a conntrack entry (a purged connection's next segment, a SYN to
// a service with no back end) is delivered locally, where no socket listens: the stack answers
// with a reset. With nf_conntrack_tcp_loose=0 a mid-stream segment is never taken for a new
// connection, so it is never DNAT'd and never advances a cycle.
import type { NftChange } from '../../../kernel/nft-batch.js';
import { numgenKey } from '../../../kernel/nft-rule-changes.js';
import { ipv4Key } from '../../../kernel/nft-set-elements.js';
import { replaceTableLines, scriptOf } from '../../../kernel/nft-script.js';
import type { RedirectorConfig } from './redirector-config.js';

export const TABLE = 'redirector';
export const DEAD_SET = 'dead';

export const serviceChain = (port: number): string => `svc_${port}`;
export const cycleMap = (port: number): string => `cycle_${port}`;

/** The table with every service's chain and map empty; cycleChanges fills them. */
export const tableScript = (config: RedirectorConfig): string => {
  const out = JSON.stringify(config.outside.iface);
  const ins = JSON.stringify(config.insideIface);
  const ports = config.services.map((s) => s.port);
  return scriptOf(
    replaceTableLines('ip', TABLE, [
      `  set ${DEAD_SET} { type ipv4_addr; }`,
      // The key is numgen's value (the `mod 2` only names its type); the rule is cycleChanges'.
      ...ports.flatMap((p) => [`  map ${cycleMap(p)} { typeof numgen inc mod 2 : ip daddr; }`, `  chain ${serviceChain(p)} {`, '  }']),
      `  chain pre { type nat hook prerouting priority dstnat; policy accept;`,
      `    iifname ${out} ip daddr ${config.vip} tcp dport vmap { ${ports.map((p) => `${p} : goto ${serviceChain(p)}`).join(', ')} }`,
      '  }',
      // A back end's segment with no entry (its connection was purged) must not leak to the client un-translated.
      `  chain guard { type filter hook forward priority filter; policy accept;`,
      `    iifname ${ins} ct state invalid counter drop`,
      // A failed back end gets nothing from the instant it is declared dead, before its cycles change.
      `    ip daddr @${DEAD_SET} counter drop`,
      '  }',
    ]),
  );
};

/**
 * One transaction: the service's chain emptied, its map refilled with the cycle's back-end
 * addresses by slot, and `dnat to numgen inc mod N map @cycle_<port>` appended, so no packet
 * sees the chain empty or the old rule with the new map. An empty cycle leaves the chain empty.
 */
export const cycleChanges = (port: number, cycle: readonly string[]): NftChange[] => [
  { kind: 'flush-chain', family: 'ip', table: TABLE, chain: serviceChain(port) },
  { kind: 'flush-set', family: 'ip', table: TABLE, set: cycleMap(port) },
  ...cycle.map((ip, slot): NftChange => ({
    op: 'add',
    family: 'ip',
    table: TABLE,
    set: cycleMap(port),
    key: numgenKey(slot),
    data: ipv4Key(ip),
    label: `${slot} : ${ip}`,
  })),
  ...(cycle.length === 0
    ? []
    : [{ kind: 'dnat-cycle', table: TABLE, chain: serviceChain(port), map: cycleMap(port), modulus: cycle.length } as const]),
];
