// The reader of `conntrack -L -o extended` the balancer used before ctnetlink, kept unchanged as
// the reference the ctnetlink reader is checked against (unit fixture, real-kernel check).
import type { AccessRow } from '../../src/daemons/nat-lb/protocol.js';

const LINE =
  /^ipv4\s+\d+\s+(tcp|udp)\s+\d+\s+\d+\s+(?:([A-Z_]+)\s+)?src=(\S+) dst=(\S+) sport=(\d+) dport=(\d+)\s(?:\S+\s)*?src=(\S+) dst=(\S+) sport=(\d+) dport=(\d+)/;
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
