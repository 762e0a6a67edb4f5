// Daemon events above the throughput plot: what the control plane did and when. One lane per
// node/daemon while that stays readable; rare events (state changes) are coloured and named,
// chatter (heartbeats) is grey and unlabelled, and past a budget only the rarest are drawn.
import { listSome } from '../checker/stream-select.js';
import type { DaemonEntry, RunHistory } from '../history/history-types.js';
import { LANE_H, clampX, laneBox, type Frame, type Lanes } from './lane-kit.js';
import { PALETTE, el, fmtSeconds, title } from './svg-kit.js';
import { escapeXml } from './xml-escape.js';

const MAX_DAEMON_LANES = 8;
const MARKER_BUDGET = 400;
/** Event names seen more often than this get markers but no text label (heartbeats...). */
const LABEL_MAX_COUNT = 10;

export interface EventKind {
  name: string;
  count: number;
  colour: string;
}

/**
 * Daemon event names with their counts and marker colours, rarest first (for the legend).
 * Rare events (state changes) get the distinct colours; chatter (heartbeats) is grey.
 */
export function daemonEventKinds(history: RunHistory): EventKind[] {
  const counts = new Map<string, number>();
  for (const e of history.entries) if (e.kind === 'daemon') counts.set(e.event, (counts.get(e.event) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
  let next = 0;
  return sorted.map(([name, count]) => {
    const rare = count <= LABEL_MAX_COUNT && next < PALETTE.length;
    return { name, count, colour: rare ? PALETTE[next++]! : CHATTER_GREYS[(count + name.length) % CHATTER_GREYS.length]! };
  });
}

const CHATTER_GREYS = ['#9a9a9a', '#b5b5b5', '#7d7d7d'];

/** Daemon events as markers, one lane per node/daemon (merged past 8), rare events first. */
export function daemonLanes(history: RunHistory, frame: Frame, top: number): Lanes {
  const events = history.entries.filter((e): e is DaemonEntry => e.kind === 'daemon');
  if (events.length === 0) return { svg: '', height: 0, notes: [] };
  const { kept, dropped } = budget(events);
  const kinds = daemonEventKinds(history);
  const frequent = new Set(kinds.filter((k) => k.count > LABEL_MAX_COUNT).map((k) => k.name));
  const colour = new Map(kinds.map((k) => [k.name, k.colour]));
  const keys = [...new Set(events.map((e) => `${e.node}/${e.daemon}`))].sort();
  const merged = keys.length > MAX_DAEMON_LANES;
  const lanes = merged ? ['daemon events'] : keys;
  const parts: string[] = [];
  lanes.forEach((lane, i) => {
    const y = top + i * LANE_H;
    parts.push(laneBox(frame, y, LANE_H, lane, i, merged ? `events of ${keys.length} daemons` : `events of daemon ${lane}`));
    const mid = y + LANE_H / 2;
    const mine = kept.filter((e) => merged || `${e.node}/${e.daemon}` === lane);
    const rare = mine.filter((e) => !frequent.has(e.event));
    // Chatter first, so state changes are drawn on top of heartbeats.
    for (const e of [...mine.filter((e) => frequent.has(e.event)), ...rare]) {
      const x = clampX(frame, e.t);
      const tip = `${fmtSeconds(e.t - frame.t0)}  ${e.node}/${e.daemon}  ${e.event}  ${clipJson(e.data)}`;
      parts.push(el('path', { d: `M${x.toFixed(1)} ${mid - 5}l4 5l-4 5l-4 -5z`, fill: colour.get(e.event), class: 'marker' }, title(tip)));
    }
    // Labels never overlap: one that would start inside the previous one is left to its tooltip.
    let freeFrom = -Infinity;
    for (const g of labelGroups(rare, frame, merged)) {
      const text = g.names.join(' → ');
      const fits = g.x + 6 + textWidth(text) <= frame.right;
      const start = fits ? g.x + 6 : g.x - 6 - textWidth(text);
      if (start < freeFrom) continue;
      freeFrom = start + textWidth(text) + 8;
      parts.push(
        el(
          'text',
          { x: fits ? g.x + 6 : g.x - 6, y: mid + 3.5, class: 'marker-label', 'text-anchor': fits ? undefined : 'end' },
          escapeXml(text),
        ),
      );
    }
  });
  const notes = dropped.length ? [`daemon events not drawn (too many): ${listSome(dropped.map(([n, c]) => `${n} ×${c}`))}`] : [];
  return { svg: parts.join(''), height: lanes.length * LANE_H, notes };
}

const textWidth = (text: string): number => text.length * 5.6;

/** Rare events within a few pixels of a group's first one share its label: `peer-down → mode`. */
const GROUP_PX = 40;
function labelGroups(events: readonly DaemonEntry[], frame: Frame, withNode: boolean): { x: number; names: string[] }[] {
  const groups: { x: number; names: string[] }[] = [];
  for (const e of events) {
    const x = clampX(frame, e.t);
    const name = withNode ? `${e.node} ${e.event}` : e.event;
    const last = groups[groups.length - 1];
    if (last && x - last.x < GROUP_PX) {
      if (last.names[last.names.length - 1] !== name) last.names.push(name);
    } else {
      groups.push({ x, names: [name] });
    }
  }
  return groups;
}

/** Keeps the rarest event names first: a 'became-master' matters more than 5,000 heartbeats. */
function budget(events: readonly DaemonEntry[]): { kept: DaemonEntry[]; dropped: [string, number][] } {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.event, (counts.get(e.event) ?? 0) + 1);
  const allowed = new Set<string>();
  const dropped: [string, number][] = [];
  let used = 0;
  for (const [name, n] of [...counts].sort((a, b) => a[1] - b[1])) {
    if (used + n <= MARKER_BUDGET) {
      allowed.add(name);
      used += n;
    } else dropped.push([name, n]);
  }
  return { kept: events.filter((e) => allowed.has(e.event)), dropped };
}

function clipJson(data: Record<string, unknown>): string {
  const text = JSON.stringify(data);
  if (text === '{}') return '';
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}
