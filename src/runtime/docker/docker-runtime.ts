// ContainerRuntime over the Docker Engine API (dockerode). The only module that sees dockerode.
import Docker from 'dockerode';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-stream';
import { AbortedError, ContainerRuntimeError, errorMessage } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import type {
  ContainerCreateSpec,
  ContainerDetails,
  ContainerRuntime,
  ContainerStatus,
  EngineVersion,
  ContainerSummary,
  ExecResult,
  ExecStream,
  LabelFilter,
  NetworkSpec,
  NetworkSummary,
  RealtimeBudget,
} from '../container-runtime.js';
import { describePrivilegeMode, detectPrivilegeMode, type PrivilegeMode } from './privileges.js';

const statusCodeOf = (error: unknown): number | undefined =>
  typeof error === 'object' && error !== null && 'statusCode' in error && typeof error.statusCode === 'number'
    ? error.statusCode
    : undefined;

const toFilters = (filter: LabelFilter): string =>
  JSON.stringify({ label: Object.entries(filter).map(([k, v]) => (v === true ? k : `${k}=${v}`)) });

const STATES: readonly string[] = ['created', 'running', 'paused', 'restarting', 'removing', 'dead'];

const normaliseStatus = (state: string | undefined): ContainerStatus =>
  state === 'exited' ? 'stopped' : state !== undefined && STATES.includes(state) ? (state as ContainerStatus) : 'unknown';

export interface DockerRuntimeOptions {
  logger: Logger;
  /** Defaults to DOCKER_HOST or the local socket. */
  docker?: Docker;
  privilegeMode?: PrivilegeMode;
}

export class DockerRuntime implements ContainerRuntime {
  readonly name = 'docker';
  private readonly docker: Docker;
  private readonly logger: Logger;
  private readonly privilegeMode: PrivilegeMode;
  private privilegeNoticeGiven = false;

