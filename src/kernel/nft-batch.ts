// nftables changes through nfnetlink, in one batch: what `nft -f` does for set elements and the
// few rules a daemon changes on its critical path, without starting nft. A mode flip, a hold or
// a new ratio cycle is on a takeover's or a failover's critical path: through a running `nft -i`
// it cost 2–3 ms (nft wakes, fetches its cache, commits, then lists a marker table so we know it
// finished), a spawned `nft -f` tens of milliseconds on a busy node; the batch costs tens of
// microseconds, and the kernel commits it inside sendmsg, so the acknowledgements are waiting by
// the time send returns. A batch is one transaction: all or none.
import { TestbedError } from '../common/errors.js';
import { NETLINK_NETFILTER, NetlinkSocket } from './netlink-socket.js';
import { acksIn, NetlinkWriter, NFNL_SUBSYS_NFTABLES, NLM_F_REQUEST } from './nfnetlink-attrs.js';
import { describeRuleChange, writeRuleChange, type RuleChange } from './nft-rule-changes.js';
import {
  describeSetElementChange,
  describeSetFlush,
  writeSetElementChange,
  writeSetFlush,
  type SetElementChange,
  type SetFlush,
} from './nft-set-elements.js';

const NFNL_MSG_BATCH_BEGIN = 16;
const NFNL_MSG_BATCH_END = 17;
const ACK_WAIT_MS = 1000;

export type NftChange = SetElementChange | SetFlush | RuleChange;

const isElementChange = (c: NftChange): c is SetElementChange => c.kind === undefined || c.kind === 'element';

/** Pure: how nft would write the change. */
export const describeNftChange = (c: NftChange): string => {
  if (isElementChange(c)) return describeSetElementChange(c);
  return c.kind === 'flush-set' ? describeSetFlush(c) : describeRuleChange(c);
};

const writeChange = (w: NetlinkWriter, c: NftChange, seq: number): void => {
  if (isElementChange(c)) writeSetElementChange(w, c, seq);
  else if (c.kind === 'flush-set') writeSetFlush(w, c, seq);
  else writeRuleChange(w, c, seq);
};

export class NftBatchError extends TestbedError {
  constructor(changes: readonly NftChange[], problem: string) {
    super('NFT_BATCH', `${changes.map(describeNftChange).join('; ')}: ${problem}`);
  }
}

/**
 * Pure: the batch for `changes`, its messages numbered from `firstSeq` (begin and end take one
 * each); returns the batch and the sequence numbers whose acknowledgements to wait for.
 */
export const nftBatch = (changes: readonly NftChange[], firstSeq: number): { batch: Buffer; acks: number[] } => {
  const w = new NetlinkWriter();
  let seq = firstSeq;
  // Batch begin and end are nfnetlink's own messages (subsystem 0); res_id names the subsystem.
  w.endMessage(w.message({ subsystem: 0, type: NFNL_MSG_BATCH_BEGIN, flags: NLM_F_REQUEST, seq: seq++, resId: NFNL_SUBSYS_NFTABLES }));
  const acks: number[] = [];
  for (const c of changes) {
    acks.push(seq);
    writeChange(w, c, seq++);
  }
  w.endMessage(w.message({ subsystem: 0, type: NFNL_MSG_BATCH_END, flags: NLM_F_REQUEST, seq, resId: NFNL_SUBSYS_NFTABLES }));
  return { batch: w.take(), acks };
};

/** One nfnetlink socket for a daemon's nftables changes (or, made by `openSocket`, another namespace's: kernel/netns.ts). */
export class NftBatches {
  private socket: NetlinkSocket | undefined;
  private seq = 1;

  constructor(private readonly openSocket: () => NetlinkSocket = () => new NetlinkSocket(NETLINK_NETFILTER, 1 << 16)) {}

  /**
   * Applies `changes` as one transaction. Element changes are idempotent: adding an element that
   * is there and deleting one that is not both leave the set as asked, and count as done (in one
   * batch a refused change aborts them all, so this must hold in the kernel, not only here).
   */
  apply(changes: readonly NftChange[]): void {
    this.send(changes).confirm();
  }

  /**
   * Sends `changes` as one transaction (the kernel commits it within the send) and returns what
   * reads its acknowledgements: `confirm` throws NftBatchError if the kernel refused it or did not
   * answer. For changes in several namespaces at once: every batch sent, then every one confirmed.
   */
  send(changes: readonly NftChange[]): { confirm(): void } {
    if (changes.length === 0) return { confirm: () => undefined };
    const socket = this.open();
    const { batch, acks } = nftBatch(changes, this.seq);
    this.seq += changes.length + 2;
    socket.send(batch);
    return {
      confirm: () => {
        const pending = new Map(acks.map((seq, i) => [seq, changes[i]!]));
        const failure = socket.receiveUntil(ACK_WAIT_MS, (datagram) => {
          for (const { seq, errno } of acksIn(datagram)) {
            const change = pending.get(seq);
            if (!change) continue;
            pending.delete(seq);
            if (errno !== 0) return `the kernel refused ${describeNftChange(change)} (errno ${errno})`;
          }
          return pending.size === 0 ? '' : undefined;
        });
        if (failure === undefined) throw new NftBatchError(changes, `no acknowledgement within ${ACK_WAIT_MS} ms`);
        if (failure !== '') throw new NftBatchError(changes, failure);
      },
    };
  }

  /** The socket, opened on first use. */
  open(): NetlinkSocket {
    return (this.socket ??= this.openSocket());
  }

  close(): void {
    this.socket?.close();
    this.socket = undefined;
  }
}
