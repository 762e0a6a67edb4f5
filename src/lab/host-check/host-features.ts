// The kernel features each mechanism of the lab uses, probed where they live: inside a
// network namespace (a short-lived lab container with no network), because a module that
// the host could load is as good as built in only once a namespace's request loads it, and
// an nftables family or link type is what a node will ask for. Pure: the script is text and
// its output is parsed here, so present and absent kernels are tested on captured output.
import { kernelConfigValue } from '../../kernel/cgroup-sched.js';
import type { HostLine } from './host-lines.js';

export interface FeatureProbe {
  name: string;
  /** Shell run in the probe container (after `ip link add fl0 type veth peer name fl1`); exit 0: present. */
  shell: string;
  /** Kernel config options that build it in ('y') or as a module ('m'): the verdict when the probe cannot tell. */
  config?: string[];
  /** Only the kernel config can tell (the feature has no namespace-local trigger that loads it). */
  configOnly?: boolean;
  /** What degrades when it is missing (which mechanism, which scenarios). */
  degrades: string;
}

const TCP_REPAIR_CHECK =
  'node --input-type=module -e "const m = await import(\'/opt/failover-lab/dist/src/kernel/tcp-repair.js\'); const p = m.tcpRepairProblem(); if (p) { console.log(p); process.exit(1); }"';

export const FEATURES: readonly FeatureProbe[] = [
  {
    name: '802.1Q VLAN interfaces',
    shell: 'ip link add link fl0 name fl0.10 type vlan id 10',
    config: ['CONFIG_VLAN_8021Q'],
    degrades: 'no tagged sub-interfaces; nothing in the lab needs them today',
  },
  {
    name: 'bridge VLAN filtering',
    shell: 'ip link add flbr type bridge vlan_filtering 1 && ip link set fl0 master flbr && bridge vlan add dev fl0 vid 10 pvid untagged',
    config: ['CONFIG_BRIDGE_VLAN_FILTERING'],
    degrades: 'the lab switch uses one plain bridge per VLAN instead of one VLAN-aware bridge (same forwarding)',
  },
  {
    name: 'netem',
    shell: 'tc qdisc add dev fl0 root netem delay 1ms',
    config: ['CONFIG_NET_SCH_NETEM'],
    degrades: 'no delay or jitter faults; loss and partitions use nftables inside the nodes',
  },
  {
    name: 'IPVS',
    shell: 'test -e /proc/net/ip_vs',
    config: ['CONFIG_IP_VS'],
    configOnly: true,
    degrades: 'nothing in the lab uses IPVS today',
  },
  {
    name: 'ipvlan',
    shell: 'ip link add flipv link fl0 type ipvlan mode l2',
    config: ['CONFIG_IPVLAN'],
    degrades: 'nothing in the lab uses ipvlan today',
  },
  {
    name: 'macvlan',
    shell: 'ip link add flmv link fl0 type macvlan mode bridge',
    config: ['CONFIG_MACVLAN'],
    degrades: 'topologies with macvlan endpoints cannot deploy',
  },
  ...(
    [
      ['ip', 'nat-lb balancers (NAT rules, per-VIP counters) cannot run'],
      ['inet', 'partition faults and arp-ha takeover hold table cannot be installed'],
      ['arp', "arp-ha's ARP gate cannot be installed: arp-ha scenarios fail"],
      ['netdev', 'random-loss faults cannot be installed'],
      ['ip6', 'nothing in the lab uses it today'],
      ['bridge', 'nothing in the lab uses it today'],
    ] as const
  ).map(([family, degrades]) => ({
    name: `nftables ${family}`,
    shell: `nft add table ${family} flprobe`,
    config: [`CONFIG_NF_TABLES_${family === 'ip' ? 'IPV4' : family === 'ip6' ? 'IPV6' : family.toUpperCase()}`],
    degrades,
  })),
  {
    name: 'conntrack (ctnetlink)',
    shell: 'conntrack -L >/dev/null',
    config: ['CONFIG_NF_CT_NETLINK'],
    degrades: 'nat-lb cannot copy connections between balancers: its move and crash scenarios fail',
  },
  {
    name: 'NFQUEUE',
    shell:
      'iptables-legacy -t mangle -A OUTPUT -m mark --mark 0x1 -j NFQUEUE --queue-num 0 --queue-bypass && test -e /proc/net/netfilter/nfnetlink_queue',
    config: ['CONFIG_NETFILTER_NETLINK_QUEUE', 'CONFIG_NETFILTER_XT_TARGET_NFQUEUE'],
    degrades: "nat-lb cannot hold a moving connection's packets: moves drop them",
  },
  {
    name: 'TCP_REPAIR',
    shell: TCP_REPAIR_CHECK,
    degrades: 'transparent takeover (arp-ha takeover, probe --takeover) cannot rebuild sockets: those scenarios fail',
  },
  {
    name: 'checkpoint/restore (CRIU)',
    shell: 'command -v criu',
    config: ['CONFIG_CHECKPOINT_RESTORE'],
    configOnly: true,
    degrades: "nothing today: the lab calls TCP_REPAIR itself (CRIU libsoccr's sequence); no criu binary is needed",
  },
];

