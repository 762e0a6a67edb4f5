// A TCP relay that damages the probe's frames on purpose, for the corruption tests: in process
// (unit tests) and as a script on a lab node (test/e2e/probe-corruption.test.ts). It cuts each
// leg into frames by the headers' length field — read before any damage, so its own framing is
// never misled — and applies the actions aimed at a frame: flip one byte, drop the frame, or
// swap it with the next one. A leg without actions is piped untouched. Every action applied is
// recorded with the damaged frame's type and payload length, which is what the probe must count.
//
//   node corrupting-relay.js <listenHost:port> <targetHost:port> '<actions JSON>'
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { HEADER_BYTES } from '../../../src/probe/frames.js';

export type Leg = 'c2s' | 's2c';

export interface RelayAction {
  leg: Leg;
  /** Index of the frame on its leg: 0 is the HELLO (c2s) or the WELCOME (s2c). */
  frame: number;
  op: 'flip' | 'drop' | 'swap';
  /** flip: the byte within the frame (header bytes first) to XOR with 0xff. */
  at?: number;
  /** Which accepted connection (0 = the first). */
  connection?: number;
}

export interface AppliedAction extends RelayAction {
  type: number;
  /** Payload bytes of the damaged frame (of the first frame, for a swap). */
  len: number;
}

/** Cuts one leg into frames and applies its actions; returns what to forward for each chunk. */
class LegDamager {
  private pending: Buffer = Buffer.alloc(0);
  private index = 0;
  private held: Buffer | undefined;

  constructor(
    private readonly actions: RelayAction[],
    private readonly applied: AppliedAction[],
  ) {}

  push(chunk: Buffer): Buffer {
    if (this.actions.length === 0) return chunk;
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Buffer[] = [];
    while (this.pending.length >= HEADER_BYTES) {
      const size = HEADER_BYTES + this.pending.readUInt32BE(17);
      if (this.pending.length < size) break;
      const frame = Buffer.from(this.pending.subarray(0, size));
      this.pending = this.pending.subarray(size);
      out.push(...this.frame(frame, this.index++));
    }
    return Buffer.concat(out);
  }

  private frame(frame: Buffer, index: number): Buffer[] {
    const action = this.actions.find((a) => a.frame === index);
    const release = this.held ? [frame, this.held] : [frame];
    this.held = undefined;
    if (!action) return release;
    this.applied.push({ ...action, type: frame.readUInt8(4), len: frame.length - HEADER_BYTES });
    if (action.op === 'drop') return release.slice(1);
    if (action.op === 'swap') {
      this.held = frame;
      return release.slice(1);
    }
    const at = action.at ?? 0;
    frame[at] = frame[at]! ^ 0xff;
    return release;
  }
}

export class CorruptingRelay {
  readonly applied: AppliedAction[] = [];
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private accepted = 0;

  constructor(
    private readonly target: { host: string; port: number },
    private readonly actions: RelayAction[],
  ) {
    this.server = net.createServer({ allowHalfOpen: true }, (client) => this.relay(client, this.accepted++));
  }

  listen(host = '127.0.0.1', port = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host, port }, () => resolve((this.server.address() as net.AddressInfo).port));
    });
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: net.Socket, connection: number): void {
    const upstream = net.connect({ host: this.target.host, port: this.target.port, allowHalfOpen: true });
    const mine = (leg: Leg) => this.actions.filter((a) => a.leg === leg && (a.connection ?? 0) === connection);
    this.pipe(client, upstream, new LegDamager(mine('c2s'), this.applied));
    this.pipe(upstream, client, new LegDamager(mine('s2c'), this.applied));
  }

  private pipe(from: net.Socket, to: net.Socket, damager: LegDamager): void {
    this.sockets.add(from);
    from.setNoDelay(true);
    from.on('data', (chunk: Buffer) => {
      const out = damager.push(chunk);
      if (out.length > 0 && !to.write(out)) {
        from.pause();
        to.once('drain', () => from.resume());
      }
    });
    from.on('end', () => to.end());
    from.on('error', () => to.destroy());
    from.on('close', () => {
      this.sockets.delete(from);
      to.destroy();
    });
  }
}

const hostPort = (s: string): { host: string; port: number } => {
  const at = s.lastIndexOf(':');
  return { host: s.slice(0, at), port: Number(s.slice(at + 1)) };
};

/** The script: prints `listening`, then each applied action as a JSON line. */
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [listen, target, actions] = process.argv.slice(2);
  if (!listen || !target || !actions) throw new Error('usage: corrupting-relay <listenHost:port> <targetHost:port> <actions JSON>');
  const relay = new CorruptingRelay(hostPort(target), JSON.parse(actions) as RelayAction[]);
  const { host, port } = hostPort(listen);
  const reported = { n: 0 };
  await relay.listen(host, port);
  process.stdout.write('listening\n');
  setInterval(() => {
    for (; reported.n < relay.applied.length; reported.n++) process.stdout.write(JSON.stringify(relay.applied[reported.n]) + '\n');
  }, 50);
}
