// The front-end pair's shell: which of the two this node is (the one holding the VIP, which
// arp-ha moves, is active), and on the standby the copy of the active's forwarded connections,
// every `pair.syncMs`: the active's rows (GET /sync on the peer) against what was copied,
// planned by standby-sync.ts and carried out on the kernel by the data plane. On taking over,
// both ends of every copied connection are made to retransmit at once (nat-lb's kick): what
// they sent into the dead front end would otherwise wait out their backed-off timers.
import { networkInterfaces } from 'node:os';
import { z } from 'zod';
import type { Clock } from '../../../common/clock.js';
import { errorMessage } from '../../../common/errors.js';
import { accessRowSchema, type AccessRow } from '../../shared/conntrack-rows.js';
import type { EmitEvent } from '../../shared/event-log.js';
import { callJson } from '../../shared/http-call.js';
import { isReported } from '../../shared/rare-report.js';
import { kickRetransmissions, kickTargets } from '../../shared/retransmit-kick.js';
import type { DataPlane } from './data-plane.js';
import type { RedirectorConfig } from './redirector-config.js';
import { afterSync, planSync } from './standby-sync.js';

/** How often the role is read: a takeover is acted on within this of arp-ha adding the VIP. */
const ROLE_POLL_MS = 10;
/** How long the kick waits for the ends to say where they are, and how many backoff steps it undoes. */
const KICK_WAIT_MS = 500;
const KICK_REVERTS = 8;

export const syncReplySchema = z.object({ rows: z.array(accessRowSchema) }).strict();

/** Whether `address` is configured on `iface` now (arp-ha adds and removes it). */
export const holdsAddress = (address: string, iface: string): boolean =>
  (networkInterfaces()[iface] ?? []).some((a) => a.family === 'IPv4' && a.address === address);

export class FrontPair {
  private copies = new Map<string, AccessRow>();
  private active: boolean | undefined;
  private failures = 0;
  private readonly timers: NodeJS.Timeout[] = [];
  private running = false;

  constructor(
    private readonly config: RedirectorConfig & { pair: NonNullable<RedirectorConfig['pair']> },
    private readonly plane: DataPlane,
    private readonly emit: EmitEvent,
    private readonly clock: Clock,
  ) {}

  start(): void {
    this.timers.push(setInterval(() => this.isActive(), ROLE_POLL_MS));
    this.timers.push(
      setInterval(() => {
        // A slow round (a loaded node, a large table) is not stacked behind itself.
        if (this.running) return;
        this.running = true;
        void this.round()
          .catch((e: unknown) => this.emit('error', { error: errorMessage(e) }))
          .finally(() => (this.running = false));
      }, this.config.pair.syncMs),
    );
  }

  /** Active: holds the VIP. Read at each decision, not cached: arp-ha may have just moved it. */
  isActive(): boolean {
    const active = holdsAddress(this.config.vip, this.config.outside.iface);
    if (active !== this.active) {
      this.emit('pair-role', { role: active ? 'active' : 'standby', copies: this.copies.size });
      if (active && this.active === false) this.takeOver();
      this.active = active;
    }
    return active;
  }

  close(): void {
    for (const t of this.timers) clearInterval(t);
  }

  /** The copies are live connections of ours now: nothing of them is the peer's to change, and their ends are told to go on. */
  private takeOver(): void {
    const rows = [...this.copies.values()];
    this.copies.clear();
    if (rows.length === 0) return;
    const { vip, inside } = this.config;
    kickRetransmissions(
      kickTargets(rows),
      { outsideAddress: vip, insideAddress: inside, waitMs: KICK_WAIT_MS, reverts: KICK_REVERTS },
      this.clock,
    ).then(
      (k) => this.emit('retransmit-kick', { ...k }),
      (e: unknown) => this.emit('retransmit-kick', { error: errorMessage(e) }),
    );
  }

  private async round(): Promise<void> {
    if (this.isActive()) return;
    const started = this.clock.monotonicMs();
    let rows: AccessRow[];
    try {
      ({ rows } = await callJson(
        'peer',
        `http://${this.config.pair.peer}/sync`,
        this.config.token,
        { method: 'GET' },
        this.config.pair.syncMs * 3,
        syncReplySchema,
      ));
    } catch (e) {
      // A dead active is what the pair is for: its copies stay, arp-ha moves the VIP here.
      if (isReported(++this.failures))
        this.emit('sync-failed', { peer: this.config.pair.peer, count: this.failures, error: errorMessage(e) });
      return;
    }
    this.failures = 0;
    // The VIP may have come here while the peer answered: then its rows are no longer to follow.
    if (this.isActive()) return;
    const plan = planSync(this.copies, rows);
    if (plan.create.length === 0 && plan.remove.length === 0) return;
    const removed = this.plane.deleteRows(plan.remove);
    const created = this.plane.createRows(plan.create);
    this.copies = afterSync(this.copies, plan.remove, plan.create);
    this.emit('synced', {
      created: created.created,
      present: created.present,
      removed,
      copies: this.copies.size,
      ms: Math.round(this.clock.monotonicMs() - started),
    });
  }
}
