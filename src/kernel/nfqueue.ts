// Holding packets in the kernel: nftables `queue` hands each packet to an NFQUEUE instance;
// the packet stays in the kernel until a verdict names it. Notices are read without copying
// payloads, so a hold costs one small message per packet. One batch verdict ACCEPTs every
// packet of a queue up to an id, in id (= arrival) order, which is what a release needs.
// Overflow (more than `maxLength` held) is the kernel's: the packet is dropped and counted in
// /proc/net/netfilter/nfnetlink_queue — TCP retransmits it later (variant 3 as a fallback).
import { readFile } from 'node:fs/promises';
import { NETLINK_NETFILTER, NetlinkSocket } from './netlink-socket.js';
import { batchVerdictMessage, NF_ACCEPT, NF_DROP, parseNotices, queueConfigMessage } from './nfqueue-codec.js';

/** How long a request waits for its ack (the event loop is blocked meanwhile: keep it short). */
const ACK_WAIT_MS = 1500;

interface QueueState {
  held: number;
  lastId: number;
}

export class NfQueueHold {
  private socket: NetlinkSocket | undefined;
  private readonly queues = new Map<number, QueueState>();
  private seq = 1;

  constructor(private readonly maxLength: number) {}

  private open(): NetlinkSocket {
    return (this.socket ??= new NetlinkSocket(NETLINK_NETFILTER));
  }

  /**
   * Sends one request and reads until its acknowledgement. The kernel handles the request inside
   * sendmsg, but the ack queues behind every packet notice already waiting — thousands while a
   * busy VIP is held — so the wait is bounded by time, not by a count of reads. Returns whether
   * the ack came; a request the kernel refused throws.
   */
  private request(build: (seq: number) => Buffer, what: string): boolean {
    const socket = this.open();
    const seq = this.seq++;
    socket.send(build(seq));
    return (
      socket.receiveUntil(ACK_WAIT_MS, (datagram) => {
        for (const n of parseNotices(datagram)) {
          if (n.kind === 'packet') this.note(n.queue, n.id);
          else if (n.kind === 'ack' && n.seq === seq) {
            if (n.errno !== 0) throw new Error(`${what}: errno ${n.errno}`);
            return true;
          }
        }
        return undefined;
      }) ?? false
    );
  }

  /** A configuration change must be confirmed: holding without a bound queue would drop packets. */
  private confirmed(build: (seq: number) => Buffer, what: string): void {
    if (!this.request(build, what)) throw new Error(`${what}: no acknowledgement from the kernel within ${ACK_WAIT_MS} ms`);
  }

  private note(queue: number, id: number): void {
    const q = this.queues.get(queue);
    if (!q) return;
    q.held++;
    q.lastId = id;
  }

  /** Starts holding queue `queue` (idempotent). */
  bind(queue: number): void {
    if (this.queues.has(queue)) return;
    this.confirmed((seq) => queueConfigMessage('bind', queue, seq, this.maxLength), `binding NFQUEUE ${queue}`);
    this.queues.set(queue, { held: 0, lastId: 0 });
  }

  /** Reads the notices waiting; returns how many packets each queue holds. */
  poll(): void {
    if (!this.socket) return;
    for (let datagram = this.socket.receive(); datagram; datagram = this.socket.receive()) {
      for (const n of parseNotices(datagram)) if (n.kind === 'packet') this.note(n.queue, n.id);
    }
  }

  held(queue: number): number {
    return this.queues.get(queue)?.held ?? 0;
  }

  /** Lets every packet held so far go on (ACCEPT) or drops it; returns how many. Keeps holding. */
  settle(queue: number, accept: boolean): number {
    this.poll();
    const q = this.queues.get(queue);
    if (!q || q.held === 0) return 0;
    // A verdict is carried out inside sendmsg; its ack only reports errors. One lost behind an
    // overrun of notices must not fail the release of packets that did go.
    this.request((seq) => batchVerdictMessage(queue, q.lastId, accept ? NF_ACCEPT : NF_DROP, seq), `verdict on NFQUEUE ${queue}`);
    const count = q.held;
    q.held = 0;
    return count;
  }

  /** Stops holding: whatever is still held gets `accept`'s verdict first. Returns that count. */
  unbind(queue: number, accept: boolean): number {
    if (!this.queues.has(queue)) return 0;
    const count = this.settle(queue, accept);
    this.confirmed((seq) => queueConfigMessage('unbind', queue, seq), `unbinding NFQUEUE ${queue}`);
    this.queues.delete(queue);
    if (this.queues.size === 0) {
      this.socket?.close();
      this.socket = undefined;
    }
    return count;
  }

  bound(): number[] {
    return [...this.queues.keys()];
  }

  close(): void {
    this.socket?.close();
    this.socket = undefined;
    this.queues.clear();
  }
}

/** Per queue: packets the kernel dropped because the queue was full (or the reader too slow). */
export const queueDrops = async (): Promise<Map<number, number>> => {
  const text = await readFile('/proc/net/netfilter/nfnetlink_queue', 'utf8').catch(() => '');
  const drops = new Map<number, number>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/).map(Number);
    if (f.length >= 7) drops.set(f[0]!, f[5]! + f[6]!);
  }
  return drops;
};