  constructor(options: DockerRuntimeOptions) {
    this.docker = options.docker ?? new Docker();
    this.logger = options.logger;
    this.privilegeMode = options.privilegeMode ?? detectPrivilegeMode();
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw new ContainerRuntimeError(`docker: ${what}: ${errorMessage(error).replace(/^\(HTTP code \d+\) [a-z ]+ - /, '')}`, {
        cause: error,
      });
    }
  }

  async ping(): Promise<void> {
    await this.call('engine does not answer (is dockerd running? try `make engine`)', () => this.docker.ping());
  }

  async version(): Promise<EngineVersion> {
    const v = await this.call('engine does not answer (is dockerd running? try `make engine`)', () => this.docker.version());
    return {
      version: v.Version,
      apiVersion: v.ApiVersion,
      ...(v.MinAPIVersion ? { minApiVersion: v.MinAPIVersion } : {}),
      ...(v.KernelVersion ? { kernel: v.KernelVersion } : {}),
    };
  }

  /** Runs `fn`; true when it succeeded, false when the object did not exist (404). */
  private async unlessAbsent(what: string, fn: () => Promise<unknown>): Promise<boolean> {
    try {
      await fn();
      return true;
    } catch (error) {
      if (statusCodeOf(error) === 404) return false;
      throw new ContainerRuntimeError(`docker: ${what}: ${errorMessage(error)}`, { cause: error });
    }
  }

  imageExists(image: string): Promise<boolean> {
    return this.unlessAbsent(`inspecting image ${image}`, () => this.docker.getImage(image).inspect());
  }

  async ensureNetwork(spec: NetworkSpec): Promise<{ created: boolean }> {
    const existing = await this.docker.listNetworks({ filters: JSON.stringify({ name: [spec.name] }) });
    if (existing.some((n) => n.Name === spec.name)) return { created: false };
    await this.call(`creating network ${spec.name} (${spec.ipv4Subnet})`, () =>
      this.docker.createNetwork({
        Name: spec.name,
        Driver: 'bridge',
        CheckDuplicate: true,
        Labels: spec.labels,
        IPAM: { Driver: 'default', Config: [{ Subnet: spec.ipv4Subnet, ...(spec.ipv4Gateway ? { Gateway: spec.ipv4Gateway } : {}) }] },
        Options: spec.bridge ? { 'com.docker.network.bridge.name': spec.bridge } : {},
      }),
    );
    return { created: true };
  }

  async listNetworks(filter: LabelFilter): Promise<NetworkSummary[]> {
    const networks = await this.call('listing networks', () => this.docker.listNetworks({ filters: toFilters(filter) }));
    return Promise.all(
      networks.map(async (n) => {
        const detail = await this.call(`inspecting network ${n.Name}`, () => this.docker.getNetwork(n.Id).inspect());
        return { name: n.Name, labels: n.Labels ?? {}, containers: Object.keys(detail.Containers ?? {}).length };
      }),
    );
  }

  removeNetwork(name: string): Promise<boolean> {
    return this.unlessAbsent(`removing network ${name}`, () => this.docker.getNetwork(name).remove());
  }

  async createContainer(spec: ContainerCreateSpec): Promise<string> {
    if (this.privilegeMode.kind === 'fallback' && !this.privilegeNoticeGiven) {
      this.privilegeNoticeGiven = true;
      this.logger.warn(describePrivilegeMode(this.privilegeMode));
    }
    const privileges =
      this.privilegeMode.kind === 'privileged'
        ? { Privileged: true }
        : {
            CapAdd: ['ALL'],
            CapDrop: this.privilegeMode.capDrop,
            SecurityOpt: this.privilegeMode.securityOpt,
            MaskedPaths: [],
            ReadonlyPaths: [],
            Devices: this.privilegeMode.devices.map((d) => ({ PathOnHost: d, PathInContainer: d, CgroupPermissions: 'rwm' })),
          };
    const net = spec.network;
    const networkMode = net.mode === 'bridge' ? net.network : net.mode === 'container' ? `container:${net.container}` : net.mode;
    const container = await this.call(`creating container ${spec.name}`, () =>
      this.docker.createContainer({
        name: spec.name,
        Hostname: net.mode === 'container' || net.mode === 'host' ? undefined : spec.hostname,
        Image: spec.image,
        ...(spec.cmd ? { Cmd: spec.cmd } : {}),
        Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
        Labels: spec.labels,
        HostConfig: { ...privileges, Binds: spec.binds, NetworkMode: networkMode, Init: false },
        ...(net.mode === 'bridge'
          ? { NetworkingConfig: { EndpointsConfig: { [net.network]: net.ipv4 ? { IPAMConfig: { IPv4Address: net.ipv4 } } : {} } } }
          : {}),
      }),
    );
    return container.id;
  }

  async startContainer(name: string): Promise<void> {
    await this.call(`starting container ${name}`, async () => {
      try {
        await this.docker.getContainer(name).start();
      } catch (error) {
        if (statusCodeOf(error) !== 304) throw error; // 304: already running
      }
    });
  }

  async stopContainer(name: string, timeoutS = 10): Promise<void> {
    await this.call(`stopping container ${name}`, async () => {
      try {
        await this.docker.getContainer(name).stop({ t: timeoutS });
      } catch (error) {
        if (statusCodeOf(error) !== 304) throw error; // 304: already stopped
      }
    });
  }

  async killContainer(name: string, signal = 'SIGKILL'): Promise<void> {
    await this.call(`killing container ${name}`, () => this.docker.getContainer(name).kill({ signal }));
  }

  async pauseContainer(name: string): Promise<void> {
    await this.call(`pausing container ${name}`, () => this.docker.getContainer(name).pause());
  }

  async unpauseContainer(name: string): Promise<void> {
    await this.call(`unpausing container ${name}`, () => this.docker.getContainer(name).unpause());
  }

  removeContainer(name: string): Promise<boolean> {
    return this.unlessAbsent(`removing container ${name}`, () => this.docker.getContainer(name).remove({ force: true, v: true }));
  }

  async inspectContainer(name: string): Promise<ContainerDetails | undefined> {
    try {
      const info = await this.docker.getContainer(name).inspect();
      return {
        id: info.Id,
        name: info.Name.replace(/^\//, ''),
        image: info.Config.Image,
        status: normaliseStatus(info.State.Status),
        labels: info.Config.Labels ?? {},
        ipv4: Object.fromEntries(Object.entries(info.NetworkSettings.Networks ?? {}).map(([n, s]) => [n, s.IPAddress])),
        pid: info.State.Pid,
      };
    } catch (error) {
      if (statusCodeOf(error) === 404) return undefined;
      throw new ContainerRuntimeError(`docker: inspecting container ${name}: ${errorMessage(error)}`, { cause: error });
    }
  }

  async memoryUsage(name: string): Promise<number> {
    const stats = await this.call(`reading stats of ${name}`, () => this.docker.getContainer(name).stats({ stream: false }));
    const m = stats.memory_stats;
    // cgroup v2 reports page cache as inactive_file, v1 as cache; neither is the node's own memory.
    const cache = m.stats?.inactive_file ?? m.stats?.cache ?? 0;
    return Math.max(0, (m.usage ?? 0) - cache);
  }

  async setRealtimeBudget(name: string, budget: RealtimeBudget): Promise<void> {
    // `docker update --cpu-rt-runtime` records the budget but does not apply it to a running
    // container (dockerd 20.10 leaves it out of runc's update), so it is written to the
    // container's cgroup here — the engine runs on this host, as the lab's wiring already needs.
    const info = await this.call(`inspecting ${name}`, () => this.docker.getContainer(name).inspect());
    const parent = (info.HostConfig.CgroupParent || '/docker').replace(/^\/+/, '');
    const dir = path.join('/sys/fs/cgroup/cpu', parent, info.Id);
    try {
      await writeFile(path.join(dir, 'cpu.rt_period_us'), String(budget.periodUs));
      await writeFile(path.join(dir, 'cpu.rt_runtime_us'), String(budget.runtimeUs));
    } catch (e) {
      throw new ContainerRuntimeError(
        `giving ${name} a realtime budget of ${budget.runtimeUs} µs per ${budget.periodUs} µs in ${dir}: ${errorMessage(e)}` +
          " (needs cgroup v1 with RT group scheduling, root, and a budget on the engine's parent group: `make engine` gives one)",
      );
    }
  }

  async listContainers(filter: LabelFilter): Promise<ContainerSummary[]> {
    const list = await this.call('listing containers', () => this.docker.listContainers({ all: true, filters: toFilters(filter) }));
    return list.map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
      image: c.Image,
      status: normaliseStatus(c.State),
      labels: c.Labels ?? {},
      ipv4: Object.fromEntries(Object.entries(c.NetworkSettings?.Networks ?? {}).map(([n, s]) => [n, s.IPAddress])),
    }));
  }

  async exec(name: string, argv: string[], options: { signal?: AbortSignal; user?: string } = {}): Promise<ExecResult> {
    const stream = await this.execStream(name, argv, options.user);
    const collect = (s: NodeJS.ReadableStream): Promise<string> =>
      new Promise((resolve) => {
        const chunks: Buffer[] = [];
        s.on('data', (c: Buffer) => chunks.push(c));
        s.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      });
    const finished = Promise.all([collect(stream.stdout), collect(stream.stderr), stream.done]);
    // Docker cannot cancel an exec; on abort we stop waiting (the caller removes the container).
    const aborted = new Promise<never>((_, reject) => {
      const signal = options.signal;
      if (!signal) return;
      const onAbort = () => reject(new AbortedError(`exec of \`${argv.join(' ')}\` in ${name}`));
      if (signal.aborted) onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      // Both outcomes only clean up: the race below reports finished's error. (A .finally here was
      // a second, unhandled copy of that rejection, which ended the process.)
      const forget = () => signal.removeEventListener('abort', onAbort);
      void finished.then(forget, forget);
    });
    const [stdout, stderr, exitCode] = await Promise.race([finished, aborted]);
    return { exitCode, stdout, stderr };
  }

  async execStream(name: string, argv: string[], user?: string): Promise<ExecStream> {
    const exec = await this.call(`exec in ${name}`, () =>
      this.docker.getContainer(name).exec({ Cmd: argv, AttachStdout: true, AttachStderr: true, ...(user ? { User: user } : {}) }),
    );
    const raw = await this.call(`exec in ${name}`, () => exec.start({ hijack: true, stdin: false }));
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    this.docker.modem.demuxStream(raw, stdout, stderr);
    const done = new Promise<number>((resolve, reject) => {
      raw.on('end', () => {
        stdout.end();
        stderr.end();
        // A node that died with the command in it (crash faults) has no exec to inspect: -1.
        exec.inspect().then(
          (info) => resolve(info.ExitCode ?? -1),
          () => resolve(-1),
        );
      });
      raw.on('error', reject);
    });
    return { stdout, stderr, done };
  }

  async copyFileOut(name: string, containerPath: string, hostPath: string): Promise<void> {
    const what = `copying ${containerPath} out of ${name}`;
    const archive = await this.call(what, () => this.docker.getContainer(name).getArchive({ path: containerPath }));
    // The engine sends the path as a tar archive (GET /containers/{id}/archive) with one entry.
    const entries = extract();
    archive.pipe(entries);
    let copied = false;
    for await (const entry of entries) {
      if (!copied && entry.header.type === 'file') {
        await pipeline(entry, createWriteStream(hostPath));
        copied = true;
      } else entry.resume();
    }
    if (!copied) throw new ContainerRuntimeError(`${what}: the engine's archive holds no regular file`);
  }
}
