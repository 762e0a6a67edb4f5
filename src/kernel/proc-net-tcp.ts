// /proc/net/tcp read as a file instead of spawning `ss` (a spawn blocked a daemon's event loop
// until the child had exec'd: 100+ ms on a busy node), and its pure parsing.
import { readFile } from 'node:fs/promises';

/**
 * Established connections to vip:port, as client "ip:port", from this network namespace's
 * /proc/net/tcp.
 */
export const serviceClients = async (vip: string, port: number): Promise<string[]> =>
  parseProcNetTcp(await readFile('/proc/net/tcp', 'utf8'), vip, port);

const TCP_ESTABLISHED = 0x01;

export interface QueuedBytes {
  connections: number;
  /** Written by the service and not yet acknowledged by its peers (tx_queue). */
  send: number;
  /** Arrived and not yet read by the service (rx_queue). */
  receive: number;
}

/** What the established connections whose local end is `ip` hold in their queues. */
export const queuedBytes = async (ip: string): Promise<QueuedBytes> => parseQueuedBytes(await readFile('/proc/net/tcp', 'utf8'), ip);

/** Pure: /proc/net/tcp's "ADDR:PORT" (little-endian hex address on this x86/arm host, hex port) → "a.b.c.d:port". */
const endpointOf = (hex: string): string | undefined => {
  const m = /^([0-9A-F]{8}):([0-9A-F]{4})$/i.exec(hex);
  if (!m) return undefined;
  const n = parseInt(m[1]!, 16);
  return `${n & 0xff}.${(n >>> 8) & 0xff}.${(n >>> 16) & 0xff}.${n >>> 24}:${parseInt(m[2]!, 16)}`;
};

/** One socket of /proc/net/tcp: its ends ("ip:port"), its local port, its state and its queues' bytes. */
export interface TcpRow {
  local: string;
  localPort: number;
  peer: string;
  /** The kernel's TCP state number (1 ESTABLISHED, 6 TIME_WAIT, 7 CLOSE, 10 LISTEN, …). */
  state: number;
  send: number;
  receive: number;
}

/** Pure: every socket of /proc/net/tcp's text, in any state; lines that do not parse are left out. */
export const tcpRows = (text: string): TcpRow[] =>
  text
    .split('\n')
    .slice(1)
    .flatMap((line) => {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 5 || !/^[0-9A-F]{2}$/i.test(cols[3]!)) return [];
      const local = endpointOf(cols[1]!);
      const peer = endpointOf(cols[2]!);
      const queues = /^([0-9A-F]{8}):([0-9A-F]{8})$/i.exec(cols[4]!);
      if (!local || !peer || !queues) return [];
      const localPort = Number(local.slice(local.lastIndexOf(':') + 1));
      return [{ local, localPort, peer, state: parseInt(cols[3]!, 16), send: parseInt(queues[1]!, 16), receive: parseInt(queues[2]!, 16) }];
    });

const establishedRows = (text: string): TcpRow[] => tcpRows(text).filter((r) => r.state === TCP_ESTABLISHED);

/** Pure: the /proc/net/tcp lines of established connections whose local end is vip:port → their peers. */
export const parseProcNetTcp = (text: string, vip: string, port: number): string[] =>
  establishedRows(text).flatMap((r) => (r.local === `${vip}:${port}` ? [r.peer] : []));

/** Pure: the queues of the established connections whose local address is `ip` (any port), summed. */
export const parseQueuedBytes = (text: string, ip: string): QueuedBytes =>
  establishedRows(text)
    .filter((r) => r.local.split(':')[0] === ip)
    .reduce((q, r) => ({ connections: q.connections + 1, send: q.send + r.send, receive: q.receive + r.receive }), {
      connections: 0,
      send: 0,
      receive: 0,
    });
