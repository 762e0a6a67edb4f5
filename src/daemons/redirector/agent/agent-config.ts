// The back-end agent's config file (YAML), validated strictly; errors name file, line and problem.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { configError, nodeName, parseDaemonConfig } from '../../shared/daemon-config.js';

const hostPort = z.string().regex(/^[\d.]+:\d+$/, 'expected ADDR:PORT');

export const agentConfigSchema = z
  .object({
    /** Must be the back end's name in the redirector's config: reports are refused otherwise. */
    node: z.string().min(1).optional(),
    key: z.string().min(8),
    /** This agent's address and port (commands come here; reports leave from here). */
    listen: hostPort,
    /** The redirector's inside address and agents port; a list for a pair of front ends (each gets every report). */
    redirector: z.union([hostPort, z.array(hostPort).min(1).max(8)]),
    intervalMs: z.number().int().min(10).max(60_000).default(100),
    /**
     * The load metric: `file` reads a number (0..1) from a file (a synthetic load the scenarios
     * set); `connections` is the live connections on the service ports ÷ capacity.
     */
    load: z
      .discriminatedUnion('source', [
        z.object({ source: z.literal('file'), file: z.string().min(1) }).strict(),
        z.object({ source: z.literal('connections'), capacity: z.number().int().min(1) }).strict(),
      ])
      .default({ source: 'connections', capacity: 1000 }),
    services: z
      .array(
        z
          .object({
            port: z.number().int().min(1).max(65535),
            /** Shell command that starts the service's process (scale-out); it must listen on `port`. */
            start: z.string().min(1).optional(),
            /** Shell command that stops it when this agent did not start it; otherwise the agent signals what it started. */
            stop: z.string().min(1).optional(),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export type AgentConfig = z.infer<typeof agentConfigSchema> & { node: string };

export const parseAgentConfig = (text: string, file: string): AgentConfig => {
  const { data, source } = parseDaemonConfig(agentConfigSchema, text, file);
  const seen = new Set<number>();
  data.services.forEach((s, i) => {
    if (seen.has(s.port)) throw configError(source.positionOf(['services', i, 'port']), `service ${s.port} is listed twice`);
    seen.add(s.port);
  });
  return { ...data, node: nodeName(data.node) };
};

export const loadAgentConfig = async (file: string): Promise<AgentConfig> =>
  parseAgentConfig(await readFile(file, 'utf8'), path.resolve(file));