/** The probe container's script: one `name<TAB>ok` or `name<TAB>missing<TAB>first line of the error` per feature. */
export const featureScript = (features: readonly FeatureProbe[] = FEATURES): string =>
  [
    'r() { n=$1; shift; if o=$(sh -c "$1" 2>&1); then printf "%s\\tok\\n" "$n"; else printf "%s\\tmissing\\t%s\\n" "$n" "$(printf %s "$o" | head -n 1)"; fi; }',
    'ip link add fl0 type veth peer name fl1 || echo "veth\tmissing\tcannot create a veth pair"',
    ...features.map((f) => `r '${f.name}' '${f.shell.replace(/'/g, "'\\''")}'`),
  ].join('\n');

export interface ProbeResult {
  ok: boolean;
  detail?: string;
}

/** The script's output by feature name; a line that is not the script's is ignored. */
export const parseFeatureOutput = (text: string): Map<string, ProbeResult> => {
  const results = new Map<string, ProbeResult>();
  for (const line of text.split('\n')) {
    const [name, status, detail] = line.split('\t');
    if (name === undefined || (status !== 'ok' && status !== 'missing')) continue;
    results.set(name, status === 'ok' ? { ok: true } : { ok: false, ...(detail ? { detail: detail.trim() } : {}) });
  }
  return results;
};

const configSays = (config: string | undefined, options: readonly string[] | undefined): string | undefined => {
  if (config === undefined || options === undefined) return undefined;
  const values = options.map((o) => kernelConfigValue(config, o) ?? 'n');
  if (values.every((v) => v === 'y')) return 'built in';
  if (values.every((v) => v !== 'n')) return 'module';
  return `not built (${options.filter((_, i) => values[i] === 'n').join(', ')})`;
};

/**
 * One line per feature: the probe decides, except where only the kernel config can (configOnly);
 * without probe output (no engine or image) the config decides, and with neither it is unknown.
 */
export const featureLines = (
  output: Map<string, ProbeResult> | undefined,
  config: string | undefined,
  features: readonly FeatureProbe[] = FEATURES,
): HostLine[] =>
  features.map((f) => {
    const probe = output?.get(f.name);
    const built = configSays(config, f.config);
    if (f.configOnly || probe === undefined) {
      if (built === undefined)
        return { item: f.name, status: 'unknown', value: probe?.detail ?? 'no probe output and no kernel config', degrades: f.degrades };
      const ok = built === 'built in' || built === 'module';
      const extra = probe ? (probe.ok ? '; in use here' : `; probe: ${probe.detail ?? 'absent'}`) : '';
      return {
        item: f.name,
        status: ok ? 'ok' : 'missing',
        value: `kernel config: ${built}${extra}`,
        ...(ok ? {} : { degrades: f.degrades }),
      };
    }
    if (probe.ok) return { item: f.name, status: 'ok', value: built ? `works in a namespace (${built})` : 'works in a namespace' };
    return { item: f.name, status: 'missing', value: probe.detail ?? 'refused', degrades: f.degrades };
  });
