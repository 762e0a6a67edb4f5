// The host check's table lines, each from facts already read (pure): `ok`, or `missing` with
// what degrades, or `unknown` when nothing could be read. Fixtures of cgroup v1 and v2 hosts
// test every line without a host.
import { schedulingPlan, type CgroupLayout, type SchedulingFacts } from '../../kernel/cgroup-sched.js';
import { NODE_TCP_HASH_BUCKETS, nodeTcpHashPlan } from '../../kernel/netns-tcp-hash.js';
import { describePrivilegeMode, type PrivilegeMode } from '../../runtime/docker/privileges.js';

export type HostStatus = 'ok' | 'missing' | 'unknown';

export interface HostLine {
  item: string;
  status: HostStatus;
  value: string;
  /** What the lab loses without it (missing or unknown lines). */
  degrades?: string;
}

export interface EngineFacts {
  version: string;
  apiVersion: string;
  minApiVersion?: string;
  kernel?: string;
}

/** Docker ≥ 20.10: the oldest engine the lab has run on (API 1.41; CgroupnsMode, the capability names of privileges.ts). */
const MIN_ENGINE = [20, 10] as const;

const olderThan = (version: string, min: readonly [number, number]): boolean => {
  const [major = 0, minor = 0] = version.split(/[.+~-]/).map(Number);
  return major < min[0] || (major === min[0] && minor < min[1]);
};

export const engineLine = (engine: EngineFacts | { problem: string }): HostLine => {
  const degrades = 'nothing can be deployed: every lab, scenario and e2e test needs it';
  if ('problem' in engine) return { item: 'Docker engine', status: 'missing', value: engine.problem, degrades };
  const value = `${engine.version} (API ${engine.apiVersion}${engine.minApiVersion ? `, oldest client API ${engine.minApiVersion}` : ''})`;
  if (olderThan(engine.version, MIN_ENGINE))
    return { item: 'Docker engine', status: 'missing', value: `${value}: older than ${MIN_ENGINE.join('.')}`, degrades };
  return { item: 'Docker engine', status: 'ok', value };
};

export const cgroupLine = (layout: CgroupLayout | undefined, controllers: string | undefined): HostLine => {
  if (!layout)
    return {
      item: 'cgroups',
      status: 'unknown',
      value: 'no cgroup hierarchy in /proc/self/mountinfo',
      degrades: 'realtime scheduling cannot be judged',
    };
  if (layout.version === 'v1') return { item: 'cgroups', status: 'ok', value: `v1 (cpu controller at ${layout.cpuMount ?? '?'})` };
  return { item: 'cgroups', status: 'ok', value: `v2 (controllers: ${controllers?.trim() || 'none listed'})` };
};

const period = (f: SchedulingFacts, periodUs: number | undefined): string =>
  f.globalRuntimeUs === undefined || f.globalRuntimeUs < 0 ? 'unlimited' : `${f.globalRuntimeUs} µs per ${periodUs ?? '?'} µs`;

/**
 * Realtime scheduling for the daemon nodes, from the facts of the engine's parent group (v1:
 * /sys/fs/cgroup/cpu/docker, whose budget `make engine` sets; v2: the global budget).
 */
export const realtimeLine = (facts: SchedulingFacts, periodUs: number | undefined): HostLine => {
  const plan = schedulingPlan(facts);
  const item = 'realtime scheduling';
  if (plan.policy === 'nice') {
    const fix = facts.cgroup === 'v1' && facts.groupRuntimeUs === 0 ? ' (`make engine` gives the engine group the root budget)' : '';
    return {
      item,
      status: 'missing',
      value: plan.reason + fix,
      degrades:
        'heartbeat daemons run at nice -10 only: under load their timers stall longer (timer-stall events) and arp-ha stall checks may fail',
    };
  }
  const how =
    plan.budget === 'group'
      ? `SCHED_RR under per-node budgets from the engine group's ${facts.groupRuntimeUs} µs per ${periodUs ?? '?'} µs (cgroup v1)`
      : plan.budget === 'global'
        ? `SCHED_RR under the global budget (${period(facts, periodUs)}), no RT group scheduling`
        : `SCHED_RR likely (${plan.reason})`;
  return { item, status: plan.budget === 'unknown' ? 'unknown' : 'ok', value: how };
};

