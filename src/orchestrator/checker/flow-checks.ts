// Checks over the TCP flows the captures saw (docs/flows.md), so they hold for any workload —
// an SSH session, iperf3, a user's own client — not only the probe's streams. Only established
// flows count: a connection attempt refused while a server is down is neither a reset nor a
// reconnect, as in the probe's own counts.
import type { FlowDirection, FlowSummary, RunHistory } from '../history/history-types.js';
import type { Checker, CheckResult } from './checker.js';
import { faultStart } from './fault-start.js';
import { percentile } from './stats.js';

export interface FlowScope {
  /** Only flows to this service, `ip:port`. */
  server?: string;
  /** Only flows seen at this capture point, `node:iface`. */
  capture?: string;
}

const scopeText = (scope: FlowScope): string =>
  [scope.server && `to ${scope.server}`, scope.capture && `at ${scope.capture}`].filter(Boolean).join(' ');
const suffix = (scope: FlowScope): string => (scopeText(scope) ? ` (${scopeText(scope)})` : '');

/** The scope's established flows, or the result that says why there are none to judge. */
function selectFlows(history: RunHistory, scope: FlowScope, name: string): FlowSummary[] | CheckResult {
  if (history.flows === undefined) {
    return { name, valid: 'unknown', detail: 'no flows were measured: the scenario needs capture.links (and tshark on the host)' };
  }
  const flows = history.flows.filter(
    (f) =>
      f.established &&
      (scope.server === undefined || f.server === scope.server) &&
      (scope.capture === undefined || f.capture === scope.capture),
  );
  if (flows.length === 0)
    return { name, valid: 'unknown', detail: `no established TCP flow${scopeText(scope) ? ` ${scopeText(scope)}` : ''} in the captures` };
  return flows;
}

export const flowLabel = (f: FlowSummary): string => `${f.capture} ${f.client}→${f.server}`;
const fmt = (ms: number): string => `${Math.round(ms)} ms`;

export interface FlowGapSpec extends FlowScope {
  maxMs: number;
  /** 0..100: bound this percentile of the flows' longest gaps instead of the longest of all. */
  percentile?: number;
  /** A fault id or kind: only gaps ending after it started count (a gap it interrupted counts whole). */
  since?: string;
  /** One direction's payload (client→server or server→client); both by default. */
  direction?: 'c2s' | 's2c';
}

const longestSince = (d: FlowDirection, sinceMs: number | undefined): number =>
  sinceMs === undefined ? d.maxGapMs : d.gaps.reduce((max, g) => (g.endMs > sinceMs ? Math.max(max, g.endMs - g.startMs) : max), 0);

/** Valid when the longest payload gap of every selected flow (or the given percentile of them) is ≤ maxMs. */
export function flowGap(spec: FlowGapSpec): Checker {
  const name = `flow-gap${spec.percentile === undefined ? '' : `-p${spec.percentile}`}${spec.direction ? `-${spec.direction}` : ''}${suffix(spec)}`;
  return {
    name,
    check(history) {
      const flows = selectFlows(history, spec, name);
      if (!Array.isArray(flows)) return flows;
      const sinceMs = spec.since === undefined ? undefined : faultStart(history, spec.since)?.t;
      if (spec.since !== undefined && sinceMs === undefined)
        return { name, valid: 'unknown', detail: `no fault '${spec.since}' started in this history, so no gap can be dated after it` };
      const longest = flows.map((f) => ({
        flow: f,
        ms: Math.max(...(spec.direction ? [f[spec.direction]] : [f.c2s, f.s2c]).map((d) => longestSince(d, sinceMs))),
      }));
      longest.sort((a, b) => b.ms - a.ms);
      const worst = longest[0]!; // selectFlows returned at least one
      const value =
        spec.percentile === undefined
          ? worst.ms
          : percentile(
              longest.map((l) => l.ms),
              spec.percentile,
            );
      const what = spec.percentile === undefined ? 'longest payload gap' : `p${spec.percentile} of the longest payload gaps`;
      const text = `${what} of ${flows.length} flows${spec.since === undefined ? '' : ` since ${spec.since}`}: ${fmt(value)} (worst ${flowLabel(worst.flow)}: ${fmt(worst.ms)})`;
      return value > spec.maxMs
        ? { name, valid: false, detail: `${text} > limit ${fmt(spec.maxMs)}` }
        : { name, valid: true, detail: `${text} ≤ limit ${fmt(spec.maxMs)}` };
    },
  };
}

export interface FlowCountSpec extends FlowScope {
  min?: number;
  max?: number;
}

function flowCount(base: string, what: string, counted: (f: FlowSummary) => boolean, spec: FlowCountSpec): Checker {
  const { min, max } = spec;
  if (min === undefined && max === undefined) throw new TypeError(`${base}: give min or max`);
  const name = `${base}${suffix(spec)}`;
  const range = [min !== undefined ? `≥ ${min}` : '', max !== undefined ? `≤ ${max}` : ''].filter(Boolean).join(' and ');
  return {
    name,
    check(history) {
      const flows = selectFlows(history, spec, name);
      if (!Array.isArray(flows)) return flows;
      const hits = flows.filter(counted);
      const ok = (min === undefined || hits.length >= min) && (max === undefined || hits.length <= max);
      const listed = hits.slice(0, 3).map(flowLabel).join(', ');
      const detail = `${hits.length} of ${flows.length} established flows ${what}${hits.length > 0 ? ` (${listed}${hits.length > 3 ? ', …' : ''})` : ''}; want ${range}`;
      return { name, valid: ok, detail };
    },
  };
}

/** How many established flows ended in a RST (either side's). */
export const flowResets = (spec: FlowCountSpec): Checker => flowCount('flow-resets', 'were reset', (f) => f.resetMs !== undefined, spec);

/** How many established flows were reconnects: opened after an earlier one from the same client host to the service ended. */
export const flowReconnects = (spec: FlowCountSpec): Checker => flowCount('flow-reconnects', 'were reconnects', (f) => f.reconnect, spec);
