// The small container-engine interface the lab orchestrates through. Only runtime/docker/
// knows dockerode; a fake can back unit tests of the lab logic.

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'stopped' | 'removing' | 'dead' | 'unknown';

export interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  status: ContainerStatus;
  labels: Record<string, string>;
  /** Address on each attached network, by network name. */
  ipv4: Record<string, string>;
}

export interface ContainerDetails extends ContainerSummary {
  /** PID of the container's first process on the host; 0 when not running. */
  pid: number;
}

export type NetworkAttachment =
  { mode: 'bridge'; network: string; ipv4?: string } | { mode: 'none' } | { mode: 'host' } | { mode: 'container'; container: string };

export interface ContainerCreateSpec {
  name: string;
  hostname: string;
  image: string;
  /** Undefined: the image's own command. */
  cmd?: string[];
  env: Record<string, string>;
  labels: Record<string, string>;
  /** Docker bind strings `host:container[:opts]`. */
  binds: string[];
  network: NetworkAttachment;
}

export interface NetworkSpec {
  name: string;
  ipv4Subnet: string;
  ipv4Gateway?: string;
  bridge?: string;
  labels: Record<string, string>;
}

export interface NetworkSummary {
  name: string;
  labels: Record<string, string>;
  containers: number;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Label filter: value `true` means "label present, any value". */
export type LabelFilter = Record<string, string | true>;

export interface RealtimeBudget {
  periodUs: number;
  runtimeUs: number;
}

/** What the engine says of itself (`docker version`). */
export interface EngineVersion {
  version: string;
  apiVersion: string;
  minApiVersion?: string;
  kernel?: string;
}

export interface ContainerRuntime {
  readonly name: string;
  ping(): Promise<void>;
  version(): Promise<EngineVersion>;
  imageExists(image: string): Promise<boolean>;
  /** Creates the network unless it exists; says whether it did. */
  ensureNetwork(spec: NetworkSpec): Promise<{ created: boolean }>;
  listNetworks(filter: LabelFilter): Promise<NetworkSummary[]>;
  /** Removes a network; false when it did not exist. */
  removeNetwork(name: string): Promise<boolean>;
  createContainer(spec: ContainerCreateSpec): Promise<string>;
  startContainer(name: string): Promise<void>;
  stopContainer(name: string, timeoutS?: number): Promise<void>;
  killContainer(name: string, signal?: string): Promise<void>;
  pauseContainer(name: string): Promise<void>;
  unpauseContainer(name: string): Promise<void>;
  /** Force-removes a container; false when it did not exist. */
  removeContainer(name: string): Promise<boolean>;
  inspectContainer(name: string): Promise<ContainerDetails | undefined>;
  /** Resident memory of the container's processes in bytes (page cache excluded). */
  memoryUsage(name: string): Promise<number>;
  /**
   * Lets a node's processes run with realtime scheduling (SCHED_RR) for `runtimeUs` of every
   * `periodUs` per CPU (cgroup v1 cpu.rt_*): a heartbeat daemon that must not wait for the CPU.
   */
  setRealtimeBudget(name: string, budget: RealtimeBudget): Promise<void>;
  listContainers(filter: LabelFilter): Promise<ContainerSummary[]>;
  exec(name: string, argv: string[], options?: { signal?: AbortSignal; user?: string }): Promise<ExecResult>;
  /** Starts a command whose stdout is streamed raw (e.g. tcpdump -w -); `stop` ends it. */
  execStream(name: string, argv: string[]): Promise<ExecStream>;
  /**
   * Copies one regular file out of a container, running or stopped (a node a crash fault left
   * down), to `hostPath`.
   */
  copyFileOut(name: string, containerPath: string, hostPath: string): Promise<void>;
}

export interface ExecStream {
  stdout: NodeJS.ReadableStream;
  stderr: NodeJS.ReadableStream;
  /** Resolves with the exit code once the command has ended. */
  done: Promise<number>;
}
