// The arp-ha decision logic as a pure state machine (keepalived's split: protocol here, I/O in
// the effects shell). Inputs: heartbeats from peers (per path), clock ticks, application-check
// results. Outputs: actions — set a group's ARP mode, (re)announce its VIP, send a heartbeat
// now, log an event. Modes follow the patent's Fig. 2 (INITIAL → STANDBY | ACTIVE), plus what
// it leaves open: demotion when two are ACTIVE (split brain), optional preemption, and
// demotion when the application check fails.
import { best, compareRank, type Candidate } from './election.js';
import type { GroupAdvert, Heartbeat, Mode, TakeoverCheckpoint } from './heartbeat-codec.js';

export interface GroupConfig {
  name: string;
  vip: string;
  priority: number;
  preempt: boolean;
  /** Service port whose connections the active replicates, so a new active can reset them at once. */
  fastFailPort?: number;
}

export interface MachineConfig {
  node: string;
  mac: string;
  paths: string[];
  groups: GroupConfig[];
  /** A peer (or path) is dead after this long without a valid heartbeat: interval × misses. */
  deadMs: number;
  /** How long INITIAL listens before choosing (default deadMs). */
  startupWaitMs?: number;
  /**
   * After a split brain, how long the winner waits for the loser to say it stepped down before
   * re-announcing anyway (default deadMs / 10): the loser's STANDBY beat, sent once its ARP gate
   * is shut, normally comes one round trip after the winner's own beat.
   */
  reannounceWaitMs?: number;
}

/** Why an ACTIVE node announces again: a peer is back that may have held the VIP meanwhile. */
const REANNOUNCE = 're-announcing after a split brain';

export type Action =
  | { type: 'set-mode'; group: string; vip: string; from: Mode; to: Mode; reason: string }
  | { type: 'announce'; group: string; vip: string; reason: string }
  | { type: 'send-heartbeat' }
  /**
   * Make each client of the old active answer us now: with checkpoints (takeover) to rebuild its
   * connection from the answer, otherwise (fast fail) so our kernel resets it.
   */
  | { type: 'fast-fail'; group: string; vip: string; port: number; clients: string[]; checkpoints: TakeoverCheckpoint[] }
  | { type: 'event'; event: string; data: Record<string, unknown> };

interface PeerView {
  lastHeard: Map<string, number>;
  /** Paths already reported down (one 'path-down' per loss). */
  downPaths: Set<string>;
  alive: boolean;
  adverts: Map<string, GroupAdvert>;
}

interface GroupState extends GroupConfig {
  mode: Mode;
  since: number;
  eligible: boolean;
  /** Set while this node, ACTIVE, sees another ACTIVE it outranks (re-announce once). */
  contested: boolean;
  /** While contested: when the re-announce is due if the loser has not stepped down by then. */
  reannounceDueMs: number | undefined;
}

export class ArpHaMachine {
  private readonly peers = new Map<string, PeerView>();
  /** Per group: the clients each peer last reported as ACTIVE, with when. */
  private readonly replicated = new Map<string, Map<string, { clients: string[]; atMs: number }>>();
  /** Per group: takeover checkpoints by client, merged from beats (each beat may carry a share), with when. */
  private readonly checkpoints = new Map<string, Map<string, { checkpoint: TakeoverCheckpoint; atMs: number }>>();
  private readonly groups: GroupState[];
  private readonly startedMs: number;

  constructor(
    private readonly config: MachineConfig,
    nowMs: number,
  ) {
    this.startedMs = nowMs;
    this.groups = config.groups.map((g) => ({
      ...g,
      mode: 'INITIAL',
      since: nowMs,
      eligible: true,
      contested: false,
      reannounceDueMs: undefined,
    }));
  }

  adverts(): GroupAdvert[] {
    return this.groups.map((g) => ({ group: g.name, mode: g.mode, priority: g.priority, mac: this.config.mac, eligible: g.eligible }));
  }

  status(nowMs: number) {
    return {
      node: this.config.node,
      mac: this.config.mac,
      groups: this.groups.map((g) => ({
        name: g.name,
        vip: g.vip,
        mode: g.mode,
        priority: g.priority,
        eligible: g.eligible,
        preempt: g.preempt,
        sinceMs: nowMs - g.since,
      })),
      peers: [...this.peers].map(([node, p]) => ({
        node,
        alive: p.alive,
        paths: Object.fromEntries(
          [...p.lastHeard].map(([path, t]) => [path, { lastHeardMsAgo: nowMs - t, up: nowMs - t <= this.config.deadMs }]),
        ),
        groups: [...p.adverts.values()],
      })),
    };
  }

