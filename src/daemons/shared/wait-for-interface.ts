// A daemon may start before its node's links are wired (containerlab starts the node command
// first; CLAB_INTFS tells how many data interfaces will come) or addressed (exec runs after).
// Wait for what we need.
import { existsSync } from 'node:fs';
import { pollUntil } from '../../common/poll.js';
import { hasIpv4Address } from '../../kernel/ip-addr.js';

export const waitForInterface = (iface: string, timeoutMs = 30_000): Promise<void> =>
  pollUntil(`interface ${iface} to appear`, () => existsSync(`/sys/class/net/${iface}`), { timeoutMs });

export const waitForAddress = (address: string, timeoutMs = 30_000): Promise<void> =>
  pollUntil(`address ${address} on this node`, () => hasIpv4Address(address), { timeoutMs });
