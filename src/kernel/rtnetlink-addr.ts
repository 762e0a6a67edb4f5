// Adding and removing an interface address through rtnetlink (RTM_NEWADDR / RTM_DELADDR): what
// `ip addr replace/del` does, without spawning ip. A spawn costs 10–30 ms on a loaded 2-core
// node, in the middle of a VIP move; the request costs microseconds, and the kernel handles it
// inside sendmsg, so its acknowledgement is waiting by the time send returns.
import { TestbedError } from '../common/errors.js';
import { ipv4Bytes } from './inet-bytes.js';
import { libc } from './libc.js';
import { NetlinkSocket } from './netlink-socket.js';
import { acksIn } from './nfnetlink-attrs.js';

const NETLINK_ROUTE = 0;
const RTM_NEWADDR = 20;
const RTM_DELADDR = 21;
const NLM_F_REQUEST = 0x1;
const NLM_F_ACK = 0x4;
const NLM_F_REPLACE = 0x100;
const NLM_F_CREATE = 0x400;
const IFA_ADDRESS = 1;
const IFA_LOCAL = 2;
const AF_INET = 2;
/** Deleting an address that is not there: the end state is what was asked for. */
const EADDRNOTAVAIL = 99;
const ACK_WAIT_MS = 1000;

export class AddressChangeError extends TestbedError {
  constructor(op: AddressOp, address: string, iface: string, problem: string) {
    super('ADDRESS_CHANGE', `${op === 'add' ? 'adding' : 'removing'} ${address} ${op === 'add' ? 'to' : 'from'} ${iface}: ${problem}`);
  }
}

export type AddressOp = 'add' | 'del';

/** Pure: the request for `ip addr replace|del ADDRESS/PREFIX dev <ifindex>`. */
export const addressMessage = (op: AddressOp, ifindex: number, address: string, prefixLength: number, seq: number): Buffer => {
  const ip = ipv4Bytes(address);
  const attr = (type: number) => {
    const a = Buffer.alloc(8);
    a.writeUInt16LE(8, 0);
    a.writeUInt16LE(type, 2);
    ip.copy(a, 4);
    return a;
  };
  const m = Buffer.alloc(16 + 8 + 16);
  m.writeUInt32LE(m.length, 0);
  m.writeUInt16LE(op === 'add' ? RTM_NEWADDR : RTM_DELADDR, 4);
  m.writeUInt16LE(NLM_F_REQUEST | NLM_F_ACK | (op === 'add' ? NLM_F_CREATE | NLM_F_REPLACE : 0), 6);
  m.writeUInt32LE(seq >>> 0, 8);
  m.writeUInt32LE(0, 12);
  // struct ifaddrmsg: family, prefix length, flags, scope (universe), interface index.
  m[16] = AF_INET;
  m[17] = prefixLength;
  m[18] = 0;
  m[19] = 0;
  m.writeUInt32LE(ifindex, 20);
  attr(IFA_LOCAL).copy(m, 24);
  attr(IFA_ADDRESS).copy(m, 32);
  return m;
};

/** Pure: the errno of the acknowledgement of request `seq` in a datagram (0 = done), if it is there. */
export const ackErrno = (datagram: Buffer, seq: number): number | undefined => acksIn(datagram).find((a) => a.seq === seq)?.errno;

const ifindexOf = (iface: string): number => {
  const index = libc().ifNameToIndex(iface);
  if (index === 0) throw new TestbedError('NO_INTERFACE', `interface ${iface} does not exist on this node`);
  return index;
};

/** One rtnetlink socket for a daemon's address changes. */
export class AddressControl {
  private socket: NetlinkSocket | undefined;
  private seq = 1;

  add(address: string, iface: string, prefixLength = 32): void {
    this.request('add', address, iface, prefixLength);
  }

  remove(address: string, iface: string, prefixLength = 32): void {
    this.request('del', address, iface, prefixLength);
  }

  close(): void {
    this.socket?.close();
    this.socket = undefined;
  }

  private request(op: AddressOp, address: string, iface: string, prefixLength: number): void {
    const socket = (this.socket ??= new NetlinkSocket(NETLINK_ROUTE, 1 << 16));
    const seq = this.seq++;
    socket.send(addressMessage(op, ifindexOf(iface), address, prefixLength, seq));
    const errno = socket.receiveUntil(ACK_WAIT_MS, (datagram) => ackErrno(datagram, seq));
    if (errno === 0 || (op === 'del' && errno === EADDRNOTAVAIL)) return;
    if (errno !== undefined) throw new AddressChangeError(op, address, iface, `the kernel refused it (errno ${errno})`);
    throw new AddressChangeError(op, address, iface, `no acknowledgement within ${ACK_WAIT_MS} ms`);
  }
}
