// Pure: keepalived's console log lines as the same events arp-ha writes (mode, garp-sent,
// peer-down), so the baseline is judged by the same checks and drawn on the same timeline.
// VRRP MASTER is ACTIVE; BACKUP and FAULT are STANDBY (the VIP is removed, nothing answers).
// One keepalived may run several instances (one per VIP): events carry the instance's VIP.

export type KeepalivedEvent =
  | { event: 'mode'; group: string; to: 'ACTIVE' | 'STANDBY'; state: string }
  | { event: 'garp-sent'; group: string; iface: string; vip: string }
  | { event: 'peer-down'; group: string };

const ENTERING = /\((\S+)\) Entering (MASTER|BACKUP|FAULT) STATE/;
const GARP = /\((\S+)\) Sending\/queueing gratuitous ARPs on (\S+) for (\S+)/;
const TIMEOUT = /\((\S+)\) Receive advertisement timeout/;

export const parseKeepalivedLine = (line: string): KeepalivedEvent | undefined => {
  const entering = ENTERING.exec(line);
  if (entering) return { event: 'mode', group: entering[1]!, to: entering[2] === 'MASTER' ? 'ACTIVE' : 'STANDBY', state: entering[2]! };
  const garp = GARP.exec(line);
  if (garp) return { event: 'garp-sent', group: garp[1]!, iface: garp[2]!, vip: garp[3]! };
  const timeout = TIMEOUT.exec(line);
  if (timeout) return { event: 'peer-down', group: timeout[1]! };
  return undefined;
};

/** The instances' VIPs from `--vip` values: `NAME=IP` per instance, or one bare IP for `group`. */
export const vipsByGroup = (values: readonly string[], group?: string): Map<string, string> => {
  const vips = new Map<string, string>();
  for (const value of values) {
    const eq = value.indexOf('=');
    const name = eq >= 0 ? value.slice(0, eq) : group;
    const ip = eq >= 0 ? value.slice(eq + 1) : value;
    if (!name) throw new Error(`--vip ${value}: give NAME=IP, or --group for a bare IP`);
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) throw new Error(`--vip ${value}: '${ip}' is not an IPv4 address`);
    if (vips.has(name)) throw new Error(`--vip ${value}: instance ${name} already has VIP ${vips.get(name)}`);
    vips.set(name, ip);
  }
  if (vips.size === 0) throw new Error('give at least one --vip');
  return vips;
};
