// The front-end pair's shell: which of the two this node is (arp-ha's group of the VIP says:
// both nodes hold the address, its ARP gate decides which one answers), and on the standby the copy of the active's forwarded connections,
// every `pair.syncMs`: the active's rows (GET /sync on the peer) against what was copied,
// planned by standby-sync.ts and carried out on the kernel by the data plane. On taking over,
// both ends of every copied connection are made to retransmit at once (nat-lb's kick): what
// they sent into the dead front end would otherwise wait out their backed-off timers.
// The role comes from arp-ha's notices (POST /role, the instant its mode changes); its status
// API is read every `arpHa.pollMs` only in case a notice was lost (pair-role.ts orders the two).
// Before the kick, the takeover forwards what the switch flooded here for the copies while the
// active was gone (flood-catch.ts): the ends' lost segments, which the kick cannot make them
// send again sooner than one RTO after their lost first retransmission.
import { z } from 'zod';
import type { Clock } from '../../../common/clock.js';
import { errorMessage } from '../../../common/errors.js';
import { accessRowSchema, type AccessRow } from '../../shared/conntrack-rows.js';
import type { EmitEvent } from '../../shared/event-log.js';
import { callJson } from '../../shared/http-call.js';
import type { ModeNotice } from '../../shared/mode-notice.js';
import { isReported } from '../../shared/rare-report.js';
import { FAILOVER_KICK, kickRetransmissions, kickTargets } from '../../shared/retransmit-kick.js';
import { IpCapture, RawIpSocket } from '../../../kernel/raw-ip-socket.js';
import { parseTcpPacket } from '../../../kernel/tcp-segment.js';
import { FloodCatch, floodKeys } from './flood-catch.js';
import type { DataPlane } from './data-plane.js';
import type { TableCopy } from './forwarding-table.js';
import { RoleFeed, type PairRole } from './pair-role.js';
import type { RedirectorConfig } from './redirector-config.js';
import { afterSync, planSync } from './standby-sync.js';

const memberSchema = z.object({ backend: z.string().min(1), ip: z.string().ip({ version: 'v4' }), ratio: z.number().int().min(0) });
const tableCopySchema = z
  .object({
    services: z.array(
      z.object({
        port: z.number().int().min(1).max(65535),
        members: z.array(memberSchema.extend({ state: z.enum(['serving', 'starting', 'stopping']) }).strict()),
      }),
    ),
    removed: z.array(memberSchema.extend({ port: z.number().int().min(1).max(65535), reason: z.enum(['failed', 'admin']) }).strict()),
  })
  .strict();

/** GET /sync: the forwarded connections with their NAT bindings, and table 112. */
export const syncReplySchema = z.object({ rows: z.array(accessRowSchema), table: tableCopySchema }).strict();

/** What the pair tells the rest of the redirector: the active's table 112 while standby, and each change of role. */
export interface PairHooks {
  /** Throws (FollowRefusal) when the table cannot be followed; reported, the next round tries again. */
  followTable(table: TableCopy): void;
  roleChanged(active: boolean): void;
}

const arpHaStatusSchema = z.object({ groups: z.array(z.object({ name: z.string(), mode: z.string() }).passthrough()) }).passthrough();

export class FrontPair {
  private copies = new Map<string, AccessRow>();
  private active: boolean | undefined;
  private failures = 0;
  private readonly timers: NodeJS.Timeout[] = [];
  private running = false;
  private polling = false;
  private roleFailures = 0;
  private followFailures = 0;
  private readonly roles: RoleFeed;
  /** While standby: the capture of what the switch floods here for the active (flood-catch.ts). */
  private flood: { capture: IpCapture; caught: FloodCatch; wanted: Set<string> } | undefined;
  private readonly floodBuffer = Buffer.allocUnsafe(65536);

  constructor(
    private readonly config: RedirectorConfig & { pair: NonNullable<RedirectorConfig['pair']> },
    private readonly plane: DataPlane,
    private readonly emit: EmitEvent,
    private readonly clock: Clock,
    private readonly hooks: PairHooks,
  ) {
    this.roles = new RoleFeed(config.pair.arpHa.group);
  }

