// Pure: the `inspect` table and JSON rows from container summaries.
import { LABEL } from '../lab/labels.js';
import type { ContainerSummary } from '../runtime/container-runtime.js';

export interface InspectRow {
  lab: string;
  node: string;
  name: string;
  kind: string;
  image: string;
  state: string;
  ipv4: string;
  topology: string;
}

export const inspectRows = (containers: readonly ContainerSummary[]): InspectRow[] =>
  containers
    .map((c) => ({
      lab: c.labels[LABEL.lab] ?? '',
      node: c.labels[LABEL.nodeName] ?? '',
      name: c.name,
      kind: c.labels[LABEL.nodeKind] ?? '',
      image: c.image,
      state: c.status,
      ipv4: Object.values(c.ipv4).filter(Boolean).join(',') || 'N/A',
      topology: c.labels[LABEL.topoFile] ?? '',
    }))
    .sort((a, b) => a.lab.localeCompare(b.lab) || a.name.localeCompare(b.name));

export const renderTable = (rows: readonly InspectRow[]): string => {
  const header = ['#', 'Lab', 'Node', 'Name', 'Kind', 'Image', 'State', 'IPv4 Address'];
  const cells = rows.map((r, i) => [String(i + 1), r.lab, r.node, r.name, r.kind, r.image, r.state, r.ipv4]);
  const widths = header.map((h, col) => Math.max(h.length, ...cells.map((c) => c[col]!.length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
};
