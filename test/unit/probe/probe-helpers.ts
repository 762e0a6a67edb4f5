// In-process probe runs over 127.0.0.1 for the unit tests.
import { ProbeClient, type ProbeClientOptions } from '../../../src/probe/client.js';
import type { ProbeEvent, StreamSummary } from '../../../src/probe/probe-report.js';
import { ProbeServer } from '../../../src/probe/server.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const startServer = async (port = 0, events: ProbeEvent[] = []): Promise<ProbeServer> => {
  const server = new ProbeServer({ host: '127.0.0.1', port, controlPort: 0, onEvent: (e) => events.push(e) });
  await server.listen();
  return server;
};

export type ClientRun = Omit<ProbeClientOptions, 'host' | 'onEvent'>;

/** Starts a client run; `done` resolves with the summary and the client's events. */
export const startClient = (options: ClientRun) => {
  const events: ProbeEvent[] = [];
  const client = new ProbeClient({ host: '127.0.0.1', onEvent: (e) => events.push(e), ...options });
  const done = client.run().then((s) => ({ summary: s.summary, events }));
  return { client, events, done };
};

/** The figures that must be zero on a healthy run. */
export const errorsOf = (s: StreamSummary) => ({
  lost: s.bytesLost,
  duplicated: s.bytesDuplicated,
  corrupt: s.bytesCorrupt,
  failed: s.failed,
});
export const NO_ERRORS = { lost: 0, duplicated: 0, corrupt: 0, failed: false };
