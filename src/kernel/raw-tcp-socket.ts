// Bare TCP segments from a chosen local address (a raw IPPROTO_TCP socket bound to it; the
// kernel writes the IP header), through libc via the koffi FFI, which Node cannot do itself.
import koffi from 'koffi';

const AF_INET = 2;
const SOCK_RAW = 3;
const IPPROTO_TCP = 6;

let libc: ReturnType<typeof bindLibc> | undefined;
const bindLibc = () => {
  const lib = koffi.load('libc.so.6');
  return {
    socket: lib.func('int socket(int, int, int)'),
    bind: lib.func('int bind(int, const void *, uint32_t)'),
    sendto: lib.func('long sendto(int, const void *, size_t, int, const void *, uint32_t)'),
    close: lib.func('int close(int)'),
  };
};

const sockaddrIn = (ip: string): Buffer => {
  const a = Buffer.alloc(16);
  a.writeUInt16LE(AF_INET, 0);
  Buffer.from(ip.split('.').map(Number)).copy(a, 4);
  return a;
};

export class RawTcpSocket {
  private readonly fd: number;

  constructor(readonly localAddress: string) {
    libc ??= bindLibc();
    this.fd = libc.socket(AF_INET, SOCK_RAW, IPPROTO_TCP) as number;
    if (this.fd < 0) throw new Error(`raw TCP socket: errno ${koffi.errno()} (needs CAP_NET_RAW)`);
    const local = sockaddrIn(localAddress);
    if ((libc.bind(this.fd, local, local.length) as number) !== 0) throw new Error(`binding a raw socket to ${localAddress}: errno ${koffi.errno()}`);
  }

  send(segment: Buffer, to: string): void {
    const dest = sockaddrIn(to);
    const sent = libc!.sendto(this.fd, segment, segment.length, 0, dest, dest.length) as number;
    if (sent !== segment.length) throw new Error(`sending a segment to ${to}: errno ${koffi.errno()}`);
  }

  close(): void {
    libc!.close(this.fd);
  }
}
