// Pure: access-table rows (Fig. 5 / Fig. 12) from conntrack's extended listing, and the
// `conntrack -R` lines that recreate them as NAT'd entries on another balancer. One process
// loads a whole batch, which is what keeps step 3 of 10,000 rows well under a second.
import type { AccessRow } from '../protocol.js';

interface Tuple {
  src: string;
  dst: string;
  sport: number;
  dport: number;
}

/** One line of `conntrack -L -o extended` (with nf_conntrack_timestamp: delta-time=S). */
export const parseConntrackLine = (line: string, nowMs: number): AccessRow | undefined => {
  const words = line.trim().split(/\s+/);
  const protocol = words[2];
  if (protocol !== 'tcp' && protocol !== 'udp') return undefined;
  const tuples: Partial<Tuple>[] = [];
  let state: string | undefined;
  let deltaS: number | undefined;
  for (const w of words.slice(5)) {
    const eq = w.indexOf('=');
    if (eq < 0) {
      if (protocol === 'tcp' && !state && /^[A-Z_]+$/.test(w)) state = w;
      continue;
    }
    const key = w.slice(0, eq);
    const value = w.slice(eq + 1);
    if (key === 'src') tuples.push({ src: value });
    else if (key === 'dst' || key === 'sport' || key === 'dport') {
      const t = tuples[tuples.length - 1];
      if (!t) return undefined;
      if (key === 'dst') t.dst = value;
      else t[key] = Number(value);
    } else if (key === 'delta-time') deltaS = Number(value);
  }
  const [orig, reply] = tuples as Tuple[];
  if (!orig || !reply || !orig.dst || !reply.dst || !orig.sport || !reply.sport) return undefined;
  const fullNat = reply.dst !== orig.src || reply.dport !== orig.sport;
  return {
    clientIp: orig.src,
    clientPort: orig.sport,
    vip: orig.dst,
    vipPort: orig.dport,
    ...(fullNat ? { insideIp: reply.dst, insidePort: reply.dport } : {}),
    serverIp: reply.src,
    serverPort: reply.sport,
    protocol,
    ...(state ? { state } : {}),
    delta: 0,
    ...(deltaS !== undefined && Number.isFinite(deltaS) ? { timestampMs: nowMs - deltaS * 1000 } : {}),
  };
};

/** TCP states after which the access has ended: conntrack keeps them to absorb stray segments. */
const ENDED = new Set(['TIME_WAIT', 'CLOSE']);

/** Live accesses of the listing whose original destination is one of `vips` (ended ones too with `withEnded`). */
export const parseConntrackListing = (text: string, vips: ReadonlySet<string>, nowMs: number, withEnded = false): AccessRow[] =>
  text.split('\n').flatMap((line) => {
    const row = parseConntrackLine(line, nowMs);
    return row && vips.has(row.vip) && (withEnded || !ENDED.has(row.state ?? '')) ? [row] : [];
  });

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
