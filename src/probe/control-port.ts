// The server's control port: JSON lines over TCP, one reply line per request line.
//   {"op":"get"}                                  → {"ok":true,"streams":[{stream,direction,offset},...]}
//   {"op":"set","streams":[...],"replace":false}  → {"ok":true,"streams":N}
//   {"op":"checkpoints","since":V}                → {"ok":true,"version":V2,"conns":[S2cCheckpoint…]} (conns left out when V2 = since)
//   {"op":"restore","conns":[{checkpoint,answer}]} → {"ok":true,"results":[{client,ok,error?}…],"ms":M} (M: time spent rebuilding)
// Errors answer {"ok":false,"error":"..."}; the connection stays open for further requests.
import net from 'node:net';
import { systemClock, type Clock } from '../common/clock.js';
import { errorMessage } from '../common/errors.js';
import { parseStreamState, ProbeStateError, type StreamState } from './server-state.js';
import type { S2cCheckpoint } from './takeover.js';
import { parseRestoreItems, type RestoreItem } from './takeover-input.js';

/** A request line longer than this (≈ 20,000 streams) is refused and the connection closed. */
const MAX_LINE_BYTES = 1 << 20;

export interface StateAccess {
  getState(): StreamState[];
  setState(streams: StreamState[], options?: { replace?: boolean }): void;
  readonly checkpointVersion?: number;
  checkpoints?(): S2cCheckpoint[];
  restore?(items: readonly RestoreItem[]): unknown[];
}

/** Pure request handling, separate from the socket plumbing. */
export const handleControlRequest = (line: string, access: StateAccess, clock: Clock = systemClock): Record<string, unknown> => {
  try {
    const request = JSON.parse(line) as { op?: unknown; streams?: unknown; replace?: unknown; since?: unknown; conns?: unknown };
    if (request.op === 'get') return { ok: true, streams: access.getState() };
    if (request.op === 'checkpoints' && access.checkpoints) {
      const version = access.checkpointVersion ?? 0;
      return version === request.since ? { ok: true, version } : { ok: true, version, conns: access.checkpoints() };
    }
    if (request.op === 'restore' && access.restore) {
      const t0 = clock.monotonicMs();
      const results = access.restore(parseRestoreItems(request.conns));
      return { ok: true, results, ms: Math.round((clock.monotonicMs() - t0) * 10) / 10 };
    }
    if (request.op === 'set') {
      if (!Array.isArray(request.streams)) throw new ProbeStateError('"streams" must be an array');
      const streams = request.streams.map(parseStreamState);
      access.setState(streams, { replace: request.replace === true });
      return { ok: true, streams: streams.length };
    }
    throw new ProbeStateError(`unknown op ${JSON.stringify(request.op)}`);
  } catch (error) {
    return { ok: false, error: errorMessage(error) };
  }
};

export interface ControlServer {
  server: net.Server;
  /** net.Server.close() waits for clients to leave; a closing probe server does not. */
  dropClients(): void;
}

export const createControlServer = (access: StateAccess, clock: Clock = systemClock): ControlServer => {
  const clients = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    clients.add(socket);
    socket.on('close', () => clients.delete(socket));
    let pending = '';
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      pending += text;
      if (pending.length > MAX_LINE_BYTES) {
        socket.end(JSON.stringify({ ok: false, error: 'request line too long' }) + '\n');
        return;
      }
      for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (line) socket.write(JSON.stringify(handleControlRequest(line, access, clock)) + '\n');
      }
    });
    socket.on('error', () => {});
  });
  return {
    server,
    dropClients: () => {
      for (const c of clients) c.destroy();
    },
  };
};
