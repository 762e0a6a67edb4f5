// The session-migration contract (seed 003): what the coordinator, the migration agents and the
// user gateways say to each other over the control network. HTTP + JSON with
// `Authorization: Bearer <token>` (shared/json-api.ts): the request is the patent's message,
// the reply is its acknowledgement, and for the three request/end pairs of Fig. 7 the reply
// carries the end notice (S702 → S706, S707 → the switch-end notice, S709 → S711). Both sides
// validate with these schemas, so a malformed message is refused with 400 naming the field.
import { z } from 'zod';

export const ipv4 = z.string().regex(/^(\d{1,3})(\.\d{1,3}){3}$/, 'expected an IPv4 address');
const mac = z.string().regex(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/, 'expected a MAC address aa:bb:cc:dd:ee:ff');
const migrationId = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'expected an id of letters, digits, _ . : -');
const ms = z.number().min(0);

/** Fig. 7's steps, in the order they must happen. */
export const STEPS = ['S701', 'S702', 'S703', 'S704', 'S705', 'S706', 'S707', 'S708', 'S709', 'S710', 'S711'] as const;
export type StepId = (typeof STEPS)[number];

export const STEP_NAMES: Record<StepId, string> = {
  S701: 'session migration start request',
  S702: 'operating-server switching start',
  S703: 'freeze (pause) the process',
  S704: 'process migration',
  S705: 'connection identifier (VIP) move',
  S706: 'operating-server switching end',
  S707: 'target-network switch request',
  S708: 'target-network switch (end notice)',
  S709: 'process resume request',
  S710: 'resume the process',
  S711: 'process resume end',
};

/** The VIP half of S705: moved (embodiments 1, 2), copied (embodiment 3) or left alone (P3 off). */
export const vipModeSchema = z.enum(['move', 'copy', 'none']);
export type VipMode = z.infer<typeof vipModeSchema>;

/** A process on a server: the pair embodiment 3's resume request carries. */
export const processRefSchema = z.object({ server: ipv4, pid: z.number().int().min(1) }).strict();
export type ProcessRef = z.infer<typeof processRefSchema>;

/** S702, coordinator → main server's agent. */
export const switchStartSchema = z
  .object({
    migration: migrationId,
    /** The process on the main server; `match` names it by its command line when the pid is not known. */
    process: z.union([z.object({ pid: z.number().int().min(1) }).strict(), z.object({ match: z.string().min(1) }).strict()]),
    mainRealIp: ipv4,
    backupRealIp: ipv4,
    vip: ipv4,
    pause: z.boolean(),
    vipMode: vipModeSchema,
  })
  .strict();
export type SwitchStart = z.infer<typeof switchStartSchema>;

/** One of S703–S705 as the agent did it. */
export const subStepSchema = z
  .object({ step: z.enum(['S703', 'S704', 'S705']), startMs: ms, endMs: ms, detail: z.record(z.unknown()).optional() })
  .strict();
export type SubStep = z.infer<typeof subStepSchema>;

/** S706: the reply to S702. */
export const switchEndSchema = z
  .object({
    migration: migrationId,
    steps: z.array(subStepSchema),
    /** The process as it now exists: on the backup, and on the main server too when the VIP was copied. */
    processes: z.array(processRefSchema).min(1),
  })
  .strict();
export type SwitchEnd = z.infer<typeof switchEndSchema>;

/** S707, coordinator → a user gateway. */
export const networkSwitchSchema = z
  .object({
    migration: migrationId,
    users: z.array(z.object({ name: z.string().min(1), vlan: z.number().int().min(1).max(4094) }).strict()).min(1),
    /** With different router MACs (§6 12): announce the router address r with a gratuitous ARP after the switch. */
    announce: z.object({ ip: ipv4, mac: mac.optional() }).strict().optional(),
    /**
     * A rollback's request (the coordinator's or an agent watchdog's): the users go back, and the
     * gateway then refuses every request of this migration that is not a rollback — a coordinator
     * killed with its S707 in flight leaves a socket that retransmits it after the rollback.
     */
    rollback: z.boolean().optional(),
  })
  .strict();
export type NetworkSwitch = z.infer<typeof networkSwitchSchema>;

/** The target-network switch end notice: the reply to S707. */
export const networkSwitchEndSchema = z
  .object({
    migration: migrationId,
    switched: z.array(z.object({ name: z.string(), from: z.number().int(), to: z.number().int(), atMs: ms }).strict()),
    announced: z.boolean(),
  })
  .strict();
export type NetworkSwitchEnd = z.infer<typeof networkSwitchEndSchema>;

/** S709, coordinator → main server's agent: every copy to unfreeze (both in embodiment 3). */
export const resumeSchema = z.object({ migration: migrationId, processes: z.array(processRefSchema).min(1) }).strict();
export type Resume = z.infer<typeof resumeSchema>;

