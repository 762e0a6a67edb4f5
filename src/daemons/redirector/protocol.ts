// The messages between the redirector (front end) and the back-end agents: signed datagrams
// (shared/signed-datagram.ts: HMAC first, then zod, then the sequence guard). An agent reports
// every interval; the redirector's only command is to start or stop a service's process.
import { z } from 'zod';
import { signDatagram, verifyDatagram, type DatagramOrigin } from '../shared/signed-datagram.js';

/** Well under one Ethernet-MTU-free UDP datagram: a report carries counts, never lists. */
export const MAX_MESSAGE_BYTES = 8192;

const origin = {
  v: z.literal(1),
  node: z.string().min(1).max(64),
  boot: z.string().min(1).max(64),
  seq: z.number().int().min(0),
  sentMs: z.number(),
};
const portKey = z.string().regex(/^\d{1,5}$/);

export const agentReportSchema = z
  .object({
    ...origin,
    kind: z.literal('report'),
    /** The load metric (0..1 = share of capacity; the agent's config says how it is measured). */
    load: z.number().min(0).max(1000),
    /** Service ports a process listens on. */
    listening: z.array(z.number().int().min(1).max(65535)).max(64),
    /** Live (not closing) connections per service port: the connection monitor (23). */
    connections: z.record(portKey, z.number().int().min(0)),
  })
  .strict();

export const agentCommandSchema = z
  .object({
    ...origin,
    kind: z.literal('command'),
    /** The back end it is meant for: a command replayed to another agent is refused. */
    to: z.string().min(1).max(64),
    action: z.enum(['start', 'stop']),
    port: z.number().int().min(1).max(65535),
  })
  .strict();

export type AgentReport = z.infer<typeof agentReportSchema>;
export type AgentCommand = z.infer<typeof agentCommandSchema>;
export type Origin = DatagramOrigin;

export const encodeMessage = (message: AgentReport | AgentCommand, key: Buffer): Buffer =>
  signDatagram(Buffer.from(JSON.stringify(message)), key);

export type Decoded<T> = { ok: true; message: T } | { ok: false; reason: string };

/** Verifies the MAC, then the shape: nothing unauthenticated is parsed. */
export const decodeMessage = <S extends typeof agentReportSchema | typeof agentCommandSchema>(
  packet: Buffer,
  key: Buffer,
  schema: S,
): Decoded<z.infer<S>> => {
  const v = verifyDatagram(packet, key, MAX_MESSAGE_BYTES);
  if (!v.ok) return { ok: false, reason: v.reason };
  let json: unknown;
  try {
    json = JSON.parse(v.body.toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    return { ok: false, reason: `malformed: ${parsed.error.issues[0]!.path.join('.')} ${parsed.error.issues[0]!.message}` };
  return { ok: true, message: parsed.data };
};
