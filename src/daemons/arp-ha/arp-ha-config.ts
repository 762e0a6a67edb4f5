// The daemon's config file (YAML), validated strictly; errors name file, line and problem.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { repeatedEntry } from '../../common/repeated-entry.js';
import { configError, nodeName, parseDaemonConfig, schedulingFields } from '../shared/daemon-config.js';

const ipv4 = z.string().regex(/^(\d{1,3})(\.\d{1,3}){3}$/, 'expected an IPv4 address');

const checkSchema = z.union([
  z
    .object({
      tcp: z.string().regex(/^[\d.]+:\d+$/, 'expected ADDR:PORT'),
      intervalMs: z.number().int().min(10).default(200),
      timeoutMs: z.number().int().min(10).default(200),
      failures: z.number().int().min(1).default(2),
    })
    .strict(),
  z
    .object({
      command: z.string().min(1),
      intervalMs: z.number().int().min(10).default(500),
      timeoutMs: z.number().int().min(10).default(1000),
      failures: z.number().int().min(1).default(2),
    })
    .strict(),
  // A file's content (e.g. /sys/class/net/eth1/carrier = 1): read without spawning anything.
  z
    .object({
      file: z.string().min(1),
      equals: z.string(),
      intervalMs: z.number().int().min(10).default(200),
      failures: z.number().int().min(1).default(2),
    })
    .strict(),
]);

const notifySchema = z
  .object({
    /** http://ADDR:PORT/PATH; the listener's JSON API (daemons/shared/json-api.ts). */
    url: z
      .string()
      .regex(/^http:\/\/[\d.]+:\d+\/\S*$/, 'expected http://ADDR:PORT/PATH (a local listener; no TLS, no names to resolve mid-failover)'),
    /** The listener's bearer token. */
    token: z.string().min(8),
    /** A notice not answered by then is reported; the listener's own slow poll is its safety net. */
    timeoutMs: z.number().int().min(10).max(5000).default(500),
  })
  .strict();

export const arpHaConfigSchema = z
  .object({
    node: z.string().min(1).optional(),
    /** Bearer token of the status API. */
    token: z.string().min(8),
    status: z
      .object({ listen: z.string().regex(/^[\d.]+:\d+$/, 'expected ADDR:PORT') })
      .strict()
      .optional(),
    ...schedulingFields(10, -10),
    /** Heartbeat HMAC key, shared by the group. */
    key: z.string().min(8),
    heartbeat: z
      .object({
        intervalMs: z.number().int().min(10).default(100),
        misses: z.number().int().min(1).default(3),
        port: z.number().int().min(1).max(65535).default(7946),
        /** INITIAL listens this long before choosing, so servers booting a moment apart still elect by rank. */
        startupWaitMs: z.number().int().min(0).optional(),
        paths: z.array(z.object({ name: z.string().regex(/^[A-Za-z0-9_-]+$/), local: ipv4, peers: z.array(ipv4).min(1) }).strict()).min(1),
      })
      .strict(),
    groups: z
      .array(
        z
          .object({
            name: z.string().regex(/^[A-Za-z0-9_-]+$/),
            vip: ipv4,
            iface: z.string().min(1),
            priority: z.number().int().min(0).max(255).default(100),
            preempt: z.boolean().default(false),
            garp: z
              .object({ count: z.number().int().min(1).max(20).default(2), intervalMs: z.number().int().min(0).default(50) })
              .strict()
              .default({}),
            check: checkSchema.optional(),
            /**
             * keepalived's notify: POST this group's every mode change to a local listener (the
             * redirector of a front-end pair), so it acts on a takeover without polling the status.
             */
            notify: notifySchema.optional(),
            /** Beyond the patent, level 1: replicate the service port's client list; a new active resets them at once. */
            fastFail: z
              .object({ port: z.number().int().min(1).max(65535) })
              .strict()
              .optional(),
            /**
             * Beyond the patent, level 2: the application (its control port `app`) checkpoints the
             * service port's connections; a new active rebuilds them with TCP_REPAIR. Clients whose
             * connection cannot be rebuilt are reset at once (level 1).
             */
            takeover: z
              .object({
                port: z.number().int().min(1).max(65535),
                app: z.string().regex(/^[\d.]+:\d+$/, 'expected ADDR:PORT'),
                /** How long the new active waits for the clients' answers. */
                answerWaitMs: z.number().int().min(1).max(5000).default(100),
                restoreTimeoutMs: z.number().int().min(10).max(10_000).default(1000),
              })
              .strict()
              .optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export type ArpHaConfig = z.infer<typeof arpHaConfigSchema> & { node: string };

export const parseArpHaConfig = (text: string, file: string): ArpHaConfig => {
  const { data, source } = parseDaemonConfig(arpHaConfigSchema, text, file);
  const dup = repeatedEntry(
    source,
    ['groups'],
    'name',
    data.groups.map((g) => g.name),
  );
  if (dup) throw configError(dup.position, `two groups are named '${dup.value}'`);
  return { ...data, node: nodeName(data.node) };
};

export const loadArpHaConfig = async (file: string): Promise<ArpHaConfig> =>
  parseArpHaConfig(await readFile(file, 'utf8'), path.resolve(file));