  onHeartbeat(path: string, hb: Heartbeat, nowMs: number): Action[] {
    if (hb.node === this.config.node) return [];
    const actions: Action[] = [];
    let peer = this.peers.get(hb.node);
    const regained = peer !== undefined && !peer.alive;
    if (!peer) {
      peer = { lastHeard: new Map(), downPaths: new Set(), alive: false, adverts: new Map() };
      this.peers.set(hb.node, peer);
    }
    const pathWasUp = (peer.lastHeard.get(path) ?? -Infinity) >= nowMs - this.config.deadMs;
    peer.lastHeard.set(path, nowMs);
    peer.downPaths.delete(path);
    // sentMs: the checks read the first crossing's one-way time (every container shares the clock).
    if (!pathWasUp) actions.push({ type: 'event', event: 'path-up', data: { peer: hb.node, path, sentMs: hb.sentMs, heardMs: nowMs } });
    if (!peer.alive) {
      peer.alive = true;
      actions.push({ type: 'event', event: 'peer-up', data: { peer: hb.node, path } });
    }
    peer.adverts = new Map(hb.groups.map((g) => [g.group, g]));
    for (const c of hb.conns ?? []) {
      const table = this.replicated.get(c.group) ?? new Map<string, { clients: string[]; atMs: number }>();
      table.set(hb.node, { clients: c.clients, atMs: nowMs });
      this.replicated.set(c.group, table);
      const cps = this.checkpoints.get(c.group) ?? new Map<string, { checkpoint: TakeoverCheckpoint; atMs: number }>();
      for (const cp of c.tcp ?? []) cps.set(cp.client, { checkpoint: cp, atMs: nowMs });
      // A client the active no longer lists has closed (the list is complete in every beat).
      const listed = new Set(c.clients);
      for (const client of cps.keys()) if (!listed.has(client)) cps.delete(client);
      this.checkpoints.set(c.group, cps);
    }
    actions.push(...this.decide(nowMs));
    // A peer that was cut off may have claimed our VIPs meanwhile (split brain) and may step
    // down before we ever see it ACTIVE: whoever is still ACTIVE after deciding re-announces
    // now (unless deciding already did, or waits for an ACTIVE loser to step down first), so no
    // client is left on the other MAC.
    if (regained) {
      const announced = new Set(actions.flatMap((a) => (a.type === 'announce' ? [a.group] : [])));
      for (const g of this.groups.filter((x) => x.mode === 'ACTIVE' && !x.contested && !announced.has(x.name))) {
        actions.push({ type: 'announce', group: g.name, vip: g.vip, reason: REANNOUNCE });
      }
    }
    return actions;
  }

  onTick(nowMs: number): Action[] {
    const actions: Action[] = [];
    for (const [node, peer] of this.peers) {
      for (const [path, t] of peer.lastHeard) {
        if (t < nowMs - this.config.deadMs && !peer.downPaths.has(path)) {
          peer.downPaths.add(path);
          actions.push({ type: 'event', event: 'path-down', data: { peer: node, path, silentMs: nowMs - t } });
        }
      }
      const alive = [...peer.lastHeard.values()].some((t) => t >= nowMs - this.config.deadMs);
      if (peer.alive && !alive) {
        peer.alive = false;
        actions.push({ type: 'event', event: 'peer-down', data: { peer: node, deadMs: this.config.deadMs } });
      }
    }
    return [...actions, ...this.decide(nowMs)];
  }

  /** Application check result for a group (or all groups when undefined). */
  onCheck(group: string | undefined, healthy: boolean, nowMs: number): Action[] {
    const actions: Action[] = [];
    for (const g of this.groups.filter((x) => group === undefined || x.name === group)) {
      if (g.eligible === healthy) continue;
      g.eligible = healthy;
      actions.push(
        { type: 'event', event: healthy ? 'check-passed' : 'check-failed', data: { group: g.name } },
        { type: 'send-heartbeat' },
      );
    }
    return [...actions, ...this.decide(nowMs)];
  }

