// A balancer's control plane as a real local HTTP server speaking protocol.ts, with tables in
// memory and switches to make it die, hang or go half-deaf — what the controller tests need.
// Its modes are the real balancer's ModeTable, so it refuses (409) every step the real one
// refuses; fake-balancer.test.ts proves the two agree on every step from every state.
import { ModeTable, type StepResult } from '../../../../src/daemons/nat-lb/balancer/mode-table.js';
import type { AccessRow, BalancerPath, NatMode } from '../../../../src/daemons/nat-lb/protocol.js';
import { balancerRequests, rowKey } from '../../../../src/daemons/nat-lb/protocol.js';
import { fail, ok, route, startJsonApi, type ApiReply, type JsonApi, type Route } from '../../../../src/daemons/shared/json-api.js';

export const TOKEN = 'balancer-token';

export interface Call {
  balancer: string;
  path: string;
  vip: string;
  atMs: number;
}

/** What the real balancer keeps outside its mode table: conntrack rows and counters. */
interface VipData {
  rows: Map<string, AccessRow>;
  /** Bytes counted so far, plus a steady rate from `rateSinceMs` on. */
  bytes: number;
  rateBps: number;
  rateSinceMs: number;
  held: number;
}

export class FakeBalancer {
  private table = new ModeTable();
  private readonly data = new Map<string, VipData>();
  /** Every step refused with 409, as `<path> <vip>: <problem>`: a controller that needs one is confused. */
  readonly refusals: string[] = [];
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
  constructor(
    readonly name: string,
    private readonly log: Call[],
    private readonly traffic = new Map<string, number>(),
  ) {}

  get endpoint() {
    return { name: this.name, api: `127.0.0.1:${this.port}` };
  }

  get alive(): boolean {
    return this.api !== undefined;
  }

  /** Starts with `vip` in normal mode, address up (an owned VIP of the real balancer's config). */
  hold(vip: string, rows: AccessRow[] = []): this {
    // The real steps that make a VIP owned: held, address up, serving (begin refuses a VIP already normal).
    this.table.begin(vip);
    this.table.take(vip);
    this.table.finish(vip);
    this.dataOf(vip).rows = new Map(rows.map((r) => [rowKey(r), r]));
    Object.assign(this.dataOf(vip), { rateBps: this.traffic.get(vip) ?? 0, rateSinceMs: Date.now() });
    return this;
  }

  /** Forgets every mode, address and row: a balancer restarted with nothing owned. */
  wipe(): void {
    this.table = new ModeTable();
    this.data.clear();
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
    return this.table.get(vip)?.mode;
  }

  hasAddress(vip: string): boolean {
    return this.table.get(vip)?.addressUp === true;
  }

  rowPorts(vip: string): number[] {
    return [...(this.data.get(vip)?.rows.values() ?? [])].map((r) => r.clientPort).sort((a, b) => a - b);
  }

  private dataOf(vip: string): VipData {
    let d = this.data.get(vip);
    if (!d) this.data.set(vip, (d = { rows: new Map(), bytes: 0, rateBps: 0, rateSinceMs: Date.now(), held: 0 }));
    return d;
  }

  private bytesOf(v: VipData): number {
    return Math.round(v.bytes + (v.rateBps * (Date.now() - v.rateSinceMs)) / 1000);
  }

  private routes(): Route[] {
    const status = route({
      method: 'GET',
      path: '/status',
      handle: () =>
        this.statusDown || this.dying
          ? fail(503, 'status is down')
          : ok({
              node: this.name,
              nat: 'dnat',
              counters: {},
              vips: this.table.list().map(([vip, e]) => {
                const d = this.dataOf(vip);
                return { vip, mode: e.mode, bytes: this.bytesOf(d), packets: 0, held: d.held, rows: d.rows.size };
              }),
            }),
    });
    type Act = (vip: string, body: { vip: string; rows?: AccessRow[] }) => Record<string, unknown> | ApiReply;
    const step = (path: BalancerPath, act: Act) =>
      route({
        method: 'POST',
        path,
        body: balancerRequests[path],
        handle: async ({ body }: { body: { vip: string; rows?: AccessRow[] } }) => {
          if (this.dying) await new Promise<void>((resolve) => this.release.push(resolve));
          if (!this.alive) return fail(503, 'dead');
          this.log.push({ balancer: this.name, path, vip: body.vip, atMs: Date.now() });
          if (this.hang.has(path)) {
            await new Promise<void>((resolve) => this.release.push(resolve));
            return fail(503, 'hung');
          }
          const done = act(body.vip, body);
          if ('code' in done && typeof done.code === 'number') {
            this.refusals.push(`${path} ${body.vip}: ${JSON.stringify(done.body)}`);
            return done as ApiReply;
          }
          const reply = ok({ vip: body.vip, ...done });
          if (this.dieAfter === path) {
            this.dying = true;
            setTimeout(() => void this.kill(), 5);
          }
          return reply;
        },
      });
    // As nat-balancer.ts: a step the mode table refuses is a ConflictError, answered 409.
    const refused = (r: StepResult): ApiReply | undefined => (r.ok ? undefined : fail(409, r.problem));
    /** The real balancer's letGo: the VIP's address and rows go (nothing is held here to drop). */
    const letGo = (vip: string) => {
      const held = this.data.get(vip)?.held ?? 0;
      this.data.delete(vip);
      return held;
    };
    /** Traffic follows the address: the VIP's byte rate counts where its address is up. */
    const rateFollows = (vip: string) => {
      const d = this.dataOf(vip);
      const rateBps = this.hasAddress(vip) ? (this.traffic.get(vip) ?? 0) : 0;
      Object.assign(d, { bytes: this.bytesOf(d), rateBps, rateSinceMs: Date.now() });
    };
    return [
      status,
      step('/migration/begin', (vip) => refused(this.table.begin(vip)) ?? { mode: this.mode(vip) }),
      step('/address/take', (vip) => {
        const no = refused(this.table.take(vip));
        if (no) return no;
        rateFollows(vip);
        return { garpSent: 2 };
      }),
      step('/address/release', (vip) => {
        const no = refused(this.table.release(vip));
        if (no) return no;
        rateFollows(vip);
        return {};
      }),
      step('/rows/export', (vip) => ({ rows: [...(this.data.get(vip)?.rows.values() ?? [])] })),
      step('/rows/import', (vip, body) => {
        const stray = body.rows?.find((r) => r.vip !== vip);
        if (stray) return fail(409, `a row for ${stray.clientIp}:${stray.clientPort} names VIP ${stray.vip}, not ${vip}`);
        // Rows go into conntrack whatever the mode table says, as on the real balancer.
        const d = this.dataOf(vip);
        for (const r of body.rows ?? []) d.rows.set(rowKey(r), r);
        return { imported: body.rows?.length ?? 0 };
      }),
      step('/rows/delete', (vip) => {
        const d = this.data.get(vip);
        const deleted = d?.rows.size ?? 0;
        d?.rows.clear();
        return { deleted };
      }),
      step('/migration/finish', (vip) => {
        const no = refused(this.table.finish(vip));
        if (no) return no;
        const d = this.dataOf(vip);
        const released = d.held;
        d.held = 0;
        return { released };
      }),
      step('/vip/forget', (vip) => {
        const no = refused(this.table.forget(vip));
        if (no) return no;
        letGo(vip);
        return {};
      }),
      step('/migration/abort', (vip) => refused(this.table.abort(vip)) ?? { dropped: letGo(vip) }),
    ];
  }
}
