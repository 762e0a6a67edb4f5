// Beyond the patent, level 1 — fast fail. A new active has no socket for the old active's
// connections, but a client only learns that when it next sends; on a server→client stream it
// sends nothing and waits for its own stall timer. So the active reports its clients in every
// heartbeat, and the new active sends each one a bare ACK with a sequence number outside the
// client's window. The client must answer an unacceptable segment with an ACK carrying its
// exact receive point (RFC 793 §3.9); that ACK reaches the new active, whose kernel has no
// connection for it and resets it with exactly that sequence number — which the client
// accepts (RFC 5961). No sequence numbers need replicating for this level.
import { randomInt } from 'node:crypto';
import { RawTcpSocket } from '../../kernel/raw-tcp-socket.js';
import { tcpSegment } from '../../kernel/tcp-segment.js';
import { splitHostPort } from '../../common/host-port.js';

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
