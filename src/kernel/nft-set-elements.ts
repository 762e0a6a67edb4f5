// Pure: nftables set element changes as nfnetlink messages (NFT_MSG_NEWSETELEM /
// DESTROYSETELEM, and DELSETELEM with no elements for a flush), what `nft add|delete element`
// and `nft flush set` send; nft-batch.ts sends them.
import { ipv4Bytes } from './inet-bytes.js';
import {
  NFNL_SUBSYS_NFTABLES,
  NFT_FAMILY,
  NLM_F_ACK,
  NLM_F_CREATE,
  NLM_F_REQUEST,
  type NetlinkWriter,
  type NftFamily,
} from './nfnetlink-attrs.js';

const NFT_MSG_NEWSETELEM = 12;
const NFT_MSG_DELSETELEM = 14;
/** Deletes like DELSETELEM, but an absent element is no error (Linux ≥ 6.3), so it cannot abort the batch. */
const NFT_MSG_DESTROYSETELEM = 30;
const NFTA_SET_ELEM_LIST_TABLE = 1;
const NFTA_SET_ELEM_LIST_SET = 2;
const NFTA_SET_ELEM_LIST_ELEMENTS = 3;
const NFTA_LIST_ELEM = 1;
const NFTA_SET_ELEM_KEY = 1;
const NFTA_SET_ELEM_DATA = 2;
const NFTA_DATA_VALUE = 1;

export type { NftFamily };

/** One element change: `key` is the element's bytes (see ipv4Key, ipv4PortKey). */
export interface SetElementChange {
  kind?: 'element';
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

/** Removes every element of a set or map (`flush set` / `flush map`). */
export interface SetFlush {
  kind: 'flush-set';
  family: NftFamily;
  table: string;
  set: string;
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

/** Pure: adding (or deleting) `address` in an `ipv4_addr` set. */
export const ipv4Element = (add: boolean, family: NftFamily, table: string, set: string, address: string): SetElementChange => ({
  op: add ? 'add' : 'delete',
  family,
  table,
  set,
  key: ipv4Key(address),
  label: address,
});

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

/** Pure: one element change as its message (NEWSETELEM, or DESTROYSETELEM: an absent element is no error). */
export const writeSetElementChange = (w: NetlinkWriter, c: SetElementChange, seq: number): void => {
  const m = w.message({
    subsystem: NFNL_SUBSYS_NFTABLES,
    type: c.op === 'add' ? NFT_MSG_NEWSETELEM : NFT_MSG_DESTROYSETELEM,
    flags: NLM_F_REQUEST | NLM_F_ACK | (c.op === 'add' ? NLM_F_CREATE : 0),
    seq,
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
};

/** Pure: a set's flush as its message: DELSETELEM naming no element empties the set. */
export const writeSetFlush = (w: NetlinkWriter, c: SetFlush, seq: number): void => {
  const m = w.message({
    subsystem: NFNL_SUBSYS_NFTABLES,
    type: NFT_MSG_DELSETELEM,
    flags: NLM_F_REQUEST | NLM_F_ACK,
    seq,
    family: NFT_FAMILY[c.family],
  });
  w.bytes(NFTA_SET_ELEM_LIST_TABLE, Buffer.from(`${c.table}\0`));
  w.bytes(NFTA_SET_ELEM_LIST_SET, Buffer.from(`${c.set}\0`));
  w.endMessage(m);
};

/** Pure: how nft would write the flush, for messages. */
export const describeSetFlush = (c: SetFlush): string => `flush set ${c.family} ${c.table} ${c.set}`;

/** Pure: how nft would write the change, for messages. */
export const describeSetElementChange = (c: SetElementChange): string => `${c.op} element ${c.family} ${c.table} ${c.set} { ${c.label} }`;
