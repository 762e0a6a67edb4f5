// HAProxy's agent on a back end of the redirector lab: every connection to --port is answered
// with the weight its load asks for (agent-answer.ts) and closed. HAProxy's health checks
// connect to the same port.
//   node .../haproxy-baseline/agent-main.js --port 7320 [--load-file /tmp/redirector-load] [--threshold 0.8]
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { Command } from 'commander';
import { errorMessage } from '../../common/errors.js';
import { agentAnswer, parseLoad } from './agent-answer.js';

interface Options {
  port: string;
  loadFile: string;
  threshold: string;
}

const run = (o: Options): void => {
  const port = Number(o.port);
  const threshold = Number(o.threshold);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--port ${o.port}: give a TCP port, 1–65535`);
  if (!Number.isFinite(threshold) || threshold <= 0) throw new Error(`--threshold ${o.threshold}: give a load above 0, e.g. 0.8`);
  const server = createServer((socket) => {
    socket.on('error', () => undefined); // a health check closes with a reset: nothing to answer
    void readFile(o.loadFile, 'utf8')
      .catch(() => undefined)
      .then((text) => socket.end(agentAnswer(parseLoad(text), threshold)));
  });
  server.on('error', (e) => {
    process.stderr.write(`haproxy-agent: port ${port}: ${e.message}\n`);
    process.exit(1);
  });
  server.listen(port);
  process.on('SIGTERM', () => process.exit(0));
};

new Command('haproxy-agent')
  .option('--port <port>', 'TCP port of the agent (and of the health checks)', '7320')
  .option('--load-file <file>', 'the synthetic load the scenarios write', '/tmp/redirector-load')
  .option('--threshold <load>', "the redirector's overload threshold", '0.8')
  .action((o: Options) => run(o))
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`haproxy-agent: ${errorMessage(error)}\n`);
    process.exit(1);
  });