  start(): void {
    if (this.config.pair.forwardFlooded) this.timers.push(setInterval(() => this.drainFlood(), Math.min(this.config.pair.syncMs, 50)));
    void this.readRole();
    this.timers.push(setInterval(() => void this.readRole(), this.config.pair.arpHa.pollMs));
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

  /** Active: arp-ha's group of the VIP is ACTIVE here, as last read (unknown counts as standby: it never acts twice). */
  isActive(): boolean {
    return this.active === true;
  }

  /** arp-ha's notice of a mode change (POST /role); throws when it is about another group. */
  onNotice(notice: ModeNotice): { role: PairRole | 'unknown'; taken: boolean } {
    const role = this.roles.fromNotice(notice);
    if (role !== undefined) this.setRole(role === 'active', 'notice');
    return { role: this.active === undefined ? 'unknown' : this.active ? 'active' : 'standby', taken: role !== undefined };
  }

  private async readRole(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    const { arpHa } = this.config.pair;
    try {
      const startedAt = this.roles.pollStarted();
      const status = await callJson('arp-ha', `http://${arpHa.status}/status`, arpHa.token, { method: 'GET' }, 250, arpHaStatusSchema);
      const role = this.roles.fromPoll(startedAt, status);
      this.roleFailures = 0;
      if (role !== undefined) this.setRole(role === 'active', 'poll');
    } catch (e) {
      // arp-ha not up yet, or gone: the last known role stands (a dead arp-ha's node is the peer's to replace).
      if (isReported(++this.roleFailures)) this.emit('role-unknown', { count: this.roleFailures, error: errorMessage(e) });
    } finally {
      this.polling = false;
    }
  }

  private setRole(active: boolean, source: 'notice' | 'poll'): void {
    if (active === this.active) return;
    // The source shows in the history: a takeover learnt from the poll means a notice was lost.
    this.emit('pair-role', { role: active ? 'active' : 'standby', copies: this.copies.size, source });
    const tookOver = active && this.active === false;
    this.active = active;
    if (tookOver) this.takeOver();
    else if (active) this.closeFlood();
    // After the takeover's forwarding and kick: the clients' time is theirs.
    this.hooks.roleChanged(active);
    // Only a standby catches: the active's own traffic would fill the capture's buffer.
    if (!active && this.config.pair.forwardFlooded && !this.flood) this.openFlood();
  }

  private openFlood(): void {
    let capture: IpCapture;
    try {
      capture = new IpCapture();
    } catch (e) {
      // Without it a takeover still kicks; the ends then wait out one more timeout (docs/redirector.md).
      this.emit('warning', { problem: `no capture of what is flooded to the active: ${errorMessage(e)}` });
      return;
    }
    // Held at most 1 s: an end's first timeout comes ≈ 210 ms after the crash, the takeover after detection.
    this.flood = { capture, caught: new FloodCatch(1000, 64), wanted: floodKeys(kickTargets([...this.copies.values()])) };
  }

  close(): void {
    for (const t of this.timers) clearInterval(t);
    this.closeFlood();
  }

  /** Reads the capture empty, keeping only the copied connections' segments (none reach us while standby). */
  private drainFlood(): void {
    if (!this.flood) return;
    const now = this.clock.monotonicMs();
    const { capture, caught, wanted } = this.flood;
    for (let p = capture.receive(this.floodBuffer); p; p = capture.receive(this.floodBuffer)) {
      const tcp = parseTcpPacket(p);
      if (tcp) caught.offer(p, tcp, wanted, now);
    }
    caught.expire(now);
  }

  /** Forwards what was caught through the copies' NAT bindings (conntrack rewrites them on the way out). */
  private forwardFlooded(): { packets: number; directions: number; failed: number; error?: string } | undefined {
    if (!this.flood) return undefined;
    this.drainFlood();
    const { packets, directions } = this.flood.caught.take(this.clock.monotonicMs());
    this.closeFlood();
    if (packets.length === 0) return { packets: 0, directions: 0, failed: 0 };
    const raw = new RawIpSocket();
    let failed = 0;
    let firstError: string | undefined;
    try {
      for (const p of packets) {
        try {
          raw.send(p);
        } catch (e) {
          // One unroutable packet must not keep the rest (or the kick) back; the event says why.
          failed++;
          firstError ??= errorMessage(e);
        }
      }
    } finally {
      raw.close();
    }
    return { packets: packets.length - failed, directions, failed, ...(firstError ? { error: firstError } : {}) };
  }

  private closeFlood(): void {
    const flood = this.flood;
    this.flood = undefined;
    // Closing a packet socket waits for an RCU grace period: not while a takeover waits.
    if (flood) setTimeout(() => flood.capture.close(), 50);
  }

  /** The copies are live connections of ours now: nothing of them is the peer's to change, and their ends are told to go on. */
  private takeOver(): void {
    const rows = [...this.copies.values()];
    this.copies.clear();
    const flooded = this.forwardFlooded();
    if (flooded) this.emit('flooded-forwarded', { ...flooded });
    if (rows.length === 0) return;
    const { vip, inside } = this.config;
    kickRetransmissions(kickTargets(rows), { outsideAddress: vip, insideAddress: inside, ...FAILOVER_KICK }, this.clock).then(
      (k) => this.emit('retransmit-kick', { ...k }),
      (e: unknown) => this.emit('retransmit-kick', { error: errorMessage(e) }),
    );
  }

  private async round(): Promise<void> {
    if (this.isActive()) return;
    const started = this.clock.monotonicMs();
    let rows: AccessRow[];
    let table: TableCopy;
    try {
      ({ rows, table } = await callJson(
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
    try {
      this.hooks.followTable(table);
      this.followFailures = 0;
    } catch (e) {
      if (isReported(++this.followFailures))
        this.emit('table-follow-refused', { peer: this.config.pair.peer, count: this.followFailures, error: errorMessage(e) });
    }
    const plan = planSync(this.copies, rows);
    if (plan.create.length === 0 && plan.remove.length === 0) return;
    const removed = this.plane.deleteRows(plan.remove);
    const created = this.plane.createRows(plan.create);
    this.copies = afterSync(this.copies, plan.remove, plan.create);
    if (this.flood) this.flood.wanted = floodKeys(kickTargets([...this.copies.values()]));
    this.emit('synced', {
      created: created.created,
      present: created.present,
      removed,
      copies: this.copies.size,
      ms: Math.round(this.clock.monotonicMs() - started),
    });
  }
}
