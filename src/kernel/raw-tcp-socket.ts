// Bare TCP segments from a chosen local address (a raw IPPROTO_TCP socket bound to it; the
// kernel writes the IP header), through libc via the koffi FFI, which Node cannot do itself.
import { ipv4Bytes } from './inet-bytes.js';
import { libc, receiveNow } from './libc.js';

const AF_INET = 2;
const SOCK_RAW = 3;
const IPPROTO_TCP = 6;

const sockaddrIn = (ip: string): Buffer => {
  const a = Buffer.alloc(16);
  a.writeUInt16LE(AF_INET, 0);
  ipv4Bytes(ip).copy(a, 4);
  return a;
};

export class RawTcpSocket {
  private readonly fd: number;

  constructor(readonly localAddress: string) {
    this.fd = libc().socket(AF_INET, SOCK_RAW, IPPROTO_TCP);
    if (this.fd < 0) throw new Error(`raw TCP socket: errno ${libc().errno()} (needs CAP_NET_RAW)`);
    const local = sockaddrIn(localAddress);
    if (libc().bind(this.fd, local, local.length) !== 0)
      throw new Error(`binding a raw socket to ${localAddress}: errno ${libc().errno()}`);
  }

  send(segment: Buffer, to: string): void {
    const dest = sockaddrIn(to);
    const sent = libc().sendto(this.fd, segment, segment.length, 0, dest, dest.length);
    if (sent !== segment.length) throw new Error(`sending a segment to ${to}: errno ${libc().errno()}`);
  }

  /**
   * The next inbound IPv4 packet carrying TCP to the bound address (a copy: the kernel's TCP
   * sees it too), IP header included; undefined when none is waiting. Never blocks.
   */
  receive(buffer: Buffer = Buffer.allocUnsafe(65536)): Buffer | undefined {
    return receiveNow(this.fd, buffer, 'a raw socket');
  }

  close(): void {
    libc().close(this.fd);
  }
}
