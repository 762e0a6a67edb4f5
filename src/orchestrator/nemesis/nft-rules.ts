// Pure: nftables scripts for partitions and random loss. Each fault gets a table of its own, so
// faults never disturb each other or the daemons' rules, and removing one is one `delete table`.
// Partitions hook prerouting so routed traffic is caught as well as local traffic; loss hooks the
// devices themselves (netdev ingress/egress) so that it acts like loss on the wire.
import { ipv4Key, type SetElementChange } from '../../kernel/nft-set-elements.js';

export const tableName = (faultId: string): string => `fl_nemesis_${faultId.replace(/[^A-Za-z0-9_]/g, '_')}`;

export interface PartitionRule {
  /** Drop packets whose source is one of these addresses. */
  fromAddresses: string[];
  /** vrrp: IP protocol 112 (VRRP advertisements), to split a keepalived pair. */
  protocol?: 'tcp' | 'udp' | 'icmp' | 'vrrp';
  port?: number;
}

/** The partition table's set of dropped source addresses: filled in the same instant on every node. */
export const PARTITION_SET = 'sources';

const matchers = (r: PartitionRule): string[] => {
  const src = `ip saddr @${PARTITION_SET}`;
  if (r.protocol === 'icmp') return [`${src} meta l4proto icmp`];
  if (r.protocol === 'vrrp') return [`${src} meta l4proto 112`];
  if (r.port !== undefined) {
    const proto = `meta l4proto ${r.protocol ?? '{ tcp, udp }'} `;
    return [`${src} ${proto}th dport ${r.port}`, `${src} ${proto}th sport ${r.port}`];
  }
  return [r.protocol ? `${src} meta l4proto ${r.protocol}` : src];
};

/**
 * The partition's table on one node. `filled: false` loads it inert (an empty set): the fault
 * then starts when the addresses go into every node's set, one netlink batch each, back to back
 * (partitionSources), instead of as each node's `nft` exec finishes.
 */
export const partitionScript = (faultId: string, rule: PartitionRule, filled = true): string => {
  const t = tableName(faultId);
  return (
    [
      `add table inet ${t}`,
      `add set inet ${t} ${PARTITION_SET} { type ipv4_addr; }`,
      ...(filled ? [`add element inet ${t} ${PARTITION_SET} { ${rule.fromAddresses.join(', ')} }`] : []),
      `add chain inet ${t} drop_in { type filter hook prerouting priority -300; policy accept; }`,
      ...matchers(rule).map((m) => `add rule inet ${t} drop_in ${m} counter drop`),
    ].join('\n') + '\n'
  );
};

/** The set element changes that start an inert partition table (the `add element` of a filled one). */
export const partitionSources = (faultId: string, fromAddresses: readonly string[]): SetElementChange[] =>
  fromAddresses.map((address) => ({
    op: 'add',
    family: 'inet',
    table: tableName(faultId),
    set: PARTITION_SET,
    key: ipv4Key(address),
    label: address,
  }));

/** Ethertype no stack handles (IEEE local experimental), so the receiving end discards the frame. */
export const UNDELIVERABLE_ETHERTYPE = '0x88b5';

/** The interfaces a loss without `iface` covers: the data plane, not loopback nor the management eth0. */
export const dataInterfaces = (names: string[]): string[] => names.filter((n) => n !== 'lo' && n !== 'eth0').sort();

const chainSuffix = (iface: string): string => iface.replace(/[^A-Za-z0-9_]/g, '_');

/**
 * Random loss as on the wire, in a netdev table with chains per interface. Incoming frames are
 * dropped at the device's ingress hook. Outgoing frames cannot simply be dropped: a drop anywhere
 * in the sender (postrouting, or the netdev egress hook) is reported to its TCP as a failed send,
 * which resends the segment at once without a retransmission, so nothing is lost. Instead the
 * egress hook rewrites the frame's ethertype: the frame leaves the device, TCP counts it as sent,
 * and the peer's stack discards it — a loss TCP must repair by retransmitting.
 */
export const lossScript = (faultId: string, percent: number, direction: 'in' | 'out' | 'both', ifaces: string[]): string => {
  const t = tableName(faultId);
  const chance = `numgen random mod 10000 < ${Math.round(percent * 100)}`;
  const lines = [`add table netdev ${t}`];
  for (const iface of ifaces) {
    const dev = `device "${iface}"`;
    if (direction !== 'out') {
      const c = `loss_in_${chainSuffix(iface)}`;
      lines.push(`add chain netdev ${t} ${c} { type filter hook ingress ${dev} priority -500; policy accept; }`);
      lines.push(`add rule netdev ${t} ${c} ${chance} counter drop`);
    }
    if (direction !== 'in') {
      const c = `loss_out_${chainSuffix(iface)}`;
      lines.push(`add chain netdev ${t} ${c} { type filter hook egress ${dev} priority 500; policy accept; }`);
      lines.push(`add rule netdev ${t} ${c} ${chance} counter ether type set ${UNDELIVERABLE_ETHERTYPE}`);
    }
  }
  return lines.join('\n') + '\n';
};

export const deleteLossScript = (faultId: string): string => `delete table netdev ${tableName(faultId)}\n`;

export const deleteTableScript = (faultId: string): string => `delete table inet ${tableName(faultId)}\n`;
