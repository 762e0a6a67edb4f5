// The probe's command line, run inside lab containers (Node 18) as
//   node /opt/failover-lab/dist/src/probe/main.js server|client ...
// Exit codes: 0 the run completed (failures it measured are in its output, judging them is the
// orchestrator's job), 1 the probe itself failed (e.g. cannot listen), 2 bad arguments.
import { writeFile } from 'node:fs/promises';
import { Command, CommanderError } from 'commander';
import { errorMessage } from '../common/errors.js';
import { createLogger } from '../common/logger.js';
import { arg, parseDirection, parseHostPort, parseIntIn, parseRate, parseSeconds, ProbeUsageError, type HostPort } from './cli-options.js';
import { CLIENT_DEFAULTS, ProbeClient } from './client.js';
import { JsonLinesSink } from './events.js';
import type { Direction } from './probe-report.js';
import { ProbeServer } from './server.js';
import { MIN_PACER_TICK_MS, PACER_TICK_MS, RECONNECT_BACKOFF_MS } from './timing.js';

const ms = arg(parseIntIn(1, 3_600_000));

/** Resolves on SIGTERM/SIGINT, or after `seconds` if given. */
const endSignal = (seconds?: number): Promise<void> =>
  new Promise((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
    if (seconds !== undefined) setTimeout(resolve, seconds * 1000).unref();
  });

interface ServerFlags {
  listen: HostPort;
  controlPort?: number;
  controlHost: string;
  events?: string;
  node?: string;
  durationS?: number;
  takeover?: boolean;
  startDelayMs?: number;
}

const runServer = async (o: ServerFlags): Promise<void> => {
  const sink = JsonLinesSink.open(o.events);
  if (o.startDelayMs) {
    process.stderr.write(`probe server: starting in ${o.startDelayMs} ms (--start-delay-ms)\n`);
    await new Promise((r) => setTimeout(r, o.startDelayMs));
  }
  const server = new ProbeServer({
    host: o.listen.host,
    port: o.listen.port,
    node: o.node,
    controlPort: o.controlPort,
    controlHost: o.controlHost,
    onEvent: (e) => sink.write(e),
    logger: createLogger(),
    takeover: o.takeover === true,
  });
  await server.listen();
  process.stderr.write(
    `probe server listening on ${o.listen.host}:${server.port}` +
      (server.controlPort === undefined ? '' : `, control port ${server.controlPort}`) +
      '\n',
  );
  await endSignal(o.durationS);
  await server.close();
  await sink.close();
};

interface ClientFlags {
  connect: HostPort;
  streams: number;
  direction: Direction;
  rate: number;
  durationS: number;
  firstStreamId: number;
  stallMs: number;
  pingTimeoutMs?: number;
  gapThresholdMs: number;
  pacerTickMs?: number;
  reconnect: boolean;
  connectTimeoutMs: number;
  reconnectBackoffMs: number;
  progressMs?: number;
  events?: string;
  summary?: string;
  node?: string;
  bind?: string;
  startDelayMs?: number;
  realtimePriority: number;
}

const runClient = async (o: ClientFlags): Promise<void> => {
  // Said on stderr: stdout carries the streams' events and summary only. Loaded only when asked
  // (it reads the host's cgroup files and loads libc through koffi).
  if (o.realtimePriority > 0) {
    const { applyDaemonScheduling } = await import('../kernel/process-priority.js');
    applyDaemonScheduling(
      { nice: 0, realtimePriority: o.realtimePriority },
      (problem) => process.stderr.write(`probe client: ${problem}\n`),
      (choice) => process.stderr.write(`probe client: scheduling ${JSON.stringify(choice)}\n`),
    );
  }
  const sink = JsonLinesSink.open(o.events);
  if (o.startDelayMs) await new Promise((r) => setTimeout(r, o.startDelayMs));
  const client = new ProbeClient({
    host: o.connect.host,
    port: o.connect.port,
    localAddress: o.bind,
    streams: o.streams,
    firstStreamId: o.firstStreamId,
    direction: o.direction,
    rate: o.rate,
    durationMs: Math.round(o.durationS * 1000),
    stallMs: o.stallMs,
    pingTimeoutMs: o.pingTimeoutMs,
    gapThresholdMs: o.gapThresholdMs,
    pacerTickMs: o.pacerTickMs,
    reconnect: o.reconnect,
    connectTimeoutMs: o.connectTimeoutMs,
    reconnectBackoffMs: o.reconnectBackoffMs,
    progressMs: o.progressMs,
    node: o.node,
    onEvent: (e) => sink.write(e),
  });
  // Not awaited: run() below ends when stop() is called. endSignal never rejects; stop() does not throw.
  void endSignal().then(() => client.stop());
  const summary = await client.run();
  const line = JSON.stringify(summary) + '\n';
  if (o.summary) await writeFile(o.summary, line);
  await sink.close();
  await new Promise<void>((resolve) => process.stdout.write(line, () => resolve()));
};

