// A daemon's control API: like the status server (bearer token, JSON, one-line reasons), plus
// POST endpoints whose bodies are validated by zod schemas. 400 names the bad field, 409 is a
// request that conflicts with the daemon's state, 500 a failure while carrying it out.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';

/** Thrown by a handler when the request is well-formed but cannot apply now. */
export class ConflictError extends Error {}

export interface PostRoute {
  schema: z.ZodTypeAny;
  handle: (body: unknown) => Promise<unknown>;
}

/** Pairs a schema with its handler; the handler only ever sees what the schema parsed. */
export const postRoute = <S extends z.ZodTypeAny>(schema: S, handle: (body: z.infer<S>) => Promise<unknown>): PostRoute =>
  ({ schema, handle: (body) => handle(body as z.infer<S>) });

export interface ControlRoutes {
  get: Record<string, () => Promise<unknown> | unknown>;
  post: Record<string, PostRoute>;
}

const MAX_BODY_BYTES = 64 << 20;

const sameToken = (given: string, token: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
};

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error(`body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
};

export const startControlServer = async (listen: string, token: string, routes: ControlRoutes): Promise<Server> => {
  const [host, port] = [listen.slice(0, listen.lastIndexOf(':')), Number(listen.slice(listen.lastIndexOf(':') + 1))];
  const server = createServer((req, res) => {
    const reply = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body) + '\n');
    };
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ') || !sameToken(auth.slice(7), token)) return reply(401, { error: 'missing or wrong bearer token' });
    const url = (req.url ?? '/').split('?')[0]!;
    const known = [...Object.keys(routes.get).map((p) => `GET ${p}`), ...Object.keys(routes.post).map((p) => `POST ${p}`)];
    void (async () => {
      if (req.method === 'GET' && routes.get[url]) return reply(200, await routes.get[url]!());
      const route = req.method === 'POST' ? routes.post[url] : undefined;
      if (!route) return reply(404, { error: `no ${req.method} ${url}; try ${known.join(', ')}` });
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch (e) {
        return reply(400, { error: `body of POST ${url} is not JSON: ${e instanceof Error ? e.message : String(e)}` });
      }
      const parsed = route.schema.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        return reply(400, { error: `POST ${url}: ${issue.path.join('.') || 'body'}: ${issue.message}` });
      }
      return reply(200, await route.handle(parsed.data));
    })().catch((e: unknown) => {
      const message = e instanceof Error ? e.message : String(e);
      if (!res.headersSent) reply(e instanceof ConflictError ? 409 : 500, { error: message });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
};
