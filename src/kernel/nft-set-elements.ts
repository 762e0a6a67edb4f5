// Adding and removing nftables set elements through nfnetlink (one NFT_MSG_NEWSETELEM /
// DELSETELEM batch), what `nft add|delete element` does without nft. A mode flip is on a
// takeover's critical path: through a running `nft -i` it costs 2–3 ms (nft wakes, fetches its
// cache, commits, then lists a marker table so we know it finished); the batch costs tens of
// microseconds, and the kernel commits it inside sendmsg, so the acknowledgements are waiting
// by the time send returns. Several changes in one batch are one transaction: all or none.
import { TestbedError } from '../common/errors.js';
import { ipv4Bytes } from './inet-bytes.js';
import { NETLINK_NETFILTER, NetlinkSocket } from './netlink-socket.js';
import {
  acksIn,
  NetlinkWriter,
  NFNL_SUBSYS_NFTABLES,
  NFT_FAMILY,
  NLM_F_ACK,
  NLM_F_CREATE,
  NLM_F_REQUEST,
  type NftFamily,
} from './nfnetlink-attrs.js';

const NFNL_MSG_BATCH_BEGIN = 16;
const NFNL_MSG_BATCH_END = 17;
const NFT_MSG_NEWSETELEM = 12;
/** Deletes like DELSETELEM, but an absent element is no error (Linux ≥ 6.3), so it cannot abort the batch. */
const NFT_MSG_DESTROYSETELEM = 30;
const NFTA_SET_ELEM_LIST_TABLE = 1;
const NFTA_SET_ELEM_LIST_SET = 2;
const NFTA_SET_ELEM_LIST_ELEMENTS = 3;
const NFTA_LIST_ELEM = 1;
const NFTA_SET_ELEM_KEY = 1;
const NFTA_SET_ELEM_DATA = 2;
const NFTA_DATA_VALUE = 1;
const ACK_WAIT_MS = 1000;

export type { NftFamily };

/** One element change: `key` is the element's bytes (see ipv4Key, ipv4PortKey). */
export interface SetElementChange {
  op: 'add' | 'delete';
  family: NftFamily;
  table: string;
  set: string;
  key: Buffer;
  /** A map element's value (added with the key); a map's value is changed by delete + add in one batch. */
  data?: Buffer;
  /** For messages: how nft would write the element. */
  label: string;
}

export class SetElementError extends TestbedError {
  constructor(changes: readonly SetElementChange[], problem: string) {
    super(
      'NFT_SET_ELEMENT',
      `${changes.map((c) => `${c.op} element ${c.family} ${c.table} ${c.set} { ${c.label} }`).join('; ')}: ${problem}`,
    );
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

/** Pure: adding (or deleting) `address . port` in an `ipv4_addr . inet_service` set of an ip table. */
export const ipv4PortElement = (add: boolean, table: string, set: string, address: string, port: number): SetElementChange => ({
  op: add ? 'add' : 'delete',
  family: 'ip',
  table,
  set,
  key: ipv4PortKey(address, port),
  label: `${address} . ${port}`,
});

/** Pure: the key of an `inet_service` element (network order, the register's first two bytes). */
export const portKey = (port: number): Buffer => {
  const key = Buffer.alloc(2);
  key.writeUInt16BE(port, 0);
  return key;
};

/**
 * Pure: the batch for `changes`, its messages numbered from `firstSeq` (begin and end take one
 * each); returns the batch and the sequence numbers whose acknowledgements to wait for.
 */
export const setElementBatch = (changes: readonly SetElementChange[], firstSeq: number): { batch: Buffer; acks: number[] } => {
  const w = new NetlinkWriter();
  let seq = firstSeq;
  // Batch begin and end are nfnetlink's own messages (subsystem 0); res_id names the subsystem.
  w.endMessage(w.message({ subsystem: 0, type: NFNL_MSG_BATCH_BEGIN, flags: NLM_F_REQUEST, seq: seq++, resId: NFNL_SUBSYS_NFTABLES }));
  const acks: number[] = [];
  for (const c of changes) {
    acks.push(seq);
    const m = w.message({
      subsystem: NFNL_SUBSYS_NFTABLES,
      type: c.op === 'add' ? NFT_MSG_NEWSETELEM : NFT_MSG_DESTROYSETELEM,
      flags: NLM_F_REQUEST | NLM_F_ACK | (c.op === 'add' ? NLM_F_CREATE : 0),
      seq: seq++,
      family: NFT_FAMILY[c.family],
    });
    w.bytes(NFTA_SET_ELEM_LIST_TABLE, Buffer.from(`${c.table}\0`));
    w.bytes(NFTA_SET_ELEM_LIST_SET, Buffer.from(`${c.set}\0`));
    const elements = w.nest(NFTA_SET_ELEM_LIST_ELEMENTS);
    const element = w.nest(NFTA_LIST_ELEM);
    const key = w.nest(NFTA_SET_ELEM_KEY);
    w.bytes(NFTA_DATA_VALUE, c.key);
    w.endNest(key);
    if (c.data && c.op === 'add') {
      const data = w.nest(NFTA_SET_ELEM_DATA);
      w.bytes(NFTA_DATA_VALUE, c.data);
      w.endNest(data);
    }
    w.endNest(element);
    w.endNest(elements);
    w.endMessage(m);
  }
  w.endMessage(w.message({ subsystem: 0, type: NFNL_MSG_BATCH_END, flags: NLM_F_REQUEST, seq, resId: NFNL_SUBSYS_NFTABLES }));
  return { batch: w.take(), acks };
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
    const socket = this.open();
    const { batch, acks } = setElementBatch(changes, this.seq);
    this.seq += changes.length + 2;
    socket.send(batch);
    const pending = new Map(acks.map((seq, i) => [seq, changes[i]!]));
    const failure = socket.receiveUntil(ACK_WAIT_MS, (datagram) => {
      for (const { seq, errno } of acksIn(datagram)) {
        const change = pending.get(seq);
        if (!change) continue;
        pending.delete(seq);
        if (errno !== 0) return `the kernel refused ${change.op} ${change.label} (errno ${errno})`;
      }
      return pending.size === 0 ? '' : undefined;
    });
    if (failure === undefined) throw new SetElementError(changes, `no acknowledgement within ${ACK_WAIT_MS} ms`);
    if (failure !== '') throw new SetElementError(changes, failure);
  }

  /** The socket, opened on first use. */
  open(): NetlinkSocket {
    return (this.socket ??= new NetlinkSocket(NETLINK_NETFILTER, 1 << 16));
  }

  close(): void {
    this.socket?.close();
    this.socket = undefined;
  }
}
