// The migration-agent's config file (YAML), validated strictly; errors name file, line and problem.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { configError, nodeName, parseDaemonConfig } from '../../shared/daemon-config.js';
import { ipv4 } from '../protocol.js';
import { sharedAddress } from './user-census.js';

const addrPort = z.string().regex(/^[\d.]+:\d+$/, 'expected ADDR:PORT');

export const agentConfigSchema = z
  .object({
    node: z.string().min(1).optional(),
    /** Bearer token the coordinator presents (control network). */
    token: z.string().min(8),
    /** The coordinator-facing API, on the control network. */
    listen: addrPort,
    /** This server's real IP (a2, b2): how the coordinator names it in S706 and S709. */
    realIp: ipv4,
    /** The other server's agent, reached on the migration network. */
    peer: z.object({ name: z.string().min(1), api: addrPort }).strict(),
    peerToken: z.string().min(8),
    /** This agent's API for its peer, on the migration network; image streams arrive on the same address. */
    peerListen: addrPort,
    vipDevice: z.string().min(1).default('lo'),
    imagesDir: z.string().startsWith('/').default('/var/tmp/migration'),
    peerTimeoutMs: z.number().int().min(10).default(10_000),
    /**
     * criu: any unmodified process (CRIU); probe-state: the probe server's connections only,
     * rebuilt with TCP_REPAIR (the fast path); cold: the baseline — stop, move the VIP, the
     * clients reconnect (cold-switching.ts).
     */
    method: z.enum(['criu', 'probe-state', 'cold']).default('criu'),
    probe: z
      .object({
        /** The probe server's control port on this node. */
        control: addrPort.default('127.0.0.1:7001'),
        /** The service port whose connections move. */
        port: z.number().int().min(1).max(65535).default(7000),
        match: z.string().min(1).default('dist/src/probe/main.js server'),
      })
      .strict()
      .default({}),
    /** On the main server: what to do if the coordinator's keepalives stop mid-migration (coordinator-watchdog.ts). */
    watchdog: z
      .object({
        /** Silence after which the agent finishes the migration alone (the coordinator sends every 250 ms by default). */
        timeoutMs: z.number().int().min(100).default(1000),
        checkMs: z.number().int().min(10).default(50),
        /** The user gateways, on the control network: asked where the users are, and to move them. */
        gateways: z.array(z.object({ name: z.string().min(1), api: addrPort, token: z.string().min(8) }).strict()).default([]),
      })
      .strict()
      .default({}),
    /**
     * Embodiment 3, on the main server: the users that hold a connection to the service here,
     * reported to the coordinator's load monitor as they come and go (POST /user). It counts
     * them against its threshold and starts the load migration.
     */
    userReport: z
      .object({
        /** The coordinator's API, on the control network, and its token. */
        coordinator: addrPort,
        token: z.string().min(8),
        /** The service: its connections' far ends are the users. */
        vip: ipv4,
        port: z.number().int().min(1).max(65535),
        /** User name → the address it connects from. */
        users: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'a user name: letters, digits, _ . -'), ipv4),
        everyMs: z.number().int().min(20).default(200),
      })
      .strict()
      .optional(),
    criu: z
      .object({
        command: z.string().min(1).default('criu'),
        /**
         * Who keeps the clients' segments from being answered while the connections move: `agent`
         * (the default) holds the VIP itself with one nftables set element and skips CRIU's lock;
         * `iptables` (CRIU's default: a command per connection, 10 s to dump 1,000) or
         * `nftables` (CRIU aborts past 1,024 descriptors) leave it to CRIU.
         */
        networkLock: z.enum(['agent', 'iptables', 'nftables']).default('agent'),
        extraArgs: z.array(z.string()).default([]),
        timeoutMs: z.number().int().min(100).default(30_000),
        /** The frozen service's send queues get this long to be acknowledged before the dump (switching.ts says why); 0: dump at once. */
        drainMs: z.number().int().min(0).max(5_000).default(500),
      })
      .strict()
      .default({}),
  })
  .strict();

export type AgentConfig = z.infer<typeof agentConfigSchema> & { node: string };

export const parseAgentConfig = (text: string, file: string): AgentConfig => {
  const { data, source } = parseDaemonConfig(agentConfigSchema, text, file);
  if (data.listen === data.peerListen)
    throw configError(
      source.positionOf(['peerListen']),
      'peerListen must differ from listen (control and migration networks are separate)',
    );
  const shared = sharedAddress(data.userReport?.users ?? {});
  if (shared)
    throw configError(
      source.positionOf(['userReport', 'users', shared.second]),
      `users ${shared.first} and ${shared.second} share the address ${shared.address}`,
    );
  return { ...data, node: nodeName(data.node) };
};

export const loadAgentConfig = async (file: string): Promise<AgentConfig> =>
  parseAgentConfig(await readFile(file, 'utf8'), path.resolve(file));
