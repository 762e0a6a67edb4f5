// Hand-built histories for checker and report tests (Jepsen's checker tests need nothing
// else): small builders with defaults, so each test states only what it is about.
import type {
  DaemonEntry,
  FaultEntry,
  HistoryEntry,
  PacketEntry,
  ProbeEntry,
  RunHistory,
  RunnerEntry,
  WorkloadStreamSummary,
} from '../../../src/orchestrator/history/history-types.js';
import type { ProbeEvent } from '../../../src/probe/probe-report.js';

export const T0 = 1_700_000_000_000;

export function summary(over: Partial<WorkloadStreamSummary> = {}): WorkloadStreamSummary {
  return {
    workload: 'web',
    node: 'client1',
    stream: 0,
    direction: 's2c',
    connections: [{ localAddress: '198.18.1.10', localPort: 40000, remoteAddress: '198.18.0.100', remotePort: 5001 }],
    bytes: 1_000_000,
    resets: 0,
    eofs: 0,
    timeouts: 0,
    reconnects: 0,
    gaps: [],
    maxGapMs: 0,
    bytesLost: 0,
    bytesDuplicated: 0,
    bytesCorrupt: 0,
    failed: false,
    ...over,
  };
}

type EventBody = ProbeEvent extends infer E ? (E extends ProbeEvent ? Omit<E, 't' | 'source' | 'stream'> : never) : never;

export function probe(
  t: number,
  body: EventBody,
  over: { stream?: number; node?: string; workload?: string; source?: ProbeEvent['source'] } = {},
): ProbeEntry {
  const event = { t, source: over.source ?? 'probe-client', stream: over.stream ?? 0, ...body };
  return { t, kind: 'probe', node: over.node ?? 'client1', workload: over.workload ?? 'web', event };
}

export const fault = (t: number, phase: 'start' | 'end', id = 'flap-1', name = 'link-flap', targets = ['lb1:eth1']): FaultEntry => ({
  t,
  kind: 'fault',
  phase,
  id,
  fault: name,
  targets,
});

export const daemon = (t: number, node: string, event: string, data: Record<string, unknown> = {}, name = 'arp-ha'): DaemonEntry => ({
  t,
  kind: 'daemon',
  node,
  daemon: name,
  event,
  data,
});

export const runner = (t: number, event: string, detail?: string): RunnerEntry =>
  detail === undefined ? { t, kind: 'runner', event } : { t, kind: 'runner', event, detail };

export function history(
  entries: HistoryEntry[] = [],
  streams: WorkloadStreamSummary[] = [],
  startMs = T0,
  endMs = T0 + 30_000,
): RunHistory {
  return { entries: [...entries].sort((a, b) => a.t - b.t), streams, startMs, endMs };
}

export interface SampleOptions {
  streams: number;
  durationMs: number;
  faultAtMs: number;
  faultMs: number;
  /** Per stream outage length; the gap starts at the fault. */
  gapMs: (stream: number) => number;
  bytesPerSecond: number;
  resetStreams?: (stream: number) => boolean;
  t0?: number;
}

/**
 * A plausible ARP-HA failover run: progress every 250 ms per stream, one link fault, the
 * standby taking over, streams stalling for `gapMs` and (some) reconnecting.
 */