export const privilegeLine = (mode: PrivilegeMode, isRoot: boolean): HostLine[] => [
  isRoot
    ? { item: 'root', status: 'ok', value: 'links are wired from the host (ip, nsenter)' }
    : {
        item: 'root',
        status: 'missing',
        value: 'not running as root',
        degrades: 'deploy cannot wire links or enter namespaces: run as root or with sudo',
      },
  mode.kind === 'privileged'
    ? { item: 'capabilities', status: 'ok', value: describePrivilegeMode(mode) }
    : {
        item: 'capabilities',
        status: 'missing',
        value: describePrivilegeMode(mode),
        degrades: `privileged fallback: nodes lack ${mode.capDrop.map((c) => 'CAP_' + c).join(', ')}, which no mechanism of the lab uses`,
      },
];

/** Clock sources that are read without a trap to the hypervisor or an I/O port. */
const FAST_CLOCKS = new Set(['tsc', 'kvm-clock', 'hyperv_clocksource_tsc_page', 'arch_sys_counter', 'xen']);

export const clockLine = (current: string | undefined, available: string | undefined): HostLine => {
  const c = current?.trim();
  if (!c)
    return {
      item: 'clock source',
      status: 'unknown',
      value: 'no /sys/devices/system/clocksource/clocksource0',
      degrades: 'cannot tell what a timestamp costs',
    };
  const value = `${c}${available?.trim() ? ` (available: ${available.trim()})` : ''}`;
  if (FAST_CLOCKS.has(c)) return { item: 'clock source', status: 'ok', value };
  return {
    item: 'clock source',
    status: 'missing',
    value: `${value}: slow to read`,
    degrades: 'every timestamp (probe frames, daemon ticks) costs microseconds: busy runs use more CPU and timing checks get looser',
  };
};

export const cpuLine = (cpus: number): HostLine =>
  cpus >= 2
    ? { item: 'CPUs', status: 'ok', value: String(cpus) }
    : {
        item: 'CPUs',
        status: 'missing',
        value: `${cpus}: the scenarios' timing targets were set on 2`,
        degrades: 'daemons, probes and the engine share one CPU: expect stalls and reruns',
      };

/**
 * Each node's own TCP table (kernel/netns-tcp-hash.ts): the value of
 * net.ipv4.tcp_child_ehash_entries, which a deploy sets when it is 0 and it can.
 */
export const tcpHashLine = (current: string | undefined, isRoot: boolean): HostLine => {
  const item = 'TCP table per node';
  const degrades =
    "each node's /proc/net/tcp walks the host's whole TCP table: the daemons that watch their sockets take milliseconds of kernel time per read, beside the measured streams";
  const plan = nodeTcpHashPlan(current);
  if (!plan.set && plan.outcome.kind === 'shared') return { item, status: 'missing', value: plan.outcome.problem, degrades };
  if (!plan.set && plan.outcome.kind === 'kept')
    return { item, status: 'ok', value: `${plan.outcome.buckets} buckets (net.ipv4.tcp_child_ehash_entries)` };
  if (isRoot) return { item, status: 'ok', value: `shared with the host now; a deploy sets ${NODE_TCP_HASH_BUCKETS} buckets` };
  return { item, status: 'missing', value: 'shared with the host (net.ipv4.tcp_child_ehash_entries = 0, not root)', degrades };
};

/** The table: one line per item, `item  status  value`, and ` → what degrades` on a line that is not ok. */
export const hostTable = (lines: readonly HostLine[]): string => {
  const w = Math.max(...lines.map((l) => l.item.length));
  const sw = Math.max(...lines.map((l) => l.status.length));
  return lines
    .map((l) => `${l.item.padEnd(w)}  ${l.status.padEnd(sw)}  ${l.value}${l.status !== 'ok' && l.degrades ? ` → ${l.degrades}` : ''}`)
    .join('\n');
};
