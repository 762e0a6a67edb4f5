// The worker thread that sends this balancer's liveness datagrams (../liveness.ts). A thread of
// its own, at realtime priority when the node allows it, because the main thread blocks for
// tens of milliseconds at a time (NFQUEUE verdicts, conntrack batches), and the datagrams must
// say whether the node and its process are alive, not whether the event loop is idle.
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { systemClock } from '../../../common/clock.js';
import { splitHostPort } from '../../../common/host-port.js';
import { isReported } from '../../shared/rare-report.js';
import { errorMessage } from '../../../common/errors.js';
import { setThreadRealtimePriority } from '../../../kernel/process-priority.js';
import { encodeLiveness } from '../liveness.js';

export interface LivenessSenderOptions {
  node: string;
  to: string[];
  key: string;
  intervalMs: number;
  /** 0: none. */
  realtimePriority: number;
}

/** Starts the sender; `onWarning` hears what it could not do (realtime refused, send errors: first and every 100th). */
export const startLivenessSender = (options: LivenessSenderOptions, onWarning: (problem: string) => void): Worker => {
  const worker = new Worker(new URL(import.meta.url), { workerData: options });
  worker.on('message', (m: unknown) => onWarning(String(m)));
  worker.on('error', (e) => onWarning(`liveness sender stopped: ${errorMessage(e)}`));
  worker.unref();
  return worker;
};

const runSender = (o: LivenessSenderOptions): void => {
  if (o.realtimePriority > 0) {
    try {
      setThreadRealtimePriority(o.realtimePriority);
    } catch (e) {
      parentPort!.postMessage(`liveness datagrams sent at normal priority: ${errorMessage(e)}`);
    }
  }
  const key = Buffer.from(o.key, 'utf8');
  const targets = o.to.map(splitHostPort);
  const boot = randomBytes(8).toString('hex');
  const socket = createSocket('udp4');
  let seq = 0;
  let errors = 0;
  const onSent = (e: Error | null) => {
    if (!e) return;
    errors++;
    if (isReported(errors)) parentPort!.postMessage(`liveness datagram not sent (${errors} so far): ${e.message}`);
  };
  const send = () => {
    const packet = encodeLiveness({ v: 1, node: o.node, boot, seq: ++seq, sentMs: systemClock.nowMs() }, key);
    for (const t of targets) socket.send(packet, t.port, t.host, onSent);
  };
  send();
  setInterval(send, o.intervalMs);
};

if (parentPort && workerData && typeof workerData === 'object' && 'intervalMs' in workerData)
  runSender(workerData as LivenessSenderOptions);
