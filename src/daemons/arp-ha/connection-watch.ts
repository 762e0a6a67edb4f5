// Keeps the heartbeat packer's view of the service connections current, once per heartbeat
// interval: while a group is ACTIVE its clients (from the kernel's TCP table) and, for
// takeover, the application's checkpoints; while it is not, nothing, but the link to the
// application stays open.
import type { ArpHaConfig } from './arp-ha-config.js';
import type { TakeoverCheckpoint } from './heartbeat-codec.js';
import type { HeartbeatPacker } from './heartbeat-packer.js';

/** What the watch needs of the application's control link (AppLink). */
export interface AppRequests {
  request(body: Record<string, unknown>, timeoutMs: number): Promise<Record<string, unknown>>;
}

export interface ConnectionWatchDeps {
  groups: readonly ArpHaConfig['groups'][number][];
  /** The takeover groups' application links, by group name. */
  apps: ReadonlyMap<string, AppRequests>;
  isActive: (group: string) => boolean;
  packer: HeartbeatPacker;
  /** The established clients of `vip:port` ("ip:port"): kernel/proc-net-tcp.ts serviceClients. */
  readClients: (vip: string, port: number) => Promise<string[]>;
  onAppError: (group: string, error: unknown) => void;
}

const APP_TIMEOUT_MS = 1000;
/** A standby's empty restore, every this many rounds, keeps the link and both restore paths warm. */
const STANDBY_RESTORE_EVERY = 10;

/** Returns one round of the watch (run it on the heartbeat interval). */
export const createConnectionWatch = (deps: ConnectionWatchDeps): (() => Promise<void>) => {
  let standbyRounds = 0;
  const refreshCheckpoints = async (group: string, app: AppRequests) => {
    const since = deps.packer.checkpointVersion(group);
    const reply = await app.request({ op: 'checkpoints', ...(since !== undefined ? { since } : {}) }, APP_TIMEOUT_MS);
    if (reply.ok !== true || typeof reply.version !== 'number') throw new Error(`checkpoints refused: ${String(reply.error)}`);
    // No list: nothing changed since `since`.
    if (Array.isArray(reply.conns)) deps.packer.setCheckpoints(group, reply.version, reply.conns as TakeoverCheckpoint[]);
  };
  return async () => {
    for (const g of deps.groups) {
      const active = deps.isActive(g.name);
      const port = (g.takeover ?? g.fastFail)?.port;
      deps.packer.setClients(g.name, port !== undefined && active ? await deps.readClients(g.vip, port).catch(() => []) : undefined);
      const app = deps.apps.get(g.name);
      if (app && active) {
        await refreshCheckpoints(g.name, app).catch((e: unknown) => deps.onAppError(g.name, e));
      } else {
        deps.packer.dropCheckpoints(g.name);
        // A takeover must not start by connecting: a standby keeps the link open.
        if (app && ++standbyRounds % STANDBY_RESTORE_EVERY === 0)
          await app.request({ op: 'restore', conns: [] }, APP_TIMEOUT_MS).catch(() => undefined);
      }
    }
  };
};
