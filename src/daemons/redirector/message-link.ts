// One UDP socket for the signed messages of protocol.ts, used by both ends: it stamps what it
// sends with (node, boot, seq, sentMs) and lets through only what is authentic, well-formed,
// fresh and in order (SequenceGuard), counting the rest by reason.
import { randomUUID } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { systemClock, type Clock } from '../../common/clock.js';
import { splitHostPort } from '../../common/host-port.js';
import { SequenceGuard } from '../shared/signed-datagram.js';
import {
  decodeMessage,
  encodeMessage,
  type agentCommandSchema,
  type agentReportSchema,
  type AgentCommand,
  type AgentReport,
} from './protocol.js';

type Schema = typeof agentReportSchema | typeof agentCommandSchema;
type Body<M> = M extends unknown ? Omit<M, 'v' | 'node' | 'boot' | 'seq' | 'sentMs'> : never;

/** A message older (or newer) than this on the shared clock is refused as stale. */
const MAX_AGE_MS = 2000;

/** Receives In (checked against the schema given to open), sends Out. */
export class MessageLink<In extends AgentReport | AgentCommand, Out extends AgentReport | AgentCommand> {
  declare readonly received?: In;
  readonly refused = new Map<string, number>();
  private readonly socket: Socket;
  private readonly boot = randomUUID();
  private readonly guard = new SequenceGuard(MAX_AGE_MS);
  private seq = 0;

  private constructor(
    private readonly node: string,
    private readonly key: Buffer,
    private readonly clock: Clock,
  ) {
    this.socket = createSocket({ type: 'udp4', reuseAddr: true });
  }

  static async open<In extends AgentReport | AgentCommand, Out extends AgentReport | AgentCommand>(o: {
    node: string;
    key: string;
    listen: string;
    schema: Schema;
    onMessage: (message: In, from: string) => void;
    clock?: Clock;
  }): Promise<MessageLink<In, Out>> {
    const link = new MessageLink<In, Out>(o.node, Buffer.from(o.key), o.clock ?? systemClock);
    const { host, port } = splitHostPort(o.listen);
    link.socket.on('message', (packet, rinfo) => {
      const d = decodeMessage(packet, link.key, o.schema);
      if (!d.ok) return link.count(d.reason.split(':')[0]!);
      const m = d.message as In;
      const order = link.guard.accept(`${m.node}\0${m.boot}`, m.seq, m.sentMs, link.clock.nowMs());
      if (order !== 'ok') return link.count(order);
      o.onMessage(m, rinfo.address);
    });
    await new Promise<void>((resolve, reject) => {
      link.socket.once('error', reject);
      link.socket.bind(port, host, () => resolve());
    });
    return link;
  }

  send(body: Body<Out>, to: string, port: number): void {
    // The origin fields are the ones Body<Out> leaves out, so this is an Out; TS cannot see through the distributive Omit.
    const message = { v: 1, node: this.node, boot: this.boot, seq: this.seq++, sentMs: this.clock.nowMs(), ...body } as unknown as Out;
    // A send to an unreachable peer fails asynchronously; the health check notices, not this.
    this.socket.send(encodeMessage(message, this.key), port, to, () => undefined);
  }

  close(): void {
    this.socket.close();
  }

  private count(reason: string): void {
    this.refused.set(reason, (this.refused.get(reason) ?? 0) + 1);
  }
}
