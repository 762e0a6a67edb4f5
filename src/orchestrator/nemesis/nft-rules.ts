// Pure: nftables scripts for partitions and random loss. Each fault gets a table of its own,
// so undoing it is one `delete table` and faults never disturb each other or the daemons' rules.
// Hooks sit at prerouting/postrouting so routed traffic is caught as well as local traffic.

export const tableName = (faultId: string): string => `fl_nemesis_${faultId.replace(/[^A-Za-z0-9_]/g, '_')}`;

export interface PartitionRule {
  /** Drop packets whose source is one of these addresses. */
  fromAddresses: string[];
  /** vrrp: IP protocol 112 (VRRP advertisements), to split a keepalived pair. */
  protocol?: 'tcp' | 'udp' | 'icmp' | 'vrrp';
  port?: number;
}

const matchers = (r: PartitionRule): string[] => {
  const src = `ip saddr { ${r.fromAddresses.join(', ')} }`;
  if (r.protocol === 'icmp') return [`${src} meta l4proto icmp`];
  if (r.protocol === 'vrrp') return [`${src} meta l4proto 112`];
  if (r.port !== undefined) {
    const proto = `meta l4proto ${r.protocol ?? '{ tcp, udp }'} `;
    return [`${src} ${proto}th dport ${r.port}`, `${src} ${proto}th sport ${r.port}`];
  }
  return [r.protocol ? `${src} meta l4proto ${r.protocol}` : src];
};

export const partitionScript = (faultId: string, rule: PartitionRule): string => {
  const t = tableName(faultId);
  return (
    [
      `add table inet ${t}`,
      `add chain inet ${t} drop_in { type filter hook prerouting priority -300; policy accept; }`,
      ...matchers(rule).map((m) => `add rule inet ${t} drop_in ${m} counter drop`),
    ].join('\n') + '\n'
  );
};

export const lossScript = (faultId: string, percent: number, direction: 'in' | 'out' | 'both', iface?: string): string => {
  const t = tableName(faultId);
  const chance = `numgen random mod 10000 < ${Math.round(percent * 100)}`;
  const lines = [`add table inet ${t}`];
  if (direction !== 'out') {
    lines.push(`add chain inet ${t} loss_in { type filter hook prerouting priority -300; policy accept; }`);
    lines.push(`add rule inet ${t} loss_in ${iface ? `iifname "${iface}" ` : ''}${chance} counter drop`);
  }
  if (direction !== 'in') {
    lines.push(`add chain inet ${t} loss_out { type filter hook postrouting priority 300; policy accept; }`);
    lines.push(`add rule inet ${t} loss_out ${iface ? `oifname "${iface}" ` : ''}${chance} counter drop`);
  }
  return lines.join('\n') + '\n';
};

export const deleteTableScript = (faultId: string): string => `delete table inet ${tableName(faultId)}\n`;