export function sampleHistory(o: SampleOptions): RunHistory {
  const t0 = o.t0 ?? T0;
  const entries: HistoryEntry[] = [runner(t0, 'workload-started')];
  const streams: WorkloadStreamSummary[] = [];
  const faultStart = t0 + o.faultAtMs;
  entries.push(
    fault(faultStart, 'start', 'flap-1', 'link-flap', ['lb1:eth1']),
    fault(faultStart + o.faultMs, 'end', 'flap-1', 'link-flap', ['lb1:eth1']),
  );
  entries.push(daemon(t0 + 200, 'lb1', 'became-master', { vip: '198.18.0.100', priority: 200 }));
  for (let t = t0 + 1000; t < t0 + o.durationMs; t += 1000) {
    entries.push(daemon(t, 'lb1', 'heartbeat-sent', { seq: (t - t0) / 1000 }));
    if (t < faultStart || t > faultStart + o.faultMs) entries.push(daemon(t + 5, 'lb2', 'heartbeat-received', { from: 'lb1' }));
  }
  entries.push(
    daemon(faultStart + 900, 'lb2', 'peer-dead', { missed: 3 }),
    daemon(faultStart + 950, 'lb2', 'became-master', { vip: '198.18.0.100', note: '<standby> & "takeover"' }),
  );
  entries.push(daemon(faultStart + 960, 'lb2', 'garp-sent', { vip: '198.18.0.100', count: 3 }));
  for (let s = 0; s < o.streams; s++) {
    const node = `client${1 + (s % 2)}`;
    const gapMs = o.gapMs(s);
    const gapStart = faultStart + 40 + (s % 5) * 7;
    const gapEnd = gapStart + gapMs;
    const reset = o.resetStreams?.(s) ?? false;
    const rate = o.bytesPerSecond * (0.85 + (0.3 * ((s * 7919) % 10)) / 10);
    let bytes = 0;
    entries.push(
      probe(
        t0 + 50,
        {
          event: 'established',
          offset: 0,
          tuple: { localAddress: '198.18.1.10', localPort: 40000 + s, remoteAddress: '198.18.0.100', remotePort: 5001 },
        },
        { stream: s, node },
      ),
    );
    for (let t = t0 + 250; t <= t0 + o.durationMs; t += 250) {
      const inGap = gapMs > 0 && t > gapStart && t < gapEnd;
      const wobble = 1 + 0.08 * Math.sin((t - t0) / 900 + s);
      if (!inGap) bytes += Math.round(rate * wobble * 0.25);
      entries.push(probe(t, { event: 'progress', bytes }, { stream: s, node }));
    }
    if (gapMs > 0) {
      if (reset) {
        entries.push(probe(gapStart + 1500, { event: 'timeout', kind: 'stall', offset: bytes }, { stream: s, node }));
        entries.push(
          probe(
            gapEnd - 30,
            {
              event: 'established',
              offset: bytes,
              tuple: { localAddress: '198.18.1.10', localPort: 41000 + s, remoteAddress: '198.18.0.100', remotePort: 5001 },
            },
            { stream: s, node },
          ),
        );
      }
      entries.push(probe(gapEnd, { event: 'gap', startMs: gapStart, endMs: gapEnd, offset: bytes }, { stream: s, node }));
    }
    streams.push(
      summary({
        node,
        stream: s,
        bytes,
        gaps: gapMs > 0 ? [{ startMs: gapStart, endMs: gapEnd }] : [],
        maxGapMs: gapMs,
        timeouts: reset ? 1 : 0,
        reconnects: reset ? 1 : 0,
      }),
    );
  }
  entries.push(runner(t0 + o.durationMs, 'workload-stopped'));
  return history(entries, streams, t0, t0 + o.durationMs);
}

type Op = 'request' | 'reply';

/** An ARP packet seen at `point` (node:iface), `ms` after T0. */
export function arpPacket(
  ms: number,
  op: Op,
  senderMac: string,
  senderIp: string,
  targetIp: string,
  point = 'sw1:eth3',
  targetMac = '00:00:00:00:00:00',
): PacketEntry {
  const [node, iface] = point.split(':') as [string, string];
  return {
    t: T0 + ms,
    kind: 'packet',
    node,
    iface,
    proto: 'arp',
    arp: {
      ethSrc: senderMac,
      ethDst: 'ff:ff:ff:ff:ff:ff',
      op,
      senderMac,
      senderIp,
      targetMac,
      targetIp,
      gratuitous: senderIp === targetIp,
    },
  };
}
