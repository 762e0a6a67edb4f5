// A Node TCP socket's descriptor and the bytes waiting in its receive queue (FIONREAD): what the
// probe needs to date data the kernel has but the event loop has not read yet.
import type net from 'node:net';
import { libc } from './libc.js';

const FIONREAD = 0x541b;

/** Node keeps a TCP socket's descriptor on its internal handle; there is no public accessor. */
export const fdOf = (socket: net.Socket): number | undefined => (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;

let unavailable = false;
/** The ioctl's answer (one int): calls are synchronous, so one buffer serves them all. */
const answer = Buffer.alloc(4);

/** Binds libc now, so that the first question (when an outage ends) does not pay for loading it. */
export const warmUpSocketQueue = (): void => {
  try {
    libc();
  } catch {
    unavailable = true;
  }
};

/** In-order bytes the kernel holds for `socket`, ready to read; undefined when that cannot be asked (no descriptor, no libc). */
export const readableBytes = (socket: net.Socket): number | undefined => {
  const fd = fdOf(socket);
  if (fd === undefined || fd < 0 || unavailable) return undefined;
  try {
    return libc().ioctlInt(fd, FIONREAD, answer) === 0 ? answer.readInt32LE(0) : undefined;
  } catch {
    unavailable = true;
    return undefined;
  }
};
