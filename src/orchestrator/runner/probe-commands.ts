// Pure: the probe command lines for a scenario's workloads. Nodes run the probe from the
// project bind-mounted at LAB_PROJECT_DIR (topologies bind it; see topologies/*.clab.yml).
import type { ProbeWorkload, Workload } from '../scenario/parse-scenario.js';
import { splitHostPort } from '../../common/host-port.js';
import { shellQuote } from '../../kernel/run-command.js';

export const LAB_PROJECT_DIR = '/opt/failover-lab';
export const PROBE_MAIN = `${LAB_PROJECT_DIR}/dist/src/probe/main.js`;
/** Matches the probe server's command line but not a shell that mentions it (the [d] trick). */
export const PROBE_SERVER_PATTERN = '[d]ist/src/probe/main.js server';
/** Streams of different workloads never share an id. */
export const STREAM_ID_STRIDE = 100_000;

export interface ServerInstance {
  node: string;
  listen: string;
  control?: string;
  takeover?: boolean;
  startDelayMs?: number;
  criu?: boolean;
}

/** One server per (node, listen address), however many workloads use it. */
export const serverInstances = (workloads: readonly Workload[]): ServerInstance[] => {
  const seen = new Map<string, ServerInstance>();
  for (const w of workloads) {
    if (w.kind !== 'probe') continue;
    for (const node of w.server.node) {
      seen.set(`${node} ${w.server.listen}`, {
        node,
        listen: w.server.listen,
        ...(w.server.control ? { control: w.server.control } : {}),
        ...(w.server.takeover ? { takeover: true } : {}),
        ...(w.server.startDelay ? { startDelayMs: w.server.startDelay } : {}),
        ...(w.server.criu ? { criu: true } : {}),
      });
    }
  }
  return [...seen.values()];
};

export const serverArgv = (s: ServerInstance): string[] => {
  const c = s.control ? splitHostPort(s.control) : undefined;
  const control = c ? ['--control-host', c.host, '--control-port', String(c.port)] : [];
  const args = [
    PROBE_MAIN,
    'server',
    '--listen',
    s.listen,
    '--node',
    s.node,
    ...control,
    ...(s.takeover ? ['--takeover'] : []),
    ...(s.startDelayMs ? ['--start-delay-ms', String(s.startDelayMs)] : []),
  ];
  if (!s.criu) return ['node', ...args];
  // What CRIU needs to dump it and restore it in another container (docs/migration.md, "CRIU"):
  // node without io_uring, the init and session leader of its own pid namespace (its pids
  // cannot collide with the target's), and every descriptor the node's own.
  const line = ['unshare', '-p', '-f', 'setsid', CRIU_NODE, ...args, '--events', '/dev/null'].map(shellQuote).join(' ');
  return ['sh', '-c', `exec ${line} </dev/null >/dev/null 2>&1`];
};

/** The migration image's node 18 (images/migration/bookworm-packages.txt). */
export const CRIU_NODE = 'node18';

export const clientArgv = (w: ProbeWorkload, index: number): string[] => [
  'node',
  PROBE_MAIN,
  'client',
  '--connect',
  w.client.connect,
  '--streams',
  String(w.streams),
  '--first-stream-id',
  String(index * STREAM_ID_STRIDE + 1),
  '--direction',
  w.direction,
  '--rate',
  String(w.rate),
  '--duration-s',
  String(w.duration / 1000),
  '--stall-ms',
  String(w.stall),
  '--ping-timeout-ms',
  String(w.pingTimeout ?? w.stall),
  '--gap-threshold-ms',
  String(w.gapThreshold),
  '--node',
  w.client.node,
  // Throughput samples for the report's timeline.
  '--progress-ms',
  '1000',
  ...(w.reconnect ? [] : ['--no-reconnect']),
  ...(w.reconnectBackoff === undefined ? [] : ['--reconnect-backoff-ms', String(w.reconnectBackoff)]),
  ...(w.pacerTick === undefined ? [] : ['--pacer-tick-ms', String(w.pacerTick)]),
  ...(w.client.startDelay ? ['--start-delay-ms', String(w.client.startDelay)] : []),
  ...(w.realtime ? ['--realtime-priority', String(PROBE_CLIENT_REALTIME_PRIORITY)] : []),
];

/**
 * Below the daemons' (arp-ha 10): a failover's own detector must never wait for the instrument
 * watching it.
 */
export const PROBE_CLIENT_REALTIME_PRIORITY = 5;

/** The nodes whose probe clients run at realtime priority: they need a share of the realtime budget. */
export const realtimeClientNodes = (workloads: readonly Workload[]): string[] =>
  workloads.flatMap((w) => (w.kind === 'probe' && w.realtime ? [w.client.node] : []));
