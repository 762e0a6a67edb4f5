// The controller's side of protocol.ts: typed calls to the balancers and the copy stores, each
// bounded by an AbortSignal deadline, every reply validated. Failures are ControlCallError with
// what was called, so a migration event can say which call failed and why.
import type { z } from 'zod';
import { errorMessage, TestbedError } from '../../../common/errors.js';
import { describeIssue } from '../../shared/json-api.js';
import {
  balancerReplies,
  balancerRequests,
  balancerStatusSchema,
  copyStoreRowsReplySchema,
  type AccessRow,
  type BalancerPath,
  type BalancerStatus,
} from '../protocol.js';
import { vipRowsBody } from '../row-validation.js';

/** The contract's schemas, with the hand-checked fast path where rows travel (row-validation.ts). */
const requestSchema = (path: BalancerPath): z.ZodTypeAny => (path === '/rows/import' ? vipRowsBody : balancerRequests[path]);
const replySchema = (path: BalancerPath): z.ZodTypeAny => (path === '/rows/export' ? vipRowsBody : balancerReplies[path]);

export class ControlCallError extends TestbedError {
  constructor(
    readonly target: string,
    readonly kind: 'timeout' | 'unreachable' | 'refused' | 'invalid-reply' | 'invalid-request',
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super('NAT_LB_CALL', `${target}: ${detail}`, options);
  }
}

export interface Endpoint {
  name: string;
  /** ADDR:PORT of its API. */
  api: string;
  token: string;
}

export type BalancerReply<P extends BalancerPath> = z.infer<(typeof balancerReplies)[P]>;

const callJson = async (
  target: string,
  url: string,
  token: string,
  init: { method: string; body?: unknown },
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<unknown> => {
  const deadline = AbortSignal.timeout(Math.max(1, timeoutMs));
  // AbortSignal.any is Node ≥ 20.3; the lab's node 18 needs it by hand.
  const ctl = new AbortController();
  const abort = () => ctl.abort();
  deadline.addEventListener('abort', abort, { once: true });
  signal?.addEventListener('abort', abort, { once: true });
  if (signal?.aborted) abort();
  try {
    const res = await fetch(url, {
      method: init.method,
      headers: { authorization: `Bearer ${token}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      signal: ctl.signal,
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ControlCallError(target, 'invalid-reply', `HTTP ${res.status}, not JSON: ${text.slice(0, 120)}`);
    }
    if (!res.ok) {
      // The API's refusals are {error: string}; anything else is shown as the raw reply.
      const reason = (json as { error?: unknown }).error;
      throw new ControlCallError(target, 'refused', `HTTP ${res.status}: ${typeof reason === 'string' ? reason : text.slice(0, 120)}`);
    }
    return json;
  } catch (e) {
    if (e instanceof ControlCallError) throw e;
    if (deadline.aborted) throw new ControlCallError(target, 'timeout', `no answer within ${timeoutMs} ms`, { cause: e });
    if (signal?.aborted)
      throw new ControlCallError(target, 'unreachable', signal.reason instanceof Error ? signal.reason.message : String(signal.reason), {
        cause: e,
      });
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    throw new ControlCallError(target, 'unreachable', cause ?? errorMessage(e), { cause: e });
  } finally {
    deadline.removeEventListener('abort', abort);
    signal?.removeEventListener('abort', abort);
  }
};

const parse = <S extends z.ZodTypeAny>(target: string, schema: S, json: unknown): z.infer<S> => {
  const r = schema.safeParse(json);
  if (!r.success) throw new ControlCallError(target, 'invalid-reply', describeIssue('reply', r.error.issues[0]!));
  // zod types the output of a generic schema as any; it is S's output.
  return r.data as z.infer<S>;
};

export class ControlClient {
  async balancerStatus(b: Endpoint, timeoutMs: number, signal?: AbortSignal): Promise<BalancerStatus> {
    const target = `${b.name} /status`;
    return parse(
      target,
      balancerStatusSchema,
      await callJson(target, `http://${b.api}/status`, b.token, { method: 'GET' }, timeoutMs, signal),
    );
  }

  async balancer<P extends BalancerPath>(
    b: Endpoint,
    path: P,
    body: z.input<(typeof balancerRequests)[P]>,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<BalancerReply<P>> {
    const target = `${b.name} ${path}`;
    // replySchema(path) is P's reply schema, widened to ZodTypeAny because a map cannot be indexed by a generic P.
    const reply = await callJson(target, `http://${b.api}${path}`, b.token, { method: 'POST', body }, timeoutMs, signal);
    return parse(target, replySchema(path), reply) as BalancerReply<P>;
  }

  /** A call whose body was built at run time (a migration step): checked against the contract before it leaves. */
  async balancerOp(b: Endpoint, path: BalancerPath, body: unknown, timeoutMs: number, signal?: AbortSignal): Promise<unknown> {
    const checked = requestSchema(path).safeParse(body);
    if (!checked.success)
      throw new ControlCallError(
        `${b.name} ${path}`,
        'invalid-request',
        `request not sent, ${describeIssue('body', checked.error.issues[0]!)}`,
      );
    return this.balancer(b, path, checked.data as never, timeoutMs, signal);
  }

  /** GET /copy (pushed copies) or /tcp-table (variant 1) from one copy store. */
  async storeRows(s: Endpoint, source: 'copy' | 'tcp-table', vip: string, timeoutMs: number, signal?: AbortSignal): Promise<AccessRow[]> {
    const target = `${s.name} /${source}`;
    const reply = parse(
      target,
      copyStoreRowsReplySchema,
      await callJson(target, `http://${s.api}/${source}?vip=${encodeURIComponent(vip)}`, s.token, { method: 'GET' }, timeoutMs, signal),
    );
    return reply.rows;
  }
}
