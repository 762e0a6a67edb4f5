import { strict as assert } from 'node:assert';
import { captureCommandLine } from '../../../src/lab/capture.js';
import { inspectRows, renderTable } from '../../../src/cli/inspect-table.js';
import { renderGraph } from '../../../src/topology/graph.js';
import type { ContainerSummary } from '../../../src/runtime/container-runtime.js';
import type { Topology } from '../../../src/topology/types.js';

const pos = { file: '/t.clab.yml', line: 1, column: 1 };
const topo: Topology = {
  file: '/t.clab.yml',
  dir: '/',
  name: 'g',
  prefix: 'clab',
  mgmt: { network: 'clab', ipv4Subnet: '198.19.0.0/24' },
  nodes: ['a', 'b-1'].map((name) => ({
    name,
    kind: 'linux' as const,
    image: 'img',
    exec: [],
    binds: [],
    env: {},
    labels: {},
    position: pos,
  })),
  links: [
    {
      endpoints: [
        { node: 'a', iface: 'eth1' },
        { node: 'b-1', iface: 'eth2' },
      ],
      mtu: 1500,
      position: pos,
    },
  ],
};

describe('graph', () => {
  it('renders Mermaid with interfaces on the edges', () => {
    const text = renderGraph(topo, 'mermaid');
    assert.match(text, /^graph LR$/m);
    assert.match(text, /a ---\|"eth1 – eth2 mtu 1500"\| b_1/);
  });
  it('renders DOT', () => {
    const text = renderGraph(topo, 'dot');
    assert.match(text, /^graph "g" \{/);
    assert.match(text, /"a" -- "b-1" \[taillabel="eth1", headlabel="eth2", label="mtu 1500"\];/);
  });
});

describe('inspect table', () => {
  const containers: ContainerSummary[] = [
    {
      id: '2',
      name: 'clab-g-b',
      image: 'img',
      status: 'running',
      ipv4: { clab: '198.19.0.3' },
      labels: { containerlab: 'g', 'clab-node-name': 'b', 'clab-node-kind': 'linux' },
    },
    {
      id: '1',
      name: 'clab-g-a',
      image: 'img',
      status: 'stopped',
      ipv4: {},
      labels: { containerlab: 'g', 'clab-node-name': 'a', 'clab-node-kind': 'linux' },
    },
  ];
  it('sorts rows by lab and name and shows N/A for no address', () => {
    const rows = inspectRows(containers);
    assert.deepEqual(
      rows.map((r) => [r.node, r.state, r.ipv4]),
      [
        ['a', 'stopped', 'N/A'],
        ['b', 'running', '198.19.0.3'],
      ],
    );
    const table = renderTable(rows).split('\n');
    assert.match(table[0]!, /^#\s+Lab\s+Node\s+Name/);
    assert.match(table[2]!, /^1\s+g\s+a\s+clab-g-a/);
  });
});

describe('capture command line', () => {
  it('bounds tcpdump by count, duration and filter, writes a file in the node and records its pid', () => {
    assert.equal(
      captureCommandLine('eth1', { pid: '/tmp/p', pcap: '/tmp/c.pcap' }, { count: 4, durationS: 10, filter: 'icmp or arp' }),
      "echo $$ > /tmp/p; exec timeout -s INT 10 tcpdump -U -n -i eth1 -w /tmp/c.pcap -c 4 'icmp or arp'",
    );
  });
});
