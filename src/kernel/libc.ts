// The few libc calls Node has no API for (packet, raw and netlink sockets, TCP_REPAIR), bound once
// through the koffi FFI on first use, so nothing loads libc for code that never needs it.
import koffi from 'koffi';

const bind = () => {
  const lib = koffi.load('libc.so.6');
  return {
    socket: lib.func('int socket(int, int, int)') as (domain: number, type: number, protocol: number) => number,
    bind: lib.func('int bind(int, const void *, uint32_t)') as (fd: number, addr: Buffer, len: number) => number,
    sendto: lib.func('long sendto(int, const void *, size_t, int, const void *, uint32_t)') as (
      fd: number,
      buf: Buffer,
      len: number,
      flags: number,
      addr: Buffer,
      addrLen: number,
    ) => number,
    send: lib.func('long send(int, const void *, size_t, int)') as (fd: number, buf: Buffer, len: number, flags: number) => number,
    recv: lib.func('long recv(int, void *, size_t, int)') as (fd: number, buf: Buffer, len: number, flags: number) => number,
    close: lib.func('int close(int)') as (fd: number) => number,
    connect: lib.func('int connect(int, const void *, uint32_t)') as (fd: number, addr: Buffer, len: number) => number,
    recvfrom: lib.func('long recvfrom(int, void *, size_t, int, void *, void *)') as (
      fd: number,
      buf: Buffer,
      len: number,
      flags: number,
      addr: null,
      addrLen: null,
    ) => number,
    setsockopt: lib.func('int setsockopt(int, int, int, const void *, uint32_t)') as (
      fd: number,
      level: number,
      name: number,
      value: Buffer,
      len: number,
    ) => number,
    // The length is in/out: a 4-byte buffer holding the value buffer's size.
    getsockopt: lib.func('int getsockopt(int, int, int, void *, void *)') as (
      fd: number,
      level: number,
      name: number,
      value: Buffer,
      len: Buffer,
    ) => number,
    // The parameter is struct sched_param: one int, the priority.
    schedSetScheduler: lib.func('int sched_setscheduler(int, int, const void *)') as (tid: number, policy: number, param: Buffer) => number,
    // setns(2): moves the calling thread alone into another namespace (network ones: CLONE_NEWNET).
    setns: lib.func('int setns(int, int)') as (fd: number, nstype: number) => number,
    ifNameToIndex: lib.func('unsigned int if_nametoindex(const char *)') as (name: string) => number,
    // syscall(2) for pidfd_open and pidfd_getfd (glibc 2.36 has no wrapper for the latter).
    syscall3: lib.func('long syscall(long, long, long, long)') as (nr: number, a: number, b: number, c: number) => number,
    ioctlInt: lib.func('int ioctl(int, unsigned long, void *)') as (fd: number, request: number, value: Buffer) => number,
    getpeername: lib.func('int getpeername(int, void *, void *)') as (fd: number, addr: Buffer, len: Buffer) => number,
    getsockname: lib.func('int getsockname(int, void *, void *)') as (fd: number, addr: Buffer, len: Buffer) => number,
    errno: (): number => koffi.errno(),
  };
};

let bound: ReturnType<typeof bind> | undefined;

const MSG_DONTWAIT = 0x40;
const EAGAIN = 11;

/** One datagram from a non-blocking read of `fd` into `buffer` (a view of it), or undefined when none is waiting. */
export const receiveNow = (fd: number, buffer: Buffer, what: string): Buffer | undefined => {
  const n = libc().recvfrom(fd, buffer, buffer.length, MSG_DONTWAIT, null, null);
  if (n >= 0) return buffer.subarray(0, n);
  const errno = libc().errno();
  if (errno === EAGAIN) return undefined;
  throw new Error(`receiving on ${what}: errno ${errno}`);
};

export const libc = (): ReturnType<typeof bind> => (bound ??= bind());
