// The probe's JSON-lines output is read back from files written by another process (possibly
// another build of the probe), so each line is checked against the contract in
// probe/probe-report.ts before it enters the history. Extra fields pass through, so a newer
// probe that adds fields still parses.
import { z } from 'zod';
import type { ProbeEvent, StreamSummary } from '../../probe/probe-report.js';

const count = z.number().finite().nonnegative();
const time = z.number().finite();

const tuple = z
  .object({
    localAddress: z.string(),
    localPort: z.number().int(),
    remoteAddress: z.string(),
    remotePort: z.number().int(),
  })
  .passthrough();

const base = {
  t: time,
  source: z.enum(['probe-client', 'probe-server']),
  node: z.string().optional(),
  stream: z.number().int().nonnegative(),
};

const variant = <E extends string, S extends z.ZodRawShape>(event: E, shape: S) =>
  z.object({ ...base, event: z.literal(event), ...shape }).passthrough();

export const ProbeEventSchema = z.discriminatedUnion('event', [
  variant('connecting', { attempt: count, offset: count }),
  variant('established', { tuple, offset: count }),
  variant('taken-over', { tuple: tuple.optional(), offset: count }),
  variant('reset', { tuple: tuple.optional(), offset: count, error: z.string() }),
  variant('eof', { tuple: tuple.optional(), offset: count }),
  variant('timeout', { tuple: tuple.optional(), offset: count, kind: z.enum(['connect', 'stall']) }),
  variant('stall', { offset: count, silentMs: count }),
  variant('gap', { startMs: time, endMs: time, offset: count }),
  variant('lost', { offset: count, bytes: count }),
  variant('duplicated', { offset: count, bytes: count }),
  variant('corrupt', { offset: count, bytes: count }),
  variant('reordered', { offset: count, bytes: count }),
  variant('handshake-failed', { tuple: tuple.optional(), offset: count, reason: z.string() }),
  variant('failed', { offset: count, reason: z.string() }),
  variant('progress', { bytes: count }),
]);

export const StreamSummarySchema = z
  .object({
    stream: z.number().int().nonnegative(),
    direction: z.enum(['s2c', 'c2s', 'echo']),
    connections: z.array(tuple),
    bytes: count,
    resets: count,
    eofs: count,
    timeouts: count,
    reconnects: count,
    gaps: z.array(z.object({ startMs: time, endMs: time }).passthrough()),
    maxGapMs: count,
    bytesLost: count,
    bytesDuplicated: count,
    bytesCorrupt: count,
    bytesReordered: count.optional(),
    connectErrors: count.optional(),
    handshakeFailures: count.optional(),
    firstBadOffset: count.optional(),
    failed: z.boolean(),
    failReason: z.string().optional(),
  })
  .passthrough();

/** The probe client's closing line: `{t, source, node?, summary: StreamSummary[]}`. */
export const ProbeSummaryLineSchema = z
  .object({
    t: time,
    source: z.literal('probe-client'),
    node: z.string().optional(),
    summary: z.array(StreamSummarySchema),
  })
  .passthrough();

// Compile-time guard: the schemas may not drift from the contract they check.
type Assignable<T, U extends T> = U;
export type ProbeEventSchemaMatches = Assignable<ProbeEvent, z.infer<typeof ProbeEventSchema>>;
export type StreamSummarySchemaMatches = Assignable<StreamSummary, z.infer<typeof StreamSummarySchema>>;

/** First zod issue as `path: message`, short enough for one history entry. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}
