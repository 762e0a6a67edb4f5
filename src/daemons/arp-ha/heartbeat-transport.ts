// Heartbeats over UDP, one socket per path bound to the path's local address, each sent to
// every peer address of that path. Receiving knows the path from the socket it came in on.
import { createSocket, type Socket } from 'node:dgram';

export interface PathConfig {
  name: string;
  local: string;
  peers: string[];
}

export class HeartbeatTransport {
  private readonly sockets = new Map<string, Socket>();

  constructor(
    private readonly paths: readonly PathConfig[],
    private readonly port: number,
  ) {}

  async open(onPacket: (path: string, packet: Buffer, from: string) => void, onError: (path: string, error: Error) => void): Promise<void> {
    for (const p of this.paths) {
      const socket = createSocket({ type: 'udp4', reuseAddr: true });
      socket.on('message', (msg, rinfo) => onPacket(p.name, msg, rinfo.address));
      // Send errors on a dead path (EHOSTUNREACH, ENETUNREACH) are expected during faults.
      socket.on('error', (e) => onError(p.name, e));
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(this.port, p.local, () => {
          socket.off('error', reject);
          resolve();
        });
      });
      this.sockets.set(p.name, socket);
    }
  }

  send(packet: Buffer, onError: (path: string, error: Error) => void): void {
    for (const p of this.paths) {
      const socket = this.sockets.get(p.name);
      for (const peer of p.peers) socket?.send(packet, this.port, peer, (e) => e && onError(p.name, e));
    }
  }

  close(): void {
    for (const s of this.sockets.values()) s.close();
    this.sockets.clear();
  }
}
