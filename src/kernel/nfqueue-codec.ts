// Pure: the nfnetlink_queue messages (linux/netfilter/nfnetlink_queue.h) a holding daemon
// needs: bind/unbind a queue with its length, batch verdicts, and the queued-packet notices.
// Netlink headers are in host order (little-endian here), nfnetlink payloads big-endian.

const NFNL_SUBSYS_QUEUE = 3;
const NFQNL_MSG_PACKET = 0;
const NFQNL_MSG_CONFIG = 2;
const NFQNL_MSG_VERDICT_BATCH = 3;
const NLM_F_REQUEST = 1;
const NLM_F_ACK = 4;
const NLMSG_ERROR = 2;
const NFQA_PACKET_HDR = 1;
const NFQA_VERDICT_HDR = 2;
const NFQA_CFG_CMD = 1;
const NFQA_CFG_PARAMS = 2;
const NFQA_CFG_QUEUE_MAXLEN = 3;
const NFQNL_COPY_META = 1;
const AF_INET = 2;

export const NF_DROP = 0;
export const NF_ACCEPT = 1;

const align4 = (n: number): number => (n + 3) & ~3;

const attribute = (type: number, payload: Buffer): Buffer => {
  const a = Buffer.alloc(align4(4 + payload.length));
  a.writeUInt16LE(4 + payload.length, 0);
  a.writeUInt16LE(type, 2);
  payload.copy(a, 4);
  return a;
};

const message = (type: number, flags: number, seq: number, queue: number, attributes: Buffer[]): Buffer => {
  const body = Buffer.concat(attributes);
  const m = Buffer.alloc(16 + 4 + body.length);
  m.writeUInt32LE(m.length, 0);
  m.writeUInt16LE((NFNL_SUBSYS_QUEUE << 8) | type, 4);
  m.writeUInt16LE(flags, 6);
  m.writeUInt32LE(seq >>> 0, 8);
  m.writeUInt32LE(0, 12);
  m[16] = 0; // AF_UNSPEC
  m[17] = 0; // NFNETLINK_V0
  m.writeUInt16BE(queue, 18);
  body.copy(m, 20);
  return m;
};

export type QueueCommand = 'bind' | 'unbind';

/** Binds (or unbinds) queue `queue` for IPv4, metadata only, at most `maxLength` packets held. */
export const queueConfigMessage = (command: QueueCommand, queue: number, seq: number, maxLength?: number): Buffer => {
  const cmd = Buffer.alloc(4);
  cmd[0] = command === 'bind' ? 1 : 2;
  cmd.writeUInt16BE(AF_INET, 2);
  const attrs = [attribute(NFQA_CFG_CMD, cmd)];
  if (command === 'bind') {
    const params = Buffer.alloc(5);
    params.writeUInt32BE(0, 0);
    params[4] = NFQNL_COPY_META;
    attrs.push(attribute(NFQA_CFG_PARAMS, params));
    if (maxLength !== undefined) {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(maxLength, 0);
      attrs.push(attribute(NFQA_CFG_QUEUE_MAXLEN, len));
    }
  }
  return message(NFQNL_MSG_CONFIG, NLM_F_REQUEST | NLM_F_ACK, seq, queue, attrs);
};

/** One verdict for every packet of `queue` with an id up to `uptoId`, applied in id order. */
export const batchVerdictMessage = (queue: number, uptoId: number, verdict: number, seq: number): Buffer => {
  const hdr = Buffer.alloc(8);
  hdr.writeUInt32BE(verdict, 0);
  hdr.writeUInt32BE(uptoId >>> 0, 4);
  return message(NFQNL_MSG_VERDICT_BATCH, NLM_F_REQUEST | NLM_F_ACK, seq, queue, [attribute(NFQA_VERDICT_HDR, hdr)]);
};

export type NetlinkNotice =
  | { kind: 'packet'; queue: number; id: number }
  | { kind: 'ack'; seq: number; errno: number }
  | { kind: 'other'; type: number };

/** Splits one received datagram into its messages. */
export const parseNotices = (datagram: Buffer): NetlinkNotice[] => {
  const notices: NetlinkNotice[] = [];
  let at = 0;
  while (at + 16 <= datagram.length) {
    const len = datagram.readUInt32LE(at);
    if (len < 16 || at + len > datagram.length) break;
    const type = datagram.readUInt16LE(at + 4);
    if (type === NLMSG_ERROR && len >= 20) {
      notices.push({ kind: 'ack', seq: datagram.readUInt32LE(at + 8), errno: -datagram.readInt32LE(at + 16) });
    } else if (type === ((NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET)) {
      const queue = datagram.readUInt16BE(at + 18);
      let a = at + 20;
      let id: number | undefined;
      while (a + 4 <= at + len) {
        const alen = datagram.readUInt16LE(a);
        if (alen < 4) break;
        if ((datagram.readUInt16LE(a + 2) & 0x3fff) === NFQA_PACKET_HDR) id = datagram.readUInt32BE(a + 4);
        a += align4(alen);
      }
      if (id !== undefined) notices.push({ kind: 'packet', queue, id });
    } else {
      notices.push({ kind: 'other', type });
    }
    at += align4(len);
  }
  return notices;
};
