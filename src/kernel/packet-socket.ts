// Raw Ethernet frames out of one interface (AF_PACKET), through libc via the koffi FFI: Node
// has no packet sockets, and spawning arping costs about a second per packet here (it waits
// out its own interval), which would put a second into every takeover.
import { libc } from './libc.js';

const AF_PACKET = 17;
const SOCK_RAW = 3;
const ETH_P_ARP = 0x0806;

const open = new Map<string, PacketSocket>();

/**
 * One send-only packet socket per interface for the process's lifetime: closing a packet socket
 * waits for an RCU grace period (synchronize_net), 10–20 ms here — on a takeover's critical path.
 */
export const packetSocketFor = (iface: string): PacketSocket => {
  let socket = open.get(iface);
  if (!socket) {
    socket = new PacketSocket(iface);
    open.set(iface, socket);
  }
  return socket;
};

export class PacketSocket {
  private readonly fd: number;
  private readonly address: Buffer;

  constructor(
    readonly iface: string,
    protocol = ETH_P_ARP,
  ) {
    const index = libc().ifNameToIndex(iface);
    if (index === 0) throw new Error(`no interface ${iface}`);
    // Protocol 0: a send-only socket. With a protocol the kernel would also queue every
    // matching frame for us to read, and hooking that in and out costs an RCU grace period.
    this.fd = libc().socket(AF_PACKET, SOCK_RAW, 0);
    if (this.fd < 0) throw new Error(`packet socket on ${iface}: errno ${libc().errno()} (needs CAP_NET_RAW)`);
    // struct sockaddr_ll: family, protocol (network order), ifindex, hatype, pkttype, halen, addr[8]
    this.address = Buffer.alloc(20);
    this.address.writeUInt16LE(AF_PACKET, 0);
    this.address.writeUInt16BE(protocol, 2);
    this.address.writeInt32LE(index, 4);
    this.address[11] = 6;
  }

  send(frame: Buffer): void {
    frame.copy(this.address, 12, 0, 6);
    const sent = libc().sendto(this.fd, frame, frame.length, 0, this.address, this.address.length);
    if (sent !== frame.length) throw new Error(`sending on ${this.iface}: errno ${libc().errno()}`);
  }

  close(): void {
    libc().close(this.fd);
  }
}
