// Another process's TCP sockets, borrowed: pidfd_open + pidfd_getfd (Linux ≥ 5.6, ptrace rights
// over the target: root in the same container) give this process a descriptor of the *same*
// socket, so TCP_REPAIR can read and close it while its owner is frozen. How the migration
// agent hands over an application's connections without the application's help.
import { readdir, readlink } from 'node:fs/promises';
import { ipv4At } from './inet-bytes.js';
import { libc } from './libc.js';

const SYS_PIDFD_OPEN = 434;
const SYS_PIDFD_GETFD = 438;
const SOL_TCP = 6;
const TCP_INFO = 11;
const TCP_ESTABLISHED = 1;

export interface BorrowedTcp {
  /** Our descriptor of the socket (close it when done). */
  fd: number;
  /** The owner's descriptor number. */
  ownerFd: number;
  local: { ip: string; port: number };
  remote: { ip: string; port: number };
}

const AF_INET = 2;

const address = (get: (fd: number, addr: Buffer, len: Buffer) => number, fd: number) => {
  const addr = Buffer.alloc(16);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(16, 0);
  if (get(fd, addr, len) !== 0 || addr.readUInt16LE(0) !== AF_INET) return undefined;
  return { ip: ipv4At(addr, 4), port: addr.readUInt16BE(2) };
};

const established = (fd: number): boolean => {
  const info = Buffer.alloc(8);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(8, 0);
  return libc().getsockopt(fd, SOL_TCP, TCP_INFO, info, len) === 0 && info.readUInt8(0) === TCP_ESTABLISHED;
};

/** Every established IPv4 TCP socket of process `pid` (optionally only those on local port `port`). */
export const borrowTcpSockets = async (pid: number, port?: number): Promise<BorrowedTcp[]> => {
  const pidfd = libc().syscall3(SYS_PIDFD_OPEN, pid, 0, 0);
  if (pidfd < 0) throw new Error(`pidfd_open(${pid}) failed with errno ${libc().errno()}`);
  const out: BorrowedTcp[] = [];
  try {
    for (const name of await readdir(`/proc/${pid}/fd`)) {
      const link = await readlink(`/proc/${pid}/fd/${name}`).catch(() => '');
      if (!link.startsWith('socket:')) continue;
      const fd = libc().syscall3(SYS_PIDFD_GETFD, pidfd, Number(name), 0);
      if (fd < 0) throw new Error(`pidfd_getfd(${pid}, ${name}) failed with errno ${libc().errno()}`);
      const local = address(libc().getsockname, fd);
      const remote = address(libc().getpeername, fd);
      if (local && remote && established(fd) && (port === undefined || local.port === port))
        out.push({ fd, ownerFd: Number(name), local, remote });
      else libc().close(fd);
    }
  } finally {
    libc().close(pidfd);
  }
  return out;
};
