import { strict as assert } from 'node:assert';
import net from 'node:net';
import { fdOf, readableBytes } from '../../../src/kernel/socket-queue.js';

describe('socket receive queue (FIONREAD on a Node socket)', () => {
  it('counts the bytes the kernel holds for a socket the event loop has not read', async () => {
    // Closing a socket with unread bytes resets the connection: neither side cares here.
    const server = net.createServer((peer) => peer.on('error', () => {}).end(Buffer.alloc(1234, 7)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const client = net.connect({ host: '127.0.0.1', port });
    client.on('error', () => {}).pause();
    try {
      await new Promise((resolve) => client.once('connect', resolve));
      assert.ok((fdOf(client) ?? -1) >= 0, 'a connected socket has a descriptor');
      let waiting = 0;
      for (let i = 0; i < 100 && waiting < 1234; i++) {
        await new Promise((r) => setTimeout(r, 5));
        waiting = readableBytes(client) ?? -1;
      }
      assert.equal(waiting, 1234);
    } finally {
      client.destroy();
      server.close();
    }
    assert.equal(readableBytes(client), undefined, 'a destroyed socket has no descriptor to ask');
  });
});
