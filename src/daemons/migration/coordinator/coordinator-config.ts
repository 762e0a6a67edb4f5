// The migration-coordinator's config file (YAML), validated strictly; errors name file, line and
// problem. It is the patent's settings store (1402): the process, the main and backup servers,
// the VIP, the users to switch and their destination VLAN, and the options.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { repeatedEntry } from '../../../common/repeated-entry.js';
import { configError, nodeName, parseDaemonConfig } from '../../shared/daemon-config.js';
import { ipv4, vipModeSchema } from '../protocol.js';
import type { MigrationPlan, TriggerSource } from './migration-plan.js';

const addrPort = z.string().regex(/^[\w.-]+:\d+$/, 'expected ADDR:PORT');
const name = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected a name of letters, digits, _ . -');
const vlan = z.number().int().min(1).max(4094);
const server = z.object({ agent: name, api: addrPort, realIp: ipv4, token: z.string().min(8).optional() }).strict();

export const coordinatorConfigSchema = z
  .object({
    node: z.string().min(1).optional(),
    /** Bearer token of the coordinator's own API (POST /migrate, /alarm, /user; GET /status). */
    token: z.string().min(8),
    listen: addrPort,
    /** Default token for the agents' and gateways' APIs (each may name its own). */
    peerToken: z.string().min(8),
    process: z.union([z.object({ pid: z.number().int().min(1) }).strict(), z.object({ match: z.string().min(1) }).strict()]),
    main: server,
    backup: server,
    vip: ipv4,
    gateways: z.array(z.object({ name, api: addrPort, token: z.string().min(8).optional() }).strict()).min(1),
    users: z
      .array(
        z
          .object({
            name,
            gateway: name,
            fromVlan: vlan.default(1),
            toVlan: vlan.default(2),
            /** Embodiment 3: a load migration switches only the users nearest the backup site. */
            nearest: z.enum(['main', 'backup']).default('backup'),
          })
          .strict(),
      )
      .min(1),
    options: z
      .object({
        /** P1: false is the no-pause mode (§6 10): no freeze, no resume messages. */
        pause: z.boolean().default(true),
        vipMode: vipModeSchema.default('move'),
        routerMac: z.enum(['same', 'garp', 'different']).default('same'),
        /** network-first only to show what the patent's order avoids (§6 11). */
        order: z.enum(['patent', 'network-first']).default('patent'),
      })
      .strict()
      .default({}),
    router: z.object({ ip: ipv4, mac: z.string().optional() }).strict(),
    timeouts: z
      .object({
        switchMs: z.number().int().min(10).default(5000),
        networkMs: z.number().int().min(10).default(2000),
        resumeMs: z.number().int().min(10).default(2000),
        rollbackMs: z.number().int().min(10).default(5000),
      })
      .strict()
      .default({}),
    rollbackTries: z.number().int().min(1).max(10).default(3),
    /** Keepalive period to the main agent while a migration runs; its watchdog acts after its own timeout (1 s by default). */
    keepaliveMs: z.number().int().min(10).default(250),
    /** Embodiment 3's load trigger: off when absent. */
    load: z
      .object({ threshold: z.number().gt(0), users: z.array(name).default([]), backupRunning: z.boolean().default(false) })
      .strict()
      .optional(),
  })
  .strict();

export type CoordinatorConfig = z.infer<typeof coordinatorConfigSchema> & { node: string };

export const parseCoordinatorConfig = (text: string, file: string): CoordinatorConfig => {
  const { data, source } = parseDaemonConfig(coordinatorConfigSchema, text, file);
  for (const list of ['gateways', 'users'] as const) {
    const dup = repeatedEntry(
      source,
      [list],
      'name',
      data[list].map((x) => x.name),
    );
    if (dup) throw configError(dup.position, `two ${list} are named '${dup.value}'`);
  }
  const gateways = new Set(data.gateways.map((g) => g.name));
  data.users.forEach((u, i) => {
    if (!gateways.has(u.gateway))
      throw configError(
        source.positionOf(['users', i, 'gateway']),
        `user '${u.name}' names gateway '${u.gateway}', which is not under gateways`,
      );
    if (u.fromVlan === u.toVlan)
      throw configError(source.positionOf(['users', i, 'toVlan']), `user '${u.name}' would stay on VLAN ${u.toVlan}`);
  });
  if (data.main.realIp === data.backup.realIp || data.main.agent === data.backup.agent)
    throw configError(source.positionOf(['backup']), 'main and backup are the same server');
  if (data.options.routerMac === 'garp' && !data.router.mac)
    throw configError(source.positionOf(['router']), 'routerMac: garp announces router B: give router.mac');
  return { ...data, node: nodeName(data.node) };
};

export const loadCoordinatorConfig = async (file: string): Promise<CoordinatorConfig> =>
  parseCoordinatorConfig(await readFile(file, 'utf8'), path.resolve(file));

/**
 * The plan for one migration. A load trigger is embodiment 3: the process is duplicated (the
 * VIP copied, whatever options.vipMode says) and only the users nearest the backup move.
 */
export const planFor = (config: CoordinatorConfig, trigger: TriggerSource, id: string): MigrationPlan => {
  const load = trigger.kind === 'load';
  const users = config.users.filter((u) => !load || u.nearest === 'backup');
  if (users.length === 0) throw new Error('no user is nearest the backup site: a load migration would move nobody');
  return {
    id,
    trigger,
    process: config.process,
    main: { agent: config.main.agent, realIp: config.main.realIp },
    backup: { agent: config.backup.agent, realIp: config.backup.realIp },
    vip: config.vip,
    pause: config.options.pause,
    vipMode: load ? 'copy' : config.options.vipMode,
    users: users.map((u) => ({ name: u.name, gateway: u.gateway, fromVlan: u.fromVlan, toVlan: u.toVlan })),
    routerMac: config.options.routerMac,
    router: config.router,
    timeouts: config.timeouts,
    order: config.options.order,
    rollbackTries: config.rollbackTries,
  };
};
