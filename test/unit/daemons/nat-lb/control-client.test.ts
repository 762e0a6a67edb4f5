import { strict as assert } from 'node:assert';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ControlCallError, ControlClient } from '../../../../src/daemons/nat-lb/controller/control-client.js';

/** A server that answers every request with `reply` (or never, for 'hang'). */
const serve = async (reply: unknown): Promise<{ server: Server; api: string }> => {
  const server = createServer((req, res) => {
    req.resume();
    if (reply === 'hang') return;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(reply));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, api: `127.0.0.1:${(server.address() as AddressInfo).port}` };
};

const rejectsWith = async (p: Promise<unknown>, kind: ControlCallError['kind'], message: RegExp) =>
  assert.rejects(p, (e: unknown) => e instanceof ControlCallError && e.kind === kind && message.test(e.message));

describe('nat-lb controller: protocol client', () => {
  const client = new ControlClient();
  it('validates replies against protocol.ts and names the bad field', async () => {
    const { server, api } = await serve({ vip: 'x', mode: 'migration' });
    try {
      await rejectsWith(
        client.balancer({ name: 'A', api, token: 't' }, '/migration/begin', { vip: '198.18.7.1' }, 1000),
        'invalid-reply',
        /^A \/migration\/begin: reply.vip: expected an IPv4 address/,
      );
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
  it('times out through its AbortSignal deadline, and names an unreachable balancer', async () => {
    const { server, api } = await serve('hang');
    try {
      await rejectsWith(client.balancerStatus({ name: 'A', api, token: 't' }, 100), 'timeout', /no answer within 100 ms/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
    await rejectsWith(client.balancerStatus({ name: 'A', api, token: 't' }, 1000), 'unreachable', /ECONNREFUSED/);
  });
  it('refuses to send a step body that breaks the contract', async () => {
    await rejectsWith(
      client.balancerOp(
        { name: 'B', api: '127.0.0.1:9', token: 't' },
        '/rows/import',
        { vip: '198.18.7.1', rows: [{ clientIp: 'x' }] },
        1000,
      ),
      'invalid-request',
      /request not sent, body.rows\[0\].clientIp/,
    );
  });
});
