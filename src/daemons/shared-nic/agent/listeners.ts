// Pure: the TCP ports something listens on, from /proc/net/tcp and /proc/net/tcp6 (the agent
// learns that its application started or stopped from its listening socket, so the
// application needs no change: the patent's "at application start" without touching it).
const LISTEN = '0A';

/** The local ports of the LISTEN rows of a /proc/net/tcp{,6} text. */
export const listeningPorts = (text: string): Set<number> => {
  const ports = new Set<number>();
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4 || f[3] !== LISTEN) continue;
    const port = parseInt(f[1]!.split(':')[1] ?? '', 16);
    if (Number.isInteger(port)) ports.add(port);
  }
  return ports;
};
