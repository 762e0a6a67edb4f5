// Who may use realtime scheduling (SCHED_RR), decided from the kernel's own files: pure, so
// cgroup v1 and v2 hosts are tested on captured text. Shared by the daemons (inside a node:
// realtime or nice) and the host check (`failover-lab doctor`: what the host allows).
//
// The kernel's rule (sched_setscheduler → __sched_setscheduler): a thread may take a realtime
// policy when it has CAP_SYS_NICE (or an RLIMIT_RTPRIO), and, with RT group scheduling
// (CONFIG_RT_GROUP_SCHED), only when its cpu cgroup has a realtime runtime above 0. cgroup v1
// exposes that runtime as cpu.rt_runtime_us; cgroup v2 has no such file, so with RT group
// scheduling a non-root group never gets any, and without it every thread shares the global
// budget (/proc/sys/kernel/sched_rt_runtime_us of every sched_rt_period_us; -1: unlimited).

export type CgroupVersion = 'v1' | 'v2';

export interface CgroupLayout {
  version: CgroupVersion;
  /** Where the cpu controller is mounted (v1: its own hierarchy; v2: the unified one). */
  cpuMount?: string;
}

interface Mount {
  point: string;
  fstype: string;
  superOptions: string[];
}

/** /proc/<pid>/mountinfo: `id parent maj:min root point options [tags…] - fstype source super-options`. */
export const parseMountinfo = (text: string): Mount[] =>
  text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .flatMap((line) => {
      const [left, right] = line.split(' - ');
      const fields = left?.split(' ') ?? [];
      const after = right?.split(' ') ?? [];
      if (fields.length < 6 || after.length < 3) return [];
      // Spaces in a mount point are written as \040.
      return [{ point: fields[4]!.replace(/\\040/g, ' '), fstype: after[0]!, superOptions: after[2]!.split(',') }];
    });

/**
 * The cgroup layout from mountinfo: v2 when /sys/fs/cgroup itself is cgroup2 (or cgroup2 is the
 * only hierarchy), v1 when a cgroup (v1) hierarchy holds the cpu controller — a "hybrid" host
 * with cgroup2 at /sys/fs/cgroup/unified is v1 for scheduling. Undefined: no cgroup mounted.
 */
export const cgroupLayout = (mountinfo: string): CgroupLayout | undefined => {
  const mounts = parseMountinfo(mountinfo);
  const v1cpu = mounts.find((m) => m.fstype === 'cgroup' && m.superOptions.includes('cpu'));
  const v2 = mounts.find((m) => m.fstype === 'cgroup2' && m.point === '/sys/fs/cgroup') ?? mounts.find((m) => m.fstype === 'cgroup2');
  if (v1cpu) return { version: 'v1', cpuMount: v1cpu.point };
  if (v2) return { version: 'v2', cpuMount: v2.point };
  return undefined;
};

/** A kernel config option from /proc/config.gz or /boot/config-*: 'y', 'm', 'n' (`# … is not set`), undefined when not listed. */
export const kernelConfigValue = (config: string, option: string): 'y' | 'm' | 'n' | undefined => {
  const set = new RegExp(`^${option}=(.*)$`, 'm').exec(config);
  if (set) return set[1] === 'y' ? 'y' : set[1] === 'm' ? 'm' : 'n';
  return new RegExp(`^# ${option} is not set$`, 'm').test(config) ? 'n' : undefined;
};

/**
 * Whether RT group scheduling is on: the kernel option, unless the boot line turns it off or
 * on (`rt_group_sched=0|1`, Linux ≥ 6.16, whose default CONFIG_RT_GROUP_SCHED_DEFAULT_DISABLED
 * sets). Undefined when no config is readable.
 */
export const rtGroupScheduling = (config: string | undefined, cmdline = ''): boolean | undefined => {
  const built = config === undefined ? undefined : kernelConfigValue(config, 'CONFIG_RT_GROUP_SCHED');
  if (built === 'n' || (config !== undefined && built === undefined)) return false;
  const boot = /(?:^|\s)rt_group_sched=([01])(?:\s|$)/.exec(cmdline)?.[1];
  if (boot !== undefined && built !== undefined) return boot === '1';
  if (built === undefined) return undefined;
  return config !== undefined && kernelConfigValue(config, 'CONFIG_RT_GROUP_SCHED_DEFAULT_DISABLED') === 'y' ? false : true;
};

export const CAP_NET_ADMIN = 12;
export const CAP_SYS_NICE = 23;

/** Whether capability `bit` is in a set of /proc/<pid>/status (`CapEff`, `CapBnd`, …); false when the line is missing. */
export const hasCapability = (status: string, set: 'CapEff' | 'CapBnd' | 'CapPrm', bit: number): boolean => {
  const hex = new RegExp(`^${set}:\\s*([0-9a-fA-F]+)$`, 'm').exec(status)?.[1];
  return hex !== undefined && (BigInt('0x' + hex) & (1n << BigInt(bit))) !== 0n;
};

/** An integer file such as sched_rt_runtime_us; undefined when absent or not a number. */
export const intFile = (text: string | undefined): number | undefined => {
  const v = text === undefined ? NaN : Number(text.trim());
  return Number.isInteger(v) ? v : undefined;
};

export interface SchedulingFacts {
  cgroup: CgroupVersion | undefined;
  /** From the kernel config and boot line; undefined when unreadable. */
  rtGroupSched: boolean | undefined;
  /** cgroup v1: the cpu.rt_runtime_us of the group judged (absent: no RT group scheduling). */
  groupRuntimeUs?: number | undefined;
  /** /proc/sys/kernel/sched_rt_runtime_us (-1: unlimited). */
  globalRuntimeUs: number | undefined;
  capSysNice: boolean;
}

export type SchedulingPlan =
  { policy: 'realtime'; budget: 'group' | 'global' | 'unknown'; reason: string } | { policy: 'nice'; reason: string };

/** What the kernel will allow a process with these facts: SCHED_RR (and under which budget), or nice only, and why. */
export const schedulingPlan = (f: SchedulingFacts): SchedulingPlan => {
  if (!f.capSysNice) return { policy: 'nice', reason: 'no CAP_SYS_NICE: realtime scheduling needs it' };
  if (f.globalRuntimeUs === 0) return { policy: 'nice', reason: 'sched_rt_runtime_us is 0: the kernel gives realtime threads no time' };
  const global = f.globalRuntimeUs === undefined || f.globalRuntimeUs < 0 ? 'unlimited' : `${f.globalRuntimeUs} µs per period`;
  if (f.cgroup === 'v1' && f.groupRuntimeUs !== undefined) {
    return f.groupRuntimeUs > 0
      ? { policy: 'realtime', budget: 'group', reason: `cgroup v1 realtime budget ${f.groupRuntimeUs} µs per period` }
      : { policy: 'nice', reason: 'cgroup v1 with RT group scheduling and no realtime budget (cpu.rt_runtime_us is 0)' };
  }
  if (f.cgroup === 'v1' || f.rtGroupSched === false) {
    return { policy: 'realtime', budget: 'global', reason: `no RT group scheduling: the global budget (${global})` };
  }
  if (f.cgroup === 'v2' && f.rtGroupSched === true) {
    return {
      policy: 'nice',
      reason: 'cgroup v2 with RT group scheduling: a container group gets no realtime time and v2 has no file to give it',
    };
  }
  return { policy: 'realtime', budget: 'unknown', reason: 'RT group scheduling unknown (no kernel config readable): trying SCHED_RR' };
};
