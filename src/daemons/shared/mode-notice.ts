// A mode change as arp-ha tells it to a listener on its node (keepalived's notify model): one
// group's new mode, numbered per arp-ha run, so the listener can drop a notice overtaken by a
// later one (two POSTs in flight may arrive in either order). arp-ha sends it, the redirector
// of a front-end pair takes it: one schema for both ends.
import { z } from 'zod';

export const modeNoticeSchema = z
  .object({
    group: z.string().min(1),
    vip: z.string().min(1),
    from: z.string().min(1),
    to: z.string().min(1),
    reason: z.string(),
    /** The sending arp-ha's run: a restarted arp-ha numbers from 1 again. */
    instance: z.string().min(1),
    /** 1, 2, … per run, across its groups. */
    seq: z.number().int().min(1),
  })
  .strict();

export type ModeNotice = z.infer<typeof modeNoticeSchema>;

/** What the listener answers; arp-ha only needs to know it was taken. */
export const modeNoticeReplySchema = z.object({}).passthrough();
