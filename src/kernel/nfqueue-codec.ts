// Pure: the nfnetlink_queue messages (linux/netfilter/nfnetlink_queue.h) a holding daemon
// needs: bind/unbind a queue with its length, batch verdicts, and the queued-packet notices.
// The framing (headers, attributes, byte order) is nfnetlink-attrs.ts's.

import {
  AF_INET,
  eachAttribute,
  eachMessage,
  errorOf,
  NetlinkWriter,
  NFNL_PAYLOAD,
  NLM_F_ACK,
  NLM_F_REQUEST,
  NLMSG_ERROR,
} from './nfnetlink-attrs.js';

const NFNL_SUBSYS_QUEUE = 3;
const NFQNL_MSG_PACKET = 0;
const NFQNL_MSG_CONFIG = 2;
const NFQNL_MSG_VERDICT_BATCH = 3;
const NFQA_PACKET_HDR = 1;
const NFQA_VERDICT_HDR = 2;
const NFQA_CFG_CMD = 1;
const NFQA_CFG_PARAMS = 2;
const NFQA_CFG_QUEUE_MAXLEN = 3;
const NFQNL_COPY_META = 1;

export const NF_DROP = 0;
export const NF_ACCEPT = 1;

/** One request; the queue number travels in nfgenmsg's res_id, the family stays AF_UNSPEC. */
const message = (type: number, seq: number, queue: number, attributes: (w: NetlinkWriter) => void): Buffer => {
  const w = new NetlinkWriter(64);
  const m = w.message({ subsystem: NFNL_SUBSYS_QUEUE, type, flags: NLM_F_REQUEST | NLM_F_ACK, seq, resId: queue });
  attributes(w);
  w.endMessage(m);
  return w.take();
};

export type QueueCommand = 'bind' | 'unbind';

/** Binds (or unbinds) queue `queue` for IPv4, metadata only, at most `maxLength` packets held. */
export const queueConfigMessage = (command: QueueCommand, queue: number, seq: number, maxLength?: number): Buffer =>
  message(NFQNL_MSG_CONFIG, seq, queue, (w) => {
    // struct nfqnl_msg_config_cmd: command, pad, pf (big-endian).
    w.bytes(NFQA_CFG_CMD, Buffer.of(command === 'bind' ? 1 : 2, 0, 0, AF_INET));
    if (command !== 'bind') return;
    // struct nfqnl_msg_config_params: copy range (big-endian), copy mode.
    w.bytes(NFQA_CFG_PARAMS, Buffer.of(0, 0, 0, 0, NFQNL_COPY_META));
    if (maxLength !== undefined) w.u32(NFQA_CFG_QUEUE_MAXLEN, maxLength);
  });

/** One verdict for every packet of `queue` with an id up to `uptoId`, applied in id order. */
export const batchVerdictMessage = (queue: number, uptoId: number, verdict: number, seq: number): Buffer =>
  message(NFQNL_MSG_VERDICT_BATCH, seq, queue, (w) => {
    // struct nfqnl_msg_verdict_hdr: verdict, id (both big-endian).
    const hdr = Buffer.alloc(8);
    hdr.writeUInt32BE(verdict, 0);
    hdr.writeUInt32BE(uptoId >>> 0, 4);
    w.bytes(NFQA_VERDICT_HDR, hdr);
  });

export type NetlinkNotice =
  { kind: 'packet'; queue: number; id: number } | { kind: 'ack'; seq: number; errno: number } | { kind: 'other'; type: number };

/** Splits one received datagram into its messages. */
export const parseNotices = (datagram: Buffer): NetlinkNotice[] => {
  const notices: NetlinkNotice[] = [];
  eachMessage(datagram, (m) => {
    if (m.type === NLMSG_ERROR && m.end - m.at >= 20) {
      notices.push({ kind: 'ack', seq: m.seq, errno: errorOf(datagram, m) });
    } else if (m.type === ((NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET)) {
      const queue = datagram.readUInt16BE(m.at + 18);
      let id: number | undefined;
      eachAttribute(datagram, m.at + NFNL_PAYLOAD, m.end, (type, at) => {
        if (type === NFQA_PACKET_HDR) id = datagram.readUInt32BE(at);
      });
      if (id !== undefined) notices.push({ kind: 'packet', queue, id });
    } else {
      notices.push({ kind: 'other', type: m.type });
    }
  });
  return notices;
};
