// The daemon status API: GET /status with `Authorization: Bearer <token>` returns the daemon's
// tables as JSON. Anything else is refused with a status code and a one-line reason.
import { createServer, type Server } from 'node:http';
import { timingSafeEqual } from 'node:crypto';

const sameToken = (given: string, token: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
};

export const startStatusServer = async (listen: string, token: string, status: () => unknown): Promise<Server> => {
  const [host, port] = [listen.slice(0, listen.lastIndexOf(':')), Number(listen.slice(listen.lastIndexOf(':') + 1))];
  const server = createServer((req, res) => {
    const reply = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body) + '\n');
    };
    const auth = req.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ') || !sameToken(auth.slice(7), token)) return reply(401, { error: 'missing or wrong bearer token' });
    if (req.method !== 'GET') return reply(405, { error: `${req.method} not allowed; use GET` });
    if (req.url !== '/status') return reply(404, { error: `no ${req.url}; try /status` });
    reply(200, status());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
};
