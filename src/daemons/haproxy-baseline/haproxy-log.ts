// Pure: HAProxy's server state messages (its warnings on stderr in the foreground) as the
// events the redirector writes, so the baseline is judged by the same checks and drawn on the
// same timeline. A server marked DOWN by its checks is `backend-dead` (detection; with
// `on-marked-down shutdown-sessions` its sessions are cut at that instant, as the redirector
// purges), UP again is `backend-readded` (by the checks: HAProxy re-adds by itself), and the
// runtime API's drain and ready are `ratio-set` (ratio 0, then the configured weight back).
// Back ends are named b<port> in the config: the port is read from the name.

export type HaproxyEvent =
  | { event: 'backend-dead'; service: string; port?: number; backend: string; reason: string; sessions?: number }
  | { event: 'backend-readded'; service: string; port?: number; backend: string; reason: string }
  | { event: 'backend-maintenance'; service: string; port?: number; backend: string }
  | { event: 'ratio-set'; service: string; port?: number; backend: string; ratio?: 0; state: 'drain' | 'ready' };

const SERVER = String.raw`Server ([^/\s]+)/(\S+)`;
const DOWN = new RegExp(String.raw`${SERVER} is DOWN(?:, reason: ([^,]+?))?(?:, check duration|\.|,|$)`);
const SESSIONS = /(\d+) sessions active/;
const MAINTENANCE = new RegExp(`${SERVER} is going DOWN for maintenance`);
const DRAIN = new RegExp(`${SERVER} enters drain state`);
const LEAVES_DRAIN = new RegExp(String.raw`${SERVER} is UP \(leaving forced drain\)`);
const UP = new RegExp(String.raw`${SERVER} is UP(?:, reason: ([^,]+?))?(?:, check duration|\.|,|$)`);

/** A server as events name it: its back end (HAProxy's), that back end's port, the server's name. */
export const serverOf = (service: string, backend: string): { service: string; port?: number; backend: string } => {
  const port = /(\d+)$/.exec(service)?.[1];
  return { service, ...(port ? { port: Number(port) } : {}), backend };
};

export const parseHaproxyLine = (line: string): HaproxyEvent | undefined => {
  const drain = DRAIN.exec(line);
  if (drain) return { event: 'ratio-set', ...serverOf(drain[1]!, drain[2]!), ratio: 0, state: 'drain' };
  const leaves = LEAVES_DRAIN.exec(line);
  if (leaves) return { event: 'ratio-set', ...serverOf(leaves[1]!, leaves[2]!), state: 'ready' };
  const maintenance = MAINTENANCE.exec(line);
  if (maintenance) return { event: 'backend-maintenance', ...serverOf(maintenance[1]!, maintenance[2]!) };
  const down = DOWN.exec(line);
  if (down) {
    const sessions = SESSIONS.exec(line)?.[1];
    return {
      event: 'backend-dead',
      ...serverOf(down[1]!, down[2]!),
      reason: down[3] ?? 'unknown',
      ...(sessions !== undefined ? { sessions: Number(sessions) } : {}),
    };
  }
  const up = UP.exec(line);
  if (up) return { event: 'backend-readded', ...serverOf(up[1]!, up[2]!), reason: up[3] ?? 'unknown' };
  return undefined;
};
