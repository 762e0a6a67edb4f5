// Transparent takeover of s2c streams (arp-ha level 2). The active server's probe publishes a
// checkpoint per s2c connection — what no packet on the wire tells a newcomer: the sequence
// number of the connection's first server byte, the options negotiated in the handshake, and
// the stream's layout (s2c-layout.ts). A new server learns the rest from the client itself (its
// exact receive and send points, window and timestamp echo, from its answer to an out-of-window
// segment; see daemons/arp-ha/tcp-takeover.ts), rebuilds the socket with TCP_REPAIR and sends
// on from exactly the byte the client is waiting for.
import type { TcpOptions } from '../kernel/tcp-repair.js';
import { splitHostPort } from '../common/host-port.js';
import { S2cLayout } from './s2c-layout.js';

export interface S2cCheckpoint extends TcpOptions {
  /** "ip:port" */
  client: string;
  server: string;
  stream: number;
  /** The stream offset this connection started at (its WELCOME's). */
  start: number;
  rate: number;
  insertions: { at: number; hex: string }[];
  /** Sequence number of the connection's first server byte (the server's ISN + 1). */
  firstSeq: number;
}

/** The client's answer to an out-of-window segment: its exact view of the connection. */
export interface ClientAnswer {
  /** The client's next sequence number (our receive point). */
  seq: number;
  /** The next server byte the client expects. */
  ack: number;
  /** Raw window field (scale it with the client's shift). */
  window: number;
  /** Timestamp echo: the last TSval the client accepted from the old server. */
  tsEcr?: number;
  /**
   * Bytes the old server had sent after `ack` when its socket was read (a migration's answer,
   * from the old socket, not the client): the client may have them and acknowledge them. The
   * rebuilt socket queues them as sent and goes on after them.
   */
  inFlight?: number;
}

export interface TakeOver {
  checkpoint: S2cCheckpoint;
  /** Bytes since the connection's first server byte that the client already has. */
  position: number;
  /** The checkpoint's layout when the caller has built it already (layoutOf). */
  layout?: S2cLayout;
}

const endpoint = (text: string) => {
  const { host, port } = splitHostPort(text);
  return { ip: host, port };
};

/** Our receive window for a rebuilt connection: the client sends us nearly nothing on s2c. */
const REBUILT_RCV_WINDOW = 256 * 1024;

/** Pure: the TCP_REPAIR parameters for continuing `cp` given the client's answer. */
export const rebuildParams = (cp: S2cCheckpoint, answer: ClientAnswer) => ({
  local: endpoint(cp.server),
  remote: endpoint(cp.client),
  sndNxt: answer.ack >>> 0,
  rcvNxt: answer.seq >>> 0,
  sndWnd: answer.window * 2 ** cp.sndWscale,
  rcvWnd: Math.min(REBUILT_RCV_WINDOW, 65535 * 2 ** cp.rcvWscale),
  mss: cp.mss,
  sndWscale: cp.sndWscale,
  rcvWscale: cp.rcvWscale,
  sack: cp.sack,
  timestamps: cp.timestamps,
  // PAWS: the client drops segments whose TSval is below the last one it accepted.
  ...(answer.tsEcr !== undefined ? { tsVal: (answer.tsEcr + 1) >>> 0 } : {}),
});

/** Pure: how far into the connection's server byte stream the client is (sequence space wraps). */
export const positionOf = (cp: S2cCheckpoint, answer: ClientAnswer): number => (answer.ack - cp.firstSeq) >>> 0;

/** Pure: the layout of the stream a checkpoint describes. */
export const layoutOf = (cp: S2cCheckpoint): S2cLayout =>
  new S2cLayout(
    cp.stream,
    cp.start,
    cp.insertions.map((i) => ({ at: i.at, bytes: Buffer.from(i.hex, 'hex') })),
  );
