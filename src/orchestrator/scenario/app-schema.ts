// The `apps:` section: the user's own containers (any local image), each started with
// testcontainers inside a lab node's network namespace (runner/apps.ts, docs/apps.md).
// Cross-checks the schema cannot make (the node exists, exactly one wait) are in parse-scenario.
import { z } from 'zod';
import { durationMs } from './schema-kit.js';

export const BIND_PATTERN = /^[^:]+:\/[^:]*(:(ro|rw))?$/;

export const appWaitSchema = z
  .object({
    /** A TCP port that must be listening in the node's namespace. */
    port: z.number().int().min(1).max(65535).optional(),
    /** A regular expression a line of the app's output must match. */
    logLine: z.string().min(1).optional(),
    /** How many lines must match `logLine` (default 1). */
    times: z.number().int().min(1).optional(),
    /** A command run inside the app container that must exit 0 (run through `sh -c`). */
    command: z.string().min(1).optional(),
  })
  .strict();

export const appSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'an app name is letters, digits, _ . -'),
    /** The lab node whose network namespace the app joins (network mode container:<node>). */
    node: z.string().min(1),
    /** Any image already in the engine (nothing is pulled: the lab runs offline). */
    image: z.string().min(1),
    /** Split into words like containerlab's `cmd` (no shell); default: the image's own. */
    command: z.union([z.string().min(1), z.array(z.string()).min(1)]).optional(),
    env: z.record(z.union([z.string(), z.number(), z.boolean()]).transform(String)).default({}),
    /** HOST:CONTAINER[:ro|rw]; a relative host path is relative to the scenario file. */
    binds: z.array(z.string().regex(BIND_PATTERN, 'expected HOST:/CONTAINER[:ro|rw], e.g. ./data:/data:ro')).default([]),
    wait: appWaitSchema.optional(),
    startupTimeout: durationMs.default(30_000),
  })
  .strict();

export type AppSpec = z.infer<typeof appSchema>;
export type AppWait = z.infer<typeof appWaitSchema>;
