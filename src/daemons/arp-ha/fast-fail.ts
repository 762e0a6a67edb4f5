// Beyond the patent, level 1 — fast fail. A new active has no socket for the old active's
// connections, but a client only learns that when it next sends; on a server→client stream it
// sends nothing and waits for its own stall timer. So the active reports its clients in every
// heartbeat, and the new active sends each one a bare ACK with a sequence number outside the
// client's window. The client must answer an unacceptable segment with an ACK carrying its
// exact receive point (RFC 793 §3.9); that ACK reaches the new active, whose kernel has no
// connection for it and resets it with exactly that sequence number — which the client
// accepts (RFC 5961). No sequence numbers need replicating for this level.
import { randomInt } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { RawTcpSocket } from '../../kernel/raw-tcp-socket.js';
import { tcpSegment } from '../../kernel/tcp-segment.js';
import { splitHostPort } from '../../common/host-port.js';

/**
 * Established connections to vip:port, as client "ip:port", from /proc/net/tcp: an asynchronous
 * file read, where spawning `ss` every heartbeat interval blocked the event loop until the child
 * had exec'd (100+ ms on a busy node).
 */
export const serviceClients = async (vip: string, port: number): Promise<string[]> =>
  parseProcNetTcp(await readFile('/proc/net/tcp', 'utf8'), vip, port);

const TCP_ESTABLISHED = '01';

/** Pure: /proc/net/tcp's "ADDR:PORT" (little-endian hex address on this x86/arm host, hex port) → "a.b.c.d:port". */
const endpointOf = (hex: string): string | undefined => {
  const m = /^([0-9A-F]{8}):([0-9A-F]{4})$/i.exec(hex);
  if (!m) return undefined;
  const n = parseInt(m[1]!, 16);
  return `${n & 0xff}.${(n >>> 8) & 0xff}.${(n >>> 16) & 0xff}.${n >>> 24}:${parseInt(m[2]!, 16)}`;
};

/** Pure: the /proc/net/tcp lines of established connections whose local end is vip:port → their peers. */
export const parseProcNetTcp = (text: string, vip: string, port: number): string[] =>
  text
    .split('\n')
    .slice(1)
    .flatMap((line) => {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4 || cols[3] !== TCP_ESTABLISHED) return [];
      const local = endpointOf(cols[1]!);
      const peer = endpointOf(cols[2]!);
      return local === `${vip}:${port}` && peer ? [peer] : [];
    });

/** A bare segment from vip:port to `client` ("ip:port") with the given flags and sequence number. */
export const sendSegment = (
  socket: RawTcpSocket,
  vip: string,
  port: number,
  client: string,
  seq: number,
  flags: { ack?: boolean; rst?: boolean },
): void => {
  const { host, port: clientPort } = splitHostPort(client);
  socket.send(tcpSegment({ src: vip, dst: host, srcPort: port, dstPort: clientPort, seq: seq >>> 0, ack: 0, flags, window: 0 }), host);
};

/** Without a checkpoint the client's window is unknown: a random sequence number is outside it all but always. */
export const nudgeClients = (vip: string, port: number, clients: readonly string[]): number => {
  const socket = new RawTcpSocket(vip);
  try {
    for (const client of clients) sendSegment(socket, vip, port, client, randomInt(2 ** 31), { ack: true });
  } finally {
    socket.close();
  }
  return clients.length;
};
