// The SSH workload's client, run inside a lab node (Node 18) as
//   node /opt/failover-lab/dist/src/probe/ssh/main.js --connect ADDR:PORT --key FILE ...
// N ssh2 sessions at once; probe events on stdout while they run, then one summary line in the
// probe's format. ssh2 runs in pure JavaScript here: its optional native crypto binding (and
// cpu-features) are not needed (ssh2 falls back when they do not load).
// Exit codes: 0 the run completed (what it measured is judged by the orchestrator), 1 the client
// itself failed, 2 bad arguments.
import { readFile } from 'node:fs/promises';
import { Command, CommanderError, Option } from 'commander';
import { systemClock } from '../../common/clock.js';
import { errorMessage } from '../../common/errors.js';
import { arg, parseHostPort, parseIntIn, parseRate, parseSeconds, ProbeUsageError, type HostPort } from '../cli-options.js';
import { JsonLinesSink, makeEmit } from '../events.js';
import { SSH_SESSION_MODES, type SshMode } from './ssh-modes.js';
import { SshSession } from './ssh-session.js';

const ms = arg(parseIntIn(0, 3_600_000));

interface Flags {
  connect: HostPort;
  key: string;
  user: string;
  sessions: number;
  firstStreamId: number;
  mode: SshMode;
  rate: number;
  durationS: number;
  stallMs: number;
  gapThresholdMs: number;
  keepaliveMs: number;
  fileSize: number;
  connectTimeoutMs: number;
  sourceCommand: string;
  node?: string;
}

const run = async (o: Flags): Promise<void> => {
  const privateKey = await readFile(o.key);
  const sink = JsonLinesSink.open(undefined);
  const emit = makeEmit('probe-client', o.node, (e) => sink.write(e));
  const sessions = Array.from(
    { length: o.sessions },
    (_, i) =>
      new SshSession(
        {
          stream: o.firstStreamId + i,
          host: o.connect.host,
          port: o.connect.port,
          username: o.user,
          privateKey,
          mode: o.mode,
          rate: o.rate,
          durationMs: o.durationS * 1000,
          stallMs: o.stallMs,
          gapThresholdMs: o.gapThresholdMs,
          keepaliveMs: o.keepaliveMs,
          fileSize: o.fileSize,
          sourceCommand: o.sourceCommand,
          connectTimeoutMs: o.connectTimeoutMs,
        },
        emit,
      ),
  );
  let stopped = false;
  const stop = new Promise<void>((resolve) => {
    process.once('SIGTERM', () => ((stopped = true), resolve()));
    process.once('SIGINT', () => ((stopped = true), resolve()));
  });
  await Promise.race([Promise.all(sessions.map((s) => s.start())), stop]);
  const summary = sessions.map((s) => s.summary());
  sink.write({
    t: systemClock.nowMs(),
    source: 'probe-client',
    ...(o.node ? { node: o.node } : {}),
    summary,
    ...(stopped ? { stopped } : {}),
  });
  await sink.close();
};

const program = new Command()
  .name('ssh-client')
  .exitOverride()
  .requiredOption('--connect <addr:port>', 'sshd address', arg(parseHostPort))
  .requiredOption('--key <file>', 'private key (OpenSSH format)')
  .option('--user <name>', 'user to log in as', 'root')
  .option('--sessions <n>', 'concurrent sessions (one TCP connection each)', arg(parseIntIn(1, 1000)), 1)
  .option('--first-stream-id <n>', 'stream id of the first session', arg(parseIntIn(0, 0xffffffff)), 1)
  .addOption(new Option('--mode <mode>', 'what each session does').choices(SSH_SESSION_MODES).default('stream'))
  .requiredOption('--rate <bytes/s>', 'per session; 0 = unlimited; k/M/G suffixes', arg(parseRate))
  .requiredOption('--duration-s <s>', 'run time of each session', arg(parseSeconds))
  .option('--stall-ms <ms>', 'no byte for this long: the session is given up', ms, 10_000)
  .option('--gap-threshold-ms <ms>', 'report gaps longer than this', ms, 100)
  .option('--keepalive-ms <ms>', 'SSH keepalive interval; 0 = off', ms, 0)
  .option('--file-size <bytes>', 'sftp: bytes per file', arg(parseIntIn(1, 64 * 1024 * 1024)), 256 * 1024)
  .option('--connect-timeout-ms <ms>', 'TCP connect + SSH handshake and authentication', ms, 10_000)
  .requiredOption('--source-command <cmd>', 'stream mode: remote command, run as `<cmd> STREAM RATE SECONDS`')
  .option('--node <name>', 'node name stamped on events')
  .action((o: Flags) => run(o));

try {
  await program.parseAsync(process.argv);
  process.exit(0);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  process.stderr.write(`ssh-client: ${errorMessage(error)}\n`);
  process.exit(error instanceof ProbeUsageError ? 2 : 1);
}
