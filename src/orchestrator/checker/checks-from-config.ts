// The `checks:` section of a scenario file, validated here and embedded by the scenario
// parser, then turned into checkers. Strict objects: a misspelt check key must be an input
// error, never a check that silently does not run. Counts accept a number as shorthand for
// {max: n} ({min: n} for streamsEstablished).
import { z } from 'zod';
import type { Checker } from './checker.js';
import { commandCheck } from './command-check.js';
import { Checks } from './checks.js';
import { eventSequence, filterProblem } from './event-count.js';
import { survivalClass, type SurvivalClass } from './survival-class.js';

const count = z.number().int().nonnegative();
const positiveMs = z.number().finite().positive();

const nonNegativeMs = z.number().finite().nonnegative();
const vip = z.string().ip({ version: 'v4', message: 'an IPv4 address' });
const macAddress = z.string().regex(/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/, 'a MAC address like 02:00:5e:00:02:01');
/** One object per VIP, or a list of them (a pair serving several VIPs). */
const perVip = <T extends z.ZodTypeAny>(one: T) => z.union([one, z.array(one).min(1)]);

const maxOnly = z.union([count, z.object({ max: count }).strict()]);
const minMaxObject = <T extends z.ZodRawShape>(extra: T) =>
  z
    .object({ min: count.optional(), max: count.optional(), ...extra })
    .strict()
    .refine((b) => b.min !== undefined || b.max !== undefined, 'give min or max')
    .refine((b) => b.min === undefined || b.max === undefined || b.min <= b.max, 'min must not exceed max');
const minMax = z.union([count, minMaxObject({})]);
const endpoint = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/, 'an ip:port like 198.18.5.2:7000');
const flowScope = {
  server: endpoint.optional(),
  capture: z
    .string()
    .regex(/^[^:\s]+:[^:\s]+$/, 'a node:iface')
    .optional(),
};

export const EntryFilterSchema = z
  .object({
    kind: z.enum(['fault', 'probe', 'daemon', 'runner', 'packet']),
    event: z.string().min(1).optional(),
    node: z.string().min(1).optional(),
    daemon: z.string().min(1).optional(),
    fault: z.string().min(1).optional(),
    workload: z.string().min(1).optional(),
    stream: count.optional(),
    source: z.enum(['probe-client', 'probe-server']).optional(),
    where: z.record(z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  })
  .strict()
  .superRefine((filter, ctx) => {
    const problem = filterProblem(filter);
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  });

const regexText = z.string().superRefine((v, ctx) => {
  try {
    new RegExp(v, 'm');
  } catch (e) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `not a regular expression: ${(e as Error).message}` });
  }
});

/** Counts only entries after the first match of `after` and before the first later match of `until` (checker/entry-window.ts). */
const windowFields = { after: EntryFilterSchema.optional(), until: EntryFilterSchema.optional() };

const InvariantSchema = z.union([
  z
    .object({ name: z.string().min(1), count: EntryFilterSchema, min: count.optional(), max: count.optional(), ...windowFields })
    .strict()
    .refine((i) => i.min !== undefined || i.max !== undefined, 'an invariant with count needs min or max'),
  z.object({ name: z.string().min(1), never: EntryFilterSchema, ...windowFields }).strict(),
  z
    .object({
      name: z.string().min(1),
      sequence: EntryFilterSchema,
      field: z.string().min(1),
      equals: z.array(z.union([z.string(), z.number()])).min(1),
    })
    .strict(),
]);

