// Whole IPv4 packets out (IPPROTO_RAW: we write the IP header, so the source may be any address,
// e.g. a client's on whose behalf a balancer asks a server something), and a capture of the IPv4
// packets crossing every interface (AF_PACKET, cooked: no link header), both through libc via
// koffi. Closing a capture socket waits for an RCU grace period (10–20 ms): close it off the
// critical path.
import { libc, receiveNow } from './libc.js';

const AF_INET = 2;
const AF_PACKET = 17;
const SOCK_RAW = 3;
const SOCK_DGRAM = 2;
const IPPROTO_RAW = 255;
const ETH_P_IP = 0x0800;
const SOL_SOCKET = 1;
const SO_RCVBUFFORCE = 33;
const CAPTURE_BUFFER_BYTES = 32 << 20;

export class RawIpSocket {
  private readonly fd: number;

  constructor() {
    this.fd = libc().socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
    if (this.fd < 0) throw new Error(`raw IP socket: errno ${libc().errno()} (needs CAP_NET_RAW)`);
  }

  /** Sends a complete IPv4 packet (ip-packet.ts) to its destination address. */
  send(packet: Buffer): void {
    const dest = Buffer.alloc(16);
    dest.writeUInt16LE(AF_INET, 0);
    packet.copy(dest, 4, 16, 20);
    const sent = libc().sendto(this.fd, packet, packet.length, 0, dest, dest.length);
    if (sent !== packet.length) throw new Error(`sending a packet to ${[...packet.subarray(16, 20)].join('.')}: errno ${libc().errno()}`);
  }

  close(): void {
    libc().close(this.fd);
  }
}

export class IpCapture {
  private readonly fd: number;

  /** Every IPv4 packet in or out of any interface, from now on. */
  constructor() {
    const proto = ((ETH_P_IP & 0xff) << 8) | (ETH_P_IP >> 8);
    this.fd = libc().socket(AF_PACKET, SOCK_DGRAM, proto);
    if (this.fd < 0) throw new Error(`packet capture socket: errno ${libc().errno()} (needs CAP_NET_RAW)`);
    // It sees every packet of the node, forwarded ones twice: the default buffer (≈ 200 KB,
    // a few hundred packets) overflowed within a millisecond of a busy VIP's release.
    const size = Buffer.alloc(4);
    size.writeInt32LE(CAPTURE_BUFFER_BYTES, 0);
    libc().setsockopt(this.fd, SOL_SOCKET, SO_RCVBUFFORCE, size, 4);
  }

  /** The next captured packet (IP header first), or undefined when none is waiting. Never blocks. */
  receive(buffer: Buffer): Buffer | undefined {
    return receiveNow(this.fd, buffer, 'a capture socket');
  }

  close(): void {
    libc().close(this.fd);
  }
}
