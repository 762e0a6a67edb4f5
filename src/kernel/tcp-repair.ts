// TCP_REPAIR (Linux ≥ 3.5, CAP_NET_ADMIN): read a live connection's sequence numbers and options,
// and build an ESTABLISHED socket from such numbers without a handshake — the kernel half of
// moving a TCP endpoint to another host. The same sequence CRIU's libsoccr uses: repair on,
// queue sequences, bind, connect (no SYN in repair mode), options, window, timestamp, repair off.
import { TestbedError } from '../common/errors.js';
import { ipv4Bytes } from './inet-bytes.js';
import { libc } from './libc.js';

const AF_INET = 2;
const SOCK_STREAM = 1;
const SOL_TCP = 6;
const SOL_SOCKET = 1;
/** SO_SNDBUF past net.core.wmem_max (CAP_NET_ADMIN, which repair mode needs anyway). */
const SO_SNDBUFFORCE = 32;
const MSG_DONTWAIT = 0x40;
const SNDBUF_SLACK = 256 * 1024;
const TCP_INFO = 11;
const TCP_REPAIR = 19;
const TCP_REPAIR_QUEUE = 20;
const TCP_QUEUE_SEQ = 21;
const TCP_REPAIR_OPTIONS = 22;
const TCP_TIMESTAMP = 24;
const TCP_REPAIR_WINDOW = 29;
const REPAIR_ON = 1;
/** Leave repair mode without the window probe: a peeked live socket must not send anything. */
const REPAIR_OFF_NO_WP = -1;
/** Leave repair mode with a window probe: the peer answers with what it has. */
const REPAIR_OFF = 0;
const RECV_QUEUE = 1;
const SEND_QUEUE = 2;
const TCPOPT_MSS = 2;
const TCPOPT_WINDOW = 3;
const TCPOPT_SACK_PERM = 4;
const TCPOPT_TIMESTAMP = 8;
const TCPI_OPT_TIMESTAMPS = 1;
const TCPI_OPT_SACK = 2;
const TCPI_OPT_WSCALE = 4;
/** TCP option bytes of a timestamped segment: tcpi_snd_mss excludes them, the MSS option does not. */
const TIMESTAMP_OPTION_BYTES = 12;

export class TcpRepairError extends TestbedError {
  constructor(step: string, errno: number) {
    const hint =
      errno === 1 ? ' (EPERM: TCP_REPAIR needs CAP_NET_ADMIN)' : errno === 98 ? ' (EADDRINUSE: the 4-tuple is still in use here)' : '';
    super('TCP_REPAIR', `TCP_REPAIR: ${step} failed with errno ${errno}${hint}`);
  }
}

/** A connection's options as negotiated in its handshake: what a rebuilt socket must reuse. */
export interface TcpOptions {
  /** The peer's MSS option (what it can receive per segment). */
  mss: number;
  /** Shift the peer applies to its advertised windows, and the one we apply to ours (0 without window scaling). */
  sndWscale: number;
  rcvWscale: number;
  sack: boolean;
  timestamps: boolean;
}

export interface TcpPeek extends TcpOptions {
  /** Sequence number of the next byte the application writes (write_seq). */
  writeSeq: number;
  /** Sequence number of the next byte expected from the peer (rcv_nxt). */
  rcvNxt: number;
}

const u32 = (value: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(value | 0, 0);
  return b;
};

const set = (fd: number, level: number, name: number, value: Buffer, step: string): void => {
  if (libc().setsockopt(fd, level, name, value, value.length) !== 0) throw new TcpRepairError(step, libc().errno());
};

const get = (fd: number, name: number, size: number, step: string): Buffer => {
  const value = Buffer.alloc(size);
  const len = u32(size);
  if (libc().getsockopt(fd, SOL_TCP, name, value, len) !== 0) throw new TcpRepairError(step, libc().errno());
  return value.subarray(0, len.readUInt32LE(0));
};

const sockaddrIn = (ip: string, port: number): Buffer => {
  const a = Buffer.alloc(16);
  a.writeUInt16LE(AF_INET, 0);
  a.writeUInt16BE(port, 2);
  ipv4Bytes(ip).copy(a, 4);
  return a;
};

