// The access table is conntrack itself: rows are read from its listing, created by one
// `conntrack -R` batch (already-present rows are skipped, so an import can be repeated), and
// deleted by original destination.
import { writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCommand } from '../../../kernel/run-command.js';
import type { AccessRow } from '../protocol.js';
import { importLine, parseConntrackListing, rowKey } from './conntrack-rows.js';

const EXISTS = /0 flow entries|such conntrack/i;

/** Rows whose original destination is one of `vips` (all of them for one listing). */
export const readRows = async (vips: readonly string[], withEnded = false): Promise<AccessRow[]> => {
  const text = await runCommand('conntrack', ['-L', '-o', 'extended'], { timeoutMs: 10_000 });
  return parseConntrackListing(text, new Set(vips), Date.now(), withEnded);
};

let batch = 0;

export const importRows = async (vip: string, rows: readonly AccessRow[]): Promise<number> => {
  const present = new Set((await readRows([vip])).map(rowKey));
  const missing = rows.filter((r) => !present.has(rowKey(r)));
  if (missing.length === 0) return 0;
  const file = path.join(tmpdir(), `natlb-import-${process.pid}-${++batch}`);
  await writeFile(file, missing.map(importLine).join('\n') + '\n');
  try {
    await runCommand('conntrack', ['-R', file], { timeoutMs: 30_000 });
  } finally {
    await rm(file, { force: true });
  }
  return missing.length;
};

/** Deletes every row of `vip`; returns how many went. */
export const deleteRows = async (vip: string): Promise<number> => {
  const out = await runCommand('conntrack', ['-D', '-d', vip], { timeoutMs: 30_000 }).catch((e: unknown) => {
    if (e instanceof Error && EXISTS.test(e.message)) return '';
    throw e;
  });
  return out.split('\n').filter((l) => l.trim().length > 0).length;
};
