// The balancer's tables as history events: the mode table and the connection keys of its access
// table, emitted whenever either changed (and once more when the daemon stops), so a checker
// can judge from the merged history alone that every VIP ended with exactly one owner and every
// connection with exactly one row. Polled, because conntrack changes without telling us.
import type { EmitEvent } from '../../shared/event-log.js';
import { readRows } from './access-table.js';
import { rowKey } from '../../shared/conntrack-rows.js';
import type { ModeTable } from './mode-table.js';

export interface TableReport {
  vips: { vip: string; mode: string; addressUp: boolean }[];
  /** `protocol client:port vip:port`, sorted. */
  rows: string[];
}

const readTableReport = async (table: ModeTable, vips: readonly string[]): Promise<TableReport> => ({
  vips: table.list().map(([vip, e]) => ({ vip, mode: e.mode, addressUp: e.addressUp })),
  // Ended rows too: at the end of a run the streams have closed, and a TIME_WAIT row left on a
  // balancer that no longer owns its VIP is exactly the leftover this report must show.
  rows: (await readRows(vips, true)).map(rowKey).sort(),
});

/** `quiet`: skip this tick (a move is under way; the report follows once it is over). */
export const startTableReport = (
  table: ModeTable,
  vips: readonly string[],
  emit: EmitEvent,
  intervalMs: number,
  quiet: () => boolean = () => false,
) => {
  let last = '';
  let busy = false;
  const report = async (final: boolean) => {
    const r = await readTableReport(table, vips);
    const text = JSON.stringify(r);
    if (text === last && !final) return;
    last = text;
    emit('tables', { ...r, ...(final ? { final: true } : {}) });
  };
  const timer = setInterval(() => {
    if (busy || quiet()) return;
    busy = true;
    void report(false)
      .catch(() => undefined)
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  return {
    /** The last word before the daemon stops on purpose: what it leaves behind. */
    async final(): Promise<void> {
      clearInterval(timer);
      await report(true).catch(() => undefined);
    },
  };
};
