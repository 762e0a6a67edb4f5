// The conntrack table through ctnetlink, without spawning `conntrack`: a spawn costs 10–30 ms on
// a loaded node, and step 3 of a VIP move reads, creates and deletes thousands of entries.
// The kernel handles a create or delete inside sendmsg, so many requests go in one datagram
// and their acknowledgements are already queued when send returns; they are drained after
// each datagram so that the receive buffer never has to hold a whole batch's worth.
import { errorMessage, TestbedError } from '../common/errors.js';
import {
  type ConntrackEntry,
  type ConntrackNew,
  type DumpFilter,
  dumpMessage,
  EntryFields,
  eachEntry,
  entryOf,
  writeCreate,
  writeDelete,
} from './ctnetlink-codec.js';
import { ipv4Bytes } from './inet-bytes.js';
import { NETLINK_NETFILTER, NetlinkSocket } from './netlink-socket.js';
import { acksIn, NetlinkWriter } from './nfnetlink-attrs.js';

const ENOENT = 2;
const EEXIST = 17;
/** Requests per datagram: ~64 KB of creates, well under the socket's send buffer. */
const REQUESTS_PER_SEND = 256;
/** The event loop is blocked while waiting: the kernel answers inside sendmsg and recvmsg. */
const ACK_WAIT_MS = 2000;
const DUMP_WAIT_MS = 5000;

export type ConntrackOperation = 'dump' | 'create' | 'delete';

export class ConntrackError extends TestbedError {
  readonly operation: ConntrackOperation;
  readonly errno: number | undefined;
  constructor(operation: ConntrackOperation, errno: number | undefined, problem: string, options?: { cause?: unknown }) {
    super('CONNTRACK', `conntrack ${operation}: ${problem}${errno === undefined ? '' : ` (errno ${errno})`}`, options);
    this.operation = operation;
    this.errno = errno;
  }
}

export interface CreateResult {
  created: number;
  /** Refused with EEXIST: an entry with that original tuple (or that reply tuple) is there. */
  present: number;
}

export interface DeleteResult {
  deleted: number;
  /** ENOENT: gone already (expired, or deleted by someone else). */
  absent: number;
}

/** One ctnetlink socket for the table of the network namespace it was opened in. */
export class Conntrack {
  private socket: NetlinkSocket | undefined;
  private seq = 1;
  private readonly writer = new NetlinkWriter(REQUESTS_PER_SEND * 256);

  /** The IPv4 entries (of one original destination with `filter.origDst`). */
  dump(filter: DumpFilter = {}): ConntrackEntry[] {
    const entries: ConntrackEntry[] = [];
    this.dumpEach(filter, (f, datagram) => entries.push(entryOf(f, datagram)));
    return entries;
  }

  /**
   * Visits each IPv4 entry of a dump decoded in place (one EntryFields, reused: nothing is made
   * per entry); returns how many were visited. With `filter.origDst`, only that destination's.
   */
  dumpEach(filter: DumpFilter, visit: (f: EntryFields, datagram: Buffer) => void): number {
    return this.guard('dump', () => {
      const socket = this.open();
      const seq = this.nextSeq();
      socket.send(dumpMessage(seq, filter));
      // The kernel filters only on 5.8+: an older one sends every entry.
      const dst = filter.origDst === undefined ? undefined : ipv4Bytes(filter.origDst).readUInt32BE(0);
      const f = new EntryFields();
      let count = 0;
      const done = socket.receiveUntil(DUMP_WAIT_MS, (datagram) => {
        const end = eachEntry(datagram, seq, f, (entry) => {
          if (dst !== undefined && entry.orig.dst !== dst) return;
          count++;
          visit(entry, datagram);
        });
        if (end.errno !== undefined) throw new ConntrackError('dump', end.errno, 'the kernel refused or broke off the dump');
        return end.done || undefined;
      });
      if (!done) throw new ConntrackError('dump', undefined, `no end of dump within ${DUMP_WAIT_MS} ms (${count} entries read)`);
      return count;
    });
  }

  /** Creates `entries`; those whose tuple is taken already count as present, not as failures. */
  create(entries: readonly ConntrackNew[]): CreateResult {
    const { ok, tolerated } = this.batch('create', entries, writeCreate, EEXIST);
    return { created: ok, present: tolerated };
  }

  /** Deletes the entries with these original tuples (`origKey` of a dump entry, or tupleKey()). */
  delete(origKeys: readonly Buffer[]): DeleteResult {
    const { ok, tolerated } = this.batch('delete', origKeys, writeDelete, ENOENT);
    return { deleted: ok, absent: tolerated };
  }

  close(): void {
    this.socket?.close();
    this.socket = undefined;
  }

  private open(): NetlinkSocket {
    return (this.socket ??= new NetlinkSocket(NETLINK_NETFILTER));
  }

  private nextSeq(): number {
    const seq = this.seq;
    this.seq = (this.seq + 1) >>> 0 || 1;
    return seq;
  }

  /** A failed exchange may leave answers (or a running dump) behind: the next one starts afresh. */
  private guard<T>(operation: ConntrackOperation, run: () => T): T {
    try {
      return run();
    } catch (error) {
      this.close();
      if (error instanceof ConntrackError) throw error;
      throw new ConntrackError(operation, undefined, errorMessage(error), { cause: error });
    }
  }

  private batch<T>(
    operation: ConntrackOperation,
    items: readonly T[],
    write: (w: NetlinkWriter, item: T, seq: number) => void,
    toleratedErrno: number,
  ) {
    return this.guard(operation, () => {
      const socket = this.open();
      let ok = 0;
      let tolerated = 0;
      for (let from = 0; from < items.length; from += REQUESTS_PER_SEND) {
        const chunk = items.slice(from, from + REQUESTS_PER_SEND);
        const seqs = new Set<number>();
        this.writer.reset();
        for (const item of chunk) {
          const seq = this.nextSeq();
          seqs.add(seq);
          write(this.writer, item, seq);
        }
        socket.send(this.writer.take());
        let failure: { errno: number; count: number } | undefined;
        const answered = socket.receiveUntil(ACK_WAIT_MS, (datagram) => {
          for (const ack of acksIn(datagram)) {
            if (!seqs.delete(ack.seq)) continue;
            if (ack.errno === 0) ok++;
            else if (ack.errno === toleratedErrno) tolerated++;
            else failure = { errno: ack.errno, count: (failure?.count ?? 0) + 1 };
          }
          return seqs.size === 0 || undefined;
        });
        if (failure) throw new ConntrackError(operation, failure.errno, `the kernel refused ${failure.count} of ${chunk.length} requests`);
        if (!answered)
          throw new ConntrackError(operation, undefined, `${seqs.size} of ${chunk.length} requests unanswered after ${ACK_WAIT_MS} ms`);
      }
      return { ok, tolerated };
    });
  }
}
