// The probe server's control port (src/probe/control-port.ts): one JSON request line, one reply
// line. The probe path of the agent reads the main server's checkpoints and has the backup's
// probe server rebuild the connections with TCP_REPAIR.
import net from 'node:net';
import { splitHostPort } from '../../../common/host-port.js';

export const probeRequest = (control: string, request: object, timeoutMs: number): Promise<Record<string, unknown>> =>
  new Promise((resolve, reject) => {
    const { host, port } = splitHostPort(control);
    const socket = net.connect(port, host);
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`probe control ${control}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(JSON.stringify(request) + '\n'));
    socket.on('data', (chunk: string) => {
      text += chunk;
      const nl = text.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      socket.end();
      try {
        const reply = JSON.parse(text.slice(0, nl)) as Record<string, unknown>;
        if (reply.ok !== true) reject(new Error(`probe control ${control}: ${JSON.stringify(reply.error)}`));
        else resolve(reply);
      } catch (e) {
        reject(new Error(`probe control ${control}: a reply that is not JSON (${String(e)})`));
      }
    });
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`probe control ${control}: ${e.message}`));
    });
  });

/** Drops what arrives for the service port and any reset the kernel would send from it, while no socket owns the connections. */
export const holdScript = (vip: string, port: number, on: boolean): string =>
  on
    ? [
        'table ip fl_migration_hold {',
        '  chain in {',
        '    type filter hook input priority -150; policy accept;',
        `    ip daddr ${vip} tcp dport ${port} tcp flags & (syn | ack) != syn drop`,
        '  }',
        '  chain out {',
        '    type filter hook output priority -150; policy accept;',
        `    ip saddr ${vip} tcp sport ${port} tcp flags & rst == rst drop`,
        '  }',
        '}',
      ].join('\n') + '\n'
    : 'delete table ip fl_migration_hold\n';
