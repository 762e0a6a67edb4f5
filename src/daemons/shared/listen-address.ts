// A daemon's API listens on the node's lab address, which containerlab's `exec` configures
// after the node command started: wait for it (a wildcard or loopback needs no wait).
import { waitForAddress } from './wait-for-interface.js';
import { splitHostPort } from '../../common/host-port.js';

export const waitForListenAddress = async (listen: string, timeoutMs = 30_000): Promise<void> => {
  const { host } = splitHostPort(listen);
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host) && host !== '0.0.0.0' && !host.startsWith('127.')) await waitForAddress(host, timeoutMs);
};
