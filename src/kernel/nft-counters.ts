// Reading a table's named nftables counters through nfnetlink (one NFT_MSG_GETOBJ dump), what
// `nft -j list counters table ip T` prints without spawning nft. A balancer reads its per-VIP
// counters several times a second for the controller's byte rates; a spawn of nft costs
// 10–30 ms of CPU on a loaded 2-core node, taken from the packets it forwards.
import { NETLINK_NETFILTER, NetlinkSocket } from './netlink-socket.js';
import {
  eachMessage,
  errorOf,
  indexAttributes,
  NetlinkWriter,
  NFNL_PAYLOAD,
  NFNL_SUBSYS_NFTABLES,
  NFT_FAMILY,
  NLM_F_DUMP,
  NLM_F_REQUEST,
  NLMSG_DONE,
  NLMSG_ERROR,
  type NftFamily,
} from './nfnetlink-attrs.js';

const NFT_MSG_NEWOBJ = 18;
const NFT_MSG_GETOBJ = 19;
const NFTA_OBJ_TABLE = 1;
const NFTA_OBJ_NAME = 2;
const NFTA_OBJ_TYPE = 3;
const NFTA_OBJ_DATA = 4;
const NFT_OBJECT_COUNTER = 1;
const NFTA_COUNTER_BYTES = 1;
const NFTA_COUNTER_PACKETS = 2;
const DUMP_WAIT_MS = 1000;

export interface CounterValue {
  packets: number;
  bytes: number;
}

/** Pure: the dump request for the counters of `table`. */
export const counterDumpMessage = (family: NftFamily, table: string, seq: number): Buffer => {
  const w = new NetlinkWriter();
  const m = w.message({
    subsystem: NFNL_SUBSYS_NFTABLES,
    type: NFT_MSG_GETOBJ,
    flags: NLM_F_REQUEST | NLM_F_DUMP,
    seq,
    family: NFT_FAMILY[family],
  });
  w.bytes(NFTA_OBJ_TABLE, Buffer.from(`${table}\0`));
  w.u32(NFTA_OBJ_TYPE, NFT_OBJECT_COUNTER);
  w.endMessage(m);
  return w.take();
};

const objSlots = new Int32Array(2 * (NFTA_OBJ_DATA + 1));
const counterSlots = new Int32Array(2 * (NFTA_COUNTER_PACKETS + 1));
/** u64 big-endian as a number: counters stay far below 2^53. */
const u64 = (data: Buffer, at: number): number => Number(data.readBigUInt64BE(at));

/** Pure: the counters in one datagram of the dump's answer, and whether it ended (with its errno). */
export const parseCounterDump = (datagram: Buffer, seq: number, into: Map<string, CounterValue>): { done: boolean; errno?: number } => {
  let done = false;
  let errno: number | undefined;
  eachMessage(datagram, (m) => {
    if (m.seq !== seq) return;
    if (m.type === ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWOBJ)) {
      const o = indexAttributes(datagram, m.at + NFNL_PAYLOAD, m.end, objSlots);
      if (!o[2 * NFTA_OBJ_NAME] || !o[2 * NFTA_OBJ_DATA] || !o[2 * NFTA_OBJ_TYPE]) return;
      if (datagram.readUInt32BE(o[2 * NFTA_OBJ_TYPE]) !== NFT_OBJECT_COUNTER) return;
      const name = datagram.toString('utf8', o[2 * NFTA_OBJ_NAME], o[2 * NFTA_OBJ_NAME + 1]).replace(/\0+$/, '');
      const c = indexAttributes(datagram, o[2 * NFTA_OBJ_DATA]!, o[2 * NFTA_OBJ_DATA + 1]!, counterSlots);
      into.set(name, {
        bytes: c[2 * NFTA_COUNTER_BYTES] ? u64(datagram, c[2 * NFTA_COUNTER_BYTES]!) : 0,
        packets: c[2 * NFTA_COUNTER_PACKETS] ? u64(datagram, c[2 * NFTA_COUNTER_PACKETS]!) : 0,
      });
    } else if (m.type === NLMSG_DONE || m.type === NLMSG_ERROR) {
      const e = errorOf(datagram, m);
      if (e !== 0) errno = e;
      done = true;
    }
  });
  return errno === undefined ? { done } : { done, errno };
};

/** One nfnetlink socket for a daemon's counter readings. */
export class NftCounters {
  private socket: NetlinkSocket | undefined;
  private seq = 1;

  /** Every named counter of `table`, by name. Throws if the table is missing or the kernel does not answer. */
  read(family: NftFamily, table: string): Map<string, CounterValue> {
    const socket = (this.socket ??= new NetlinkSocket(NETLINK_NETFILTER, 1 << 18));
    const seq = this.seq++;
    socket.send(counterDumpMessage(family, table, seq));
    const counters = new Map<string, CounterValue>();
    const outcome = socket.receiveUntil(DUMP_WAIT_MS, (datagram) => {
      const part = parseCounterDump(datagram, seq, counters);
      return part.done ? part : undefined;
    });
    if (!outcome) {
      this.close(); // a late answer must not be read as the next dump's
      throw new Error(`nft counters of ${family} ${table}: no end of dump within ${DUMP_WAIT_MS} ms`);
    }
    if (outcome.errno !== undefined)
      throw new Error(`nft counters of ${family} ${table}: the kernel refused the dump (errno ${outcome.errno})`);
    return counters;
  }

  close(): void {
    this.socket?.close();
    this.socket = undefined;
  }
}
