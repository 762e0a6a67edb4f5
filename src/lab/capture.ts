// Packet capture on a node interface: tcpdump inside the node writes a file there, until a
// packet count, a duration, or the AbortSignal (which stops tcpdump with SIGINT so the file is
// whole); the file is then copied to the host. Used by `failover-lab capture` and by scenario
// runs. The pcap is not streamed out while it is written: a packet-buffered tcpdump on a busy
// link made the engine carry a write per packet (dockerd, the shim and our process woken each
// time), and on 2 cores that stalled the very streams being captured (50 echo streams: gaps of
// 40–120 ms throughout, none with the file kept in the node; docs/probe.md).
import { randomBytes } from 'node:crypto';
import type { LabContext } from './lab-context.js';
import { shellQuote } from '../kernel/run-command.js';

export interface CaptureOptions {
  out: string;
  count?: number;
  durationS?: number;
  filter?: string;
}

export const captureCommandLine = (iface: string, files: { pid: string; pcap: string }, options: Omit<CaptureOptions, 'out'>): string => {
  // -U: each packet reaches the file as it is captured, so a node killed mid-capture keeps all
  // it saw until then.
  const tcpdump = [
    'tcpdump',
    '-U',
    '-n',
    '-i',
    iface,
    '-w',
    files.pcap,
    ...(options.count ? ['-c', String(options.count)] : []),
    ...(options.filter ? [options.filter] : []),
  ];
  const bounded = options.durationS ? ['timeout', '-s', 'INT', String(options.durationS), ...tcpdump] : tcpdump;
  return `echo $$ > ${files.pid}; exec ${bounded.map(shellQuote).join(' ')}`;
};

export const capture = async (
  container: string,
  iface: string,
  options: CaptureOptions,
  ctx: Pick<LabContext, 'runtime' | 'logger' | 'signal'>,
): Promise<number> => {
  const base = `/tmp/failover-lab-capture-${randomBytes(4).toString('hex')}`;
  const files = { pid: `${base}.pid`, pcap: `${base}.pcap` };
  const stream = await ctx.runtime.execStream(container, ['sh', '-c', captureCommandLine(iface, files, options)]);
  stream.stdout.resume();
  stream.stderr.on('data', (chunk: Buffer) => ctx.logger.debug(chunk.toString().trim()));
  const stop = () => void ctx.runtime.exec(container, ['sh', '-c', `kill -INT "$(cat ${files.pid})" 2>/dev/null; true`]);
  ctx.signal?.addEventListener('abort', stop, { once: true });
  const code = await stream.done;
  ctx.signal?.removeEventListener('abort', stop);
  // tcpdump stopped by SIGINT (ours or timeout's) exits 0 or 124/130: all are a finished
  // capture; -1 is a node that died with it (a crash fault), whose file is still there.
  const finished = [0, 124, 130, -1].includes(code);
  if (finished) await ctx.runtime.copyFileOut(container, files.pcap, options.out);
  // A node left down by a fault cannot run rm; its files go with the container.
  await ctx.runtime.exec(container, ['rm', '-f', files.pid, files.pcap]).catch(() => undefined);
  return finished ? 0 : code;
};
