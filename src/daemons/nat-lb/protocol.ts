// The nat-lb control plane contract (seed 001): what the controller, the balancers and the
// servers' copy stores say to each other. HTTP + JSON over the inside network, every request
// with `Authorization: Bearer <token>`; both sides validate with these schemas, so a
// malformed request is refused with 400 and a reason naming the field.
//
// Addressing model (decided here, the patent leaves it open): every VIP has an external
// address (clients connect to it) and an *inside* address on the server LAN that moves with
// it. In destination NAT (embodiment 1) the VIP's server routes via the inside address, so
// moving that address (plus gratuitous ARP on the server LAN) is the patent's "change the
// server's router"; in full NAT (embodiment 2) the inside address is the translated source,
// the patent's internal interface IP 32a-IP-1.
import { z } from 'zod';
import { accessRowSchema, type AccessRow } from '../shared/conntrack-rows.js';

const ipv4 = z.string().regex(/^(\d{1,3})(\.\d{1,3}){3}$/, 'expected an IPv4 address');

export const natModeSchema = z.enum(['normal', 'migration']);
export type NatMode = z.infer<typeof natModeSchema>;

export { accessRowSchema, type AccessRow } from '../shared/conntrack-rows.js';

/** One connection, whichever balancer reported it: the client side and the VIP, never the server it went to. */
export const rowKey = (r: AccessRow): string => `${r.protocol}|${r.clientIp}|${r.clientPort}|${r.vip}|${r.vipPort}`;

export const vipStatsSchema = z
  .object({
    vip: ipv4,
    mode: natModeSchema,
    bytes: z.number().int().min(0),
    packets: z.number().int().min(0),
    held: z.number().int().min(0),
    rows: z.number().int().min(0),
  })
  .strict();
export type VipStats = z.infer<typeof vipStatsSchema>;

/** GET /status on a balancer. */
export const balancerStatusSchema = z
  .object({
    node: z.string(),
    nat: z.enum(['dnat', 'fullnat']),
    /** The mode table (7a/7b): a VIP absent here gets an error back. */
    vips: z.array(vipStatsSchema),
    counters: z.record(z.number().int()),
  })
  .strict();
export type BalancerStatus = z.infer<typeof balancerStatusSchema>;

const vipBody = z.object({ vip: ipv4 }).strict();

/** GET /rows[?vip=V] on a balancer: its access table now (every VIP it knows, or one), read from conntrack. */
export const balancerRowsQuery = z.object({ vip: ipv4.optional() }).strict();
export const balancerRowsReplySchema = z.object({ rows: z.array(accessRowSchema) }).strict();

/**
 * The balancer's control endpoints, one per step of the migration (all POST, all idempotent).
 * The controller relies on idempotence to resume a move a killed controller left half done: it
 * simply makes the same calls again (a second begin keeps the existing mode, a second take
 * re-announces, an export after the delete returns no rows).
 */
export const balancerRequests = {
  /** Step 1 on the target: add the VIP to the mode table in migration mode (hold its packets). */
  '/migration/begin': vipBody,
  /** Step 2 on the target: configure the VIP and its inside address, announce both (GARP). */
  '/address/take': vipBody,
  /** Step 2 on the source: unconfigure the VIP and its inside address. */
  '/address/release': vipBody,
  /** Step 3, read at the source (or V14: a failed balancer still readable). */
  '/rows/export': vipBody,
  /** Step 3, write at the target: adds the rows, replacing any row of the same connection (never clears the others). */
  '/rows/import': z.object({ vip: ipv4, rows: z.array(accessRowSchema) }).strict(),
  /** Step 3, delete at the source. */
  '/rows/delete': vipBody,
  /**
   * Step 4 on the target: mode normal, held packets released in arrival order. `kick` (failover):
   * then make both ends of every imported connection retransmit now instead of at the end of
   * their backoff (balancer/retransmit-kick.ts).
   */
  '/migration/finish': z.object({ vip: ipv4, kick: z.boolean().optional() }).strict(),
  /** Step 4 on the source: the VIP leaves the mode table, with any rows it still has. Sent after the target's finish. */
  '/vip/forget': vipBody,
  /** Rollback on the target of a failed move: forget the VIP, drop what it held (packets and rows). */
  '/migration/abort': vipBody,
} as const;
export type BalancerPath = keyof typeof balancerRequests;

export const balancerReplies = {
  '/migration/begin': z.object({ vip: ipv4, mode: natModeSchema }).strict(),
  '/address/take': z.object({ vip: ipv4, garpSent: z.number().int().min(0) }).strict(),
  '/address/release': z.object({ vip: ipv4 }).strict(),
  '/rows/export': z.object({ vip: ipv4, rows: z.array(accessRowSchema) }).strict(),
  '/rows/import': z.object({ vip: ipv4, imported: z.number().int().min(0) }).strict(),
  '/rows/delete': z.object({ vip: ipv4, deleted: z.number().int().min(0) }).strict(),
  /** kicked: the connections whose ends are being made to retransmit (in the background; event `retransmit-kick`). */
  '/migration/finish': z.object({ vip: ipv4, released: z.number().int().min(0), kicked: z.number().int().min(0).optional() }).strict(),
  '/vip/forget': z.object({ vip: ipv4 }).strict(),
  '/migration/abort': z.object({ vip: ipv4, dropped: z.number().int().min(0) }).strict(),
} satisfies Record<BalancerPath, z.ZodTypeAny>;

/** A server's copy store (53/54). Balancers push snapshots; the controller reads at failover. */
export const copyStoreRequests = {
  /** PUT /copy: the complete current rows of one balancer for one VIP (replaces the previous snapshot). */
  '/copy': z.object({ balancer: z.string(), vip: ipv4, rows: z.array(accessRowSchema) }).strict(),
} as const;
/** GET /copy?vip=V → rows stored for V (all balancers); GET /tcp-table?vip=V → variant 1 rows from the server's own TCP table. */
export const copyStoreRowsReplySchema = z.object({ vip: ipv4, rows: z.array(accessRowSchema) }).strict();
