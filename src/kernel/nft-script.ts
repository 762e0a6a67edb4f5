// An nft script that (re)creates a whole table in one transaction: declaring the table first
// lets the delete succeed whether or not it existed, so a restarted daemon replaces its old
// rules atomically instead of adding to them.
import type { NftFamily } from './nfnetlink-attrs.js';

/** The script's lines: the table with `body` (its sets, maps and chains) as its only content. */
export const replaceTableLines = (family: NftFamily, table: string, body: readonly string[]): string[] => [
  `table ${family} ${table}`,
  `delete table ${family} ${table}`,
  `table ${family} ${table} {`,
  ...body,
  '}',
];

export const scriptOf = (lines: readonly string[]): string => lines.join('\n') + '\n';
