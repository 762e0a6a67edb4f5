// The calls of one VIP's move and of its rollback, in order (seed 001 §3.5, §3.7): data for
// the Migration state machine. Order and rollback rules are decided here, nowhere else.
//
// Planned move A → B (address first at A):
//   1 B /migration/begin        (B holds the VIP's packets)
//   2 A /address/release        (A takes no new connection for the VIP: its rows are final)
//   3 A /rows/export            (A still forwards its connections meanwhile: nothing waits)
//   3 B /rows/import            (B has the rows before any of their packets reach it)
//   2 B /address/take           (sent right behind the import; traffic now reaches B and is held)
//   4 B /migration/finish, A /rows/delete, A /vip/forget   (B releases the held packets)
// A's export and B's import come between A's release and B's take, not after the take: once A
// has let the address go it creates no row for the VIP (its DNAT rule matches only served
// VIPs), and the clients, whose ARP caches still name A until B's announcement, keep going
// through A on the rows it has. So the rows travel off the clients' critical path — the hold
// at B lasts from the take to the finish, the import not inside it. A sees the patent's order
// (release, then give the rows); B gets the rows before it takes the address: the patent moves
// the traffic first so that the copied rows are final, and they are from A's release on. The
// price: from the release to the take no balancer has the address, so a new connection's SYN
// in that window is dropped and retransmitted 1 s later. Late state changes
// at A between the export and the take (a connection ending) are not copied; liberal window
// tracking at B makes a stale TCP state harmless.
// The source's delete (the patent's end of step 3) comes after the target's release: the
// source has had no traffic for the VIP since step 2, so its rows wait there without harm, and
// the held clients do not wait for one more round trip to a busy balancer. A failed delete
// rolls back like a failed forget.
// Failover from a dead A: A's calls are fire-and-forget (sent, not awaited: a killed node's
// address may not even answer ARP, and every wait would lengthen the outage); step 3 takes the
// rows from the copy stores (or, V14, from A if it still answers within deadCallTimeoutMs; V1,
// the servers' TCP tables).
// V2 (`state-first`, failover only): 1, 3, 2, 4 — rows are in place before traffic arrives.
//
// Every step has one deadline (stepTimeoutMs from its first call). A required call that fails
// or misses it ends the move and starts the rollback (see rollbackTemplates).
import type { BalancerPath } from '../protocol.js';

export type Step = 1 | 2 | 3 | 4;
export type MoveKind = 'planned' | 'failover';
export type FailoverRows = 'copy-store' | 'tcp-table' | 'balancer-then-copy-store' | 'none';
export type MoveOrder = 'address-first' | 'state-first';

export interface MoveSpec {
  vip: string;
  /** The current owner; absent for a VIP nobody holds (an orphan). */
  from?: string;
  to: string;
  kind: MoveKind;
  reason: string;
  /** Failover only: where step 3's rows come from. */
  rows?: FailoverRows;
  /** Failover only (V2). */
  order?: MoveOrder;
  /** A move found half done (controller restart): earlier calls may have happened. */
  resumed?: boolean;
  stepTimeoutMs: number;
  /** Upper bound for best-effort calls to a balancer believed dead. */
  deadCallTimeoutMs: number;
}

/** A resumed move (found half done at start) may have done steps 2 and 3 before the restart; a source that still lists the VIP has not forgotten it. */
export const RESUMED_MAYBE = new Set(['to:/address/take', 'to:/rows/import', 'from:/address/release', 'from:/rows/delete']);

export interface Template {
  step: Step;
  party: 'from' | 'to';
  path?: BalancerPath;
  copy?: 'copy' | 'tcp-table';
  required: boolean;
  /** Best-effort call to a balancer believed dead: short deadline. */
  dead?: boolean;
  /** Not awaited (implies best effort): cleanup or a courtesy to a balancer believed dead. */
  detached?: boolean;
  collectRows?: boolean;
  skip?: () => boolean;
  /**
   * Sent right behind the previous call (same balancer) without waiting for its answer: a round
   * trip saved. The balancer serves step calls one at a time in arrival order, and the two
   * requests usually arrive in order; when they do not, the call must be harmless before its
   * predecessor (a take before the import: the target holds every packet until it finishes).
   * If the previous call fails, this one's result is only recorded (it counts as issued, so
   * the rollback undoes it).
   */
  pipelined?: boolean;
}

