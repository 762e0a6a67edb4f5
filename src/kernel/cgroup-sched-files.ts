// Reads the files schedulingPlan decides from, under `root` ('/' on a live system, a fixture
// folder in tests, laid out as the real paths: proc/self/mountinfo, …).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  cgroupLayout,
  CAP_SYS_NICE,
  hasCapability,
  intFile,
  rtGroupScheduling,
  type CgroupLayout,
  type SchedulingFacts,
} from './cgroup-sched.js';

export const readText = (root: string, file: string): string | undefined => {
  try {
    return readFileSync(path.join(root, file), 'utf8');
  } catch {
    return undefined;
  }
};

/** The kernel's build config: /proc/config.gz (CONFIG_IKCONFIG_PROC), else /boot/config-<release> (Debian, Ubuntu). */
export const readKernelConfig = (root: string): string | undefined => {
  const gz = path.join(root, 'proc/config.gz');
  if (existsSync(gz)) {
    try {
      return gunzipSync(readFileSync(gz)).toString('utf8');
    } catch {
      // An unreadable config.gz says nothing; try /boot.
    }
  }
  const release = readText(root, 'proc/sys/kernel/osrelease')?.trim();
  return release ? readText(root, `boot/config-${release}`) : undefined;
};

export interface SchedulingFiles {
  layout: CgroupLayout | undefined;
  facts: SchedulingFacts;
}

/**
 * The facts for a process whose cpu group is `group` below the cpu controller's mount ('' inside
 * a container, whose cgroup namespace or bind mount shows its own group there; 'docker' on the
 * host for the engine's parent group).
 */
export const readSchedulingFiles = (root: string, group = ''): SchedulingFiles => {
  const layout = cgroupLayout(readText(root, 'proc/self/mountinfo') ?? '');
  const groupFile = layout?.version === 'v1' && layout.cpuMount ? path.join(layout.cpuMount, group, 'cpu.rt_runtime_us') : undefined;
  return {
    layout,
    facts: {
      cgroup: layout?.version,
      rtGroupSched: rtGroupScheduling(readKernelConfig(root), readText(root, 'proc/cmdline') ?? ''),
      groupRuntimeUs: groupFile === undefined ? undefined : intFile(readText(root, groupFile)),
      globalRuntimeUs: intFile(readText(root, 'proc/sys/kernel/sched_rt_runtime_us')),
      capSysNice: hasCapability(readText(root, 'proc/self/status') ?? '', 'CapEff', CAP_SYS_NICE),
    },
  };
};

/**
 * Whether realtime time is given per cgroup (v1 with RT group scheduling: cpu.rt_runtime_us at
 * the cpu mount). Elsewhere there is no per-node budget to give: a node shares the global
 * budget (v2, or no RT group scheduling) or has none (v2 with RT group scheduling).
 */
export const perGroupRealtimeBudgets = (root = '/'): boolean => {
  const layout = cgroupLayout(readText(root, 'proc/self/mountinfo') ?? '');
  return (
    layout?.version === 'v1' &&
    layout.cpuMount !== undefined &&
    readText(root, path.join(layout.cpuMount, 'cpu.rt_runtime_us')) !== undefined
  );
};
