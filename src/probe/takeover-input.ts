// Validation of takeover data arriving over the control port or in heartbeats: untrusted JSON in,
// typed checkpoints out, or a ProbeStateError naming the field.
import { z } from 'zod';
import { ProbeStateError } from './server-state.js';
import type { ClientAnswer, S2cCheckpoint } from './takeover.js';

const u32 = z.number().int().min(0).max(0xffffffff);
const hostPort = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/, 'expected IP:PORT');

export const s2cCheckpointSchema = z
  .object({
    client: hostPort,
    server: hostPort,
    stream: u32,
    start: z.number().int().min(0),
    rate: z.number().int().min(0),
    insertions: z.array(z.object({ at: z.number().int().min(0), hex: z.string().regex(/^([0-9a-f]{2})*$/) }).strict()).max(64),
    firstSeq: u32,
    mss: z.number().int().min(64).max(65535),
    sndWscale: z.number().int().min(0).max(14),
    rcvWscale: z.number().int().min(0).max(14),
    sack: z.boolean(),
    timestamps: z.boolean(),
  })
  .strict();

export const clientAnswerSchema = z
  .object({ seq: u32, ack: u32, window: z.number().int().min(0).max(65535), tsEcr: u32.optional() })
  .strict();

const restoreItems = z.array(z.object({ checkpoint: s2cCheckpointSchema, answer: clientAnswerSchema }).strict()).max(10_000);

export const parseRestoreItems = (value: unknown): { checkpoint: S2cCheckpoint; answer: ClientAnswer }[] => {
  const r = restoreItems.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new ProbeStateError(`restore: conns.${issue.path.join('.')}: ${issue.message}`);
};
