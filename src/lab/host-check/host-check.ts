// `failover-lab doctor` and the start of every `run`: what this host can and cannot do, read
// from its files (under `root`, so fixtures stand in for a host), from the engine, and from a
// short-lived lab container with no network that tries each kernel feature in a namespace.
import { existsSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage } from '../../common/errors.js';
import { schedulingPlan, intFile, type SchedulingPlan } from '../../kernel/cgroup-sched.js';
import { readKernelConfig, readSchedulingFiles, readText } from '../../kernel/cgroup-sched-files.js';
import type { ContainerRuntime } from '../../runtime/container-runtime.js';
import { privilegeModeFromBoundingSet, type PrivilegeMode } from '../../runtime/docker/privileges.js';
import { featureLines, featureScript, parseFeatureOutput, type ProbeResult } from './host-features.js';
import {
  cgroupLine,
  clockLine,
  cpuLine,
  engineLine,
  privilegeLine,
  realtimeLine,
  tcpHashLine,
  type EngineFacts,
  type HostLine,
} from './host-lines.js';

/** What report.json's `host` section holds: where a run ran, and what it could trust. */
export interface HostReport {
  checkedAt: string;
  kernel?: string;
  engine?: EngineFacts;
  cgroup?: 'v1' | 'v2';
  /** Scheduling the daemon nodes can have (the engine group's, on cgroup v1). */
  scheduling: SchedulingPlan;
  cpus: number;
  clockSource?: string;
  lines: HostLine[];
}