export const moveTemplates = (spec: MoveSpec, rowsCollected: () => boolean): Template[] => {
  const planned = spec.kind === 'planned';
  // In a failover the source is believed dead: its calls may not hold the move up.
  const src = planned ? { required: true } : { required: false, dead: true, detached: true };
  const step1: Template[] = [{ step: 1, party: 'to', path: '/migration/begin', required: true }];
  const step2: Template[] = [
    { step: 2, party: 'from', path: '/address/release', ...src },
    { step: 2, party: 'to', path: '/address/take', required: true },
  ];
  const rows = spec.rows ?? 'copy-store';
  const step3: Template[] = planned
    ? [
        { step: 3, party: 'from', path: '/rows/export', required: true, collectRows: true },
        { step: 3, party: 'to', path: '/rows/import', required: true },
      ]
    : rows === 'none'
      ? []
      : [
          ...(rows === 'balancer-then-copy-store'
            ? [{ step: 3, party: 'from', path: '/rows/export', required: false, dead: true, collectRows: true } as Template]
            : []),
          {
            step: 3,
            party: 'to',
            copy: rows === 'tcp-table' ? 'tcp-table' : 'copy',
            required: true,
            collectRows: true,
            skip: rowsCollected,
          },
          { step: 3, party: 'to', path: '/rows/import', required: true },
        ];
  // The target releases what it holds first: the clients' gap ends there. Deleting the
  // source's rows and forgetting the VIP is the source's bookkeeping.
  const step4: Template[] = [
    { step: 4, party: 'to', path: '/migration/finish', required: true },
    ...(planned ? [{ step: 4, party: 'from', path: '/rows/delete', required: true } as Template] : []),
    { step: 4, party: 'from', path: '/vip/forget', ...src },
  ];
  // The target's take goes out right behind its import: the held clients wait for neither the
  // import nor a round trip between the two.
  if (planned) return [...step1, step2[0]!, step3[0]!, step3[1]!, { ...step2[1]!, pipelined: true }, ...step4];
  const stateFirst = spec.order === 'state-first';
  return stateFirst ? [...step1, ...step3, ...step2, ...step4] : [...step1, ...step2, ...step3, ...step4];
};

/**
 * After a failed required call. Planned move: the source is the consistent owner. It gets back
 * what it gave first (its mode-table entry if it had already forgotten the VIP, the address,
 * the rows from the controller's memory), then the target gives back what it took (address,
 * rows, mode-table entry) without being waited for — it may be the one that died, and the
 * outage lasts until the source holds the address again. A resumed move has no rows in memory:
 * the target's rows are read first. Failover: the target cleans up and the VIP stays without
 * an owner (retried later), unless the "dead" source answered after all: then it takes the
 * address back.
 * If the source cannot be restored either, the rollback stops there and the target keeps what
 * it has: the next round's repair finds it in migration mode and completes the VIP on it.
 */
export const rollbackTemplates = (
  spec: MoveSpec,
  issued: (key: string) => boolean,
  succeeded: (key: string) => boolean,
  haveRows: () => boolean,
): Template[] => {
  const t: Template[] = [];
  const step = 1 as Step; // rollback calls are not numbered steps; the event says which step failed
  const cleanup = { party: 'to', required: false, detached: true } as const;
  if (spec.kind === 'planned') {
    if (spec.resumed && issued('to:/rows/import')) t.push({ step, party: 'to', path: '/rows/export', required: false, collectRows: true });
    const forgot = issued('from:/vip/forget');
    if (forgot) t.push({ step, party: 'from', path: '/migration/begin', required: true });
    if (issued('from:/address/release')) t.push({ step, party: 'from', path: '/address/take', required: true });
    if (issued('from:/rows/delete')) t.push({ step, party: 'from', path: '/rows/import', required: true, skip: () => !haveRows() });
    if (forgot) t.push({ step, party: 'from', path: '/migration/finish', required: true });
  } else if (spec.from !== undefined && (succeeded('from:/address/release') || succeeded('from:/rows/export'))) {
    t.push({ step, party: 'from', path: '/address/take', required: false });
  }
  if (issued('to:/address/take')) t.push({ step, path: '/address/release', ...cleanup });
  if (issued('to:/rows/import')) t.push({ step, path: '/rows/delete', ...cleanup });
  t.push({ step, path: '/migration/abort', ...cleanup });
  return t;
};

export const rollbackOwner = (spec: MoveSpec, succeeded: (key: string) => boolean): string | undefined => {
  if (spec.kind === 'planned') return spec.from;
  return succeeded('from:/address/take') ? spec.from : undefined;
};
