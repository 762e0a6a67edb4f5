// The probe's output contract: JSON-lines events while it runs and one summary per stream at
// the end. The orchestrator merges these into its history and judges them; keep it stable.

export type Direction = 's2c' | 'c2s' | 'echo';

export interface FourTuple {
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
}

/** One gap in the application data flow longer than the probe's threshold. Wall-clock ms. */
export interface Gap {
  startMs: number;
  endMs: number;
}

interface EventBase {
  /** Wall-clock milliseconds since the epoch (Clock.nowMs()); all lab containers share the host clock. */
  t: number;
  /** Which process wrote it: 'probe-client' | 'probe-server'. */
  source: 'probe-client' | 'probe-server';
  node?: string;
  stream: number;
}

export type ProbeEvent = EventBase &
  (
    | { event: 'connecting'; attempt: number; offset: number }
    /** hadState (server side, and echoed to the client): the server already had this stream's offset. */
    | { event: 'established'; tuple: FourTuple; offset: number; hadState?: boolean }
    /** Server side: this server continues a connection another server was sending (transparent takeover). */
    | { event: 'taken-over'; tuple?: FourTuple; offset: number }
    /** duringConnect: the connection failed before it was established (refused, reset in the handshake). */
    | { event: 'reset'; tuple?: FourTuple; offset: number; error: string; duringConnect?: boolean }
    | { event: 'eof'; tuple?: FourTuple; offset: number }
    | { event: 'timeout'; tuple?: FourTuple; offset: number; kind: 'connect' | 'stall' }
    | { event: 'stall'; offset: number; silentMs: number }
    | { event: 'gap'; startMs: number; endMs: number; offset: number }
    | { event: 'lost'; offset: number; bytes: number }
    | { event: 'duplicated'; offset: number; bytes: number }
    | { event: 'corrupt'; offset: number; bytes: number }
    /** Bytes that filled an earlier hole: they arrived after later bytes. */
    | { event: 'reordered'; offset: number; bytes: number }
    /**
     * The connection was made but did not become a stream: no intact WELCOME (client side), or no
     * intact HELLO (server side, stream 0: the id is not known). A failure, not a silent retry.
     */
    | { event: 'handshake-failed'; tuple?: FourTuple; offset: number; reason: string }
    | { event: 'failed'; offset: number; reason: string }
    | { event: 'progress'; bytes: number }
  );

export type ProbeEventName = ProbeEvent['event'];

/** Final per-stream figures, as the client saw them (the party that verifies). */
export interface StreamSummary {
  stream: number;
  direction: Direction;
  /** Every connection the stream used, in order. */
  connections: FourTuple[];
  /** Bytes verified in order (the stream's final offset). */
  bytes: number;
  resets: number;
  eofs: number;
  timeouts: number;
  reconnects: number;
  gaps: Gap[];
  maxGapMs: number;
  bytesLost: number;
  bytesDuplicated: number;
  bytesCorrupt: number;
  /**
   * Bytes that arrived after later bytes (filled a hole): not lost, but out of order. Every
   * direction (c2s: the server's count); optional only for summaries of older probes.
   */
  bytesReordered?: number;
  /** Connections made whose handshake failed (a REJECT, a damaged or missing WELCOME); counted apart from resets. */
  handshakeFailures?: number;
  /** Connection attempts that failed before being established (not counted in `resets`). */
  connectErrors?: number;
  /** First offset at which a byte was lost, duplicated, corrupt or reordered; undefined if none. */
  firstBadOffset?: number;
  /** True when the stream ended for good (e.g. a reset or a failed handshake under --no-reconnect). */
  failed: boolean;
  failReason?: string;
}

export interface ProbeSummary {
  t: number;
  source: 'probe-client';
  node?: string;
  summary: StreamSummary[];
}