/** /sys/devices/system/cpu/online: `0-3,6` → 5. */
export const cpuCount = (online: string | undefined): number | undefined => {
  if (!online?.trim()) return undefined;
  let n = 0;
  for (const part of online.trim().split(',')) {
    const [a, b] = part.split('-').map(Number);
    n += b === undefined ? 1 : b - a! + 1;
  }
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

export interface HostFiles {
  kernel?: string;
  kernelConfig?: string;
  files: ReturnType<typeof readSchedulingFiles>;
  periodUs?: number;
  controllers?: string;
  privilege: PrivilegeMode;
  clock: { current?: string; available?: string };
  cpus?: number;
  /** net.ipv4.tcp_child_ehash_entries (undefined: the kernel has none). */
  tcpChildEhash?: string;
}

/** Every host file the check reads, under `root` (the engine's parent group is /docker below the v1 cpu mount). */
export const readHostFiles = (root: string): HostFiles => {
  const files = readSchedulingFiles(root, 'docker');
  const cpuMount = files.layout?.cpuMount;
  // RT group scheduling on, but no engine group yet: the engine's containers get no budget.
  if (files.layout?.version === 'v1' && files.facts.groupRuntimeUs === undefined && cpuMount) {
    if (readText(root, path.join(cpuMount, 'cpu.rt_runtime_us')) !== undefined) files.facts.groupRuntimeUs = 0;
  }
  const status = readText(root, 'proc/self/status') ?? '';
  const clockDir = 'sys/devices/system/clocksource/clocksource0';
  const opt = <K extends string, V>(key: K, v: V | undefined) => (v === undefined ? {} : ({ [key]: v } as { [k in K]: V }));
  return {
    ...opt('kernel', readText(root, 'proc/sys/kernel/osrelease')?.trim()),
    ...opt('kernelConfig', readKernelConfig(root)),
    files,
    ...opt('periodUs', intFile(readText(root, 'proc/sys/kernel/sched_rt_period_us'))),
    ...opt(
      'controllers',
      cpuMount && files.layout?.version === 'v2' ? readText(root, path.join(cpuMount, 'cgroup.controllers')) : undefined,
    ),
    privilege: privilegeModeFromBoundingSet(/^CapBnd:\s*([0-9a-f]+)$/m.exec(status)?.[1] ?? 'ffffffffff', (d) =>
      existsSync(path.join(root, d)),
    ),
    clock: {
      ...opt('current', readText(root, `${clockDir}/current_clocksource`)?.trim()),
      ...opt('available', readText(root, `${clockDir}/available_clocksource`)?.trim()),
    },
    ...opt('cpus', cpuCount(readText(root, 'sys/devices/system/cpu/online'))),
    ...opt('tcpChildEhash', readText(root, 'proc/sys/net/ipv4/tcp_child_ehash_entries')),
  };
};

export interface HostInputs {
  host: HostFiles;
  engine: EngineFacts | { problem: string };
  isRoot: boolean;
  /** The feature probe's output, or why it could not run. */
  features: Map<string, ProbeResult> | { problem: string };
  now: Date;
}

/** Pure: the report from what was read. */
export const hostReport = (i: HostInputs): HostReport => {
  const { host } = i;
  const cpus = host.cpus ?? os.cpus().length;
  const probed = i.features instanceof Map ? i.features : undefined;
  const lines: HostLine[] = [
    engineLine(i.engine),
    cgroupLine(host.files.layout, host.controllers),
    realtimeLine(host.files.facts, host.periodUs),
    ...privilegeLine(host.privilege, i.isRoot),
    clockLine(host.clock.current, host.clock.available),
    cpuLine(cpus),
    tcpHashLine(host.tcpChildEhash, i.isRoot),
    ...(probed
      ? []
      : [
          {
            item: 'feature probe',
            status: 'missing' as const,
            value: (i.features as { problem: string }).problem,
            degrades: 'kernel features below are judged from the kernel config alone',
          },
        ]),
    ...featureLines(probed, host.kernelConfig),
  ];
  return {
    checkedAt: i.now.toISOString(),
    ...(host.kernel ? { kernel: host.kernel } : {}),
    ...('problem' in i.engine ? {} : { engine: i.engine }),
    ...(host.files.layout ? { cgroup: host.files.layout.version } : {}),
    scheduling: schedulingPlan(host.files.facts),
    cpus,
    ...(host.clock.current ? { clockSource: host.clock.current } : {}),
    lines,
  };
};

/** The engine is there: the one thing without which nothing runs (doctor's exit code). */
export const engineAnswered = (r: HostReport): boolean => r.engine !== undefined && r.lines[0]?.status === 'ok';

/** The lab image every topology of the project uses (images/base). */
export const LAB_IMAGE = 'failover-lab/base:bookworm';

/** dist/src/lab/host-check → the project folder. */
const PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

export interface HostCheckOptions {
  image?: string;
  /** The project folder, bind-mounted at /opt/failover-lab as the topologies do (the TCP_REPAIR probe runs its code). */
  projectDir?: string;
  /** '/' except in tests. */
  root?: string;
  /** Skip the feature container (the start of `run` on a host already checked). */
  probeFeatures?: boolean;
}

const runFeatureProbe = async (runtime: ContainerRuntime, o: HostCheckOptions): Promise<Map<string, ProbeResult> | { problem: string }> => {
  const image = o.image ?? LAB_IMAGE;
  const projectDir = o.projectDir ?? PROJECT_DIR;
  if (!(await runtime.imageExists(image))) return { problem: `image ${image} is not there (make images)` };
  const name = `failover-lab-doctor-${process.pid}`;
  const modules = path.join(projectDir, 'node_modules');
  try {
    await runtime.createContainer({
      name,
      hostname: 'doctor',
      image,
      // Bounded: a probe left behind by a killed doctor ends by itself.
      cmd: ['sleep', '60'],
      env: {},
      labels: { 'failover-lab.doctor': 'true' },
      binds: [
        `${projectDir}:/opt/failover-lab:ro`,
        // node_modules may be a link to another checkout, which the container cannot follow.
        ...(existsSync(modules) ? [`${realpathSync(modules)}:/opt/failover-lab/node_modules:ro`] : []),
      ],
      network: { mode: 'none' },
    });
    await runtime.startContainer(name);
    const r = await runtime.exec(name, ['sh', '-c', featureScript()]);
    return parseFeatureOutput(r.stdout);
  } catch (e) {
    return { problem: `probe container: ${errorMessage(e)}` };
  } finally {
    await runtime.removeContainer(name).catch(() => undefined);
  }
};

export const checkHost = async (runtime: ContainerRuntime, o: HostCheckOptions = {}): Promise<HostReport> => {
  const root = o.root ?? '/';
  const engine = await runtime.version().catch((e: unknown) => ({ problem: errorMessage(e) }));
  const features =
    'problem' in engine
      ? { problem: 'no engine to run it' }
      : o.probeFeatures === false
        ? { problem: 'not run' }
        : await runFeatureProbe(runtime, o);
  return hostReport({ host: readHostFiles(root), engine, isRoot: process.getuid?.() === 0, features, now: new Date() });
};

let once: Promise<HostReport> | undefined;

/** The check once per process: `run` with many scenarios (or an e2e suite) reports the same host for each. */
export const checkHostOnce = (runtime: ContainerRuntime): Promise<HostReport> => (once ??= checkHost(runtime));
