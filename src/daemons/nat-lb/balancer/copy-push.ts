// Embodiment 3: during normal running, each server's copy store gets the rows of its own
// accesses (PUT /copy, protocol.ts), so a failover needs nothing from a dead balancer. A
// short poll of conntrack finds changes; only changed (server, VIP) snapshots are sent.
import type { EmitEvent } from '../../shared/event-log.js';
import { copyStoreRequests } from '../protocol.js';
import { readRows } from './access-table.js';
import type { BalancerConfig } from './balancer-config.js';
import { SnapshotTracker, type Snapshot } from './copy-snapshots.js';

export const startCopyPush = (config: BalancerConfig, counters: Record<string, number>, emit: EmitEvent): (() => void) => {
  const store = config.copyStore;
  if (!store) return () => undefined;
  const tracker = new SnapshotTracker();
  const vips = config.vips.map((v) => v.vip);
  let busy = false;
  let stopped = false;

  const push = async (s: Snapshot): Promise<void> => {
    const body = copyStoreRequests['/copy'].parse({ balancer: config.node, vip: s.vip, rows: s.rows });
    const res = await fetch(`http://${s.server}:${store.port}/copy`, {
      method: 'PUT', headers: { authorization: `Bearer ${store.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(2000),
    });
    if (!res.ok) throw new Error(`copy store ${s.server}:${store.port} answered ${res.status}: ${(await res.text()).trim()}`);
    tracker.acknowledge(s);
    counters.copyPushes = (counters.copyPushes ?? 0) + 1;
  };

  const tick = async () => {
    if (busy || stopped) return;
    busy = true;
    try {
      const snapshots = tracker.changed(await readRows(vips));
      await Promise.all(snapshots.map((s) => push(s).catch((e: unknown) => {
        const n = (counters.copyPushErrors = (counters.copyPushErrors ?? 0) + 1);
        // Bounded: the first failure and every 100th, so a missing store cannot flood the history.
        if (n === 1 || n % 100 === 0) emit('copy-push-error', { server: s.server, vip: s.vip, count: n, error: e instanceof Error ? e.message : String(e) });
      })));
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick().catch(() => undefined), store.intervalMs);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
};
