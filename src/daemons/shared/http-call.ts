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
 * Loads what the first fetch() would (Node loads its HTTP client lazily: ≈ 60 ms of CPU). A daemon
 * that calls out in the middle of a failover does it at start: under a real-time CPU budget those
 * 60 ms stalled arp-ha for 400 ms at its first mode change, and the peer took the silence for a
 * death. Without `url` no request is made (a data: URL), which leaves part of the HTTP client
 * for the first real call; with `url`, one throwaway request goes there (any answer, a refusal
 * included): the migration agent's first call to its peer, inside the service's pause, took
 * 50–63 ms after a data: URL and 27–29 ms after a request.
 */
export const warmUpCalls = async (url?: string): Promise<void> => {
  if (url === undefined) {
    await (await fetch('data:,')).text();
    return;
  }
  await fetch(url, { signal: AbortSignal.timeout(2000) })
    .then((res) => res.body?.cancel())
    .catch(() => undefined);
};
