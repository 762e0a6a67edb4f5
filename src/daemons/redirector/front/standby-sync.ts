// Pure: what the standby front end changes in its conntrack so that it holds a copy of every
// connection the active forwards — created with the active's NAT binding, so a segment that
// reaches the standby after a takeover is forwarded to the same back end instead of being reset.
// Copies the active no longer has are deleted; connections the standby forwards itself (none
// while it is standby) are never touched: only what it copied is its to delete.
import { rowKey, type AccessRow } from '../../shared/conntrack-rows.js';

export interface SyncPlan {
  create: AccessRow[];
  remove: AccessRow[];
}

/** Rows that say the same connection to the same back end (state changes are the kernel's own to follow). */
const sameBinding = (a: AccessRow, b: AccessRow): boolean => a.serverIp === b.serverIp && a.serverPort === b.serverPort;

/**
 * From the copies made so far (by row key) and the active's live rows now: what to create
 * (new on the active, or bound to another back end than the copy) and what to delete (gone
 * from the active, or rebound). A rebound connection is deleted first, then created.
 */
export const planSync = (copies: ReadonlyMap<string, AccessRow>, active: readonly AccessRow[]): SyncPlan => {
  const create: AccessRow[] = [];
  const remove: AccessRow[] = [];
  const seen = new Set<string>();
  for (const row of active) {
    const key = rowKey(row);
    if (seen.has(key)) continue;
    seen.add(key);
    const copy = copies.get(key);
    if (copy && sameBinding(copy, row)) continue;
    if (copy) remove.push(copy);
    create.push(row);
  }
  for (const [key, copy] of copies) if (!seen.has(key)) remove.push(copy);
  return { create, remove };
};

/** The copies after a plan was carried out: `created` are the rows the kernel took (or already had). */
export const afterSync = (
  copies: ReadonlyMap<string, AccessRow>,
  removed: readonly AccessRow[],
  created: readonly AccessRow[],
): Map<string, AccessRow> => {
  const next = new Map(copies);
  for (const r of removed) next.delete(rowKey(r));
  for (const r of created) next.set(rowKey(r), r);
  return next;
};
