// The nat-controller's config file (YAML), validated strictly; errors name file, line and problem.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { repeatedEntry } from '../../../common/repeated-entry.js';
import { configError, nodeName, parseDaemonConfig, schedulingFields } from '../../shared/daemon-config.js';

const ipv4 = z.string().regex(/^(\d{1,3})(\.\d{1,3}){3}$/, 'expected an IPv4 address');
const addrPort = z.string().regex(/^[\w.-]+:\d+$/, 'expected ADDR:PORT');
const name = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected a name of letters, digits, _ . -');
const endpoint = z.object({ name, api: addrPort, token: z.string().min(8).optional() }).strict();

export const controllerConfigSchema = z
  .object({
    node: z.string().min(1).optional(),
    ...schedulingFields(0, 0),
    /** Bearer token of the controller's own API (GET /status, POST /move). */
    token: z.string().min(8),
    listen: addrPort,
    /** Default token for balancer and copy store APIs (each endpoint may name its own). */
    peerToken: z.string().min(8),
    balancers: z.array(endpoint).min(1),
    copyStores: z.array(endpoint).default([]),
    /** The VIPs the controller is responsible for; a VIP any balancer reports is added. */
    vips: z.array(ipv4).default([]),
    poll: z
      .object({
        intervalMs: z.number().int().min(10).default(200),
        timeoutMs: z.number().int().min(10).default(500),
        /** Polls in a row without an answer before a balancer is dead. */
        misses: z.number().int().min(1).default(3),
        /** The same for a balancer never seen alive (still starting when the controller starts). */
        startupMisses: z.number().int().min(1).default(25),
      })
      .strict()
      .default({}),
    /** Liveness datagrams from the balancers (liveness.ts): dead after `misses` intervals of silence. */
    liveness: z
      .object({
        listen: addrPort,
        key: z.string().min(8),
        intervalMs: z.number().int().min(10).default(100),
        misses: z.number().int().min(1).default(3),
      })
      .strict()
      .optional(),
    migration: z
      .object({
        stepTimeoutMs: z.number().int().min(10).default(2000),
        /** Bound on each best-effort call to a balancer believed dead. */
        deadCallTimeoutMs: z.number().int().min(10).default(300),
        /** Failover step 3: pushed copies, servers' TCP tables (V1), or the dead balancer first if it still answers (V14). */
        failoverRows: z.enum(['copy-store', 'tcp-table', 'balancer-then-copy-store']).default('copy-store'),
        /** Failover order: address then state (the patent's steps), or state then address (V2). */
        failoverOrder: z.enum(['address-first', 'state-first']).default('address-first'),
        /** After a failed failover of a VIP, wait this long before trying it again. */
        retryMs: z.number().int().min(0).default(1000),
      })
      .strict()
      .default({}),
    failover: z
      .object({ enabled: z.boolean().default(true) })
      .strict()
      .default({}),
    policy: z
      .object({
        name: z.literal('byte-rate').default('byte-rate'),
        enabled: z.boolean().default(true),
        thresholdPercent: z.number().min(0).max(100).default(30),
        holdMs: z.number().int().min(0).default(3000),
        windowMs: z.number().int().min(10).default(2000),
        minRateBps: z.number().min(0).default(10_000),
        cooldownMs: z.number().int().min(0).default(5000),
      })
      .strict()
      .default({}),
  })
  .strict();

export type ControllerConfig = z.infer<typeof controllerConfigSchema> & { node: string };

export const parseControllerConfig = (text: string, file: string): ControllerConfig => {
  const { data, source } = parseDaemonConfig(controllerConfigSchema, text, file);
  for (const list of ['balancers', 'copyStores'] as const) {
    const dup = repeatedEntry(
      source,
      [list],
      'name',
      data[list].map((b) => b.name),
    );
    if (dup) throw configError(dup.position, `two ${list} are named '${dup.value}'`);
  }
  return { ...data, node: nodeName(data.node) };
};

export const loadControllerConfig = async (file: string): Promise<ControllerConfig> =>
  parseControllerConfig(await readFile(file, 'utf8'), path.resolve(file));