export const ChecksConfigSchema = z
  .object({
    /** Every stream's longest application gap, in ms. */
    maxGapMs: positiveMs.optional(),
    /** The longest gap of every stream that kept its first connection (those a failure elsewhere must not touch), in ms. */
    /** The bound, or { maxMs, until }: only gaps that start before fault `until` started (a later step's own load is not the fault's doing). */
    keptStreamsMaxGapMs: z.union([positiveMs, z.object({ maxMs: positiveMs, until: z.string().min(1) }).strict()]).optional(),
    /** Per workload: that workload's streams' longest gap, in ms (e.g. streams that must not notice a move). */
    workloadMaxGapMs: z.record(positiveMs).optional(),
    /** A percentile of the streams' longest gaps (all workloads, or one; every gap, or those ending after fault `since` started). */
    gapPercentile: perVip(
      z
        .object({
          percentile: z.number().min(0).max(100),
          maxMs: positiveMs.optional(),
          /** At least: an outage shown on purpose (e.g. different router MACs without the gratuitous ARP). */
          minMs: positiveMs.optional(),
          workload: z.string().min(1).optional(),
          since: z.string().min(1).optional(),
          until: z.string().min(1).optional(),
        })
        .strict()
        .refine((g) => g.maxMs !== undefined || g.minMs !== undefined, { message: 'give maxMs, minMs or both' })
        .refine((g) => g.maxMs === undefined || g.minMs === undefined || g.minMs <= g.maxMs, { message: 'minMs is above maxMs' }),
    ).optional(),
    /** Every stream's longest gap starts before, or after, the first entry matching a filter (where the outage opens against a step). */
    gapStarts: perVip(
      z
        .object({ before: EntryFilterSchema.optional(), after: EntryFilterSchema.optional(), workload: z.string().min(1).optional() })
        .strict()
        .refine((g) => (g.before === undefined) !== (g.after === undefined), { message: 'give exactly one of before and after' }),
    ).optional(),
    /** The expected outage shape per stream, e.g. exactly one gap of 2000 ± 300 ms. */
    gap: z.object({ expectedMs: positiveMs, toleranceMs: z.number().finite().nonnegative(), count: count.optional() }).strict().optional(),
    /** Exactly one gap per stream, as long as the fault measurably lasted (−toleranceMs … +extraMaxMs). */
    gapMatchesFault: z
      .object({
        extraMaxMs: z.number().finite().nonnegative(),
        toleranceMs: z.number().finite().nonnegative(),
        fault: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /** Each stream's longest gap (or a percentile of them) minus the detection time (first fault start → the `detection` entry) stays ≤ maxMs. */
    gapBeyondDetection: z
      .object({ detection: EntryFilterSchema, maxMs: nonNegativeMs, percentile: z.number().min(0).max(100).optional() })
      .strict()
      .optional(),
    /** First fault start → the `detection` entry (e.g. the standby's mode change) ≤ maxMs: the mechanism's own detection time. */
    detectedWithin: z.object({ detection: EntryFilterSchema, maxMs: positiveMs }).strict().optional(),
    resets: maxOnly.optional(),
    reconnects: minMax.optional(),
    bytesLost: maxOnly.optional(),
    bytesDuplicated: maxOnly.optional(),
    bytesCorrupt: maxOnly.optional(),
    /** Bytes that arrived after later ones (each direction: c2s as the server counted them). */
    bytesReordered: maxOnly.optional(),
    /** Connections whose probe handshake failed (rejected or damaged HELLO/WELCOME). */
    handshakeFailures: maxOnly.optional(),
    noFailedStreams: z.boolean().optional(),
    streamsEstablished: z.union([count, z.object({ min: count }).strict()]).optional(),
    stallDetectedWithinMs: positiveMs.optional(),
    /** Never two MACs claiming a VIP by ARP within windowMs, except during the listed faults (+ graceMs). */
    singleArpOwner: perVip(
      z
        .object({
          vip,
          allowDuringFaults: z.array(z.string().min(1)).optional(),
          graceMs: nonNegativeMs.optional(),
          untilSplitBrainEnds: z.boolean().optional(),
          windowMs: positiveMs.optional(),
        })
        .strict(),
    ).optional(),
    /** No ARP with the VIP as sender from a node the arp-ha daemon has not made ACTIVE. */
    arpSilentWhileStandby: perVip(z.object({ vip, leadMs: nonNegativeMs.optional() }).strict()).optional(),
    /** After the (last, or named) fault ends, the VIP's ARP claims settle on one MAC within withinMs. */
    arpOwnerAfter: perVip(
      z
        .object({
          vip,
          withinMs: nonNegativeMs,
          mac: macAddress.optional(),
          node: z.string().min(1).optional(),
          afterFault: z.string().min(1).optional(),
        })
        .strict()
        .refine((o) => o.mac === undefined || o.node === undefined, 'give mac or node, not both'),
    ).optional(),
    /** The split brain left by the (last, or named) fault is over ≤ one round trip + withinMs after the first heartbeat crosses. */
    splitBrainOver: perVip(z.object({ vip, withinMs: nonNegativeMs, afterFault: z.string().min(1).optional() }).strict()).optional(),
    /** No ARP from the split brain's loser after the winner's first announcement after the heal. */
    arpLoserSilent: perVip(z.object({ vip, afterFault: z.string().min(1).optional() }).strict()).optional(),
    /** The longest payload gap of every captured TCP flow (or a percentile of them), any workload (docs/flows.md). */
    flowGap: perVip(
      z
        .object({
          maxMs: positiveMs,
          percentile: z.number().min(0).max(100).optional(),
          since: z.string().min(1).optional(),
          direction: z.enum(['c2s', 's2c']).optional(),
          ...flowScope,
        })
        .strict(),
    ).optional(),
    /** How many established captured flows were reset (a number: at most that many). */
    flowResets: z.union([count, z.object({ max: count, ...flowScope }).strict()]).optional(),
    /** How many captured flows were reconnects to the same service (a number: at most that many). */
    flowReconnects: z.union([count, minMaxObject(flowScope)]).optional(),
    /** The probe's gaps and its connections' captured payload gaps agree within toleranceMs (trust in the flow figures). */
    flowMatchesProbe: z.object({ toleranceMs: nonNegativeMs }).strict().optional(),
    invariants: z.array(InvariantSchema).optional(),
    /** A `command` workload's exit status and output (command-check.ts). */
    commands: z
      .array(
        z
          .object({
            workload: z.string().min(1),
            role: z.enum(['client', 'server']).optional(),
            exitCode: z.number().int().min(0).max(255).optional(),
            stdout: regexText.optional(),
            stderr: regexText.optional(),
          })
          .strict(),
      )
      .min(1)
      .optional(),
    /** nat-lb end state from the balancers' `tables` events: one owner per VIP, one row per connection. */
    natTables: z
      .object({ vips: z.array(vip).min(1), daemon: z.string().min(1).optional(), minRows: count.optional() })
      .strict()
      .optional(),
    /** Connections each back end's probe server served, exactly, per workload (redirector pools and ratios; also real client address — or, behind a full proxy, the proxy's — and affinity). */
    backendCounts: perVip(
      z
        .object({
          workload: z.string().min(1),
          counts: z.record(z.string().min(1), z.union([count, minMaxObject({})])),
          proxiedFrom: vip.optional(),
        })
        .strict(),
    ).optional(),
    /** No captured packet matching `packets` after the first entry matching `after` (needs a filtered capture). */
    noPacketsAfter: perVip(
      z
        .object({ packets: EntryFilterSchema, after: EntryFilterSchema, until: EntryFilterSchema.optional() })
        .strict()
        .refine((o) => o.packets.kind === 'packet', 'packets must be a filter of kind packet'),
    ).optional(),
  })
  .strict();

export type ChecksConfig = z.infer<typeof ChecksConfigSchema>;

const toMax = (v: number | { max: number }) => (typeof v === 'number' ? { max: v } : v);
const toList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The checkers a validated `checks:` section asks for, in a fixed order. */
export function checksFromConfig(config: ChecksConfig): Checker[] {
  const checkers: Checker[] = [];
  if (config.streamsEstablished !== undefined) {
    const v = config.streamsEstablished;
    checkers.push(Checks.streamsEstablished(typeof v === 'number' ? { min: v } : v));
  }
  if (config.noFailedStreams) checkers.push(Checks.noFailedStreams());
  if (config.maxGapMs !== undefined) checkers.push(Checks.maxGap(config.maxGapMs));
  if (config.keptStreamsMaxGapMs !== undefined) {
    const kept = config.keptStreamsMaxGapMs;
    checkers.push(typeof kept === 'number' ? Checks.keptStreamsMaxGap(kept) : Checks.keptStreamsMaxGap(kept.maxMs, kept.until));
  }
  for (const [workload, ms] of Object.entries(config.workloadMaxGapMs ?? {})) checkers.push(Checks.maxGap(ms, { workload }));
  for (const spec of toList(config.gapPercentile)) checkers.push(Checks.gapPercentile(spec));
  for (const spec of toList(config.gapStarts)) checkers.push(Checks.gapStarts(spec));
  if (config.gap !== undefined) checkers.push(Checks.gapWithin(config.gap));
  if (config.gapMatchesFault !== undefined) checkers.push(Checks.gapMatchesFault(config.gapMatchesFault));
  if (config.gapBeyondDetection !== undefined) checkers.push(Checks.gapBeyondDetection(config.gapBeyondDetection));
  if (config.detectedWithin !== undefined) checkers.push(Checks.detectionWithin(config.detectedWithin));
  if (config.stallDetectedWithinMs !== undefined) checkers.push(Checks.stallDetectedWithin({ ms: config.stallDetectedWithinMs }));
  if (config.resets !== undefined) checkers.push(Checks.resets(toMax(config.resets)));
  if (config.reconnects !== undefined) {
    const v = config.reconnects;
    // The schema guarantees min or max; the cast only restates that for the compiler.
    checkers.push(Checks.reconnects(typeof v === 'number' ? { max: v } : (v as { max: number; min?: number })));
  }
  if (config.bytesLost !== undefined) checkers.push(Checks.bytesLost(toMax(config.bytesLost)));
  if (config.bytesDuplicated !== undefined) checkers.push(Checks.bytesDuplicated(toMax(config.bytesDuplicated)));
  if (config.bytesCorrupt !== undefined) checkers.push(Checks.bytesCorrupt(toMax(config.bytesCorrupt)));
  if (config.bytesReordered !== undefined) checkers.push(Checks.bytesReordered(toMax(config.bytesReordered)));
  if (config.handshakeFailures !== undefined) checkers.push(Checks.handshakeFailures(toMax(config.handshakeFailures)));
  for (const spec of toList(config.singleArpOwner)) checkers.push(Checks.singleArpOwner(spec));
  for (const spec of toList(config.arpSilentWhileStandby)) checkers.push(Checks.arpSilentWhileStandby(spec));
  for (const spec of toList(config.arpOwnerAfter)) checkers.push(Checks.arpOwnerAfter(spec));
  for (const spec of toList(config.splitBrainOver)) checkers.push(Checks.splitBrainOver(spec));
  for (const spec of toList(config.arpLoserSilent)) checkers.push(Checks.arpLoserSilent(spec));
  if (config.natTables !== undefined) checkers.push(Checks.natTables(config.natTables));
  for (const spec of toList(config.backendCounts)) checkers.push(Checks.backendCounts(spec));
  for (const spec of toList(config.noPacketsAfter)) checkers.push(Checks.noPacketsAfter(spec));
  for (const spec of toList(config.flowGap)) checkers.push(Checks.flowGap(spec));
  if (config.flowResets !== undefined) checkers.push(Checks.flowResets(toMax(config.flowResets)));
  if (config.flowReconnects !== undefined) {
    const v = config.flowReconnects;
    checkers.push(Checks.flowReconnects(typeof v === 'number' ? { max: v } : v));
  }
  if (config.flowMatchesProbe !== undefined) checkers.push(Checks.flowMatchesProbe(config.flowMatchesProbe));
  for (const inv of config.invariants ?? []) {
    if ('never' in inv) checkers.push(Checks.never({ ...inv.never, after: inv.after, until: inv.until, name: inv.name }));
    else if ('sequence' in inv) checkers.push(eventSequence({ ...inv.sequence, field: inv.field, equals: inv.equals, name: inv.name }));
    else checkers.push(Checks.eventCount({ ...inv.count, after: inv.after, until: inv.until, min: inv.min, max: inv.max, name: inv.name }));
  }
  for (const spec of config.commands ?? []) checkers.push(commandCheck(spec));
  return checkers;
}

/** A scenario's checkers: its survival class's implied check first, then its own checks. */
export const scenarioCheckers = (expect: SurvivalClass, config: ChecksConfig): Checker[] => [
  survivalClass(expect),
  ...checksFromConfig(config),
];
