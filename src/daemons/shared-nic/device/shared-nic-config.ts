// The shared-nic (device) config file (YAML), validated strictly; errors name file, line and
// problem. The servers behind the device are configuration (the patent's interconnect is);
// which IPs and ports they serve is not: that comes from their agents at run time.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { repeatedEntry } from '../../../common/repeated-entry.js';
import { configError, nodeName, parseDaemonConfig, schedulingFields } from '../../shared/daemon-config.js';

const ipv4 = z.string().regex(/^(\d{1,3})(\.\d{1,3}){3}$/, 'expected an IPv4 address');
const iface = z.string().regex(/^[A-Za-z0-9_.-]{1,15}$/, 'expected an interface name');
const mac = z.string().regex(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/, 'expected a lower-case MAC like 02:00:00:00:00:32');

export const sharedNicConfigSchema = z
  .object({
    node: z.string().min(1).optional(),
    ...schedulingFields(0, 0),
    /** Bearer token of the API (the agents' commands and GET /status). */
    token: z.string().min(8),
    /** ADDR:PORT; reachable from the servers' links, never from NIC 31 (TCP there is refused). */
    listen: z.string().regex(/^[\d.]+:\d+$/, 'expected ADDR:PORT'),
    /** NIC 31: the one interface on the clients' network, its pinned MAC 32 and the device's IP 37. */
    external: z
      .object({
        iface,
        mac,
        address: z.string().regex(/^(\d{1,3})(\.\d{1,3}){3}\/\d{1,2}$/, 'expected ADDR/LEN, e.g. 198.18.40.37/24'),
      })
      .strict(),
    servers: z.array(z.object({ name: z.string().regex(/^[\w.-]+$/, 'expected a server name'), iface, address: ipv4 }).strict()).min(1),
    /** How often the links to the servers are read; a link that went down deregisters its server. */
    linkPollMs: z.number().int().min(10).max(5000).default(100),
    /** Gratuitous ARP announcements (MAC 32) when an IP is registered; 0: none. */
    garpOnRegister: z.number().int().min(0).max(5).default(1),
    /**
     * Optional, beyond the patent: switch a port to its first standby when the active server
     * fails `failures` TCP health checks in a row (one every `intervalMs`), or when the active
     * row leaves. Off unless given. `holdRefused`: a connection request the active server
     * refuses starts a check at once, and its reset waits until that check has switched the
     * port (or found the server healthy), so the client's next try meets the new active.
     */
    autoSwitch: z
      .object({
        intervalMs: z.number().int().min(10).max(10_000).default(100),
        timeoutMs: z.number().int().min(5).max(10_000).default(100),
        failures: z.number().int().min(1).max(100).default(2),
        holdRefused: z.boolean().default(true),
      })
      .strict()
      .optional(),
  })
  .strict();

export type SharedNicConfig = z.infer<typeof sharedNicConfigSchema> & { node: string; deviceIp: string; prefixLength: number };

export const parseSharedNicConfig = (text: string, file: string): SharedNicConfig => {
  const { data, source } = parseDaemonConfig(sharedNicConfigSchema, text, file);
  const [deviceIp, len] = data.external.address.split('/') as [string, string];
  const prefixLength = Number(len);
  if (prefixLength < 8 || prefixLength > 30)
    throw configError(source.positionOf(['external', 'address']), `prefix length ${prefixLength} must be 8–30`);
  for (const key of ['name', 'iface', 'address'] as const) {
    const dup = repeatedEntry(
      source,
      ['servers'],
      key,
      data.servers.map((s) => s[key]),
    );
    if (dup) throw configError(dup.position, `${key} ${dup.value} is given to two servers`);
  }
  const ext = data.servers.findIndex((s) => s.iface === data.external.iface);
  if (ext >= 0) throw configError(source.positionOf(['servers', ext, 'iface']), `${data.external.iface} is NIC 31, not a server link`);
  return { ...data, node: nodeName(data.node), deviceIp, prefixLength };
};

export const loadSharedNicConfig = async (file: string): Promise<SharedNicConfig> =>
  parseSharedNicConfig(await readFile(file, 'utf8'), path.resolve(file));
