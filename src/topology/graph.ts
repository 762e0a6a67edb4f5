// Pure: a topology as a Mermaid flowchart or a Graphviz DOT graph, interfaces on the edges.
import type { Topology } from './types.js';

export type GraphFormat = 'mermaid' | 'dot';

const mermaidId = (name: string): string => name.replace(/[^A-Za-z0-9_]/g, '_');
const dotQuote = (s: string): string => `"${s.replace(/["\\]/g, '\\$&')}"`;

export const toMermaid = (t: Topology): string => {
  const lines = [`%% lab ${t.name}`, 'graph LR'];
  for (const n of t.nodes) lines.push(`  ${mermaidId(n.name)}["${n.name}<br/><small>${n.image}</small>"]`);
  for (const l of t.links) {
    const [a, b] = l.endpoints;
    const mtu = l.mtu !== undefined ? ` mtu ${l.mtu}` : '';
    lines.push(`  ${mermaidId(a.node)} ---|"${a.iface} – ${b.iface}${mtu}"| ${mermaidId(b.node)}`);
  }
  return lines.join('\n') + '\n';
};

export const toDot = (t: Topology): string => {
  const lines = [`graph ${dotQuote(t.name)} {`, '  layout=neato; overlap=false; node [shape=box];'];
  for (const n of t.nodes) lines.push(`  ${dotQuote(n.name)} [tooltip=${dotQuote(n.image)}];`);
  for (const l of t.links) {
    const [a, b] = l.endpoints;
    const attrs = [`taillabel=${dotQuote(a.iface)}`, `headlabel=${dotQuote(b.iface)}`];
    if (l.mtu !== undefined) attrs.push(`label=${dotQuote(`mtu ${l.mtu}`)}`);
    lines.push(`  ${dotQuote(a.node)} -- ${dotQuote(b.node)} [${attrs.join(', ')}];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
};

export const renderGraph = (t: Topology, format: GraphFormat): string => (format === 'dot' ? toDot(t) : toMermaid(t));
