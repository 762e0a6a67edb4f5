// Packet capture on a node interface: tcpdump inside the node, pcap streamed to a file on the
// host, until a packet count, a duration, or the AbortSignal (which stops tcpdump with SIGINT
// so the file is whole). Used by `failover-lab capture` and by scenario runs.
import { createWriteStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { LabContext } from './lab-context.js';
import { shellQuote } from '../kernel/run-command.js';

export interface CaptureOptions {
  out: string;
  count?: number;
  durationS?: number;
  filter?: string;
}

export const captureCommandLine = (iface: string, pidFile: string, options: Omit<CaptureOptions, 'out'>): string => {
  const tcpdump = [
    'tcpdump',
    '-U',
    '-n',
    '-i',
    iface,
    '-w',
    '-',
    ...(options.count ? ['-c', String(options.count)] : []),
    ...(options.filter ? [options.filter] : []),
  ];
  const bounded = options.durationS ? ['timeout', '-s', 'INT', String(options.durationS), ...tcpdump] : tcpdump;
  return `echo $$ > ${pidFile}; exec ${bounded.map(shellQuote).join(' ')}`;
};

export const capture = async (
  container: string,
  iface: string,
  options: CaptureOptions,
  ctx: Pick<LabContext, 'runtime' | 'logger' | 'signal'>,
): Promise<number> => {
  const pidFile = `/tmp/failover-lab-capture-${randomBytes(4).toString('hex')}.pid`;
  const stream = await ctx.runtime.execStream(container, ['sh', '-c', captureCommandLine(iface, pidFile, options)]);
  const file = createWriteStream(options.out);
  stream.stdout.pipe(file);
  stream.stderr.on('data', (chunk: Buffer) => ctx.logger.debug(chunk.toString().trim()));
  const stop = () => void ctx.runtime.exec(container, ['sh', '-c', `kill -INT "$(cat ${pidFile})" 2>/dev/null; true`]);
  ctx.signal?.addEventListener('abort', stop, { once: true });
  const code = await stream.done;
  ctx.signal?.removeEventListener('abort', stop);
  await new Promise<void>((resolve) => (file.writableFinished ? resolve() : file.on('finish', () => resolve())));
  await ctx.runtime.exec(container, ['rm', '-f', pidFile]);
  // tcpdump stopped by SIGINT (ours or timeout's) exits 0 or 124/130: all are a finished capture.
  return [0, 124, 130].includes(code) ? 0 : code;
};
