// Adding and removing nftables set elements through nfnetlink (one NFT_MSG_NEWSETELEM /
// DELSETELEM batch), what `nft add|delete element` does without nft. A mode flip is on a
// takeover's critical path: through a running `nft -i` it cost 2–3 ms (nft wakes, fetches its
// cache, commits, then lists a marker table so we know it finished); the batch costs tens of
// microseconds, and the kernel commits it inside sendmsg, so the acknowledgements are waiting
// by the time send returns. Several changes in one batch are one transaction: all or none.
import { TestbedError } from '../common/errors.js';
import { ackErrno } from './rtnetlink-addr.js';
import { ipv4Bytes } from './inet-bytes.js';
import { NETLINK_NETFILTER, NetlinkSocket } from './netlink-socket.js';

const NFNL_SUBSYS_NFTABLES = 10;
const NFNL_MSG_BATCH_BEGIN = 16;
const NFNL_MSG_BATCH_END = 17;
const NFT_MSG_NEWSETELEM = 12;
/** Deletes like DELSETELEM, but an absent element is no error (Linux ≥ 6.3), so it cannot abort the batch. */
const NFT_MSG_DESTROYSETELEM = 30;
const NLM_F_REQUEST = 0x1;
const NLM_F_ACK = 0x4;
const NLM_F_CREATE = 0x400;
const NLA_F_NESTED = 0x8000;
const NFTA_SET_ELEM_LIST_TABLE = 1;
const NFTA_SET_ELEM_LIST_SET = 2;
const NFTA_SET_ELEM_LIST_ELEMENTS = 3;
const NFTA_LIST_ELEM = 1;
const NFTA_SET_ELEM_KEY = 1;
const NFTA_DATA_VALUE = 1;
const ACK_WAIT_MS = 1000;

/** nftables families by name (NFPROTO_*). */
const FAMILY = { ip: 2, arp: 3 } as const;
export type NftFamily = keyof typeof FAMILY;

/** One element change: `key` is the element's bytes (see ipv4Key, ipv4PortKey). */
export interface SetElementChange {
  op: 'add' | 'delete';
  family: NftFamily;
  table: string;
  set: string;
  key: Buffer;
  /** For messages: how nft would write the element. */
  label: string;
}

export class SetElementError extends TestbedError {
  constructor(changes: readonly SetElementChange[], problem: string) {
    super('NFT_SET_ELEMENT', `${changes.map((c) => `${c.op} element ${c.family} ${c.table} ${c.set} { ${c.label} }`).join('; ')}: ${problem}`);
  }
}

/** Pure: the key of an `ipv4_addr` element. */
export const ipv4Key = (address: string): Buffer => ipv4Bytes(address);

/** Pure: the key of an `ipv4_addr . inet_service` element: each part fills whole 32-bit registers. */
export const ipv4PortKey = (address: string, port: number): Buffer => {
  const key = Buffer.alloc(8);
  ipv4Bytes(address).copy(key, 0);
  key.writeUInt16BE(port, 4);
  return key;
};

const align4 = (n: number): number => (n + 3) & ~3;

const attribute = (type: number, payload: Buffer): Buffer => {
  const a = Buffer.alloc(align4(4 + payload.length));
  a.writeUInt16LE(4 + payload.length, 0);
  a.writeUInt16LE(type, 2);
  payload.copy(a, 4);
  return a;
};
const nested = (type: number, children: Buffer[]): Buffer => attribute(type | NLA_F_NESTED, Buffer.concat(children));
const cString = (s: string): Buffer => Buffer.from(`${s}\0`, 'utf8');

const nfnlMessage = (type: number, flags: number, seq: number, family: number, resId: number, body: Buffer): Buffer => {
  const m = Buffer.alloc(20 + body.length);
  m.writeUInt32LE(m.length, 0);
  m.writeUInt16LE(type, 4);
  m.writeUInt16LE(flags, 6);
  m.writeUInt32LE(seq >>> 0, 8);
  m.writeUInt32LE(0, 12);
  m[16] = family;
  m[17] = 0; // NFNETLINK_V0
  m.writeUInt16BE(resId, 18);
  body.copy(m, 20);
  return m;
};

/**
 * Pure: the batch for `changes`, its messages numbered from `firstSeq` (begin and end take one
 * each); returns the batch and the sequence numbers whose acknowledgements to wait for.
 */
export const setElementBatch = (changes: readonly SetElementChange[], firstSeq: number): { batch: Buffer; acks: number[] } => {
  let seq = firstSeq;
  const parts = [nfnlMessage(NFNL_MSG_BATCH_BEGIN, NLM_F_REQUEST, seq++, 0, NFNL_SUBSYS_NFTABLES, Buffer.alloc(0))];
  const acks: number[] = [];
  for (const c of changes) {
    const body = Buffer.concat([
      attribute(NFTA_SET_ELEM_LIST_TABLE, cString(c.table)),
      attribute(NFTA_SET_ELEM_LIST_SET, cString(c.set)),
      nested(NFTA_SET_ELEM_LIST_ELEMENTS, [nested(NFTA_LIST_ELEM, [nested(NFTA_SET_ELEM_KEY, [attribute(NFTA_DATA_VALUE, c.key)])])]),
    ]);
    const type = (NFNL_SUBSYS_NFTABLES << 8) | (c.op === 'add' ? NFT_MSG_NEWSETELEM : NFT_MSG_DESTROYSETELEM);
    const flags = NLM_F_REQUEST | NLM_F_ACK | (c.op === 'add' ? NLM_F_CREATE : 0);
    acks.push(seq);
    parts.push(nfnlMessage(type, flags, seq++, FAMILY[c.family], 0, body));
  }
  parts.push(nfnlMessage(NFNL_MSG_BATCH_END, NLM_F_REQUEST, seq, 0, NFNL_SUBSYS_NFTABLES, Buffer.alloc(0)));
  return { batch: Buffer.concat(parts), acks };
};

/** One nfnetlink socket for a daemon's set element changes. */
export class SetElements {
  private socket: NetlinkSocket | undefined;
  private seq = 1;

  /**
   * Applies `changes` as one transaction. Idempotent: adding an element that is there and
   * deleting one that is not both leave the set as asked, and count as done (in one batch a
   * refused change aborts them all, so this must hold in the kernel, not only here).
   */
  apply(changes: readonly SetElementChange[]): void {
    if (changes.length === 0) return;
    const socket = (this.socket ??= new NetlinkSocket(NETLINK_NETFILTER, 1 << 16));
    const { batch, acks } = setElementBatch(changes, this.seq);
    this.seq += changes.length + 2;
    socket.send(batch);
    const pending = new Map(acks.map((seq, i) => [seq, changes[i]!]));
    const failure = socket.receiveUntil(ACK_WAIT_MS, (datagram) => {
      for (const [seq, change] of pending) {
        const errno = ackErrno(datagram, seq);
        if (errno === undefined) continue;
        pending.delete(seq);
        if (errno !== 0) return `the kernel refused ${change.op} ${change.label} (errno ${errno})`;
      }
      return pending.size === 0 ? '' : undefined;
    });
    if (failure === undefined) throw new SetElementError(changes, `no acknowledgement within ${ACK_WAIT_MS} ms`);
    if (failure !== '') throw new SetElementError(changes, failure);
  }

  close(): void {
    this.socket?.close();
    this.socket = undefined;
  }
}
