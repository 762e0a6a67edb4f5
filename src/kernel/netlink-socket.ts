// An AF_NETLINK socket through libc (koffi), which Node cannot open itself. Non-blocking reads
// only: a blocking recv would stall the event loop, and the callers (NFQUEUE hold) poll while
// they have something to hold.
import { systemClock, type Clock } from '../common/clock.js';
import { libc } from './libc.js';

const AF_NETLINK = 16;
const SOCK_RAW = 3;
const SOCK_NONBLOCK = 0o4000;
const SOL_SOCKET = 1;
const SO_RCVBUFFORCE = 33;
const SOL_NETLINK = 270;
const NETLINK_NO_ENOBUFS = 5;
const MSG_DONTWAIT = 0x40;
const EAGAIN = 11;
const ENOBUFS = 105;
/** Atomics.wait on this gives a 1 ms pause without a busy loop. */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

export const NETLINK_NETFILTER = 12;

/** Multicast messages were dropped because the receive buffer was full (only with `reportOverruns`). */
export class NetlinkOverrun extends Error {
  constructor() {
    super('netlink receive buffer overrun: multicast messages were lost');
  }
}

export interface NetlinkSocketOptions {
  /** Multicast groups to join at bind (nl_groups bit mask: group g is bit g - 1). */
  groups?: number;
  /**
   * Report a lost multicast message as NetlinkOverrun instead of letting the kernel drop it
   * silently: a reader that keeps a copy of kernel state from events must resynchronise then.
   */
  reportOverruns?: boolean;
}

export class NetlinkSocket {
  private readonly fd: number;
  private readonly peer = Buffer.alloc(12);
  private readonly buffer = Buffer.alloc(1 << 17);
  private closed = false;

  constructor(
    protocol: number,
    receiveBufferBytes = 8 << 20,
    private readonly clock: Clock = systemClock,
    options: NetlinkSocketOptions = {},
  ) {
    this.fd = libc().socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK, protocol);
    if (this.fd < 0) throw new Error(`netlink socket (protocol ${protocol}): errno ${libc().errno()}`);
    const local = Buffer.alloc(12);
    local.writeUInt16LE(AF_NETLINK, 0);
    local.writeUInt32LE(options.groups ?? 0, 8);
    if (libc().bind(this.fd, local, local.length) !== 0) throw new Error(`binding a netlink socket: errno ${libc().errno()}`);
    this.peer.writeUInt16LE(AF_NETLINK, 0);
    // A big buffer holds many queued-packet notices between polls; FORCE needs CAP_NET_ADMIN
    // and ignores rmem_max. NO_ENOBUFS: an overrun is counted by the kernel, not a read error.
    const size = Buffer.alloc(4);
    size.writeInt32LE(receiveBufferBytes, 0);
    libc().setsockopt(this.fd, SOL_SOCKET, SO_RCVBUFFORCE, size, 4);
    if (!options.reportOverruns) {
      const one = Buffer.alloc(4);
      one.writeInt32LE(1, 0);
      libc().setsockopt(this.fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, one, 4);
    }
  }

  send(message: Buffer): void {
    const sent = libc().sendto(this.fd, message, message.length, 0, this.peer, this.peer.length);
    if (sent !== message.length) throw new Error(`netlink send: errno ${libc().errno()}`);
  }

  /** One datagram (possibly several netlink messages), or undefined when none is waiting. */
  receive(): Buffer | undefined {
    const datagram = this.receiveInPlace();
    return datagram && Buffer.from(datagram);
  }

  /**
   * As receive(), but a view of the socket's own buffer, valid until the next read: for readers
   * that decode each datagram at once (conntrack's events: a copy per event was a sixth of the
   * cost of following 5,000 new connections a second).
   */
  receiveInPlace(): Buffer | undefined {
    if (this.closed) return undefined;
    const n = libc().recv(this.fd, this.buffer, this.buffer.length, MSG_DONTWAIT);
    if (n < 0) {
      const errno = libc().errno();
      if (errno === EAGAIN) return undefined;
      if (errno === ENOBUFS) throw new NetlinkOverrun();
      throw new Error(`netlink receive: errno ${errno}`);
    }
    return this.buffer.subarray(0, n);
  }

  /**
   * Hands each arriving datagram to `visit` until it returns a result or `waitMs` pass (then
   * undefined). Blocks the event loop meanwhile, so callers keep `waitMs` short: the requests
   * that use it are answered by the kernel inside sendmsg.
   */
  receiveUntil<T>(waitMs: number, visit: (datagram: Buffer) => T | undefined): T | undefined {
    const until = this.clock.monotonicMs() + waitMs;
    while (this.clock.monotonicMs() < until) {
      const datagram = this.receive();
      if (!datagram) {
        Atomics.wait(PAUSE, 0, 0, 1);
        continue;
      }
      const result = visit(datagram);
      if (result !== undefined) return result;
    }
    return undefined;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    libc().close(this.fd);
  }
}