/** Pure: the fields of `struct tcp_info` a rebuild needs. */
export const parseTcpInfo = (info: Buffer): TcpOptions => {
  const options = info.readUInt8(5);
  const scales = info.readUInt8(6);
  const timestamps = (options & TCPI_OPT_TIMESTAMPS) !== 0;
  const wscale = (options & TCPI_OPT_WSCALE) !== 0;
  return {
    mss: info.readUInt32LE(16) + (timestamps ? TIMESTAMP_OPTION_BYTES : 0),
    // Little-endian bitfields: tcpi_snd_wscale is the low nibble.
    sndWscale: wscale ? scales & 0x0f : 0,
    rcvWscale: wscale ? scales >> 4 : 0,
    sack: (options & TCPI_OPT_SACK) !== 0,
    timestamps,
  };
};

/**
 * Reads a live socket's sequence numbers (briefly in repair mode, as CRIU's --leave-running
 * does) and its negotiated options. Call it while the application has written nothing, and
 * `writeSeq` is the sequence number of the connection's first data byte.
 */
export const peekTcp = (fd: number): TcpPeek => {
  set(fd, SOL_TCP, TCP_REPAIR, u32(REPAIR_ON), 'entering repair mode');
  try {
    set(fd, SOL_TCP, TCP_REPAIR_QUEUE, u32(SEND_QUEUE), 'selecting the send queue');
    const writeSeq = get(fd, TCP_QUEUE_SEQ, 4, 'reading the send sequence').readUInt32LE(0);
    set(fd, SOL_TCP, TCP_REPAIR_QUEUE, u32(RECV_QUEUE), 'selecting the receive queue');
    const rcvNxt = get(fd, TCP_QUEUE_SEQ, 4, 'reading the receive sequence').readUInt32LE(0);
    return { writeSeq, rcvNxt, ...parseTcpInfo(get(fd, TCP_INFO, 232, 'reading TCP_INFO')) };
  } finally {
    set(fd, SOL_TCP, TCP_REPAIR, u32(REPAIR_OFF_NO_WP), 'leaving repair mode');
  }
};

export interface TcpRebuild extends TcpOptions {
  local: { ip: string; port: number };
  remote: { ip: string; port: number };
  /** Our next sequence number: the peer's exact receive point. */
  sndNxt: number;
  /** The peer's next sequence number: its exact send point. */
  rcvNxt: number;
  /** The peer's receive window in bytes (its advertised window, already scaled). */
  sndWnd: number;
  /** Our receive window in bytes. */
  rcvWnd: number;
  /** TSval our next segment carries; must not be below what the peer last saw (PAWS). */
  tsVal?: number;
  /**
   * Bytes the previous owner had sent from `sndNxt` on and the peer has not acknowledged yet:
   * queued as already sent, so the socket's next new byte follows them and the peer's
   * acknowledgement of them is accepted (one for bytes a socket never sent is ignored).
   */
  inFlight?: Buffer;
}

/**
 * An ESTABLISHED socket for an existing connection, built without a handshake, sending nothing
 * until the caller writes (it must: the peer learns of the socket from that first segment).
 * Returns the file descriptor (Node: `new net.Socket({ fd })`).
 */
