// The redirector's config file (YAML), validated strictly; errors name file, line and problem.
// Every choice seed 002 leaves open is a field here, with the default docs/redirector.md argues.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { configError, nodeName, parseDaemonConfig, schedulingFields } from '../../shared/daemon-config.js';

const ipv4 = z.string().regex(/^(\d{1,3})(\.\d{1,3}){3}$/, 'expected an IPv4 address');
const hostPort = z.string().regex(/^[\d.]+:\d+$/, 'expected ADDR:PORT');
const iface = z.string().regex(/^[A-Za-z0-9_.-]{1,15}$/, 'expected an interface name');
const name = z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/, 'expected a back-end name (letters, digits, _ . -)');
const port = z.number().int().min(1).max(65535);
/** Ratios are small integers: the kernel walks one cycle of sum-of-ratios picks. */
export const ratioSchema = z.number().int().min(0).max(100);

export const redirectorConfigSchema = z
  .object({
    node: z.string().min(1).optional(),
    ...schedulingFields(0, 0),
    /** Bearer token of the status and admin API. */
    token: z.string().min(8),
    listen: hostPort,
    /** The front-end address clients connect to, on `outside.iface`. */
    vip: ipv4,
    /** The back ends' router (their route to the clients' net), on `inside.iface`: replies come back here. */
    inside: ipv4,
    outside: z.object({ iface }).strict(),
    insideIface: iface,
    /** Configure vip and inside at start (and announce them); false when something else owns them. */
    takeAddresses: z.boolean().default(true),
    backends: z.array(z.object({ name, ip: ipv4 }).strict()).min(1),
    services: z
      .array(
        z
          .object({
            port,
            backends: z.array(z.object({ name, ratio: ratioSchema }).strict()),
            /** Back ends that may host this service when all of its own are overloaded (claim 7), in order of preference. */
            spares: z.array(name).default([]),
          })
          .strict(),
      )
      .min(1),
    health: z
      .object({
        /** agent: the back-end agent's signed reports; tcp: a connect to `tcpPort` every interval. */
        method: z.enum(['agent', 'tcp']).default('agent'),
        intervalMs: z.number().int().min(10).max(60_000).default(100),
        /** A back end is dead after this many intervals without a report (or failed connects in a row). */
        misses: z.number().int().min(1).max(100).default(3),
        tcpPort: port.optional(),
        /** No back end is declared dead this long after the start (agents still finding our address, a node busy starting processes). */
        startGraceMs: z.number().int().min(0).max(60_000).default(3000),
        /** admin: a failed back end comes back only when the admin re-adds it (the patent); auto: when it answers again. */
        reAdd: z.enum(['admin', 'auto']).default('admin'),
      })
      .strict()
      .default({}),
    agents: z
      .object({
        /** UDP port of the agents (commands go there) and of this daemon on `inside` (reports come here). */
        port,
        key: z.string().min(8),
        /**
         * Where this daemon hears the agents: `inside` by default. A front end of a pair listens on
         * its own inside address, so the standby hears every report too and knows each back end's
         * health when it takes over (the agents send to both).
         */
        listenIp: ipv4.optional(),
      })
      .strict(),
    load: z
      .object({
        /** A back end whose reported load (0..1) is at or above this is overloaded. */
        threshold: z.number().min(0).max(10).default(0.8),
        /** How much one overload lowers its ratio. */
        step: ratioSchema.default(1),
        /** The ratio load never lowers below (0 would drain by load alone). */
        minRatio: ratioSchema.default(1),
        /** Between two step-downs of one back end: the lowered ratio needs time to show in its load. */
        cooldownMs: z.number().int().min(0).default(2000),
      })
      .strict()
      .default({}),
    scaleOut: z
      .object({
        enabled: z.boolean().default(false),
        /** All of a service's back ends must stay overloaded this long. */
        holdMs: z.number().int().min(0).default(500),
        /** The new back end's ratio once it listens. */
        ratio: ratioSchema.default(1),
        startTimeoutMs: z.number().int().min(100).default(10_000),
      })
      .strict()
      .default({}),
    routes: z
      .object({
        /** Table 111 applies conntrack's queued events this often (after one dump at the start). */
        refreshMs: z.number().int().min(20).max(60_000).default(100),
      })
      .strict()
      .default({}),
    /** On a back end's failure tell its clients at once (an out-of-window ACK they answer into a reset). */
    kick: z.boolean().default(true),
    /**
     * Two front ends, no single point of failure: arp-ha moves `vip` and `inside` between them
     * (both nodes hold both addresses, arp-ha's ARP gate decides who answers), and the standby
     * copies the active's forwarded connections into its own conntrack every `syncMs`, with their
     * NAT bindings, so they survive the active's crash.
     */
    pair: z
      .object({
        /** The peer's API (its `listen`); the peer has the same `token`. */
        peer: hostPort,
        syncMs: z.number().int().min(20).max(10_000).default(100),
        /**
         * While standby, keep what the switch floods here for the active once its port is gone
         * (the copied connections' segments: the ends' first retransmissions, the receivers' last
         * ACKs) and forward it at the takeover, before the kick (front/flood-catch.ts).
         */
        forwardFlooded: z.boolean().default(true),
        /**
         * Who is active: arp-ha's group of `vip` on this node. arp-ha tells its mode changes
         * (its group's `notify` POSTs to this daemon's /role); its status API is read every
         * `pollMs` only to catch up a lost notice.
         */
        arpHa: z
          .object({
            status: hostPort,
            token: z.string().min(8),
            group: z.string().min(1),
            pollMs: z.number().int().min(5).max(10_000).default(500),
          })
          .strict(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type RedirectorConfig = z.infer<typeof redirectorConfigSchema> & { node: string };

export const parseRedirectorConfig = (text: string, file: string): RedirectorConfig => {
  const { data, source } = parseDaemonConfig(redirectorConfigSchema, text, file);
  const known = new Set<string>();
  data.backends.forEach((b, i) => {
    if (known.has(b.name)) throw configError(source.positionOf(['backends', i, 'name']), `back end ${b.name} is listed twice`);
    known.add(b.name);
  });
  const ports = new Set<number>();
  data.services.forEach((s, i) => {
    if (ports.has(s.port)) throw configError(source.positionOf(['services', i, 'port']), `service ${s.port} is listed twice`);
    ports.add(s.port);
    const inService = new Set<string>();
    s.backends.forEach((b, j) => {
      if (!known.has(b.name))
        throw configError(
          source.positionOf(['services', i, 'backends', j, 'name']),
          `no back end ${b.name}; backends: lists ${[...known].join(', ')}`,
        );
      if (inService.has(b.name))
        throw configError(source.positionOf(['services', i, 'backends', j, 'name']), `${b.name} is in service ${s.port} twice`);
      inService.add(b.name);
    });
    s.spares.forEach((b, j) => {
      if (!known.has(b))
        throw configError(source.positionOf(['services', i, 'spares', j]), `no back end ${b}; backends: lists ${[...known].join(', ')}`);
      if (inService.has(b))
        throw configError(source.positionOf(['services', i, 'spares', j]), `${b} already serves ${s.port}; a spare must lack it`);
    });
  });
  if (data.pair && data.takeAddresses)
    throw configError(
      source.positionOf(['pair']),
      'a front end of a pair does not own vip and inside (arp-ha moves them): set takeAddresses: false',
    );
  if (data.health.method === 'tcp' && data.health.tcpPort === undefined)
    throw configError(source.positionOf(['health', 'method']), 'health method tcp needs health.tcpPort');
  return { ...data, node: nodeName(data.node) };
};

export const loadRedirectorConfig = async (file: string): Promise<RedirectorConfig> =>
  parseRedirectorConfig(await readFile(file, 'utf8'), path.resolve(file));
