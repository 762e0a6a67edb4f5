// Variant 1 (seed 001 §5 V1, Fig. 14): at failover, rebuild a VIP's rows from the server's own
// TCP connection table instead of a pushed copy. The table is `ss -tni` output, parsed here
// (pure, tested on captures from the lab image). In destination NAT the server sees the real
// client and the unchanged port, so 930→901, 931→902, the server's address and port → 904/905,
// the VIP (not in the kernel's table) comes from config, and delta is 0.
import type { AccessRow } from '../protocol.js';

export interface SsEndpoint {
  address: string;
  /** Absent for `*`. */
  port?: number;
}

export interface SsSocket {
  /** ss's name (ESTAB, FIN-WAIT-2, ...); absent when a state filter drops the column. */
  state?: string;
  recvQ: number;
  sendQ: number;
  local: SsEndpoint;
  peer: SsEndpoint;
  /** The `-i` line: `key:value` tokens, bare flags as '' (`app_limited`), `send 84bps` pairs. */
  info: Record<string, string>;
}

const TWO_WORD_KEYS = new Set(['send', 'pacing_rate', 'delivery_rate']);

/** `198.18.1.10:80`, `[::ffff:198.18.1.10]:8080`, `*:8080`, `127.0.0.53%lo:53`. */
const parseEndpoint = (text: string): SsEndpoint | undefined => {
  const cut = text.lastIndexOf(':');
  if (cut <= 0) return undefined;
  let address = text
    .slice(0, cut)
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/%.*$/, '');
  const portText = text.slice(cut + 1);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) address = mapped[1]!;
  if (portText === '*') return { address };
  const port = Number(portText);
  return Number.isInteger(port) && port >= 0 && port <= 65535 ? { address, port } : undefined;
};

const parseInfo = (line: string): Record<string, string> => {
  const info: Record<string, string> = {};
  const words = line.trim().split(/\s+/).filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (TWO_WORD_KEYS.has(w) && i + 1 < words.length) info[w] = words[++i]!;
    else {
      const cut = w.indexOf(':');
      if (cut > 0) info[w.slice(0, cut)] = w.slice(cut + 1);
      else info[w] = '';
    }
  }
  return info;
};

/** Every socket line of `ss -tn[i][H]` output; header lines and anything unparseable are skipped. */
export const parseSs = (text: string): SsSocket[] => {
  const sockets: SsSocket[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (/^\s/.test(line)) {
      const last = sockets.at(-1);
      if (last) Object.assign(last.info, parseInfo(line));
      continue;
    }
    const words = line.trim().split(/\s+/);
    if (words[0] === 'State' || words[0] === 'Recv-Q' || words[0] === 'Netid') continue;
    const hasState = !/^\d+$/.test(words[0]!);
    const [recvQ, sendQ, local, peer] = hasState ? words.slice(1, 5) : words.slice(0, 4);
    const l = local === undefined ? undefined : parseEndpoint(local);
    const p = peer === undefined ? undefined : parseEndpoint(peer);
    if (!l || !p || !/^\d+$/.test(recvQ ?? '') || !/^\d+$/.test(sendQ ?? '')) continue;
    sockets.push({ ...(hasState ? { state: words[0]! } : {}), recvQ: Number(recvQ), sendQ: Number(sendQ), local: l, peer: p, info: {} });
  }
  return sockets;
};

/** ss's state names in conntrack's words (the access row's `state`). */
const CONNTRACK_STATE: Record<string, string> = {
  ESTAB: 'ESTABLISHED',
  'SYN-RECV': 'SYN_RECV',
  'FIN-WAIT-1': 'FIN_WAIT',
  'FIN-WAIT-2': 'FIN_WAIT',
  'CLOSE-WAIT': 'CLOSE_WAIT',
  'LAST-ACK': 'LAST_ACK',
  CLOSING: 'CLOSE',
};

export interface TcpTableSelection {
  vip: string;
  /** The service ports (the server side of the VIP's connections). */
  ports: readonly number[];
  /** Only sockets on this local address (the server's inside address); unset = any. */
  serverIp?: string;
  /** The state of sockets listed without one (an `ss ... state established` filter). */
  assumedState?: string;
}

const IPV4 = /^\d+\.\d+\.\d+\.\d+$/;

/** The VIP's rows: the server ends of live connections on its service ports, IPv4 peers only. */
export const tcpTableRows = (sockets: readonly SsSocket[], sel: TcpTableSelection): AccessRow[] =>
  sockets.flatMap((s) => {
    const ssState = s.state ?? sel.assumedState ?? 'ESTAB';
    const state = CONNTRACK_STATE[ssState];
    const { local, peer } = s;
    if (state === undefined || local.port === undefined || peer.port === undefined || peer.port === 0) return [];
    if (!sel.ports.includes(local.port) || !IPV4.test(peer.address) || !IPV4.test(local.address)) return [];
    if (sel.serverIp !== undefined && local.address !== sel.serverIp) return [];
    return [
      {
        clientIp: peer.address,
        clientPort: peer.port,
        vip: sel.vip,
        vipPort: local.port,
        serverIp: local.address,
        serverPort: local.port,
        protocol: 'tcp' as const,
        state,
        delta: 0,
      },
    ];
  });
