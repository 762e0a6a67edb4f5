// The few libc calls Node has no API for (packet, raw and netlink sockets; later TCP_REPAIR), bound once
// through the koffi FFI on first use, so nothing loads libc for code that never needs it.
import koffi from 'koffi';

const bind = () => {
  const lib = koffi.load('libc.so.6');
  return {
    socket: lib.func('int socket(int, int, int)') as (domain: number, type: number, protocol: number) => number,
    bind: lib.func('int bind(int, const void *, uint32_t)') as (fd: number, addr: Buffer, len: number) => number,
    sendto: lib.func('long sendto(int, const void *, size_t, int, const void *, uint32_t)') as (fd: number, buf: Buffer, len: number, flags: number, addr: Buffer, addrLen: number) => number,
    recv: lib.func('long recv(int, void *, size_t, int)') as (fd: number, buf: Buffer, len: number, flags: number) => number,
    setsockopt: lib.func('int setsockopt(int, int, int, const void *, uint32_t)') as (fd: number, level: number, name: number, value: Buffer, len: number) => number,
    close: lib.func('int close(int)') as (fd: number) => number,
    ifNameToIndex: lib.func('unsigned int if_nametoindex(const char *)') as (name: string) => number,
    errno: (): number => koffi.errno(),
  };
};

let bound: ReturnType<typeof bind> | undefined;

export const libc = (): ReturnType<typeof bind> => (bound ??= bind());
