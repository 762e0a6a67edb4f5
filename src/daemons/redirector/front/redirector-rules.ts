// Pure: the redirector's data plane as nft scripts. Forwarding is below TCP, in the kernel:
// a new connection to VIP:service takes the service's chain, whose one rule DNATs it to the
// next back end of the ratio cycle (`numgen inc mod N`, a counter of the rule itself, so a
// freshly installed cycle starts at its head); conntrack forwards every later packet of the
// connection by that choice, both ways, with the client's own address (DNAT only). The front
// end holds no socket for a forwarded connection.
//
// What reaches the VIP without a conntrack entry (a purged connection's next segment, a SYN to
// a service with no back end) is delivered locally, where no socket listens: the stack answers
// with a reset. With nf_conntrack_tcp_loose=0 a mid-stream segment is never taken for a new
// connection, so it is never DNAT'd and never advances a cycle.
import { replaceTableLines, scriptOf } from '../../../kernel/nft-script.js';
import type { RedirectorConfig } from './redirector-config.js';

export const TABLE = 'redirector';
export const DEAD_SET = 'dead';

export const serviceChain = (port: number): string => `svc_${port}`;

/** The one rule of a service's chain: the cycle's back-end addresses in order; none when empty. */
export const serviceRule = (cycle: readonly string[]): string | undefined =>
  cycle.length === 0 ? undefined : `dnat to numgen inc mod ${cycle.length} map { ${cycle.map((ip, i) => `${i} : ${ip}`).join(', ')} }`;

export const tableScript = (config: RedirectorConfig, cycles: ReadonlyMap<number, readonly string[]>): string => {
  const out = JSON.stringify(config.outside.iface);
  const ins = JSON.stringify(config.insideIface);
  const ports = config.services.map((s) => s.port);
  return scriptOf(
    replaceTableLines('ip', TABLE, [
      `  set ${DEAD_SET} { type ipv4_addr; }`,
      ...ports.flatMap((p) => {
        const rule = serviceRule(cycles.get(p) ?? []);
        return [`  chain ${serviceChain(p)} {`, ...(rule ? [`    ${rule}`] : []), '  }'];
      }),
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

/** One transaction: the chain is never seen empty between the old cycle and the new one. */
export const programScript = (port: number, cycle: readonly string[]): string => {
  const rule = serviceRule(cycle);
  return scriptOf([
    `flush chain ip ${TABLE} ${serviceChain(port)}`,
    ...(rule ? [`add rule ip ${TABLE} ${serviceChain(port)} ${rule}`] : []),
  ]);
};
