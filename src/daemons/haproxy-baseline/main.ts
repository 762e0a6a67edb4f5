// The HAProxy baseline of the redirector, run the way the lab runs its daemons: HAProxy in the
// foreground (-db), its server state messages turned into the redirector's JSON-lines events
// (see haproxy-log.ts); with --stats-socket, the servers' weights are read every --poll-ms and
// their changes (an agent-check's load report) written as ratio events (server-weights.ts).
//   node .../haproxy-baseline/main.js --config haproxy.cfg [--node fe1] [--stats-socket /run/haproxy.sock]
import { hostname } from 'node:os';
import { Command } from 'commander';
import { errorMessage } from '../../common/errors.js';
import { createEventLog, type EmitEvent } from '../shared/event-log.js';
import { runWrapped } from '../shared/wrapped-process.js';
import { parseHaproxyLine } from './haproxy-log.js';
import { parseServersState, weightChanges, type ServerWeight } from './server-weights.js';
import { askHaproxy } from './stats-socket.js';

interface Options {
  config: string;
  node?: string;
  statsSocket?: string;
  pollMs: string;
}

const run = async (o: Options): Promise<void> => {
  const emit = createEventLog(o.node ?? hostname(), 'haproxy');
  const onLine = (line: string) => {
    const e = parseHaproxyLine(line);
    if (!e) return;
    const { event, ...data } = e;
    emit(
      event,
      event === 'backend-readded' || event === 'ratio-set' ? { ...data, by: event === 'ratio-set' ? 'admin' : 'health-check' } : data,
    );
  };
  emit('started', { implementation: 'haproxy', config: o.config });
  if (o.statsSocket) watchWeights(o.statsSocket, Number(o.pollMs), emit);
  await runWrapped('haproxy', ['-db', '-f', o.config], emit, onLine);
};

/** Polls the weights; the socket is absent until HAProxy has started, so a failed read just waits for the next. */
const watchWeights = (socketPath: string, pollMs: number, emit: EmitEvent) => {
  if (!Number.isInteger(pollMs) || pollMs < 10) throw new Error(`--poll-ms ${pollMs}: give a whole number of milliseconds, at least 10`);
  let last: ServerWeight[] | undefined;
  let busy = false;
  setInterval(() => {
    if (busy) return;
    busy = true;
    askHaproxy(socketPath, 'show servers state')
      .then((text) => {
        const now = parseServersState(text);
        for (const { event, ...data } of last ? weightChanges(last, now) : []) emit(event, data);
        last = now;
      })
      .catch(() => undefined)
      .finally(() => (busy = false));
  }, pollMs).unref();
};

new Command('haproxy-baseline')
  .requiredOption('--config <file>', 'haproxy.cfg')
  .option('--node <name>', 'node name stamped on events')
  .option('--stats-socket <path>', "HAProxy's stats socket (level admin), to follow the servers' weights")
  .option('--poll-ms <ms>', 'how often the weights are read', '100')
  .action((o: Options) => run(o))
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`haproxy-baseline: ${errorMessage(error)}\n`);
    process.exit(1);
  });
