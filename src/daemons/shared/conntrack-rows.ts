// Pure: rows of NAT'd connections from conntrack entries as ctnetlink dumps them, and the
// entries that recreate rows on another node — what `conntrack -I --dst-nat … [--src-nat …]`
// did, with the same state, status and timeouts. nat-lb's access table (Fig. 5 / Fig. 12) hands
// connections between balancers with them; the redirector's standby front end keeps copies.
import {
  type ConntrackEntry,
  type ConntrackNew,
  IPPROTO_TCP,
  IPPROTO_UDP,
  IPS_ASSURED,
  IPS_SEEN_REPLY,
  type TcpState,
} from '../../kernel/ctnetlink-codec.js';
import { z } from 'zod';

const ipv4 = z.string().regex(/^(\d{1,3})(\.\d{1,3}){3}$/, 'expected an IPv4 address');
const port = z.number().int().min(1).max(65535);

/** One row of the access table (Fig. 5 / Fig. 12 columns), built from conntrack. */
export const accessRowSchema = z
  .object({
    clientIp: ipv4, // 901 / 910
    clientPort: port, // 902 / 911
    vip: ipv4, // 903 / 912
    vipPort: port, // the client's destination port (803)
    insideIp: ipv4.optional(), // 913, full NAT only
    insidePort: port.optional(), // 914, full NAT only
    serverIp: ipv4, // 904 / 915
    serverPort: port, // 905 / 916
    protocol: z.enum(['tcp', 'udp']),
    /** conntrack's TCP state (ESTABLISHED, FIN_WAIT, …); absent for UDP. */
    state: z.string().optional(),
    seq: z.number().int().min(0).optional(), // 906: unknown to conntrack unless seqadj is in use
    delta: z.number().int().default(0), // 907: NAT sequence offset (RFC 1631); 0 without an ALG
    timestampMs: z.number().int().min(0).optional(), // 908: when the row was created
  })
  .strict();
export type AccessRow = z.infer<typeof accessRowSchema>;

/**
 * The row an entry describes: the original tuple is client → VIP, the reply tuple comes from
 * the server; in full NAT the reply goes to the inside address instead of the client. TCP and
 * UDP only, with both ports known.
 */
export const rowOf = (e: ConntrackEntry): AccessRow | undefined => {
  const protocol = e.orig.protocol === IPPROTO_TCP ? 'tcp' : e.orig.protocol === IPPROTO_UDP ? 'udp' : undefined;
  if (!protocol || !e.orig.sport || !e.reply.sport) return undefined;
  const fullNat = e.reply.dst !== e.orig.src || e.reply.dport !== e.orig.sport;
  return {
    clientIp: e.orig.src,
    clientPort: e.orig.sport,
    vip: e.orig.dst,
    vipPort: e.orig.dport,
    ...(fullNat ? { insideIp: e.reply.dst, insidePort: e.reply.dport } : {}),
    serverIp: e.reply.src,
    serverPort: e.reply.sport,
    protocol,
    ...(protocol === 'tcp' && e.tcpState ? { state: e.tcpState } : {}),
    delta: 0,
    ...(e.startMs !== undefined ? { timestampMs: e.startMs } : {}),
  };
};

/** TCP states after which the access has ended: conntrack keeps them to absorb stray segments. */
const ENDED = new Set(['TIME_WAIT', 'CLOSE']);

/** Live accesses among `entries` whose original destination is one of `vips` (ended ones too with `withEnded`). */
export const rowsOf = (entries: readonly ConntrackEntry[], vips: ReadonlySet<string>, withEnded = false): AccessRow[] => {
  const rows: AccessRow[] = [];
  for (const e of entries) {
    if (!vips.has(e.orig.dst)) continue;
    const row = rowOf(e);
    if (row && (withEnded || !ENDED.has(row.state ?? ''))) rows.push(row);
  }
  return rows;
};

/** The key of a row's original-direction tuple (what conntrack refuses to create twice). */
export const rowKey = (r: AccessRow): string => `${r.protocol} ${r.clientIp}:${r.clientPort} ${r.vip}:${r.vipPort}`;

// conntrack's default timeouts per TCP state (nf_conntrack_tcp_timeout_*), in seconds.
const TCP_TIMEOUT_S = new Map<string, number>([
  ['SYN_SENT', 120],
  ['SYN_RECV', 60],
  ['ESTABLISHED', 432000],
  ['FIN_WAIT', 120],
  ['CLOSE_WAIT', 60],
  ['LAST_ACK', 30],
  ['TIME_WAIT', 120],
  ['CLOSE', 10],
]);
const UDP_TIMEOUT_S = 180;

/**
 * The entry that recreates `row` with its NAT: destination to the server, and in full NAT source
 * to the inside address. A connection that saw a reply is marked SEEN_REPLY and ASSURED (an
 * assured entry is not evicted first when the table fills up); an unknown TCP state is taken as
 * ESTABLISHED.
 */
export const entryOf = (row: AccessRow): ConntrackNew => {
  const tcp = row.protocol === 'tcp';
  const state = tcp ? (row.state && TCP_TIMEOUT_S.has(row.state) ? (row.state as TcpState) : 'ESTABLISHED') : undefined;
  const replied = state !== 'SYN_SENT';
  return {
    orig: { src: row.clientIp, dst: row.vip, protocol: tcp ? IPPROTO_TCP : IPPROTO_UDP, sport: row.clientPort, dport: row.vipPort },
    status: replied ? IPS_SEEN_REPLY | IPS_ASSURED : 0,
    timeoutS: state ? TCP_TIMEOUT_S.get(state)! : UDP_TIMEOUT_S,
    ...(state ? { tcpState: state } : {}),
    dnat: { ip: row.serverIp, port: row.serverPort },
    ...(row.insideIp ? { snat: { ip: row.insideIp, port: row.insidePort ?? row.clientPort } } : {}),
  };
};