/** S711: the reply to S709. */
export const resumeEndSchema = z
  .object({ migration: migrationId, resumed: z.array(processRefSchema.extend({ atMs: ms })).min(1) })
  .strict();
export type ResumeEnd = z.infer<typeof resumeEndSchema>;

/** Undo whatever the agent did for this migration, so that the service answers at the main server only. */
export const rollbackSchema = z.object({ migration: migrationId }).strict();
export const rollbackEndSchema = z.object({ migration: migrationId, answering: z.literal('main'), undone: z.array(z.string()) }).strict();

/** Where the service is, as an agent sees it: asked when a resume's outcome is unknown. */
export const serviceAtSchema = z.enum(['main', 'backup', 'both', 'none']);
export type ServiceAt = z.infer<typeof serviceAtSchema>;
export const agentStatusSchema = z
  .object({
    node: z.string(),
    migration: migrationId.optional(),
    serviceAt: serviceAtSchema,
    frozen: z.boolean(),
  })
  .passthrough();
export type AgentStatus = z.infer<typeof agentStatusSchema>;

/**
 * Where the coordinator's sequence stands, as its keepalives tell the main agent: switching
 * (S702 out, no S706 yet), network (S707 out), switched (every switch end notice in), resuming
 * (S709 out), rolling-back, ended. If the keepalives stop, the agent acts on the last one
 * (agent/coordinator-watchdog.ts).
 */
export const coordinatorPhaseSchema = z.enum(['switching', 'network', 'switched', 'resuming', 'rolling-back', 'ended']);
export type CoordinatorPhase = z.infer<typeof coordinatorPhaseSchema>;
const vlanId = z.number().int().min(1).max(4094);
export const keepaliveSchema = z
  .object({
    migration: migrationId,
    seq: z.number().int().min(0),
    phase: coordinatorPhaseSchema,
    /** The plan's users: what the agent asks the gateways about, and switches, if it has to finish alone. */
    users: z.array(z.object({ gateway: z.string().min(1), name: z.string().min(1), fromVlan: vlanId, toVlan: vlanId }).strict()),
    /** S709's processes, once S706 has named them. */
    resume: z.array(processRefSchema).optional(),
  })
  .strict();
export type Keepalive = z.infer<typeof keepaliveSchema>;

export const AGENT_PATHS = {
  keepalive: '/keepalive',
  switchStart: '/switch-start',
  resume: '/resume',
  rollback: '/rollback',
  status: '/status',
} as const;
export const GATEWAY_PATHS = { switch: '/switch', status: '/status' } as const;

/** Agent to agent, on the migration network (agent/peer-api.ts). */
export const PEER_PATHS = {
  receive: '/peer/receive',
  restore: '/peer/restore',
  thaw: '/peer/thaw',
  discard: '/peer/discard',
  vip: '/peer/vip',
} as const;
/** The cold baseline's only call to the target: take (once the service is found there) or give up the VIP. */
export const peerVipSchema = z
  .object({
    migration: migrationId,
    action: z.enum(['add', 'del']),
    vip: ipv4,
    process: z
      .object({ match: z.string().min(1) })
      .strict()
      .optional(),
  })
  .strict();
export const peerVipReplySchema = z.object({ pid: z.number().int().min(1).optional() }).strict();
export const peerReceiveSchema = z.object({ migration: migrationId }).strict();
export const peerReceiveReplySchema = z.object({ host: ipv4, port: z.number().int().min(1).max(65535) }).strict();
export const peerRestoreSchema = z.object({ migration: migrationId, vip: ipv4.optional() }).strict();
export const peerRestoreReplySchema = z.object({ pid: z.number().int().min(1), restoreMs: ms }).strict();
export const peerThawSchema = z.object({ migration: migrationId, pids: z.array(z.number().int().min(1)).min(1) }).strict();
export const peerDiscardSchema = z
  .object({ migration: migrationId, pid: z.number().int().min(1).optional(), vip: ipv4.optional() })
  .strict();

/** The probe path: the main agent hands the connections' state to the backup agent (agent/probe-switching.ts). */
export const PROBE_PEER_PATHS = { state: '/peer/probe-state', rebuild: '/peer/probe-rebuild', drop: '/peer/probe-drop' } as const;
const restoreItem = z.object({ checkpoint: z.record(z.unknown()), answer: z.record(z.unknown()) }).strict();
export const probeStateSchema = z
  .object({
    migration: migrationId,
    vip: ipv4.optional(),
    port: z.number().int().min(1).max(65535),
    items: z.array(restoreItem),
    rebuildNow: z.boolean(),
  })
  .strict();
export type ProbeState = z.infer<typeof probeStateSchema>;
export const probeRebuildSchema = z.object({ migration: migrationId }).strict();
export const probeRebuildReplySchema = z.object({ pid: z.number().int().min(1), rebuilt: z.number().int().min(0), ms: ms }).strict();
export const probeDropSchema = z.object({ migration: migrationId, vip: ipv4.optional() }).strict();
