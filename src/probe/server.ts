// The probe server: accepts one connection per stream, serves it (server-connection.ts) and
// keeps per-stream offsets that outlive connections, readable and writable in-process
// (getState/setState) and over the optional control port.
import net from 'node:net';
import { systemClock, type Clock } from '../common/clock.js';
import { TestbedError, errorMessage } from '../common/errors.js';
import { silentLogger, type Logger } from '../common/logger.js';
import { createControlServer, type ControlServer } from './control-port.js';
import { makeEmit, type Emit } from './events.js';
import { Pacer } from './pattern-sender.js';
import type { ProbeEvent } from './probe-report.js';
import { ServerConnection, type ConnectionHost } from './server-connection.js';
import { StateStore, type StreamState } from './server-state.js';
import { ACK_EVERY_MS } from './timing.js';
import { fdOf } from '../kernel/socket-queue.js';
import { peekTcp, rebuildTcp, warmUpTcpRepair } from '../kernel/tcp-repair.js';
import { layoutOf, positionOf, rebuildParams, type S2cCheckpoint } from './takeover.js';
import type { AcceptPeek } from './server-connection.js';
import { parseRestoreItems, type RestoreItem } from './takeover-input.js';

export interface ProbeServerOptions {
  host: string;
  /** 0 picks a free port (see `port` after listen()). */
  port: number;
  node?: string;
  onEvent?: (event: ProbeEvent) => void;
  clock?: Clock;
  /** Control port (JSON lines); undefined = none, 0 = a free port. */
  controlPort?: number;
  controlHost?: string;
  /** For errors after start-up (e.g. accept failing with EMFILE); they do not stop the server. */
  logger?: Logger;
  /** Checkpoint s2c connections for transparent takeover (reads sequence numbers with TCP_REPAIR: needs CAP_NET_ADMIN). */
  takeover?: boolean;
}

export interface RestoreResult {
  client: string;
  ok: boolean;
  error?: string;
}

export class ProbeListenError extends TestbedError {
  constructor(what: string, cause: unknown) {
    super('PROBE_LISTEN', `cannot listen on ${what}: ${errorMessage(cause)}`, { cause });
  }
}

/** Enough for 1,000 streams connecting at once (the kernel caps it at somaxconn). */
const LISTEN_BACKLOG = 4096;

const listen = (server: net.Server, host: string, port: number): Promise<number> =>
  new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(new ProbeListenError(`${host}:${port}`, err));
    server.once('error', onError);
    server.listen({ host, port, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', onError);
      resolve((server.address() as net.AddressInfo).port);
    });
  });

