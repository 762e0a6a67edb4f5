// Pure: the back end's own view of its connections (seed 002's connection monitor, 23), read
// from /proc/net/tcp without spawning `ss`: which service ports have a listener, and how many
// live connections each serves (closing ones — TIME_WAIT, CLOSE — are over).
const LISTEN = 0x0a;
const OVER = new Set([0x06, 0x07]);

export interface SocketCensus {
  listening: Set<number>;
  connections: Map<number, number>;
}

/** `text` is /proc/net/tcp: "sl local_address rem_address st …", addresses as HEXIP:HEXPORT. */
export const censusOf = (text: string, ports: ReadonlySet<number>): SocketCensus => {
  const listening = new Set<number>();
  const connections = new Map<number, number>();
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4) continue;
    const port = parseInt(f[1]!.split(':')[1] ?? '', 16);
    const state = parseInt(f[3]!, 16);
    if (!ports.has(port) || Number.isNaN(state)) continue;
    if (state === LISTEN) listening.add(port);
    else if (!OVER.has(state)) connections.set(port, (connections.get(port) ?? 0) + 1);
  }
  return { listening, connections };
};