export const rebuildTcp = (r: TcpRebuild): number => {
  const fd = libc().socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw new TcpRepairError('creating the socket', libc().errno());
  try {
    // Repair mode also lets bind() share the port with the service's listener (SK_FORCE_REUSE;
    // SO_REUSEADDR must not be set after it, it would downgrade that).
    set(fd, SOL_TCP, TCP_REPAIR, u32(REPAIR_ON), 'entering repair mode');
    set(fd, SOL_TCP, TCP_REPAIR_QUEUE, u32(SEND_QUEUE), 'selecting the send queue');
    set(fd, SOL_TCP, TCP_QUEUE_SEQ, u32(r.sndNxt), 'setting the send sequence');
    set(fd, SOL_TCP, TCP_REPAIR_QUEUE, u32(RECV_QUEUE), 'selecting the receive queue');
    set(fd, SOL_TCP, TCP_QUEUE_SEQ, u32(r.rcvNxt), 'setting the receive sequence');
    const local = sockaddrIn(r.local.ip, r.local.port);
    if (libc().bind(fd, local, local.length) !== 0) throw new TcpRepairError(`binding ${r.local.ip}:${r.local.port}`, libc().errno());
    const remote = sockaddrIn(r.remote.ip, r.remote.port);
    if (libc().connect(fd, remote, remote.length) !== 0)
      throw new TcpRepairError(`connecting to ${r.remote.ip}:${r.remote.port}`, libc().errno());
    const opts: [number, number][] = [[TCPOPT_MSS, r.mss]];
    if (r.sndWscale || r.rcvWscale) opts.push([TCPOPT_WINDOW, r.sndWscale | (r.rcvWscale << 16)]);
    if (r.sack) opts.push([TCPOPT_SACK_PERM, 0]);
    if (r.timestamps) opts.push([TCPOPT_TIMESTAMP, 0]);
    const optBuf = Buffer.alloc(8 * opts.length);
    opts.forEach(([code, val], i) => {
      optBuf.writeUInt32LE(code, 8 * i);
      optBuf.writeUInt32LE(val >>> 0, 8 * i + 4);
    });
    set(fd, SOL_TCP, TCP_REPAIR_OPTIONS, optBuf, 'setting the options');
    const win = Buffer.alloc(20);
    win.writeUInt32LE(r.rcvNxt >>> 0, 0); // snd_wl1: the peer's segment that last updated the window
    win.writeUInt32LE(r.sndWnd >>> 0, 4);
    win.writeUInt32LE(r.sndWnd >>> 0, 8); // max_window
    win.writeUInt32LE(r.rcvWnd >>> 0, 12);
    win.writeUInt32LE(r.rcvNxt >>> 0, 16); // rcv_wup
    set(fd, SOL_TCP, TCP_REPAIR_WINDOW, win, 'setting the windows');
    if (r.timestamps && r.tsVal !== undefined) set(fd, SOL_TCP, TCP_TIMESTAMP, u32(r.tsVal), 'setting the timestamp clock');
    // Without the window probe: the caller writes at once, and that segment does the probe's job
    // (on a veth path the probe and the peer's answer are processed inside this call: ≈ 1 ms each).
    const inFlight = r.inFlight !== undefined && r.inFlight.length > 0;
    if (inFlight) queueAsSent(fd, r.inFlight!);
    // With bytes in flight, the window probe: they fill the congestion window, and nothing new
    // goes out until they are acknowledged. The peer acknowledged them to the old socket; its
    // answer to the probe says so again now, instead of after a 1 s retransmission timeout.
    set(fd, SOL_TCP, TCP_REPAIR, u32(inFlight ? REPAIR_OFF : REPAIR_OFF_NO_WP), 'leaving repair mode');
    return fd;
  } catch (error) {
    libc().close(fd);
    throw error;
  }
};

/** In repair mode, what is written to the send queue counts as sent and waits for its acknowledgement (CRIU's libsoccr does the same). */
const queueAsSent = (fd: number, bytes: Buffer): void => {
  // Room for all of it (the kernel doubles the value for its overhead, and a full window of an
  // unpaced stream is megabytes), and never a blocking send: the caller is an event loop.
  set(fd, SOL_SOCKET, SO_SNDBUFFORCE, u32(bytes.length + SNDBUF_SLACK), 'sizing the send buffer');
  set(fd, SOL_TCP, TCP_REPAIR_QUEUE, u32(SEND_QUEUE), 'selecting the send queue');
  for (let done = 0; done < bytes.length;) {
    const chunk = bytes.subarray(done);
    const n = libc().send(fd, chunk, chunk.length, MSG_DONTWAIT);
    if (n <= 0) throw new TcpRepairError(`queueing ${bytes.length} bytes in flight (${done} queued)`, libc().errno());
    done += n;
  }
};

