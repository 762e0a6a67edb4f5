// HAProxy's runtime API over its stats socket (a unix socket): one command per connection,
// the whole answer read until HAProxy closes it.
import { connect } from 'node:net';

export const askHaproxy = (socketPath: string, command: string, timeoutMs = 1000): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const chunks: Buffer[] = [];
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer to '${command}' on ${socketPath} within ${timeoutMs} ms`)));
    socket.on('connect', () => socket.end(`${command}\n`));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (e) => reject(new Error(`HAProxy's stats socket ${socketPath}: ${e.message}`, { cause: e })));
    socket.on('close', (hadError) => {
      if (!hadError) resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
