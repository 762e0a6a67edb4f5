// SshSession against a real SSH server (ssh2's, in process on 127.0.0.1): the pattern streamed
// by a remote command is verified byte for byte, and a byte flipped on the wire — by a TCP
// relay between the two, after the handshake — ends the session as an integrity failure.
import { strict as assert } from 'node:assert';
import net from 'node:net';
import ssh2 from 'ssh2';
import { patternSlice } from '../../../src/probe/byte-pattern.js';
import type { ProbeEvent } from '../../../src/probe/probe-report.js';
import { makeEmit } from '../../../src/probe/events.js';
import { classifySshError, SshSession } from '../../../src/probe/ssh/ssh-session.js';

const { Server, utils } = ssh2;

/** An ed25519 key in OpenSSH format; ssh2's generator now and then emits one its own parser refuses, so it is checked. */
const newKey = (): string => {
  for (;;) {
    const key = utils.generateKeyPairSync('ed25519').private;
    if (!(utils.parseKey(key) instanceof Error)) return key;
  }
};

const listen = (server: net.Server): Promise<number> =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));

/** An SSH server whose exec runs "source STREAM RATE SECONDS" itself: the pattern, then exit 0. */
const patternServer = () =>
  new Server({ hostKeys: [newKey()] }, (client) => {
    client.on('authentication', (ctx) => ctx.accept());
    client.on('error', () => undefined);
    client.on('ready', () =>
      client.on('session', (accept) =>
        accept().on('exec', (acceptExec, _reject, info) => {
          const ch = acceptExec();
          const [, stream, rate, seconds] = info.command.split(' ').map(Number);
          let offset = 0;
          const started = Date.now();
          const timer = setInterval(() => {
            if (Date.now() - started >= seconds! * 1000) {
              clearInterval(timer);
              ch.exit(0);
              ch.end();
              return;
            }
            const n = Math.round(rate! / 100);
            ch.write(Buffer.from(patternSlice(stream!, offset, n)));
            offset += n;
          }, 10);
          ch.on('close', () => clearInterval(timer));
        }),
      ),
    );
  });

/** Relays TCP both ways; flips one byte of the server's data at `flipAt` (if given). */
const relay = (target: number, flipAt?: number): net.Server =>
  net.createServer((inbound) => {
    const out = net.connect(target, '127.0.0.1');
    let seen = 0;
    inbound.pipe(out);
    out.on('data', (chunk: Buffer) => {
      if (flipAt !== undefined && seen <= flipAt && flipAt < seen + chunk.length)
        chunk.writeUInt8(chunk.readUInt8(flipAt - seen) ^ 0x40, flipAt - seen);
      seen += chunk.length;
      inbound.write(chunk);
    });
    out.on('end', () => inbound.end());
    out.on('error', () => inbound.destroy());
    inbound.on('error', () => out.destroy());
  });

const runSession = async (port: number) => {
  const events: ProbeEvent[] = [];
  const session = new SshSession(
    {
      stream: 7,
      host: '127.0.0.1',
      port,
      username: 'root',
      privateKey: Buffer.from(newKey()),
      mode: 'stream',
      rate: 200_000,
      durationMs: 600,
      stallMs: 3000,
      gapThresholdMs: 100,
      keepaliveMs: 0,
      fileSize: 1,
      sourceCommand: 'source',
      connectTimeoutMs: 3000,
    },
    makeEmit('probe-client', 't', (e) => events.push(e)),
  );
  await session.start();
  return { summary: session.summary(), events };
};

describe('ssh session (in-process SSH server)', function () {
  this.timeout(15_000);
  const servers: net.Server[] = [];
  after(() => servers.forEach((s) => s.close()));

  it('verifies every byte of a streamed pattern and completes', async () => {
    const server = patternServer();
    servers.push(server);
    const { summary, events } = await runSession(await listen(server));
    assert.equal(summary.failed, false, summary.failReason);
    assert.ok(summary.bytes > 60_000, `bytes ${summary.bytes}`);
    assert.deepEqual([summary.bytesLost, summary.bytesCorrupt, summary.resets], [0, 0, 0]);
    assert.equal(summary.ssh.exitCode, 0);
    assert.deepEqual(
      events.map((e) => e.event).filter((e) => e !== 'gap'),
      ['connecting', 'established'],
    );
  });

  it('reports a byte flipped on the wire as an integrity failure that closed the session', async () => {
    const server = patternServer();
    const port = await listen(server);
    const flipper = relay(port, 40_000);
    servers.push(server, flipper);
    const { summary, events } = await runSession(await listen(flipper));
    assert.equal(summary.failed, true);
    assert.equal(summary.ssh.end, 'integrity', summary.failReason);
    assert.match(summary.failReason ?? '', /SSH integrity check failed .*: a corrupted packet closed the session/);
    assert.equal(summary.resets, 0, 'not a TCP reset');
    assert.equal(summary.bytesCorrupt, 0, 'SSH delivered no damaged byte: it closed instead');
    assert.ok(events.some((e) => e.event === 'failed'));
  });

  it('classifies ssh2 errors', () => {
    const err = (message: string, level?: string, code?: string) => Object.assign(new Error(message), { level, code });
    assert.equal(classifySshError(err('Invalid MAC', 'protocol'), true).end, 'integrity');
    assert.equal(classifySshError(err('Unsupported state or unable to authenticate data', 'protocol'), true).end, 'integrity');
    const native = Object.assign(new Error('error:00000000:lib(0)::reason(0)'), {
      stack: 'Error: error:00000000:lib(0)::reason(0)\n    at AESGCMDecipherBinding.decrypt (crypto.js:1071:22)',
    });
    assert.equal(classifySshError(native, true).end, 'integrity');
    assert.equal(classifySshError(err('read ECONNRESET', 'client-socket', 'ECONNRESET'), true).end, 'reset');
    assert.equal(classifySshError(err('connect ECONNREFUSED', 'client-socket', 'ECONNREFUSED'), false).end, 'connect-failed');
    assert.equal(classifySshError(err('Keepalive timeout', 'client-timeout'), true).end, 'stall');
  });
});
