// The scenario catalog (docs/scenarios.md): one markdown row per scenario file — its name,
// file, survival class, fault schedule in words and every check with its bound — generated
// from the parsed files so the list cannot drift from what the scenarios really check.
import type { ChecksConfig } from '../checker/checks-from-config.js';
import type { EntryFilter } from '../checker/event-count.js';
import type { FaultSpec, Scenario } from './parse-scenario.js';

export type CatalogScenario = Pick<Scenario, 'name' | 'description' | 'expect' | 'schedule' | 'checks'>;

export interface CatalogEntry {
  /** Path relative to the repository root, with forward slashes. */
  file: string;
  scenario: CatalogScenario;
}

export const ms = (value: number): string => (value >= 1000 && value % 100 === 0 ? `${value / 1000} s` : `${value} ms`);

const range = (min: number | undefined, max: number | undefined): string => {
  if (min !== undefined && max !== undefined) return min === max ? `= ${min}` : `${min}–${max}`;
  if (min !== undefined) return `≥ ${min}`;
  return max === 0 ? '= 0' : `≤ ${max}`;
};

const countBound = (v: number | { min?: number; max?: number }): string =>
  typeof v === 'number' ? range(undefined, v) : range(v.min, v.max);

const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

const filterText = (f: EntryFilter): string => {
  const who = [
    f.kind,
    f.daemon,
    f.source,
    f.workload && `workload ${f.workload}`,
    f.node && `on ${f.node}`,
    f.stream !== undefined && `stream ${f.stream}`,
    f.fault && `fault ${f.fault}`,
  ];
  const where = Object.entries(f.where ?? {}).map(([k, v]) => `${k}=${String(v)}`);
  return [...who.filter(Boolean), f.event ?? 'any event', ...(where.length > 0 ? [`(${where.join(', ')})`] : [])].join(' ');
};

const windowText = (w: { after?: EntryFilter; until?: EntryFilter }): string =>
  `${w.after ? ` after ${filterText(w.after)}` : ''}${w.until ? ` until ${filterText(w.until)}` : ''}`;

const scopeText = (workload?: string, since?: string): string => {
  const parts = [workload && `workload ${workload}`, since && `since ${since}`].filter(Boolean);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
};

const flowScopeText = (s: { server?: string; capture?: string }, since?: string): string => {
  const parts = [s.server && `to ${s.server}`, s.capture && `at ${s.capture}`, since && `since ${since}`].filter(Boolean);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
};

type Describers = { [K in keyof ChecksConfig]-?: (value: NonNullable<ChecksConfig[K]>) => string[] };

