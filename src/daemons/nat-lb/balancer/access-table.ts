// The access table is conntrack itself: rows are read from its listing, created by one
// `conntrack -R` batch (already-present rows are skipped, so an import can be repeated), and
// deleted by original destination. Step 3 moves 10,000 rows in well under a second only if
// nothing here costs more than conntrack itself: one listing of one VIP, one regular
// expression per line, no capture of what a delete prints.
import { readFile, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCommand, runForStderr } from '../../../kernel/run-command.js';
import type { AccessRow } from '../protocol.js';
import { importLine, parseConntrackListing, rowKey } from './conntrack-rows.js';

const EXISTS = /0 flow entries|such conntrack/i;
const DELETED = /(\d+) flow entries have been deleted/;

const listing = (vips: readonly string[]): Promise<string> =>
  // One VIP: conntrack filters by original destination, so only its rows are printed and parsed.
  runCommand('conntrack', ['-L', ...(vips.length === 1 ? ['-d', vips[0]!] : []), '-o', 'extended'], { timeoutMs: 10_000 }).catch((e: unknown) => {
    if (e instanceof Error && EXISTS.test(e.message)) return '';
    throw e;
  });

/** Rows whose original destination is one of `vips` (all of them for one listing). */
export const readRows = async (vips: readonly string[], withEnded = false): Promise<AccessRow[]> =>
  parseConntrackListing(await listing(vips), new Set(vips), Date.now(), withEnded);

let lastStepAt = 0;
const step = async <T>(run: () => Promise<T>): Promise<T> => {
  lastStepAt = Date.now();
  try {
    return await run();
  } finally {
    lastStepAt = Date.now();
  }
};
/** Milliseconds since a step 3 call (export, import, delete) last ran here: background readers wait for a quiet table. */
export const msSinceRowStep = (): number => Date.now() - lastStepAt;

/** Step 3 at the source: the rows of `vip`. */
export const exportRows = (vip: string): Promise<AccessRow[]> => step(() => readRows([vip]));

let batch = 0;

const EXISTING_ROW = /Such conntrack exists/i;

const restore = async (rows: readonly AccessRow[]): Promise<void> => {
  const file = path.join(tmpdir(), `natlb-import-${process.pid}-${++batch}`);
  let text = '';
  for (const r of rows) text += importLine(r) + '\n';
  await writeFile(file, text);
  try {
    await runCommand('conntrack', ['-R', file], { timeoutMs: 30_000 });
  } finally {
    await rm(file, { force: true });
  }
};

export const importRows = (vip: string, rows: readonly AccessRow[]): Promise<number> => step(async () => {
  if (rows.length === 0) return 0;
  // A move's target has none of these rows: one `conntrack -R` does it. `conntrack -R` stops at
  // the first row that exists, so a repeated import lists what is here and restores the rest.
  try {
    await restore(rows);
    return rows.length;
  } catch (error) {
    if (!(error instanceof Error && EXISTING_ROW.test(error.message))) throw error;
  }
  const present = new Set((await readRows([vip])).map(rowKey));
  const missing = rows.filter((r) => !present.has(rowKey(r)));
  if (missing.length > 0) await restore(missing);
  return missing.length;
});

/**
 * Deletes every row of `vip`; returns how many went. conntrack prints every deleted row (2 MB
 * for 10,000) and then the count on stderr: only the count is kept.
 */
export const deleteRows = (vip: string): Promise<number> => step(async () => {
  const out = await runForStderr('conntrack', ['-D', '-d', vip], { timeoutMs: 30_000 });
  const m = DELETED.exec(out);
  if (!m) throw new Error(`conntrack -D -d ${vip}: ${out.trim() || 'no answer'}`);
  return Number(m[1]);
});

/**
 * conntrack's entry count in this network namespace (a file read, no process), or undefined if
 * the kernel does not show it. A poller lists the table only when this moves, so a balancer
 * whose connections just carry data spawns nothing.
 */
export const conntrackCount = (): Promise<number | undefined> =>
  readFile('/proc/sys/net/netfilter/nf_conntrack_count', 'utf8').then((t) => Number(t.trim()), () => undefined);
