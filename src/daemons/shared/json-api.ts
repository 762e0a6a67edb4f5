// A daemon's control API: JSON over HTTP with `Authorization: Bearer <token>`. Bodies and
// queries are validated with zod before a handler sees them, so a malformed request gets 400
// with a reason naming the field; nothing a client sends can crash the daemon (a handler that
// throws becomes 500 with its message, or 409 when it threw ConflictError). The one HTTP
// server of the daemons that take requests (balancer, controller, copy store).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { errorMessage } from '../../common/errors.js';
import { splitHostPort } from '../../common/host-port.js';

export type Method = 'GET' | 'POST' | 'PUT';

export interface ApiReply {
  code: number;
  body: unknown;
}

export interface Route<B extends z.ZodTypeAny = z.ZodTypeAny, Q extends z.ZodTypeAny = z.ZodTypeAny> {
  method: Method;
  path: string;
  body?: B;
  query?: Q;
  handle: (input: { body: z.infer<B>; query: z.infer<Q> }) => ApiReply | Promise<ApiReply>;
}

/** Keeps each route's handler typed by its own schemas inside a heterogeneous route list. */
export const route = <B extends z.ZodTypeAny, Q extends z.ZodTypeAny>(r: Route<B, Q>): Route => r as unknown as Route;

/** Thrown by a handler when the request is well-formed but cannot apply now (409). */
export class ConflictError extends Error {}

export const ok = (body: unknown): ApiReply => ({ code: 200, body });
export const fail = (code: number, error: string): ApiReply => ({ code, body: { error } });

/** Large enough for a VIP's full access table (thousands of rows), small enough to bound memory. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

const sameToken = (given: string, token: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** `body.rows[2].clientPort: Expected number, received string` */
export const describeIssue = (where: string, issue: z.ZodIssue): string => {
  const at = [where, ...issue.path.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`))].join('').replace(/\.\[/g, '[');
  if (issue.code === z.ZodIssueCode.unrecognized_keys) return `${at}: unknown field '${issue.keys[0]}'`;
  if (issue.code === z.ZodIssueCode.invalid_type && issue.received === 'undefined') return `${at}: missing`;
  return `${at}: ${issue.message}`;
};

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`body larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const dispatch = async (req: IncomingMessage, token: string, routes: readonly Route[]): Promise<ApiReply> => {
  const auth = req.headers.authorization ?? '';
  if (!auth.startsWith('Bearer ') || !sameToken(auth.slice(7), token)) return fail(401, 'missing or wrong bearer token');
  const url = new URL(req.url ?? '/', 'http://api');
  const onPath = routes.filter((r) => r.path === url.pathname);
  if (onPath.length === 0) return fail(404, `no ${url.pathname}; try ${[...new Set(routes.map((r) => r.path))].join(', ')}`);
  const r = onPath.find((x) => x.method === req.method);
  if (!r) return fail(405, `${req.method} not allowed on ${url.pathname}; use ${onPath.map((x) => x.method).join(', ')}`);

  let body: unknown;
  if (r.body) {
    let text: string;
    try {
      text = await readBody(req);
    } catch (e) {
      return fail(413, errorMessage(e));
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      return fail(400, `body is not JSON: ${errorMessage(e)}`);
    }
    const parsed = r.body.safeParse(json);
    if (!parsed.success) return fail(400, describeIssue('body', parsed.error.issues[0]!));
    body = parsed.data;
  }
  let query: unknown;
  if (r.query) {
    const parsed = r.query.safeParse(Object.fromEntries(url.searchParams));
    if (!parsed.success) return fail(400, describeIssue('query', parsed.error.issues[0]!));
    query = parsed.data;
  }
  return r.handle({ body, query });
};

export interface JsonApi {
  server: Server;
  /** The port actually bound (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

/** Listens on `listen` (ADDR:PORT; port 0 picks a free one). */
export const startJsonApi = async (listen: string, token: string, routes: readonly Route[]): Promise<JsonApi> => {
  const { host, port } = splitHostPort(listen);
  const server = createServer((req, res) => {
    dispatch(req, token, routes)
      .catch((e: unknown) => fail(e instanceof ConflictError ? 409 : 500, errorMessage(e)))
      .then((reply) => {
        if (res.headersSent || res.destroyed) return;
        res.writeHead(reply.code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply.body) + '\n');
      })
      .catch(() => undefined);
  });
  // A client that disconnects mid-request must not take the daemon with it.
  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { server, port: (server.address() as AddressInfo).port, close };
};
