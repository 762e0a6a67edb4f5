// A duration field of a scenario file, as zod: `2s`, `500ms`, `1.5m` or a number of ms.
import { z } from 'zod';
import { parseDurationMs } from './duration.js';

export const durationMs = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseDurationMs(v);
  if (ms === undefined) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `'${v}' is not a duration; write e.g. 500ms, 2s, 1.5m or a number of ms` });
    return z.NEVER;
  }
  return ms;
});
