// Pure: the back end's own view of its connections (seed 002's connection monitor, 23), read
// from /proc/net/tcp without spawning `ss`: which service ports have a listener, and how many
// live connections each serves (closing ones — TIME_WAIT, CLOSE — are over).
import { tcpRows } from '../../../kernel/proc-net-tcp.js';

const LISTEN = 0x0a;
const OVER = new Set([0x06, 0x07]);

export interface SocketCensus {
  listening: Set<number>;
  connections: Map<number, number>;
}

/** `text` is /proc/net/tcp. */
export const censusOf = (text: string, ports: ReadonlySet<number>): SocketCensus => {
  const listening = new Set<number>();
  const connections = new Map<number, number>();
  for (const { localPort: port, state } of tcpRows(text)) {
    if (!ports.has(port)) continue;
    if (state === LISTEN) listening.add(port);
    else if (!OVER.has(state)) connections.set(port, (connections.get(port) ?? 0) + 1);
  }
  return { listening, connections };
};