const program = new Command('probe')
  .description('failover-lab streaming TCP probe: byte-exact streams through failovers')
  .exitOverride()
  .showHelpAfterError();

program
  .command('server')
  .description('serve probe streams (s2c, c2s, echo) until SIGTERM')
  .requiredOption('--listen <addr:port>', 'address and port to listen on', arg(parseHostPort))
  .option('--control-port <n>', 'control port: JSON lines {"op":"get"} / {"op":"set","streams":[...]}', arg(parseIntIn(0, 65535)))
  .option('--control-host <addr>', 'address of the control port', '0.0.0.0')
  .option('--events <file>', 'JSON-lines events to this file (appended) instead of stdout')
  .option('--node <name>', 'node name stamped on events')
  .option('--duration-s <s>', 'stop after this many seconds', arg(parseSeconds))
  .option('--start-delay-ms <ms>', 'a service that takes this long to start: listen only after it', ms)
  .option(
    '--takeover',
    'checkpoint s2c connections for transparent takeover (control port ops "checkpoints"/"restore"; needs CAP_NET_ADMIN)',
  )
  .action((o: ServerFlags) => runServer(o));

program
  .command('client')
  .description('run N streams against a probe server for a bounded time, then print the summary')
  .requiredOption('--connect <addr:port>', 'server address', arg(parseHostPort))
  .requiredOption('--streams <n>', 'concurrent streams (one connection each)', arg(parseIntIn(1, 100_000)))
  .requiredOption('--direction <dir>', 's2c | c2s | echo', arg(parseDirection))
  .requiredOption('--rate <bytes/s>', 'per stream; 0 = as fast as possible; k/M/G suffixes', arg(parseRate))
  .requiredOption('--duration-s <s>', 'run time', arg(parseSeconds))
  .option('--first-stream-id <n>', 'id of the first stream', arg(parseIntIn(0, 0xffffffff)), CLIENT_DEFAULTS.firstStreamId)
  .option('--stall-ms <ms>', 'silence before a PING', ms, CLIENT_DEFAULTS.stallMs)
  .option('--ping-timeout-ms <ms>', 'unanswered PING before the connection is dropped (default: stall-ms)', ms)
  .option('--gap-threshold-ms <ms>', 'report data gaps longer than this', ms, CLIENT_DEFAULTS.gapThresholdMs)
  .option(
    '--pacer-tick-ms <ms>',
    `paced writes every this many ms (${MIN_PACER_TICK_MS}–${PACER_TICK_MS}); default: finer for few streams, coarser for many`,
    arg(parseIntIn(MIN_PACER_TICK_MS, PACER_TICK_MS)),
  )
  .option('--connect-timeout-ms <ms>', 'connect + handshake timeout', ms, CLIENT_DEFAULTS.connectTimeoutMs)
  .option(
    '--reconnect-backoff-ms <ms>',
    'wait after the first failed reconnect try, doubling after each further one (jittered 50–100 %)',
    ms,
    RECONNECT_BACKOFF_MS,
  )
  .option('--no-reconnect', 'the first reset/EOF/stall or failed handshake fails the stream')
  .option('--progress-ms <ms>', "per-stream 'progress' events at this period (min 1000)", ms)
  .option('--bind <addr>', 'local source address')
  .option('--start-delay-ms <ms>', 'a user who arrives later: connect only after this wait (the run time counts from then)', ms)
  .option('--events <file>', 'JSON-lines events to this file (appended) instead of stdout')
  .option('--summary <file>', 'also write the summary line to this file')
  .option('--node <name>', 'node name stamped on events')
  .option(
    '--realtime-priority <n>',
    'SCHED_RR at this priority (1–99) where the node allows it, so reads are dated when data arrives; 0 = normal',
    arg(parseIntIn(0, 99)),
    0,
  )
  .action((o: ClientFlags) => runClient(o));

try {
  await program.parseAsync(process.argv);
  process.exit(0);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode === 0 ? 0 : 2);
  }
  process.stderr.write(`probe: ${errorMessage(error)}\n`);
  process.exit(error instanceof ProbeUsageError ? 2 : 1);
}
