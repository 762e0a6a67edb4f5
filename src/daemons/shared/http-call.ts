// One authenticated JSON call with a deadline (the coordinator's messages, the agents' peer
// calls). A refusal is an error carrying the daemon's reason; so is a missed deadline.
import type { z } from 'zod';
import { errorMessage } from '../../common/errors.js';
import { describeIssue } from './json-api.js';

export class CallError extends Error {
  constructor(
    readonly target: string,
    readonly kind: 'timeout' | 'unreachable' | 'refused' | 'invalid-reply',
    detail: string,
  ) {
    super(`${target}: ${detail}`);
  }
}

export const callJson = async <S extends z.ZodTypeAny>(
  target: string,
  url: string,
  token: string,
  request: { method: 'GET' | 'POST'; body?: unknown },
  timeoutMs: number,
  reply: S,
): Promise<z.infer<S>> => {
  const deadline = AbortSignal.timeout(Math.max(1, Math.round(timeoutMs)));
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, {
      method: request.method,
      headers: { authorization: `Bearer ${token}`, ...(request.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      signal: deadline,
    });
    text = await res.text();
  } catch (e) {
    if (deadline.aborted) throw new CallError(target, 'timeout', `no answer within ${Math.round(timeoutMs)} ms`);
    const code = (e as { cause?: { code?: string } }).cause?.code;
    throw new CallError(target, 'unreachable', code ?? errorMessage(e));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CallError(target, 'invalid-reply', `HTTP ${res.status}, not JSON: ${text.slice(0, 120)}`);
  }
  if (!res.ok) {
    const reason = (json as { error?: unknown }).error;
    throw new CallError(target, 'refused', `HTTP ${res.status}: ${typeof reason === 'string' ? reason : text.slice(0, 120)}`);
  }
  const parsed = reply.safeParse(json);
  if (!parsed.success) throw new CallError(target, 'invalid-reply', describeIssue('reply', parsed.error.issues[0]!));
  // zod types a generic schema's output as any; it is S's output.
  return parsed.data as z.infer<S>;
};

/**
 * Loads what the first fetch() would (Node loads its HTTP client lazily: ≈ 60 ms of CPU) without
 * a request. A daemon that calls out in the middle of a failover (arp-ha's mode notices) does it
 * at start: under a real-time CPU budget those 60 ms stalled arp-ha for 400 ms at its first mode
 * change, and the peer took the silence for a death.
 */
export const warmUpCalls = async (): Promise<void> => {
  await (await fetch('data:,')).text();
};

/**
 * One throwaway request, so that node 18's fetch is loaded before the daemon's first real call:
 * its client (undici) is compiled on first use, 75 ms on an idle host and more under load, and
 * a migration agent's first call to its peer falls inside the service's pause. Any answer,
 * refusal included, will do; none is read.
 */
export const warmUpFetch = async (url: string): Promise<void> => {
  await fetch(url, { signal: AbortSignal.timeout(2000) })
    .then((res) => res.body?.cancel())
    .catch(() => undefined);
};