/** One entry per check key: the compiler refuses a new key that the catalog cannot describe. */
const describers: Describers = {
  streamsEstablished: (v) => [`streams established ≥ ${typeof v === 'number' ? v : v.min}`],
  noFailedStreams: (v) => (v ? ['no failed stream'] : []),
  maxGapMs: (v) => [`every stream's longest gap ≤ ${ms(v)}`],
  keptStreamsMaxGapMs: (v) =>
    typeof v === 'number'
      ? [`every stream that kept its connection: no standstill over ${ms(v)} after the first fault started`]
      : [`every stream that kept its connection: no standstill over ${ms(v.maxMs)} after the first fault started, until ${v.until}`],
  workloadMaxGapMs: (v) => Object.entries(v).map(([w, limit]) => `longest gap (workload ${w}) ≤ ${ms(limit)}`),
  gapPercentile: (v) =>
    list(v).map(
      (p) =>
        `p${p.percentile} of the streams' longest gaps${scopeText(p.workload, p.since)}` +
        [p.minMs !== undefined && ` ≥ ${ms(p.minMs)}`, p.maxMs !== undefined && ` ≤ ${ms(p.maxMs)}`].filter(Boolean).join(' and'),
    ),
  gapStarts: (v) =>
    list(v).map((g) =>
      g.before
        ? `every stream's longest gap${scopeText(g.workload)} starts before ${filterText(g.before)}`
        : `every stream's longest gap${scopeText(g.workload)} starts after ${filterText(g.after!)}`,
    ),
  gap: (v) => [
    `${v.count === undefined ? 'at least one gap' : `exactly ${v.count} gap(s)`} per stream` +
      ` of ${ms(v.expectedMs)} ± ${ms(v.toleranceMs)}`,
  ],
  gapMatchesFault: (v) => [
    `one gap per stream, the fault${v.fault ? ` ${v.fault}` : ''}'s measured duration` + ` − ${ms(v.toleranceMs)} to + ${ms(v.extraMaxMs)}`,
  ],
  gapBeyondDetection: (v) => [
    `${v.percentile === undefined ? 'every stream' : `p${v.percentile} of the streams`}: gap − detection ≤ ${ms(v.maxMs)}` +
      ` (detection: ${filterText(v.detection)})`,
  ],
  detectedWithin: (v) => [`detected ≤ ${ms(v.maxMs)} after the fault (detection: ${filterText(v.detection)})`],
  stallDetectedWithinMs: (v) => [`stall detected ≤ ${ms(v)} after the fault`],
  resets: (v) => [`resets ${countBound(v)} per stream`],
  reconnects: (v) => [`reconnects ${countBound(v)} per stream`],
  bytesLost: (v) => [`bytes lost ${countBound(v)} per stream`],
  bytesDuplicated: (v) => [`bytes duplicated ${countBound(v)} per stream`],
  bytesCorrupt: (v) => [`bytes corrupt ${countBound(v)} per stream`],
  bytesReordered: (v) => [`bytes reordered ${countBound(v)} per stream`],
  handshakeFailures: (v) => [`failed handshakes ${countBound(v)} per stream`],
  singleArpOwner: (v) =>
    list(v).map((o) => {
      const until = o.untilSplitBrainEnds ? ' until its split brain is over' : '';
      const allowed = o.allowDuringFaults ? `, except during ${o.allowDuringFaults.join(', ')}${until} + ${ms(o.graceMs ?? 0)}` : '';
      return `one ARP owner of ${o.vip}${o.windowMs !== undefined ? ` within ${ms(o.windowMs)}` : ''}${allowed}`;
    }),
  arpSilentWhileStandby: (v) =>
    list(v).map((o) => `no ARP for ${o.vip} from a standby` + `${o.leadMs !== undefined ? ` (lead ${ms(o.leadMs)})` : ''}`),
  arpOwnerAfter: (v) =>
    list(v).map(
      (o) =>
        `ARP owner of ${o.vip} settles${o.node ? ` on ${o.node}` : o.mac ? ` on ${o.mac}` : ''}` +
        ` ≤ ${ms(o.withinMs)} after ${o.afterFault ?? 'the last fault'} ends`,
    ),
  splitBrainOver: (v) =>
    list(v).map(
      (o) => `split brain over ${o.vip} ends ≤ one round trip + ${ms(o.withinMs)} after the first heartbeat crosses the healed link`,
    ),
  arpLoserSilent: (v) => list(v).map((o) => `no ARP for ${o.vip} from the split brain's loser after the winner re-announces`),
  natTables: (v) => [
    `NAT tables: one owner per VIP (${v.vips.join(', ')}), one row per connection` +
      `${v.minRows !== undefined ? `, ≥ ${v.minRows} rows` : ''}`,
  ],
  flowGap: (v) =>
    list(v).map(
      (g) =>
        `${g.percentile === undefined ? "every captured flow's" : `p${g.percentile} of the captured flows'`} longest` +
        ` ${g.direction ? `${g.direction} ` : ''}payload gap${flowScopeText(g, g.since)} ≤ ${ms(g.maxMs)}`,
    ),
  flowResets: (v) => [`captured flows reset ${countBound(v)}${typeof v === 'number' ? '' : flowScopeText(v)}`],
  flowReconnects: (v) => [`captured flows reconnecting ${countBound(v)}${typeof v === 'number' ? '' : flowScopeText(v)}`],
  flowMatchesProbe: (v) => [`probe gaps and captured flow gaps agree within ${ms(v.toleranceMs)}`],
  backendCounts: (v) =>
    list(v).map(
      (o) =>
        `connections served (workload ${o.workload}): ${Object.values(o.counts).every((n) => typeof n === 'number') ? 'exactly ' : ''}${Object.entries(
          o.counts,
        )
          .map(([b, n]) => `${b}=${typeof n === 'number' ? n : `${n.min ?? 0}..${n.max ?? '∞'}`}`)
          .join(' ')}, ${o.proxiedFrom ? `each from the proxy's ${o.proxiedFrom}` : 'from the real clients, one back end each'}`,
    ),
  noPacketsAfter: (v) =>
    list(v).map(
      (o) =>
        `no packet (${filterText(o.packets)}) after ${filterText(o.after)}${o.until ? ` until ${filterText(o.until)}` : ''}, on the wire`,
    ),
  invariants: (v) =>
    v.map((inv) =>
      'never' in inv
        ? `never: ${inv.name}${windowText(inv)}`
        : 'sequence' in inv
          ? `${inv.name}: ${inv.equals.join(' → ')}`
          : `${inv.name}: count ${range(inv.min, inv.max)}${windowText(inv)}`,
    ),
  commands: (v) =>
    v.map(
      (c) =>
        `command ${c.workload} (${c.role ?? 'client'}) exits ${c.exitCode ?? 0}` +
        `${c.stdout !== undefined ? `, stdout matches /${c.stdout}/` : ''}${c.stderr !== undefined ? `, stderr matches /${c.stderr}/` : ''}`,
    ),
};

