// A daemon may start before its node's links are wired (containerlab starts the node command
// first; CLAB_INTFS tells how many data interfaces will come). Wait for the one we need.
import { existsSync } from 'node:fs';

export const waitForInterface = async (iface: string, timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(`/sys/class/net/${iface}`)) {
    if (Date.now() > deadline) throw new Error(`interface ${iface} did not appear within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
};
