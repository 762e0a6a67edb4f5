// Pure: which copy-store snapshots to push. A snapshot is the complete current rows of one
// balancer for one (server, VIP); it is pushed when it differs from the last one pushed
// there, including once when it becomes empty (so a server's copy forgets closed accesses
// and VIPs that moved away). The remaining timeout and timestamps are left out of the
// comparison: they change all the time and a failover does not need them fresh.
import type { AccessRow } from '../protocol.js';
import { rowKey } from '../../shared/conntrack-rows.js';

export interface Snapshot {
  server: string;
  vip: string;
  rows: AccessRow[];
}

const fingerprint = (rows: readonly AccessRow[]): string =>
  rows
    .map((r) => `${rowKey(r)} ${r.serverIp}:${r.serverPort} ${r.insideIp ?? ''}:${r.insidePort ?? ''} ${r.state ?? ''}`)
    .sort()
    .join('\n');

export class SnapshotTracker {
  private readonly pushed = new Map<string, string>();

  /** Snapshots that changed since they were last acknowledged. */
  changed(rows: readonly AccessRow[]): Snapshot[] {
    const groups = new Map<string, Snapshot>();
    for (const r of rows) {
      const key = `${r.serverIp} ${r.vip}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { server: r.serverIp, vip: r.vip, rows: [] }));
      g.rows.push(r);
    }
    for (const key of this.pushed.keys()) {
      if (!groups.has(key)) {
        const [server, vip] = key.split(' ') as [string, string];
        groups.set(key, { server, vip, rows: [] });
      }
    }
    return [...groups].filter(([key, s]) => this.pushed.get(key) !== fingerprint(s.rows)).map(([, s]) => s);
  }

  /** The store took `s`; an empty snapshot is then forgotten, so it is not pushed again. */
  acknowledge(s: Snapshot): void {
    const key = `${s.server} ${s.vip}`;
    if (s.rows.length === 0) this.pushed.delete(key);
    else this.pushed.set(key, fingerprint(s.rows));
  }
}
