// A node's /proc/net/tcp walks every bucket of its namespace's TCP hash. By default a new
// namespace shares the host's table (hundreds of thousands of buckets on a host with gigabytes
// of memory), so each read costs milliseconds of kernel time however few sockets the node has,
// and the daemons that watch their sockets (shared-nic's agent every 50 ms, arp-ha's and the
// redirector's census, migration's user report) spend a good part of a core on it, beside the
// streams they are measured with. Linux ≥ 6.1 gives each namespace created after
// net.ipv4.tcp_child_ehash_entries is set its own table of that size.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../common/errors.js';

/** Buckets for a node's own table: 1000-connection scenarios keep chains short, and a read stays well under a millisecond. */
export const NODE_TCP_HASH_BUCKETS = 4096;

const SYSCTL = 'proc/sys/net/ipv4/tcp_child_ehash_entries';

export type NodeTcpHash =
  /** The value was nonzero already (the host's own choice, or an earlier deploy's). */
  | { kind: 'kept'; buckets: number }
  | { kind: 'set'; buckets: number }
  /** Namespaces share the host's table: older kernel, or the sysctl could not be written. */
  | { kind: 'shared'; problem: string };

/** Pure: what to do with the sysctl's current text (undefined: the kernel has no such sysctl). */
export const nodeTcpHashPlan = (current: string | undefined): { set: false; outcome: NodeTcpHash } | { set: true } => {
  if (current === undefined)
    return { set: false, outcome: { kind: 'shared', problem: 'no net.ipv4.tcp_child_ehash_entries (Linux < 6.1)' } };
  const buckets = Number(current.trim());
  if (Number.isInteger(buckets) && buckets > 0) return { set: false, outcome: { kind: 'kept', buckets } };
  return { set: true };
};

const readSysctl = (root: string): string | undefined => {
  try {
    return readFileSync(path.join(root, SYSCTL), 'utf8');
  } catch {
    return undefined;
  }
};

/**
 * Before a deploy creates namespaces: their own TCP table unless the host already chose a size.
 * Host-wide and lasting (it only sizes namespaces created later), so it is never set back: a
 * concurrent deploy would otherwise get the shared table.
 */
export const ensureNodeTcpHash = (root = '/'): NodeTcpHash => {
  const plan = nodeTcpHashPlan(readSysctl(root));
  if (!plan.set) return plan.outcome;
  try {
    writeFileSync(path.join(root, SYSCTL), String(NODE_TCP_HASH_BUCKETS));
    return { kind: 'set', buckets: NODE_TCP_HASH_BUCKETS };
  } catch (e) {
    return { kind: 'shared', problem: `cannot write net.ipv4.tcp_child_ehash_entries: ${errorMessage(e)}` };
  }
};
