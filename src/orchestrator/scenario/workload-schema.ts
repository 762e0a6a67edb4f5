// A scenario's workloads, a union on `kind`: `probe` (the default when `kind` is left out: the
// project's own byte-checked TCP instrument), `ssh` (sessions with the ssh2 client to an sshd
// per server node) and `command` (any client command, with an optional server command).
import { z } from 'zod';
import { MIN_PACER_TICK_MS, PACER_TICK_MS } from '../../probe/timing.js';
import { durationMs, endpoint, nodeList, nodeName, rate, workloadName } from './schema-kit.js';

export const probeWorkloadSchema = z
  .object({
    kind: z.literal('probe'),
    name: workloadName,
    /** One node, or several for hot standby: each runs a probe server on the same address. */
    server: z
      .object({
        node: nodeList,
        listen: endpoint,
        /** The probe server's control port (JSON lines), for daemons that replicate or restore its streams. */
        control: endpoint.optional(),
        /** Checkpoint s2c connections for transparent takeover (daemons read them over `control`). */
        takeover: z.boolean().optional(),
        /** The service deliberately takes this long to start (listen) — hot vs cold standby. */
        startDelay: durationMs.optional(),
        /**
         * Run the server as CRIU can dump it, for the migration agent's CRIU path: under the
         * migration image's node 18 (libuv without io_uring), as the init of its own pid
         * namespace, with no descriptor of the runner's. Its own events are not recorded (a
         * restored process cannot write to the runner's pipe); its clients judge the streams.
         */
        criu: z.boolean().optional(),
      })
      .strict()
      .refine((s) => !(s.criu && s.takeover), {
        message:
          'criu and takeover exclude each other: the CRIU path moves the server whole, takeover rebuilds its connections in another one',
        path: ['criu'],
      }),
    client: z
      .object({
        node: nodeName,
        connect: endpoint,
        /** A user who arrives later (embodiment 3's third user): the client connects after this; its duration counts from then. */
        startDelay: durationMs.optional(),
      })
      .strict(),
    streams: z.number().int().min(1).max(5000).default(1),
    direction: z.enum(['s2c', 'c2s', 'echo']).default('s2c'),
    rate: rate.default(1_000_000),
    duration: durationMs,
    stall: durationMs.default(1000),
    pingTimeout: durationMs.optional(),
    gapThreshold: durationMs.default(100),
    reconnect: z.boolean().default(true),
    /**
     * The client's wait after its first failed reconnect try (default 50 ms; doubling, jittered
     * 50–100 %). The client's own floor under any reconnect gap: a scenario shortens it on purpose.
     */
    reconnectBackoff: durationMs.optional(),
    /**
     * The client's pacer period (2–20 ms; default finer for few streams, 20 ms from 200 on). An
     * echo stream's gaps are seen from 3 ticks (and gapThreshold) on: a check on shorter gaps
     * among many streams needs a finer tick, at the cost of more writes per second.
     */
    pacerTick: durationMs
      .refine(
        (v) => Number.isInteger(v) && v >= MIN_PACER_TICK_MS && v <= PACER_TICK_MS,
        `expected a whole number of ms from ${MIN_PACER_TICK_MS} to ${PACER_TICK_MS}`,
      )
      .optional(),
    /**
     * Run the client at realtime priority (SCHED_RR, under its node's realtime budget), so a
     * loaded host does not delay when it reads what arrived: its gaps then agree with the
     * captured flow's within a few ms (docs/flows.md). Off by default: a client that needs more
     * CPU than the node's budget is stopped for the rest of each 100 ms period, which would make
     * gaps instead of measuring them (1,000 streams, unpaced ones).
     */
    realtime: z.boolean().default(false),
  })
  .strict();

export const SSH_MODES = ['stream', 'shell', 'sftp'] as const;

export const sshWorkloadSchema = z
  .object({
    kind: z.literal('ssh'),
    name: workloadName,
    /** sshd on each node, listening on `listen` (several nodes: hot standby behind one address). */
    server: z.object({ node: nodeList, listen: endpoint }).strict(),
    client: z.object({ node: nodeName, connect: endpoint }).strict(),
    sessions: z.number().int().min(1).max(200).default(1),
    /** stream: a remote command sends the probe's pattern; shell: a shell echoes what we type; sftp: upload, download, SHA-256. */
    mode: z.enum(SSH_MODES).default('stream'),
    /** Per session. */
    rate: rate.default(100_000),
    duration: durationMs,
    /** No byte for this long: the session is given up (a timeout), as the probe's stall. */
    stall: durationMs.default(10_000),
    gapThreshold: durationMs.default(100),
    /** SSH keepalive interval; 0 (default) is off, so a session lives exactly as long as its TCP connection. */
    keepalive: durationMs.default(0),
    /** sftp: the size of each file uploaded then downloaded. */
    fileSize: z
      .number()
      .int()
      .min(1)
      .max(64 * 1024 * 1024)
      .default(256 * 1024),
  })
  .strict();

const commandLine = z.string().min(1);

export const commandWorkloadSchema = z
  .object({
    kind: z.literal('command'),
    name: workloadName,
    /** Started before the client; the client starts once `ready` holds. */
    server: z
      .object({
        node: nodeName,
        run: commandLine,
        /** Ready once something listens on this TCP port in the server node (bounded wait). */
        ready: z
          .object({ port: z.number().int().min(1).max(65535), timeout: durationMs.default(10_000) })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    client: z.object({ node: nodeName, run: commandLine }).strict(),
    /** The client is stopped (and the workload failed) when it runs longer than this. */
    timeout: durationMs.default(60_000),
  })
  .strict();

/** `kind` may be left out (probe); anything else goes to the union, which names the kinds it knows. */
export const workloadSchema = z.preprocess(
  (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) && !('kind' in v) ? { kind: 'probe', ...v } : v),
  z.discriminatedUnion('kind', [probeWorkloadSchema, sshWorkloadSchema, commandWorkloadSchema]),
);
