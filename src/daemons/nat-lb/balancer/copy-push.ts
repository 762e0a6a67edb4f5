// Embodiment 3: during normal running, each server's copy store gets the rows of its own
// accesses (PUT /copy, protocol.ts), so a failover needs nothing from a dead balancer. A
// short poll of conntrack finds changes; only changed (server, VIP) snapshots are sent. Listing
// conntrack on every tick would take the forwarding path's CPU (a parse per tick, and at 10,000
// rows most of a core), so each tick reads conntrack's entry count (a file) and lists the table
// only once the count has moved and then held still for a tick (a bulk import or delete of
// step 3 is over by then), after SETTLE_MAX_MS of steady churn, and every FULL_READ_EVERY_MS
// (state changes, an equal number of entries opened and closed). Nothing is
// read while a move's step runs here (and for AFTER_STEP_MS after it, unless the last read is
// FULL_READ_EVERY_MS old; the balancer's step clock, NatBalancer.msSinceStep): the controller
// is moving those rows, and the move must not share the CPU with a copy of them. A store that
// refuses is retried after a pause that doubles up to RETRY_MAX_MS.
import { systemClock, type Clock } from '../../../common/clock.js';
import type { EmitEvent } from '../../shared/event-log.js';
import { isReported } from '../../shared/rare-report.js';
import { copyStoreRequests } from '../protocol.js';
import { conntrackCount, readRows } from './access-table.js';
import type { BalancerConfig } from './balancer-config.js';
import { SnapshotTracker, type Snapshot } from './copy-snapshots.js';
import { acceptRowsFast } from '../row-validation.js';

const FULL_READ_EVERY_MS = 5000;
const SETTLE_MAX_MS = 1000;
/** A move's step 3 in progress: its rows are in flux and its time is short; read after it. */
const AFTER_STEP_MS = 1000;
const RETRY_MAX_MS = 4000;

/** What the poll knows at a tick (counts: conntrack's entry count; undefined: not readable). */
export interface CopyPollState {
  now: number;
  lastRead: number;
  count: number | undefined;
  countAtRead: number | undefined;
  countAtTick: number | undefined;
  retryAt: number;
  msSinceStep: number;
}

/** Pure: whether this tick lists conntrack (see the file comment). */
export const copyReadDue = (s: CopyPollState): boolean => {
  if (s.now < s.retryAt) return false;
  const stale = s.now - s.lastRead >= FULL_READ_EVERY_MS;
  if (s.msSinceStep < AFTER_STEP_MS && !stale) return false;
  const moved = s.count === undefined || s.count !== s.countAtRead;
  const settled = s.count !== undefined && s.count === s.countAtTick;
  return s.retryAt > 0 || stale || (moved && (settled || s.now - s.lastRead >= SETTLE_MAX_MS));
};

/** `msSinceStep`: the balancer's step clock (copies wait while a move's calls come in). */
export const startCopyPush = (
  config: BalancerConfig,
  counters: Record<string, number>,
  emit: EmitEvent,
  msSinceStep: () => number,
  clock: Clock = systemClock,
): (() => void) => {
  const store = config.copyStore;
  if (!store) return () => undefined;
  const tracker = new SnapshotTracker();
  const vips = config.vips.map((v) => v.vip);
  let busy = false;
  let stopped = false;
  let lastRead = 0;
  let countAtRead: number | undefined = -1;
  let countAtTick: number | undefined = -1;
  let retryAt = 0;
  let retryMs = store.intervalMs;

  const push = async (s: Snapshot): Promise<void> => {
    const candidate = { balancer: config.node, vip: s.vip, rows: s.rows };
    // Our own rows from our own parser: the fast check suffices, zod only names a field it refuses.
    const body = acceptRowsFast(candidate.rows) ? candidate : copyStoreRequests['/copy'].parse(candidate);
    const res = await fetch(`http://${s.server}:${store.port}/copy`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${store.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(2000),
    });
    if (!res.ok) throw new Error(`copy store ${s.server}:${store.port} answered ${res.status}: ${(await res.text()).trim()}`);
    tracker.acknowledge(s);
    counters.copyPushes = (counters.copyPushes ?? 0) + 1;
  };

  const tick = async () => {
    if (busy || stopped) return;
    const now = clock.nowMs();
    if (now < retryAt) return; // a store refused: changes seen meanwhile are read after the pause
    busy = true;
    try {
      const count = await conntrackCount();
      const due = copyReadDue({ now, lastRead, count, countAtRead, countAtTick, retryAt, msSinceStep: msSinceStep() });
      countAtTick = count;
      if (!due) return;
      lastRead = now;
      countAtRead = count;
      const snapshots = tracker.changed(await readRows(vips));
      let failed = false;
      await Promise.all(
        snapshots.map((s) =>
          push(s).catch((e: unknown) => {
            failed = true;
            const n = (counters.copyPushErrors = (counters.copyPushErrors ?? 0) + 1);
            // Bounded: the first failure and every 100th, so a missing store cannot flood the history.
            if (isReported(n))
              emit('copy-push-error', { server: s.server, vip: s.vip, count: n, error: e instanceof Error ? e.message : String(e) });
          }),
        ),
      );
      // Unacknowledged snapshots are pushed again after a pause that doubles while the store refuses.
      retryAt = failed ? clock.nowMs() + retryMs : 0;
      retryMs = failed ? Math.min(retryMs * 2, RETRY_MAX_MS) : store.intervalMs;
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
