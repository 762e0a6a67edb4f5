// Pure: the few rule changes made without nft, as nfnetlink messages: removing a whole table
// (DESTROYTABLE: an absent one is no error), emptying a chain (DELRULE with no handle), and
// appending the one rule shape a ratio cycle needs, `dnat to numgen inc mod N map @map`. What
// nft sends for that rule (`nft --debug=netlink`):
//   [ numgen reg 1 = inc mod N ]  [ lookup reg 1 set map dreg 1 ]  [ nat dnat ip addr_min reg 1 ]
import {
  NFNL_SUBSYS_NFTABLES,
  NFT_FAMILY,
  NLM_F_ACK,
  NLM_F_CREATE,
  NLM_F_REQUEST,
  type NetlinkWriter,
  type NftFamily,
} from './nfnetlink-attrs.js';

/** Deletes like DELTABLE, but an absent table is no error (Linux ≥ 6.3). */
const NFT_MSG_DESTROYTABLE = 26;
const NFT_MSG_NEWRULE = 6;
const NFT_MSG_DELRULE = 8;
const NLM_F_APPEND = 0x800;
const NFTA_TABLE_NAME = 1;
const NFTA_RULE_TABLE = 1;
const NFTA_RULE_CHAIN = 2;
const NFTA_RULE_EXPRESSIONS = 4;
const NFTA_LIST_ELEM = 1;
const NFTA_EXPR_NAME = 1;
const NFTA_EXPR_DATA = 2;
const NFTA_NG_DREG = 1;
const NFTA_NG_MODULUS = 2;
const NFTA_NG_TYPE = 3;
const NFT_NG_INCREMENTAL = 0;
const NFTA_LOOKUP_SET = 1;
const NFTA_LOOKUP_SREG = 2;
const NFTA_LOOKUP_DREG = 3;
const NFTA_NAT_TYPE = 1;
const NFTA_NAT_FAMILY = 2;
const NFTA_NAT_REG_ADDR_MIN = 3;
const NFT_NAT_DNAT = 1;
const NFPROTO_IPV4 = 2;
/** NFT_REG_1: the first 16-byte register, as nft uses it for these 4-byte values. */
const NFT_REG_1 = 1;

/** Removes a table with everything in it (`destroy table`). */
export interface TableDestroy {
  kind: 'destroy-table';
  family: NftFamily;
  table: string;
}

/** Removes every rule of a chain (`flush chain`). */
export interface ChainFlush {
  kind: 'flush-chain';
  family: NftFamily;
  table: string;
  chain: string;
}

/** Appends `dnat to numgen inc mod <modulus> map @<map>` to an ip table's chain; the rule's counter starts at 0. */
export interface DnatCycleRule {
  kind: 'dnat-cycle';
  table: string;
  chain: string;
  map: string;
  modulus: number;
}

export type RuleChange = TableDestroy | ChainFlush | DnatCycleRule;

const name = (s: string): Buffer => Buffer.from(`${s}\0`);

/** Pure: the key of a `typeof numgen …` map element: numgen writes its register in host order. */
export const numgenKey = (n: number): Buffer => Buffer.from(new Uint32Array([n]).buffer);

const expression = (w: NetlinkWriter, kind: string, body: () => void): void => {
  const element = w.nest(NFTA_LIST_ELEM);
  w.bytes(NFTA_EXPR_NAME, name(kind));
  const data = w.nest(NFTA_EXPR_DATA);
  body();
  w.endNest(data);
  w.endNest(element);
};

/** Pure: one rule change as its message. */
export const writeRuleChange = (w: NetlinkWriter, c: RuleChange, seq: number): void => {
  const family = NFT_FAMILY[c.kind === 'dnat-cycle' ? 'ip' : c.family];
  const header = { subsystem: NFNL_SUBSYS_NFTABLES, seq, family };
  switch (c.kind) {
    case 'destroy-table': {
      const m = w.message({ ...header, type: NFT_MSG_DESTROYTABLE, flags: NLM_F_REQUEST | NLM_F_ACK });
      w.bytes(NFTA_TABLE_NAME, name(c.table));
      return w.endMessage(m);
    }
    case 'flush-chain': {
      const m = w.message({ ...header, type: NFT_MSG_DELRULE, flags: NLM_F_REQUEST | NLM_F_ACK });
      w.bytes(NFTA_RULE_TABLE, name(c.table));
      w.bytes(NFTA_RULE_CHAIN, name(c.chain));
      return w.endMessage(m);
    }
    case 'dnat-cycle': {
      const m = w.message({ ...header, type: NFT_MSG_NEWRULE, flags: NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_APPEND });
      w.bytes(NFTA_RULE_TABLE, name(c.table));
      w.bytes(NFTA_RULE_CHAIN, name(c.chain));
      const expressions = w.nest(NFTA_RULE_EXPRESSIONS);
      expression(w, 'numgen', () => {
        w.u32(NFTA_NG_DREG, NFT_REG_1);
        w.u32(NFTA_NG_MODULUS, c.modulus);
        w.u32(NFTA_NG_TYPE, NFT_NG_INCREMENTAL);
      });
      expression(w, 'lookup', () => {
        w.bytes(NFTA_LOOKUP_SET, name(c.map));
        w.u32(NFTA_LOOKUP_SREG, NFT_REG_1);
        w.u32(NFTA_LOOKUP_DREG, NFT_REG_1);
      });
      expression(w, 'nat', () => {
        w.u32(NFTA_NAT_TYPE, NFT_NAT_DNAT);
        w.u32(NFTA_NAT_FAMILY, NFPROTO_IPV4);
        w.u32(NFTA_NAT_REG_ADDR_MIN, NFT_REG_1);
      });
      w.endNest(expressions);
      return w.endMessage(m);
    }
  }
};

/** Pure: how nft would write the change, for messages. */
export const describeRuleChange = (c: RuleChange): string => {
  switch (c.kind) {
    case 'destroy-table':
      return `destroy table ${c.family} ${c.table}`;
    case 'flush-chain':
      return `flush chain ${c.family} ${c.table} ${c.chain}`;
    case 'dnat-cycle':
      return `add rule ip ${c.table} ${c.chain} dnat to numgen inc mod ${c.modulus} map @${c.map}`;
  }
};
