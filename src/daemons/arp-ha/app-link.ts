// A JSON-lines request/response link to the application's control port (the probe server's, for
// takeover): one connection kept open, requests answered in order, every request with a timeout.
// A broken link is reopened on the next request.
import net from 'node:net';
import { TestbedError } from '../../common/errors.js';
import { splitHostPort } from '../../common/host-port.js';

export class AppLinkError extends TestbedError {
  constructor(address: string, problem: string) {
    super('APP_LINK', `application control port ${address}: ${problem}`);
  }
}

interface Pending {
  resolve: (reply: Record<string, unknown>) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class AppLink {
  private socket: net.Socket | undefined;
  private buffered = '';
  private readonly pending: Pending[] = [];

  constructor(private readonly address: string) {}

  request(body: Record<string, unknown>, timeoutMs: number): Promise<Record<string, unknown>> {
    const socket = this.open();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // Replies are matched by order; after a lost one the link must start afresh.
        this.fail(new AppLinkError(this.address, `no answer to "${String(body.op)}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.push({ resolve, reject, timer });
      socket.write(JSON.stringify(body) + '\n');
    });
  }

  close(): void {
    this.fail(new AppLinkError(this.address, 'link closed'));
  }

  private open(): net.Socket {
    if (this.socket && !this.socket.destroyed) return this.socket;
    const socket = net.connect(splitHostPort(this.address));
    socket.setNoDelay(true);
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => this.onData(text));
    socket.on('error', (e) => this.fail(new AppLinkError(this.address, e.message)));
    socket.on('close', () => this.fail(new AppLinkError(this.address, 'connection closed')));
    this.socket = socket;
    this.buffered = '';
    return socket;
  }

  private onData(text: string): void {
    this.buffered += text;
    for (let nl = this.buffered.indexOf('\n'); nl >= 0; nl = this.buffered.indexOf('\n')) {
      const line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      const p = this.pending.shift();
      if (!p) continue;
      clearTimeout(p.timer);
      try {
        p.resolve(JSON.parse(line) as Record<string, unknown>);
      } catch {
        p.reject(new AppLinkError(this.address, 'answered with something that is not JSON'));
      }
    }
  }

  private fail(error: Error): void {
    this.socket?.destroy();
    this.socket = undefined;
    for (const p of this.pending.splice(0)) {
      clearTimeout(p.timer);
      p.reject(error);
    }
  }
}