const restoreConnection = (
  { checkpoint, answer }: RestoreItem,
  host: ConnectionHost,
): { ok: boolean; error?: string; connection?: ServerConnection } => {
  try {
    const position = positionOf(checkpoint, answer);
    const layout = layoutOf(checkpoint);
    const inFlight = answer.inFlight ? layout.connectionBytes(position, answer.inFlight) : undefined;
    const fd = rebuildTcp({ ...rebuildParams(checkpoint, answer), ...(inFlight ? { inFlight } : {}) });
    const socket = new net.Socket({ fd, readable: true, writable: true });
    const c = checkpoint;
    const peek = {
      firstSeq: c.firstSeq,
      mss: c.mss,
      sndWscale: c.sndWscale,
      rcvWscale: c.rcvWscale,
      sack: c.sack,
      timestamps: c.timestamps,
    };
    // The stream goes on after what is in flight: the client has it, or gets it resent.
    const next = position + (inFlight?.length ?? 0);
    return { ok: true, connection: new ServerConnection(socket, host, peek, { checkpoint, position: next, layout }) };
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
};

/**
 * The whole restore path on loopback with a throwaway host: request parsing, TCP_REPAIR rebuild,
 * socket wrap, a layout with an insertion, resuming inside it, and the first paced write. A
 * takeover's first restore otherwise runs cold (≈ 2 ms of lazy binding and compilation for its
 * first connection, in the middle of a failover). Nothing listens on 127.0.0.1:9, so the
 * rebuilt socket's first segment meets a reset and the connection ends by itself.
 */
const warmUpRestore = (): void => {
  const host: ConnectionHost = {
    clock: systemClock,
    pacer: new Pacer(),
    state: new StateStore(),
    emit: () => {},
    claim: () => {},
    closed: () => {},
    checkpointChanged: () => {},
  };
  const [item] = parseRestoreItems([
    {
      checkpoint: {
        client: '127.0.0.1:9',
        server: '127.0.0.1:0',
        stream: 0,
        start: 0,
        rate: 1000,
        insertions: [{ at: 0, hex: '00'.repeat(24) }],
        firstSeq: 1,
        mss: 1460,
        sndWscale: 7,
        rcvWscale: 7,
        sack: true,
        timestamps: true,
      },
      answer: { seq: 1, ack: 6, window: 1024, tsEcr: 1 },
    },
  ]);
  if (item) restoreConnection(item, host);
};

export class ProbeServer implements ConnectionHost {
  readonly clock: Clock;
  readonly pacer: Pacer;
  readonly state = new StateStore();
  readonly emit: Emit;
  private readonly server: net.Server;
  private readonly writeEvent: (event: ProbeEvent) => void;
  private control: ControlServer | undefined;
  private readonly connections = new Set<ServerConnection>();
  private readonly byStream = new Map<number, ServerConnection>();
  private ackTimer: NodeJS.Timeout | undefined;
  private boundPort = 0;
  private boundControlPort: number | undefined;

  constructor(private readonly options: ProbeServerOptions) {
    this.clock = options.clock ?? systemClock;
    this.pacer = new Pacer(this.clock);
    this.writeEvent = options.onEvent ?? (() => {});
    this.emit = makeEmit('probe-server', options.node, (event) => (this.held ? this.held.push(event) : this.writeEvent(event)), this.clock);
    // Half-open: a c2s client's FIN is answered with a last ACK before our FIN (server-connection.ts).
    this.server = net.createServer({ allowHalfOpen: true }, (socket) =>
      this.connections.add(new ServerConnection(socket, this, this.peek(socket))),
    );
  }

  get port(): number {
    return this.boundPort;
  }

  get controlPort(): number | undefined {
    return this.boundControlPort;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  async listen(): Promise<void> {
    const logger = this.options.logger ?? silentLogger;
    // Bind libc now: a takeover must not pay for loading it in the middle of a failover.
    if (this.options.takeover) {
      warmUpTcpRepair();
      warmUpRestore();
    }
    this.boundPort = await listen(this.server, this.options.host, this.options.port);
    this.server.on('error', (err) => logger.warn(`probe server: ${errorMessage(err)}`));
    if (this.options.controlPort !== undefined) {
      this.control = createControlServer(this, this.clock);
      this.boundControlPort = await listen(this.control.server, this.options.controlHost ?? this.options.host, this.options.controlPort);
      this.control.server.on('error', (err) => logger.warn(`probe control port: ${errorMessage(err)}`));
    }
    // Acknowledges c2s data that has waited ACK_EVERY_MS (arrivals acknowledge the rest).
    this.ackTimer = setInterval(() => {
      const now = this.clock.nowMs();
      for (const c of this.connections) c.flushAck(now);
    }, ACK_EVERY_MS / 2);
  }

  /** At accept, before anything is written: the connection's first server byte and its options. */
  private peek(socket: net.Socket): AcceptPeek | undefined {
    if (!this.options.takeover) return undefined;
    const fd = fdOf(socket);
    if (fd === undefined) return undefined;
    try {
      const p = peekTcp(fd);
      return { firstSeq: p.writeSeq, mss: p.mss, sndWscale: p.sndWscale, rcvWscale: p.rcvWscale, sack: p.sack, timestamps: p.timestamps };
    } catch (error) {
      (this.options.logger ?? silentLogger).warn(`probe server: no takeover checkpoint for a connection: ${errorMessage(error)}`);
      return undefined;
    }
  }

  checkpointChanged(): void {
    this.checkpointVersion++;
  }

  /** Bumped on every change of the s2c checkpoints, so a replicator can skip unchanged reads. */
  checkpointVersion = 0;

  checkpoints(): S2cCheckpoint[] {
    return [...this.connections].flatMap((c) => c.checkpoint() ?? []);
  }

  /**
   * Continues each given connection (taken over from another server) from the client's answer.
   * An empty list runs the whole path on loopback instead: a standby's keep-warm call.
   * Every client is waiting for its first byte, so the events (each a write to a pipe that wakes
   * the process reading it) wait until the last connection has sent its first byte; they keep
   * the time they happened.
   */
  restore(items: readonly RestoreItem[]): RestoreResult[] {
    if (items.length === 0 && this.options.takeover) warmUpRestore();
    const held: ProbeEvent[] = [];
    this.held = held;
    try {
      return items.map((item) => {
        const result = restoreConnection(item, this);
        if (result.connection) this.connections.add(result.connection);
        return { client: item.checkpoint.client, ok: result.ok, ...(result.error !== undefined ? { error: result.error } : {}) };
      });
    } finally {
      this.held = undefined;
      for (const event of held) this.writeEvent(event);
    }
  }

  private held: ProbeEvent[] | undefined;

  getState(): StreamState[] {
    return this.state.list();
  }

  setState(streams: StreamState[], options: { replace?: boolean } = {}): void {
    this.state.set(streams, options.replace);
  }

  /** Destroys every live connection (state is kept): a server-side failure, for drills and tests. */
  dropConnections(): number {
    const n = this.connections.size;
    for (const c of [...this.connections]) c.drop();
    return n;
  }

  async close(): Promise<void> {
    clearInterval(this.ackTimer);
    const closing = [this.server, this.control?.server]
      .filter((s): s is net.Server => s !== undefined)
      .map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    this.dropConnections();
    this.control?.dropClients();
    await Promise.all(closing);
  }

  claim(stream: number, conn: ServerConnection): void {
    const older = this.byStream.get(stream);
    if (older && older !== conn) older.drop();
    this.byStream.set(stream, conn);
  }

  closed(conn: ServerConnection): void {
    this.connections.delete(conn);
    if (conn.stream !== undefined && this.byStream.get(conn.stream) === conn) this.byStream.delete(conn.stream);
  }
}
