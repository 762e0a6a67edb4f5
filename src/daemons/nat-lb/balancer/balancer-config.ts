// The nat-balancer config file (YAML), validated strictly; errors name file, line and problem.
// Every balancer lists every VIP of the site (its server and inside address), so that it can
// take any of them over; `owned` says which ones it serves at start.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { repeatedEntry } from '../../../common/repeated-entry.js';
import { configError, nodeName, parseDaemonConfig, schedulingFields } from '../../shared/daemon-config.js';

const ipv4 = z.string().regex(/^(\d{1,3})(\.\d{1,3}){3}$/, 'expected an IPv4 address');
const hostPort = z.string().regex(/^[\d.]+:\d+$/, 'expected ADDR:PORT');
const iface = z.string().regex(/^[A-Za-z0-9_.-]{1,15}$/, 'expected an interface name');

export const balancerConfigSchema = z
  .object({
    node: z.string().min(1).optional(),
    ...schedulingFields(0, 0),
    /** Bearer token of the control and status API. */
    token: z.string().min(8),
    listen: hostPort,
    /** dnat: embodiment 1 (servers see the client); fullnat: embodiment 2 (source = the VIP's inside address). */
    nat: z.enum(['dnat', 'fullnat']),
    outside: z.object({ iface }).strict(),
    inside: z.object({ iface }).strict(),
    /** Packets to an address in this prefix that is in no mode table here get an error back. */
    vipPrefix: z.string().regex(/^(\d{1,3})(\.\d{1,3}){3}\/\d{1,2}$/, 'expected ADDR/LEN'),
    migration: z
      .object({
        /** queue: hold in the kernel and release in order (the patent); drop: variant 3, TCP retransmits. */
        hold: z.enum(['queue', 'drop']).default('queue'),
        /** Packets held per VIP before the kernel drops further ones (counted as holdOverflow). */
        queueMaxLength: z.number().int().min(16).max(1_000_000).default(65536),
        /** NFQUEUE numbers are queueBase + the VIP's index in `vips`. */
        queueBase: z.number().int().min(0).max(65000).default(100),
      })
      .strict()
      .default({}),
    garp: z
      .object({ count: z.number().int().min(1).max(20).default(2), intervalMs: z.number().int().min(0).default(50) })
      .strict()
      .default({}),
    /** Push each server's rows to its copy store (PUT /copy) while they change. */
    copyStore: z
      .object({ port: z.number().int().min(1).max(65535), token: z.string().min(8), intervalMs: z.number().int().min(50).default(250) })
      .strict()
      .optional(),
    /** Liveness datagrams to the controller(s) (../liveness.ts), from a worker thread at realtime priority. */
    liveness: z
      .object({
        to: z.array(z.string().regex(/^[\w.-]+:\d+$/, 'expected ADDR:PORT')).min(1),
        key: z.string().min(8),
        intervalMs: z.number().int().min(10).default(100),
        /** SCHED_RR priority of the sending thread (0: none); needs a node with a realtime budget. */
        realtimePriority: z.number().int().min(0).max(99).default(10),
      })
      .strict()
      .optional(),
    vips: z
      .array(
        z
          .object({
            vip: ipv4,
            /** Moves with the VIP: the server's router (dnat) or the translated source (fullnat). */
            inside: ipv4,
            server: ipv4,
            owned: z.boolean().default(false),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

export type BalancerConfig = z.infer<typeof balancerConfigSchema> & { node: string };
export type VipConfig = BalancerConfig['vips'][number];

export const parseBalancerConfig = (text: string, file: string): BalancerConfig => {
  const { data, source } = parseDaemonConfig(balancerConfigSchema, text, file);
  const seen = new Map<string, string>();
  data.vips.forEach((v, i) => {
    for (const [key, address] of [
      ['vip', v.vip],
      ['inside', v.inside],
    ] as const) {
      const other = seen.get(address);
      if (other)
        throw configError(
          source.positionOf(['vips', i, key]),
          `${address} is already ${other}; every VIP and inside address must be distinct`,
        );
      seen.set(address, `the ${key} of VIP ${v.vip}`);
    }
  });
  if (data.nat === 'dnat') {
    const dup = repeatedEntry(
      source,
      ['vips'],
      'server',
      data.vips.map((v) => v.server),
    );
    if (dup)
      throw configError(
        dup.position,
        `server ${dup.value} belongs to two VIPs; in dnat each server routes via exactly one VIP's inside address`,
      );
  }
  return { ...data, node: nodeName(data.node) };
};

export const loadBalancerConfig = async (file: string): Promise<BalancerConfig> =>
  parseBalancerConfig(await readFile(file, 'utf8'), path.resolve(file));
