// Seed 001's end state, judged from the balancers' own `tables` events (their mode table and
// the connection keys of their access table): every VIP has exactly one owner — one balancer
// serving it in normal mode with its address up, none still in migration mode — and every
// connection has exactly one row, on its VIP's owner. Only balancers that stopped on purpose
// at the end of the run count: a killed one left its last report behind, not its state.
import type { DaemonEntry, RunHistory } from '../history/history-types.js';
import type { Checker } from './checker.js';
import { listSome } from './stream-select.js';

export interface NatTablesSpec {
  /** Every VIP of the site (a VIP nobody reports is a VIP without an owner). */
  vips: string[];
  /** The balancer daemon's name in the scenario. */
  daemon?: string;
  /** Fewer rows than this in the final reports is 'unknown': the check would be vacuous. */
  minRows?: number;
}

interface FinalTables {
  node: string;
  vips: { vip: string; mode: string; addressUp: boolean }[];
  rows: string[];
}

/** Per node: the last `tables` report of its last run, if that run ended with `stopped`. */
export const finalTables = (history: RunHistory, daemon: string): { counted: FinalTables[]; killed: string[] } => {
  const byNode = new Map<string, DaemonEntry[]>();
  for (const e of history.entries) if (e.kind === 'daemon' && e.daemon === daemon) byNode.set(e.node, [...(byNode.get(e.node) ?? []), e]);
  const counted: FinalTables[] = [];
  const killed: string[] = [];
  for (const [node, entries] of [...byNode].sort(([a], [b]) => a.localeCompare(b))) {
    const lastStart = entries.map((e) => e.event).lastIndexOf('started');
    const run = entries.slice(Math.max(lastStart, 0));
    const report = run.filter((e) => e.event === 'tables').at(-1);
    if (!run.some((e) => e.event === 'stopped') || !report) {
      killed.push(node);
      continue;
    }
    const data = report.data as Partial<FinalTables>;
    counted.push({ node, vips: data.vips ?? [], rows: data.rows ?? [] });
  }
  return { counted, killed };
};

/** The VIP of a row key `tcp 198.18.20.1:40000 198.18.20.101:7000`. */
const vipOfRow = (key: string): string => key.split(' ')[2]?.split(':')[0] ?? '';

export function natTables(spec: NatTablesSpec): Checker {
  const daemon = spec.daemon ?? 'nat-balancer';
  const name = 'nat-tables';
  return {
    name,
    check(history: RunHistory) {
      const { counted, killed } = finalTables(history, daemon);
      const skipped = killed.length ? `; not counted (no orderly stop): ${killed.join(', ')}` : '';
      if (counted.length === 0) return { name, valid: 'unknown', detail: `no ${daemon} ended the run with a tables report${skipped}` };
      const problems: string[] = [];
      const owner = new Map<string, string>();
      const vips = [...new Set([...spec.vips, ...counted.flatMap((b) => b.vips.map((v) => v.vip))])].sort();
      for (const vip of vips) {
        const owners = counted.filter((b) => b.vips.some((v) => v.vip === vip && v.mode === 'normal' && v.addressUp)).map((b) => b.node);
        const migrating = counted.filter((b) => b.vips.some((v) => v.vip === vip && v.mode !== 'normal')).map((b) => b.node);
        if (owners.length !== 1) problems.push(`${vip} has ${owners.length} owners${owners.length ? ` (${owners.join(', ')})` : ''}`);
        if (migrating.length) problems.push(`${vip} still in migration mode on ${migrating.join(', ')}`);
        if (owners.length === 1) owner.set(vip, owners[0]!);
      }
      const holders = new Map<string, string[]>();
      for (const b of counted) for (const key of new Set(b.rows)) holders.set(key, [...(holders.get(key) ?? []), b.node]);
      const doubled = [...holders].filter(([, nodes]) => nodes.length > 1).map(([key, nodes]) => `${key} on ${nodes.join(' and ')}`);
      const astray = [...holders]
        .filter(([key, nodes]) => nodes.length === 1 && owner.get(vipOfRow(key)) !== undefined && owner.get(vipOfRow(key)) !== nodes[0])
        .map(([key, nodes]) => `${key} on ${nodes[0]}, owner ${owner.get(vipOfRow(key))}`);
      if (doubled.length) problems.push(`${doubled.length} connections with two rows: ${listSome(doubled, 3)}`);
      if (astray.length) problems.push(`${astray.length} rows away from their VIP's owner: ${listSome(astray, 3)}`);
      const summary = `${vips.length} VIPs (${[...owner].map(([v, n]) => `${v}→${n}`).join(', ')}), ${holders.size} rows on ${counted.map((b) => b.node).join(', ')}${skipped}`;
      if (problems.length) return { name, valid: false, detail: `${problems.join('; ')} — ${summary}` };
      if (spec.minRows !== undefined && holders.size < spec.minRows)
        return {
          name,
          valid: 'unknown',
          detail: `only ${holders.size} rows reported, want at least ${spec.minRows} to judge — ${summary}`,
        };
      return { name, valid: true, detail: `every VIP has one owner, every connection one row: ${summary}` };
    },
  };
}
