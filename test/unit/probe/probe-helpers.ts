// Probe runs over 127.0.0.1 for the unit tests: in process, or with the server as a CLI process.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
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

/** `probe server` (the CLI) in a child process on 127.0.0.1, a free port; `stop` ends it. */
export const startServerProcess = async (): Promise<{ port: number; stop: () => Promise<void> }> => {
  const main = fileURLToPath(new URL('../../../src/probe/main.js', import.meta.url));
  const child = spawn(process.execPath, [main, 'server', '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = once(child, 'exit');
  let stderr = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr.setEncoding('utf8').on('data', (t: string) => {
      stderr += t;
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(stderr);
      if (m) resolve(Number(m[1]));
    });
    void exited.then(() => reject(new Error(`probe server exited before listening: ${stderr.trim()}`)));
  });
  return {
    port,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
};
