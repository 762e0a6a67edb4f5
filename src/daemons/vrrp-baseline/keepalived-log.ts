// Pure: keepalived's console log lines as the same events arp-ha writes (mode, garp-sent,
// peer-down), so the baseline is judged by the same checks and drawn on the same timeline.
// VRRP MASTER is ACTIVE; BACKUP and FAULT are STANDBY (the VIP is removed, nothing answers).

export type KeepalivedEvent =
  | { event: 'mode'; group: string; to: 'ACTIVE' | 'STANDBY'; state: string }
  | { event: 'garp-sent'; iface: string; vip: string }
  | { event: 'peer-down'; group: string };

const ENTERING = /\((\S+)\) Entering (MASTER|BACKUP|FAULT) STATE/;
const GARP = /\(\S+\) Sending\/queueing gratuitous ARPs on (\S+) for (\S+)/;
const TIMEOUT = /\((\S+)\) Receive advertisement timeout/;

export const parseKeepalivedLine = (line: string): KeepalivedEvent | undefined => {
  const entering = ENTERING.exec(line);
  if (entering) return { event: 'mode', group: entering[1]!, to: entering[2] === 'MASTER' ? 'ACTIVE' : 'STANDBY', state: entering[2]! };
  const garp = GARP.exec(line);
  if (garp) return { event: 'garp-sent', iface: garp[1]!, vip: garp[2]! };
  const timeout = TIMEOUT.exec(line);
  if (timeout) return { event: 'peer-down', group: timeout[1]! };
  return undefined;
};
