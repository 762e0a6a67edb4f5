// The user-gateway's config file (YAML), validated strictly; errors name file, line and problem.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { repeatedEntry } from '../../../common/repeated-entry.js';
import { configError, nodeName, parseDaemonConfig } from '../../shared/daemon-config.js';

export const gatewayConfigSchema = z
  .object({
    node: z.string().min(1).optional(),
    /** Bearer token the coordinator presents. */
    token: z.string().min(8),
    listen: z.string().regex(/^[\d.]+:\d+$/, 'expected ADDR:PORT'),
    users: z
      .array(
        z
          .object({
            name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected a name of letters, digits, _ . -'),
            port: z.string().regex(/^[A-Za-z0-9_.-]{1,15}$/, 'expected an interface name'),
            vlan: z.number().int().min(1).max(4094).default(1),
          })
          .strict(),
      )
      .min(1),
    /** The switch tool that moves a port (`PORT VLAN` are appended after `port`). */
    switchCommand: z.string().min(1).default('/opt/failover-lab/bin/lab-switch'),
    /**
     * lab-switch: run switchCommand (any data plane it probes; a node start-up, ≈ 200 ms, per move).
     * bridge-per-vlan: re-enslave the port to bridge vlanN with one `ip` call (≈ 5 ms), for a
     * switch that lab-switch set up with a bridge per VLAN (this kernel: no VLAN filtering).
     */
    switchMode: z.enum(['lab-switch', 'bridge-per-vlan']).default('lab-switch'),
    /** Gratuitous ARPs for r after a switch, when the request asks (§6 12). */
    announce: z
      .object({ count: z.number().int().min(1).max(10).default(3), intervalMs: z.number().int().min(0).default(20) })
      .strict()
      .default({}),
  })
  .strict();

export type GatewayConfig = z.infer<typeof gatewayConfigSchema> & { node: string };

export const parseGatewayConfig = (text: string, file: string): GatewayConfig => {
  const { data, source } = parseDaemonConfig(gatewayConfigSchema, text, file);
  for (const key of ['name', 'port'] as const) {
    const dup = repeatedEntry(
      source,
      ['users'],
      key,
      data.users.map((u) => u[key]),
    );
    if (dup) throw configError(dup.position, `two users have ${key} '${dup.value}'`);
  }
  return { ...data, node: nodeName(data.node) };
};

export const loadGatewayConfig = async (file: string): Promise<GatewayConfig> =>
  parseGatewayConfig(await readFile(file, 'utf8'), path.resolve(file));
