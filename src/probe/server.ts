// The probe server: accepts one connection per stream, serves it (server-connection.ts) and
// keeps per-stream offsets that outlive connections, readable and writable in-process
// (getState/setState) and over the optional control port.
import net from 'node:net';
import { TestbedError, errorMessage } from '../common/errors.js';
import { silentLogger, type Logger } from '../common/logger.js';
import { createControlServer, type ControlServer } from './control-port.js';
import { makeEmit, type Emit } from './events.js';
import { Pacer } from './pattern-sender.js';
import type { ProbeEvent } from './probe-report.js';
import { ServerConnection, type ConnectionHost } from './server-connection.js';
import { StateStore, type StreamState } from './server-state.js';
import { ACK_EVERY_MS } from './timing.js';

export interface ProbeServerOptions {
  host: string;
  /** 0 picks a free port (see `port` after listen()). */
  port: number;
  node?: string;
  onEvent?: (event: ProbeEvent) => void;
  /** Control port (JSON lines); undefined = none, 0 = a free port. */
  controlPort?: number;
  controlHost?: string;
  /** For errors after start-up (e.g. accept failing with EMFILE); they do not stop the server. */
  logger?: Logger;
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

export class ProbeServer implements ConnectionHost {
  readonly pacer = new Pacer();
  readonly state = new StateStore();
  readonly emit: Emit;
  private readonly server: net.Server;
  private control: ControlServer | undefined;
  private readonly connections = new Set<ServerConnection>();
  private readonly byStream = new Map<number, ServerConnection>();
  private ackTimer: NodeJS.Timeout | undefined;
  private boundPort = 0;
  private boundControlPort: number | undefined;

  constructor(private readonly options: ProbeServerOptions) {
    this.emit = makeEmit('probe-server', options.node, options.onEvent ?? (() => {}));
    this.server = net.createServer((socket) => this.connections.add(new ServerConnection(socket, this)));
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
    this.boundPort = await listen(this.server, this.options.host, this.options.port);
    this.server.on('error', (err) => logger.warn(`probe server: ${errorMessage(err)}`));
    if (this.options.controlPort !== undefined) {
      this.control = createControlServer(this);
      this.boundControlPort = await listen(this.control.server, this.options.controlHost ?? this.options.host, this.options.controlPort);
      this.control.server.on('error', (err) => logger.warn(`probe control port: ${errorMessage(err)}`));
    }
    // Acknowledges c2s data that has waited ACK_EVERY_MS (arrivals acknowledge the rest).
    this.ackTimer = setInterval(() => {
      const now = Date.now();
      for (const c of this.connections) c.flushAck(now);
    }, ACK_EVERY_MS / 2);
  }

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
    const closing = [this.server, this.control?.server].filter((s): s is net.Server => s !== undefined)
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