/** What a rebuild will need, tried on a socket that never connects: undefined when all of it works, else what failed. */
export const tcpRepairProblem = (): string | undefined => {
  const fd = libc().socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return `socket() failed with errno ${libc().errno()}`;
  try {
    set(fd, SOL_TCP, TCP_REPAIR, u32(REPAIR_ON), 'entering repair mode');
    set(fd, SOL_TCP, TCP_REPAIR_QUEUE, u32(SEND_QUEUE), 'selecting the send queue');
    set(fd, SOL_TCP, TCP_QUEUE_SEQ, u32(1), 'setting the send sequence');
    get(fd, TCP_INFO, 232, 'reading TCP_INFO');
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    libc().close(fd);
  }
};

/**
 * Runs the FFI calls a rebuild makes once on a socket that never connects, so the first real
 * rebuild (in the middle of a failover) does not pay for binding and compiling them. Without
 * CAP_NET_ADMIN the real rebuild will say so; warming up is best effort.
 */
export const warmUpTcpRepair = (): void => void tcpRepairProblem();

const SIOCOUTQ = 0x5411;
/** Bytes in the send queue not yet sent. */
const SIOCOUTQNSD = 0x894b;

/** A live connection as its kernel sees it: what a rebuild elsewhere needs besides the options. */
export interface TcpCapture extends TcpOptions {
  /** Oldest byte the peer has not acknowledged: a rebuilt sender starts here (the peer drops what it already has). */
  sndUna: number;
  /** The next byte to send: [sndUna, sndNxt) is in flight, and the peer may acknowledge it after this read. */
  sndNxt: number;
  rcvNxt: number;
  /** The peer's receive window in bytes. */
  sndWnd: number;
  /** The socket's timestamp clock now (TSval of its next segment). */
  tsVal?: number;
}

/**
 * Enters repair mode and reads the connection; the socket *stays* in repair mode, so the
 * application that owns it can send nothing more and closing it sends neither FIN nor RST.
 */
export const captureTcp = (fd: number): TcpCapture => {
  const outq = Buffer.alloc(4);
  if (libc().ioctlInt(fd, SIOCOUTQ, outq) !== 0) throw new TcpRepairError('reading the send queue length', libc().errno());
  const notSent = Buffer.alloc(4);
  if (libc().ioctlInt(fd, SIOCOUTQNSD, notSent) !== 0) throw new TcpRepairError('reading what the send queue has not sent', libc().errno());
  set(fd, SOL_TCP, TCP_REPAIR, u32(REPAIR_ON), 'entering repair mode');
  set(fd, SOL_TCP, TCP_REPAIR_QUEUE, u32(SEND_QUEUE), 'selecting the send queue');
  const writeSeq = get(fd, TCP_QUEUE_SEQ, 4, 'reading the send sequence').readUInt32LE(0);
  set(fd, SOL_TCP, TCP_REPAIR_QUEUE, u32(RECV_QUEUE), 'selecting the receive queue');
  const rcvNxt = get(fd, TCP_QUEUE_SEQ, 4, 'reading the receive sequence').readUInt32LE(0);
  const window = get(fd, TCP_REPAIR_WINDOW, 20, 'reading the windows');
  const options = parseTcpInfo(get(fd, TCP_INFO, 232, 'reading TCP_INFO'));
  const tsVal = options.timestamps ? get(fd, TCP_TIMESTAMP, 4, 'reading the timestamp clock').readUInt32LE(0) : undefined;
  return {
    sndUna: (writeSeq - outq.readUInt32LE(0)) >>> 0,
    sndNxt: (writeSeq - notSent.readUInt32LE(0)) >>> 0,
    rcvNxt,
    sndWnd: window.readUInt32LE(4),
    ...(tsVal !== undefined ? { tsVal } : {}),
    ...options,
  };
};

/** Gives a captured socket back to its application (a rollback), sending nothing. */
export const releaseTcp = (fd: number): void => set(fd, SOL_TCP, TCP_REPAIR, u32(REPAIR_OFF_NO_WP), 'leaving repair mode');
