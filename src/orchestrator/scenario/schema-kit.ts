// The field types scenario schemas share: durations and rates in the forms people write
// (`2s`, `1MB/s`), node names and IPv4 endpoints.
import { z } from 'zod';
import { parseDurationMs, parseRate } from './duration.js';

export const durationMs = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseDurationMs(v);
  if (ms === undefined) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `'${v}' is not a duration; write e.g. 500ms, 2s, 1.5m or a number of ms` });
    return z.NEVER;
  }
  return ms;
});

export const rate = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const r = parseRate(v);
  if (r === undefined) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `'${v}' is not a rate; write e.g. 100KB/s, 1MB/s, 1MiB/s, max or a number of bytes/s`,
    });
    return z.NEVER;
  }
  return r;
});

export const nodeName = z.string().min(1);
export const endpoint = z.string().regex(/^[0-9.]+:\d{1,5}$/, 'expected IPV4:PORT, e.g. 198.18.1.2:7000');
/** One node, or several (hot standby: each runs the same server). */
export const nodeList = z.union([nodeName, z.array(nodeName).min(1)]).transform((n) => (Array.isArray(n) ? n : [n]));
export const workloadName = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+$/)
  .default('main');
