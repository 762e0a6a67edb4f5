// The scenario file format, as strict zod schemas: unknown keys are errors, durations and
// rates accept the forms people write (`2s`, `1MB/s`). Faults are a union on `fault`,
// workloads one on `kind` (workload-schema.ts).
import { z } from 'zod';
import { EntryFilterSchema } from '../checker/checks-from-config.js';
import { SURVIVAL_CLASSES } from '../checker/survival-class.js';
import { appSchema } from './app-schema.js';
import { durationMs, nodeName } from './schema-kit.js';
import { workloadSchema } from './workload-schema.js';

const at = z.union([durationMs, z.tuple([durationMs, durationMs])]);
/** A condition: N streams established (of one workload, or all), then `delay` more (so the streams carry data before the fault). */
const when = z
  .object({ streamsEstablished: z.number().int().min(1), workload: z.string().optional(), delay: durationMs.optional() })
  .strict();

const timing = { at: at.optional(), when: when.optional(), duration: durationMs.optional() };
const withTiming = <F extends string, T extends z.ZodRawShape>(fault: F, shape: T) =>
  z.object({ fault: z.literal(fault), ...timing, ...shape }).strict();

const restartAfter = durationMs.optional();

export const faultSchema = z.discriminatedUnion('fault', [
  withTiming('crash', { node: nodeName, restartAfter }),
  withTiming('kill', { node: nodeName, restartAfter }),
  withTiming('stop', { node: nodeName, restartAfter }),
  withTiming('pause', { node: nodeName }),
  withTiming('kill-process', {
    node: nodeName,
    /** pkill -f pattern, or `probe-server` for the scenario's probe server on that node. */
    match: z.string().min(1),
    signal: z.enum(['KILL', 'TERM', 'INT', 'STOP']).default('KILL'),
    restartAfter,
    restart: z.string().optional(),
  }),
  withTiming('link-down', { node: nodeName, iface: z.string().min(1) }),
  withTiming('link-flap', {
    node: nodeName,
    iface: z.string().min(1),
    down: durationMs,
    up: durationMs.default(0),
    count: z.number().int().min(1).default(1),
  }),
  withTiming('partition', {
    from: z.array(nodeName).min(1),
    to: z.array(nodeName).min(1),
    oneWay: z.boolean().default(false),
    protocol: z.enum(['tcp', 'udp', 'icmp', 'vrrp']).optional(),
    port: z.number().int().min(1).max(65535).optional(),
  }),
  withTiming('loss', {
    node: nodeName,
    iface: z.string().optional(),
    percent: z.number().min(0).max(100),
    direction: z.enum(['in', 'out', 'both']).default('both'),
  }),
  withTiming('command', { node: nodeName, run: z.string().min(1), undo: z.string().optional() }),
]);

export const daemonSchema = z
  .object({
    node: nodeName,
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/),
    command: z.string().min(1),
    /**
     * At teardown, stop this daemon (and wait for it) before the others, which then stop all at
     * once: a daemon that acts on the others' failures (a controller) must not see them leave.
     */
    stopFirst: z.boolean().default(false),
  })
  .strict();

export const captureSchema = z
  .object({
    links: z.array(z.string().regex(/^[^:]+:[^:]+$/, 'expected NODE:IFACE')).min(1),
    keep: z.enum(['on-failure', 'always']).default('on-failure'),
    /** tcpdump filter expression for every link; with one, the captured IPv4 packets join the history (keep them few). */
    filter: z.string().min(1).optional(),
  })
  .strict();

export const scenarioFileSchema = <C extends z.ZodTypeAny>(checks: C) =>
  z
    .object({
      name: z
        .string()
        .regex(/^[A-Za-z0-9_.-]+$/)
        .optional(),
      description: z.string().optional(),
      /** Path of a containerlab topology file, relative to the scenario file. */
      topology: z.string().min(1),
      /** The survival class the mechanism promises (DESIGN §5): an implied check of its own (checker/survival-class.ts). */
      expect: z.enum(SURVIVAL_CLASSES).default('session'),
      seed: z.number().int().min(0).default(1),
      repeat: z.number().int().min(1).max(1000).default(1),
      /** Reruns of a failed repeat (runner/rerun-policy.ts, at most MAX_RERUNS = 5); --reruns and $FAILOVER_LAB_RERUNS win. */
      reruns: z.number().int().min(0).max(5).optional(),
      daemons: z.array(daemonSchema).default([]),
      /** The user's own containers, each in a lab node's network namespace (runner/apps.ts). */
      apps: z.array(appSchema).default([]),
      /** Time between starting the daemons and starting the workload (elections settle). */
      warmup: durationMs.default(0),
      /**
       * The clients start once `min` history entries match `count` (e.g. the daemons' own word
       * that the service is ready), waiting at most `timeout`; the repeat fails if they do not.
       */
      startWhen: z
        .object({ count: EntryFilterSchema, min: z.number().int().min(1).default(1), timeout: durationMs.default(30_000) })
        .strict()
        .optional(),
      workloads: z.array(workloadSchema).min(1),
      schedule: z.array(faultSchema).default([]),
      checks: checks,
      capture: captureSchema.optional(),
    })
    .strict();
