// A balancer's control plane as a real local HTTP server speaking protocol.ts, with tables in
// memory and switches to make it die, hang or go half-deaf — what the controller tests need.
import type { AccessRow, BalancerPath, NatMode } from '../../../../src/daemons/nat-lb/protocol.js';
import { balancerRequests, rowKey } from '../../../../src/daemons/nat-lb/protocol.js';
import { fail, ok, route, startJsonApi, type JsonApi, type Route } from '../../../../src/daemons/shared/json-api.js';

export const TOKEN = 'balancer-token';

export interface Call {
  balancer: string;
  path: string;
  vip: string;
  atMs: number;
}

interface VipState {
  mode: NatMode;
  rows: Map<string, AccessRow>;
  /** Bytes counted so far, plus a steady rate from `rateSinceMs` on. */
  bytes: number;
  rateBps: number;
  rateSinceMs: number;
  held: number;
}

export class FakeBalancer {
  readonly vips = new Map<string, VipState>();
  readonly addresses = new Set<string>();
  /** Paths answered only after close (the controller's deadline fires first). */
  readonly hang = new Set<string>();
  /** After answering this path, the balancer dies (its server closes). */
  dieAfter: string | undefined;
  /** /status answers 503 while every other endpoint works (V14: unreachable for health, still readable). */
  statusDown = false;
  /** Set the moment it decides to die, so no later request slips through before the server closes. */
  private dying = false;
  private api: JsonApi | undefined;
  private port = 0;
  private release: (() => void)[] = [];

  /** `traffic`: bytes per second per VIP, counted by whichever balancer holds the VIP's address. */
  constructor(readonly name: string, private readonly log: Call[], private readonly traffic = new Map<string, number>()) {}

  get endpoint() {
    return { name: this.name, api: `127.0.0.1:${this.port}` };
  }

  get alive(): boolean {
    return this.api !== undefined;
  }

  /** Starts with `vips` in normal mode, addresses up. */
  hold(vip: string, rows: AccessRow[] = []): this {
    this.vips.set(vip, { mode: 'normal', rows: new Map(rows.map((r) => [rowKey(r), r])), bytes: 0, rateBps: this.traffic.get(vip) ?? 0, rateSinceMs: Date.now(), held: 0 });
    this.addresses.add(vip);
    return this;
  }

  async start(): Promise<this> {
    this.dying = false;
    this.api = await startJsonApi(`127.0.0.1:${this.port}`, TOKEN, this.routes());
    this.port = this.api.port;
    return this;
  }

  async kill(): Promise<void> {
    const api = this.api;
    this.api = undefined;
    this.release.splice(0).forEach((r) => r());
    await api?.close();
  }

  mode(vip: string): NatMode | undefined {
    return this.vips.get(vip)?.mode;
  }

  rowPorts(vip: string): number[] {
    return [...(this.vips.get(vip)?.rows.values() ?? [])].map((r) => r.clientPort).sort((a, b) => a - b);
  }

  private bytesOf(v: VipState): number {
    return Math.round(v.bytes + (v.rateBps * (Date.now() - v.rateSinceMs)) / 1000);
  }

  private routes(): Route[] {
    const status = route({
      method: 'GET', path: '/status',
      handle: () => (this.statusDown || this.dying ? fail(503, 'status is down') : ok({
        node: this.name, nat: 'dnat', counters: {},
        vips: [...this.vips].map(([vip, v]) => ({ vip, mode: v.mode, bytes: this.bytesOf(v), packets: 0, held: v.held, rows: v.rows.size })),
      })),
    });
    const step = (path: BalancerPath, act: (vip: string, body: { vip: string; rows?: AccessRow[] }) => Record<string, unknown>) =>
      route({
        method: 'POST', path, body: balancerRequests[path],
        handle: async ({ body }: { body: { vip: string; rows?: AccessRow[] } }) => {
          if (this.dying) await new Promise<void>((resolve) => this.release.push(resolve));
          if (!this.alive) return fail(503, 'dead');
          this.log.push({ balancer: this.name, path, vip: body.vip, atMs: Date.now() });
          if (this.hang.has(path)) {
            await new Promise<void>((resolve) => this.release.push(resolve));
            return fail(503, 'hung');
          }
          const reply = ok({ vip: body.vip, ...act(body.vip, body) });
          if (this.dieAfter === path) {
            this.dying = true;
            setTimeout(() => void this.kill(), 5);
          }
          return reply;
        },
      });
    const table = (vip: string) => this.vips.get(vip);
    const drop = (vip: string) => {
      const held = this.vips.get(vip)?.held ?? 0;
      this.vips.delete(vip);
      this.addresses.delete(vip);
      return held;
    };
    return [
      status,
      step('/migration/begin', (vip) => {
        if (!this.vips.has(vip)) this.vips.set(vip, { mode: 'migration', rows: new Map(), bytes: 0, rateBps: 0, rateSinceMs: Date.now(), held: 0 });
        return { mode: this.vips.get(vip)!.mode };
      }),
      step('/address/take', (vip) => {
        this.addresses.add(vip);
        // Traffic follows the address: the VIP's byte rate now counts here.
        const t = table(vip);
        if (t) Object.assign(t, { bytes: this.bytesOf(t), rateBps: this.traffic.get(vip) ?? 0, rateSinceMs: Date.now() });
        return { garpSent: 2 };
      }),
      step('/address/release', (vip) => {
        this.addresses.delete(vip);
        const t = table(vip);
        if (t) Object.assign(t, { bytes: this.bytesOf(t), rateBps: 0, rateSinceMs: Date.now() });
        return {};
      }),
      step('/rows/export', (vip) => ({ rows: [...(table(vip)?.rows.values() ?? [])] })),
      step('/rows/import', (vip, body) => {
        const t = table(vip);
        if (!t) return { imported: 0 };
        for (const r of body.rows ?? []) t.rows.set(rowKey(r), r);
        return { imported: body.rows?.length ?? 0 };
      }),
      step('/rows/delete', (vip) => {
        const t = table(vip);
        const deleted = t?.rows.size ?? 0;
        t?.rows.clear();
        return { deleted };
      }),
      step('/migration/finish', (vip) => {
        const t = table(vip);
        if (t) t.mode = 'normal';
        const released = t?.held ?? 0;
        if (t) t.held = 0;
        return { released };
      }),
      step('/vip/forget', (vip) => {
        drop(vip);
        return {};
      }),
      step('/migration/abort', (vip) => ({ dropped: drop(vip) })),
    ];
  }
}