/** Every check of a scenario, in the describers' order, each with its bound. */
export const describeChecks = (checks: ChecksConfig): string[] =>
  (Object.keys(describers) as (keyof ChecksConfig)[]).flatMap((key) => {
    const value = checks[key];
    // The mapped type pairs each key with its own value type; indexing by a union key loses that pairing.
    return value === undefined ? [] : (describers[key] as (v: unknown) => string[])(value);
  });

const when = (f: FaultSpec): string => {
  if (f.when) {
    const delay = f.when.delay ? ` + ${f.when.delay} ms` : '';
    return `when ${f.when.streamsEstablished} streams are established${f.when.workload ? ` (workload ${f.when.workload})` : ''}${delay}`;
  }
  if (Array.isArray(f.at)) return `at a seeded time in ${ms(f.at[0])}–${ms(f.at[1])}`;
  return f.at === undefined ? 'untimed' : `at ${ms(f.at)}`;
};

const restart = (after: number | undefined): string => (after === undefined ? '' : `, restarted after ${ms(after)}`);

const shortCommand = (command: string): string => {
  const flat = command.replace(/\s+/g, ' ').trim();
  return flat.length <= 60 ? flat : `${flat.slice(0, 57)}…`;
};

/** What a fault does, in words (without its trigger). */
export const describeFault = (f: FaultSpec): string => {
  const healed = f.duration !== undefined ? `, for ${ms(f.duration)}` : '';
  switch (f.fault) {
    case 'crash':
      return `crash ${f.node} (links cut, then SIGKILL)${restart(f.restartAfter)}`;
    case 'kill':
      return `SIGKILL ${f.node}${restart(f.restartAfter)}`;
    case 'stop':
      return `docker stop ${f.node}${restart(f.restartAfter)}`;
    case 'pause':
      return `pause ${f.node}${healed}`;
    case 'kill-process':
      return `SIG${f.signal} ${f.match} on ${f.node}${restart(f.restartAfter)}`;
    case 'link-down':
      return `link down ${f.node}:${f.iface}${healed}`;
    case 'link-flap':
      return `link flap ${f.node}:${f.iface}, down ${ms(f.down)}${f.count > 1 ? `, up ${ms(f.up)}, ${f.count} times` : ''}`;
    case 'partition': {
      const what = [f.protocol, f.port].filter((p) => p !== undefined).join(' ');
      return `partition ${f.from.join(', ')} ${f.oneWay ? '→' : '↔'} ${f.to.join(', ')}${what ? ` (${what} only)` : ''}${healed}`;
    }
    case 'loss':
      return `${f.percent} % loss on ${f.node}${f.iface ? `:${f.iface}` : ''} (${f.direction})${healed}`;
    case 'command':
      return `command on ${f.node}: \`${shortCommand(f.run)}\`${healed}`;
  }
};

/** The schedule, each fault with its id (as checks name it), trigger and effect. */
export const describeSchedule = (schedule: readonly FaultSpec[]): string[] =>
  schedule.map((f, i) => `${f.fault}-${i + 1} ${when(f)}: ${describeFault(f)}`);

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const cells = (lines: string[], none: string): string => (lines.length === 0 ? none : lines.map(cell).join('<br>'));

export const catalogRow = ({ file, scenario: s }: CatalogEntry): string => {
  const name = s.description ? `**${cell(s.name)}** — ${cell(s.description)}` : `**${cell(s.name)}**`;
  const faults = cells(describeSchedule(s.schedule), 'no fault');
  return `| ${name} | \`${file}\` | ${s.expect} | ${faults} | ${cells(describeChecks(s.checks), 'no check')} |`;
};

const HEADER = [
  '# Scenarios',
  '',
  'Generated by `make docs` from the scenario files (`src/orchestrator/scenario/scenario-catalog.ts`);',
  'do not edit by hand: a unit test fails when this page and the files disagree. Per-stream',
  'bounds hold for every stream on its own; gaps are application gaps as the probe records them.',
  '`expect` is a check of its own: `transparent`, every stream kept its first connection (no reset, no',
  'reconnect) with every byte intact; `session`, connections may be replaced but no byte is lost,',
  'duplicated or corrupt and no stream fails; `none`, connections may die.',
];

/** The whole page: one table per folder, rows in file order. */
export const catalogMarkdown = (entries: readonly CatalogEntry[]): string => {
  const sorted = [...entries].sort((a, b) => a.file.localeCompare(b.file));
  const folders = [...new Set(sorted.map((e) => e.file.slice(0, e.file.lastIndexOf('/'))))];
  const sections = folders.flatMap((folder) => [
    '',
    `## ${folder}`,
    '',
    '| scenario | file | expect | faults | checks |',
    '|---|---|---|---|---|',
    ...sorted.filter((e) => e.file.slice(0, e.file.lastIndexOf('/')) === folder).map(catalogRow),
  ]);
  return [...HEADER, ...sections, ''].join('\n');
};
