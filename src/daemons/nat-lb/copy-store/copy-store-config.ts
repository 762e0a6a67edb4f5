// The copy store's config file (YAML), validated strictly; errors name file, line and problem.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { repeatedEntry } from '../../../common/repeated-entry.js';
import { configError, nodeName, parseDaemonConfig } from '../../shared/daemon-config.js';

const ipv4 = z.string().regex(/^(\d{1,3})(\.\d{1,3}){3}$/, 'expected an IPv4 address');
const port = z.number().int().min(1).max(65535);

export const copyStoreConfigSchema = z
  .object({
    node: z.string().min(1).optional(),
    /** Bearer token the balancers (PUT) and the controller (GET) present. */
    token: z.string().min(8),
    listen: z.string().regex(/^[\d.]+:\d+$/, 'expected ADDR:PORT'),
    /** Leave a balancer's snapshot out of reads once it is this old (it stopped pushing). */
    maxAgeMs: z.number().int().min(1).optional(),
    /** Variant 1: the VIPs this server belongs to, rebuilt from its own TCP table on GET /tcp-table. */
    tcpTable: z.array(z.object({ vip: ipv4, ports: z.array(port).min(1), serverIp: ipv4.optional() }).strict()).default([]),
  })
  .strict();

export type CopyStoreConfig = z.infer<typeof copyStoreConfigSchema> & { node: string };

export const parseCopyStoreConfig = (text: string, file: string): CopyStoreConfig => {
  const { data, source } = parseDaemonConfig(copyStoreConfigSchema, text, file);
  const dup = repeatedEntry(
    source,
    ['tcpTable'],
    'vip',
    data.tcpTable.map((t) => t.vip),
  );
  if (dup) throw configError(dup.position, `VIP ${dup.value} is listed twice in tcpTable`);
  return { ...data, node: nodeName(data.node) };
};

export const loadCopyStoreConfig = async (file: string): Promise<CopyStoreConfig> =>
  parseCopyStoreConfig(await readFile(file, 'utf8'), path.resolve(file));