  /** The clients the previous active reported, to be reset at once (only with fast fail on). */
  private fastFail(g: GroupState): Action[] {
    if (g.fastFailPort === undefined) return [];
    const clients = [...new Set([...(this.replicated.get(g.name)?.values() ?? [])].flatMap((r) => r.clients))];
    const checkpoints = [...(this.checkpoints.get(g.name)?.values() ?? [])].map((c) => c.checkpoint);
    this.replicated.delete(g.name);
    this.checkpoints.delete(g.name);
    return clients.length > 0 ? [{ type: 'fast-fail', group: g.name, vip: g.vip, port: g.fastFailPort, clients, checkpoints }] : [];
  }

  private decide(nowMs: number): Action[] {
    return this.groups.flatMap((g) => this.decideGroup(g, nowMs));
  }

  private decideGroup(g: GroupState, nowMs: number): Action[] {
    const me: Candidate = { node: this.config.node, priority: g.priority, mac: this.config.mac, eligible: g.eligible };
    const others = [...this.peers].flatMap(([node, p]) => {
      const a = p.alive ? p.adverts.get(g.name) : undefined;
      return a ? [{ node, mode: a.mode, candidate: { node, priority: a.priority, mac: a.mac, eligible: a.eligible } }] : [];
    });
    const active = others.filter((o) => o.mode === 'ACTIVE');
    const move = (to: Mode, reason: string): Action[] => {
      const from = g.mode;
      g.mode = to;
      g.since = nowMs;
      g.contested = false;
      g.reannounceDueMs = undefined;
      return [{ type: 'set-mode', group: g.name, vip: g.vip, from, to, reason }, { type: 'send-heartbeat' }];
    };
    const bestCandidate = () => best([me, ...others.filter((o) => o.mode !== 'ACTIVE').map((o) => o.candidate)]);
    const iAmBest = () => me.eligible && bestCandidate()?.node === me.node;

    switch (g.mode) {
      case 'INITIAL':
        if (active.length > 0) return move('STANDBY', `peer ${active[0]!.node} is active`);
        // Listen before choosing: peers that boot a moment apart must still elect by rank.
        if (nowMs - this.startedMs < (this.config.startupWaitMs ?? this.config.deadMs)) return [];
        return iAmBest()
          ? move('ACTIVE', others.length === 0 ? 'no peer heard' : 'best of the peers, none active')
          : move('STANDBY', `${bestCandidate()?.node ?? 'another node'} ranks higher`);
      case 'STANDBY':
        if (active.length === 0) return iAmBest() ? [...move('ACTIVE', 'no active peer left'), ...this.fastFail(g)] : [];
        if (g.preempt && me.eligible && active.every((a) => compareRank(me, a.candidate) < 0))
          return move('ACTIVE', `preempting ${active.map((a) => a.node).join(', ')}`);
        return [];
      case 'ACTIVE': {
        if (!me.eligible) return move('STANDBY', 'application check failed');
        if (active.length === 0) {
          // The loser stepped down (its gate already shut when it said so): now the LAN may hear us
          // (again, if we announced without waiting: the loser may have answered meanwhile).
          const due = g.contested;
          g.contested = false;
          g.reannounceDueMs = undefined;
          return due ? [{ type: 'announce', group: g.name, vip: g.vip, reason: REANNOUNCE }] : [];
        }
        const winner = best([me, ...active.map((a) => a.candidate)])!;
        if (winner.node !== me.node) {
          return [
            {
              type: 'event',
              event: 'split-brain',
              data: { group: g.name, vip: g.vip, active: [me.node, ...active.map((a) => a.node)], winner: winner.node },
            },
            ...move('STANDBY', `${winner.node} is also active and ranks higher`),
          ];
        }
        if (g.contested) {
          // The loser has not said it stepped down in time (its beats lost): announce anyway.
          if (g.reannounceDueMs === undefined || nowMs < g.reannounceDueMs) return [];
          g.reannounceDueMs = undefined;
          return [{ type: 'announce', group: g.name, vip: g.vip, reason: REANNOUNCE }];
        }
        // Tell the loser at once (it may not hear our periodic beat for a whole interval), and
        // re-announce only when it has shut its ARP gate: announcing first would leave a window
        // in which both answer an ARP request, and a neighbour keeps the first answer.
        g.contested = true;
        g.reannounceDueMs = nowMs + (this.config.reannounceWaitMs ?? this.config.deadMs / 10);
        return [
          {
            type: 'event',
            event: 'split-brain',
            data: { group: g.name, vip: g.vip, active: [me.node, ...active.map((a) => a.node)], winner: me.node },
          },
          { type: 'send-heartbeat' },
        ];
      }
    }
  }
}
