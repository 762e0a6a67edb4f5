// The access table is conntrack itself, read and written through ctnetlink (no `conntrack`
// process): rows are read from a dump — of one VIP, the kernel filtering by original
// destination —, created in batches (rows already present are refused by the kernel and
// skipped, so an import can be repeated), and deleted by original tuple. Step 3 of 10,000 rows
// then costs what the kernel takes, not what spawning and parsing would.
import { readFile } from 'node:fs/promises';
import { Conntrack } from '../../../kernel/ctnetlink.js';
import type { AccessRow } from '../protocol.js';
import { entryOf, rowsOf } from '../../shared/conntrack-rows.js';

/** One ctnetlink socket for the daemon, opened on first use in the balancer's namespace. */
const table = new Conntrack();

const entriesOf = (vips: readonly string[]) => table.dump(vips.length === 1 ? { origDst: vips[0]! } : {});

/** Rows whose original destination is one of `vips`: live ones, ended ones too with `withEnded`. */
export const readRows = async (vips: readonly string[], withEnded = false): Promise<AccessRow[]> =>
  vips.length === 0 ? [] : rowsOf(entriesOf(vips), new Set(vips), withEnded);

/** Step 3 at the source: the rows of `vip`. */
export const exportRows = (vip: string): Promise<AccessRow[]> => readRows([vip]);

/**
 * Step 3 at the target: creates the rows not there yet; returns how many it created. The rows
 * name their VIP themselves (the caller checked they are `vip`'s).
 */
export const importRows = async (_vip: string, rows: readonly AccessRow[]): Promise<number> =>
  rows.length === 0 ? 0 : table.create(rows.map(entryOf)).created;

/** Step 3 at the source: deletes every entry of `vip` (any protocol, any state); returns how many went. */
export const deleteRows = async (vip: string): Promise<number> => {
  const keys = table.dump({ origDst: vip }).map((e) => e.origKey);
  return keys.length === 0 ? 0 : table.delete(keys).deleted;
};

/**
 * conntrack's entry count in this network namespace (a file read, no process), or undefined if
 * the kernel does not show it. A poller dumps the table only when this moves, so a balancer
 * whose connections just carry data reads nothing more.
 */
export const conntrackCount = (): Promise<number | undefined> =>
  readFile('/proc/sys/net/netfilter/nf_conntrack_count', 'utf8').then(
    (t) => Number(t.trim()),
    () => undefined,
  );
