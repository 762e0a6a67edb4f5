// Pure: access-table rows (Fig. 5 / Fig. 12) from conntrack's extended listing, and the
// `conntrack -R` lines that recreate them as NAT'd entries on another balancer. One process
// loads a whole batch, which is what keeps step 3 of 10,000 rows well under a second.
import type { AccessRow } from '../protocol.js';

// One regular expression per line: the protocol, the TCP state, the original tuple, then (after
// flags such as [UNREPLIED] or accounting fields) the reply tuple. Splitting every line into
// words cost more than conntrack's own listing at 10,000 rows.
const LINE = /^ipv4\s+\d+\s+(tcp|udp)\s+\d+\s+\d+\s+(?:([A-Z_]+)\s+)?src=(\S+) dst=(\S+) sport=(\d+) dport=(\d+)\s(?:\S+\s)*?src=(\S+) dst=(\S+) sport=(\d+) dport=(\d+)/;
const DELTA_TIME = / delta-time=(\d+)/;

/** One line of `conntrack -L -o extended` (with nf_conntrack_timestamp: delta-time=S). */
export const parseConntrackLine = (line: string, nowMs: number): AccessRow | undefined => {
  const m = LINE.exec(line.trim());
  if (!m) return undefined;
  const protocol = m[1] as 'tcp' | 'udp';
  const state = protocol === 'tcp' ? m[2] : undefined;
  const [clientIp, vip, serverIp, replyDst] = [m[3]!, m[4]!, m[7]!, m[8]!];
  const [clientPort, vipPort, serverPort, replyDport] = [Number(m[5]), Number(m[6]), Number(m[9]), Number(m[10])];
  if (!clientPort || !serverPort) return undefined;
  const fullNat = replyDst !== clientIp || replyDport !== clientPort;
  const delta = DELTA_TIME.exec(line);
  const deltaS = delta ? Number(delta[1]) : undefined;
  return {
    clientIp,
    clientPort,
    vip,
    vipPort,
    ...(fullNat ? { insideIp: replyDst, insidePort: replyDport } : {}),
    serverIp,
    serverPort,
    protocol,
    ...(state ? { state } : {}),
    delta: 0,
    ...(deltaS !== undefined && Number.isFinite(deltaS) ? { timestampMs: nowMs - deltaS * 1000 } : {}),
  };
};

/** TCP states after which the access has ended: conntrack keeps them to absorb stray segments. */
const ENDED = new Set(['TIME_WAIT', 'CLOSE']);

/** Live accesses of the listing whose original destination is one of `vips` (ended ones too with `withEnded`). */
export const parseConntrackListing = (text: string, vips: ReadonlySet<string>, nowMs: number, withEnded = false): AccessRow[] => {
  const rows: AccessRow[] = [];
  for (const line of text.split('\n')) {
    const row = parseConntrackLine(line, nowMs);
    if (row && vips.has(row.vip) && (withEnded || !ENDED.has(row.state ?? ''))) rows.push(row);
  }
  return rows;
};

/** The key of a row's original-direction tuple (what conntrack refuses to create twice). */
export const rowKey = (r: AccessRow): string => `${r.protocol} ${r.clientIp}:${r.clientPort} ${r.vip}:${r.vipPort}`;

// conntrack's default timeouts per TCP state (nf_conntrack_tcp_timeout_*), in seconds.
const TCP_TIMEOUT_S: Record<string, number> = {
  SYN_SENT: 120, SYN_RECV: 60, ESTABLISHED: 432000, FIN_WAIT: 120, CLOSE_WAIT: 60, LAST_ACK: 30, TIME_WAIT: 120, CLOSE: 10,
};

/** The `conntrack -R` line that recreates `row` with its NAT (dst to the server, src to the inside address in full NAT). */
export const importLine = (row: AccessRow): string => {
  const state = row.protocol === 'tcp' ? (row.state && row.state in TCP_TIMEOUT_S ? row.state : 'ESTABLISHED') : undefined;
  const replied = state !== 'SYN_SENT';
  return [
    '-I', '-s', row.clientIp, '-d', row.vip, '-p', row.protocol, '--sport', String(row.clientPort), '--dport', String(row.vipPort),
    ...(state ? ['--state', state] : []),
    ...(replied ? ['-u', 'SEEN_REPLY,ASSURED'] : []),
    '-t', String(state ? TCP_TIMEOUT_S[state] : 180),
    '--dst-nat', `${row.serverIp}:${row.serverPort}`,
    ...(row.insideIp ? ['--src-nat', `${row.insideIp}:${row.insidePort ?? row.clientPort}`] : []),
  ].join(' ');
};
