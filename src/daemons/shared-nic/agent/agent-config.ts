// The nic-agent config file (YAML), validated strictly; errors name file, line and problem.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { repeatedEntry } from '../../../common/repeated-entry.js';
import { configError, nodeName, parseDaemonConfig, schedulingFields } from '../../shared/daemon-config.js';

const port = z.number().int().min(1).max(65535);

export const agentConfigSchema = z
  .object({
    node: z.string().min(1).optional(),
    ...schedulingFields(0, 0),
    /** The device's API (ADDR:PORT) and token. */
    device: z.object({ api: z.string().regex(/^[\d.]+:\d+$/, 'expected ADDR:PORT'), token: z.string().min(8) }).strict(),
    /** This server's name in the device's config. */
    server: z.string().regex(/^[\w.-]+$/, 'expected a server name'),
    /** Embodiment 1: register `ip` while something listens on `port`. */
    register: z
      .object({ ip: z.string().regex(/^(\d{1,3})(\.\d{1,3}){3}$/, 'expected an IPv4 address'), port })
      .strict()
      .optional(),
    /** Embodiment 2: a row per port while something listens on it, joining in `state`. */
    ports: z
      .array(z.object({ port, state: z.enum(['active', 'standby']) }).strict())
      .min(1)
      .optional(),
    /** How often the listening sockets are read. */
    watchMs: z.number().int().min(10).max(5000).default(50),
    /** How often a registration or row is said again (idempotent: it restores what a link-down removed). */
    refreshMs: z.number().int().min(100).max(60_000).default(1000),
  })
  .strict();

export type AgentConfig = z.infer<typeof agentConfigSchema> & { node: string };

export const parseAgentConfig = (text: string, file: string): AgentConfig => {
  const { data, source } = parseDaemonConfig(agentConfigSchema, text, file);
  if (!data.register && !data.ports) throw configError(source.positionOf([]), 'give register (embodiment 1), ports (embodiment 2) or both');
  const dup = repeatedEntry(
    source,
    ['ports'],
    'port',
    (data.ports ?? []).map((p) => String(p.port)),
  );
  if (dup) throw configError(dup.position, `port ${dup.value} is listed twice`);
  return { ...data, node: nodeName(data.node) };
};

export const loadAgentConfig = async (file: string): Promise<AgentConfig> =>
  parseAgentConfig(await readFile(file, 'utf8'), path.resolve(file));
