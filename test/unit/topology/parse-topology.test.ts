import { strict as assert } from 'node:assert';
import { fileURLToPath } from 'node:url';
import { parseTopologyFile } from '../../../src/topology/parse-topology.js';
import { containerName, DEFAULT_MGMT_SUBNET } from '../../../src/topology/types.js';
import { FILE, parse, yaml } from './helpers.js';

const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/topologies/', import.meta.url));

describe('parseTopologyText: accepted forms', () => {
  it('reads a minimal brief-link topology with defaults filled in', () => {
    const t = parse(yaml`
name: lab1
topology:
  nodes:
    a: {kind: linux, image: alpine:3}
    b: {kind: linux, image: alpine:3}
  links:
    - endpoints: ["a:eth1", "b:eth1"]
    - endpoints: ["a:eth2", "b:eth2"]
      mtu: 1500
`);
    assert.equal(t.file, FILE);
    assert.equal(t.dir, '/repo/topologies');
    assert.equal(t.name, 'lab1');
    assert.equal(t.prefix, 'clab');
    assert.deepEqual(t.mgmt, { network: 'clab', ipv4Subnet: DEFAULT_MGMT_SUBNET });
    assert.deepEqual(
      t.nodes.map((n) => n.name),
      ['a', 'b'],
    );
    assert.deepEqual(t.nodes[0], {
      name: 'a',
      kind: 'linux',
      image: 'alpine:3',
      exec: [],
      binds: [],
      env: {},
      labels: {},
      position: { file: FILE, line: 4, column: 5 },
    });
    assert.equal(t.links.length, 2);
    assert.deepEqual(t.links[0], {
      endpoints: [
        { node: 'a', iface: 'eth1' },
        { node: 'b', iface: 'eth1' },
      ],
      position: { file: FILE, line: 7, column: 7 },
    });
    assert.equal(t.links[1]?.mtu, 1500);
    assert.equal(t.links[1]?.position.line, 8);
  });

  it('reads extended veth links with mac and mtu, mixed with brief ones', () => {
    const t = parse(yaml`
name: ext
topology:
  defaults: {kind: linux, image: alpine:3}
  nodes:
    a: {}
    b: {}
  links:
    - type: veth
      mtu: 9000
      endpoints:
        - node: a
          interface: eth1
          mac: "AA:C1:AB:00:00:01"
        - {node: b, interface: eth1}
    - endpoints: ["a:eth2", "b:eth2"]
`);
    assert.deepEqual(
      t.links.map((l) => ({ endpoints: l.endpoints, mtu: l.mtu, line: l.position.line })),
      [
        {
          endpoints: [
            { node: 'a', iface: 'eth1', mac: 'aa:c1:ab:00:00:01' },
            { node: 'b', iface: 'eth1' },
          ],
          mtu: 9000,
          line: 8,
        },
        {
          endpoints: [
            { node: 'a', iface: 'eth2' },
            { node: 'b', iface: 'eth2' },
          ],
          mtu: undefined,
          line: 15,
        },
      ],
    );
  });

  it('splits a brief endpoint at the first colon', () => {
    const t = parse(yaml`
name: x
topology:
  defaults: {kind: linux, image: alpine:3}
  nodes: {a: {}, b: {}}
  links:
    - endpoints: ["a:e1", "b:e1"]
`);
    assert.deepEqual(t.links[0]?.endpoints, [
      { node: 'a', iface: 'e1' },
      { node: 'b', iface: 'e1' },
    ]);
  });

  it('applies defaults < kinds < groups < node inheritance', () => {
    const t = parse(yaml`
name: inherit
topology:
  defaults:
    kind: linux
    image: base:1
    cmd: sleep infinity
    exec: ["echo defaults"]
    env: {A: defaults, B: defaults, C: defaults}
    labels: {team: net}
    binds:
      - /etc/hosts:/etc/hosts:ro
      - ./shared:/shared
  kinds:
    linux:
      image: kind:1
      env: {B: kind}
      binds: ["../kind-data:/shared"]
  groups:
    spines:
      env: {C: group, D: group}
      exec: ["echo group"]
      labels: {role: spine}
  nodes:
    s1:
      group: spines
      env: {D: node}
      binds: ["/data/s1:/data/"]
    h1:
      image: host:2
      exec: []
`);
    const [s1, h1] = t.nodes;
    assert.deepEqual(s1, {
      name: 's1',
      kind: 'linux',
      image: 'kind:1',
      cmd: 'sleep infinity',
      group: 'spines',
      exec: ['echo group'],
      env: { A: 'defaults', B: 'kind', C: 'group', D: 'node' },
      labels: { team: 'net', role: 'spine' },
      binds: [
        { source: '/etc/hosts', target: '/etc/hosts', options: 'ro' },
        { source: '/repo/kind-data', target: '/shared' },
        { source: '/data/s1', target: '/data' },
      ],
      position: { file: FILE, line: 24, column: 5 },
    });
    assert.equal(h1?.image, 'host:2');
    assert.deepEqual(h1?.exec, [], 'an empty exec list on the node overrides inherited commands');
    assert.deepEqual(h1?.env, { A: 'defaults', B: 'kind', C: 'defaults' });
    assert.deepEqual(
      h1?.binds.map((b) => b.source),
      ['/etc/hosts', '/repo/kind-data'],
    );
  });

  it('takes the kind from the group when the node has none', () => {
    const t = parse(yaml`
name: g
topology:
  groups:
    g1: {kind: linux, image: img:1}
  nodes:
    a: {group: g1}
`);
    assert.equal(t.nodes[0]?.kind, 'linux');
    assert.equal(t.nodes[0]?.image, 'img:1');
  });

  it('resolves bind host paths against the topology folder', () => {
    const t = parse(yaml`
name: b
topology:
  nodes:
    a:
      kind: linux
      image: img
      binds: ["..:/opt/x:ro", "conf/a.cfg:/etc/a.cfg", "/abs:/abs:rw,z"]
`);
    assert.deepEqual(t.nodes[0]?.binds, [
      { source: '/repo', target: '/opt/x', options: 'ro' },
      { source: '/repo/topologies/conf/a.cfg', target: '/etc/a.cfg' },
      { source: '/abs', target: '/abs', options: 'rw,z' },
    ]);
  });

  it('keeps env and labels values as written, as containerlab does', () => {
    const t = parse(yaml`
name: e
topology:
  nodes:
    a:
      kind: linux
      image: img
      env: {VERSION: 1.10, DEBUG: true, PORT: 0080, EMPTY: , QUOTED: "07"}
      labels: {weight: 3}
`);
    assert.deepEqual(t.nodes[0]?.env, { VERSION: '1.10', DEBUG: 'true', PORT: '0080', EMPTY: '', QUOTED: '07' });
    assert.deepEqual(t.nodes[0]?.labels, { weight: '3' });
  });

  it('handles the prefix variants', () => {
    const withPrefix = (line: string) => parse(`name: lab\n${line}\ntopology:\n  nodes:\n    n1: {kind: linux, image: i}\n`);
    const absent = withPrefix('');
    assert.equal(absent.prefix, 'clab');
    assert.equal(containerName(absent, 'n1'), 'clab-lab-n1');
    const empty = withPrefix('prefix: ""');
    assert.equal(empty.prefix, '');
    assert.equal(containerName(empty, 'n1'), 'n1');
    const custom = withPrefix('prefix: acme');
    assert.equal(containerName(custom, 'n1'), 'acme-lab-n1');
    const labName = withPrefix('prefix: __lab-name');
    assert.equal(containerName(labName, 'n1'), 'lab-n1');
  });

  it('expands ${VAR}, ${VAR:=default} and ${VAR:-default} before parsing', () => {
    const t = parse(
      yaml`
name: \${LAB}
topology:
  nodes:
    a:
      kind: linux
      image: \${IMAGE:=alpine:3}
      cmd: sh -c 'echo $HOME $(hostname)'
      env: {X: "\${X:-fallback}", Y: "\${Y:-fallback}", Z: "\${Z}"}
`,
      { LAB: 'from-env', X: '', Y: 'set', Z: '' },
    );
    assert.equal(t.name, 'from-env');
    assert.equal(t.nodes[0]?.image, 'alpine:3');
    assert.equal(t.nodes[0]?.cmd, "sh -c 'echo $HOME $(hostname)'");
    assert.deepEqual(t.nodes[0]?.env, { X: 'fallback', Y: 'set', Z: '' });
  });

  it('accepts every network-mode form', () => {
    const t = parse(yaml`
name: nm
topology:
  defaults: {kind: linux, image: i}
  nodes:
    a: {network-mode: bridge}
    b: {network-mode: none}
    c: {network-mode: host}
    d: {network-mode: "container:a"}
    e: {}
  links:
    - endpoints: ["a:eth1", "e:eth1"]
`);
    assert.deepEqual(
      t.nodes.map((n) => n.networkMode),
      ['bridge', 'none', 'host', 'container:a', undefined],
    );
  });

  it('reads mgmt settings and mgmt-ipv4 addresses', () => {
    const t = parse(yaml`
name: m
mgmt:
  network: fl-net
  ipv4-subnet: 198.19.4.0/24
  ipv4-gw: 198.19.4.254
  bridge: br-fl
topology:
  defaults: {kind: linux, image: i}
  nodes:
    a: {mgmt-ipv4: 198.19.4.1}
    b: {mgmt-ipv4: 198.19.4.10}
`);
    assert.deepEqual(t.mgmt, { network: 'fl-net', ipv4Subnet: '198.19.4.0/24', ipv4Gateway: '198.19.4.254', bridge: 'br-fl' });
    assert.deepEqual(
      t.nodes.map((n) => n.mgmtIpv4),
      ['198.19.4.1', '198.19.4.10'],
    );
  });

  it('accepts empty sections and YAML merge keys, and keeps numeric node names in file order', () => {
    const t = parse(yaml`
name: misc
topology:
  defaults: &common
    kind: linux
    image: i
  kinds:
  groups:
  nodes:
    10: *common
    2:
      <<: *common
      cmd: run
  links:
`);
    assert.deepEqual(
      t.nodes.map((n) => [n.name, n.image, n.cmd, n.position.line]),
      [
        ['10', 'i', undefined, 9],
        ['2', 'i', 'run', 10],
      ],
    );
    assert.deepEqual(t.links, []);
  });

  it('reads a file from disk and returns nodes and links in file order', async () => {
    const file = `${FIXTURES}topo-inheritance.clab.yml`;
    const t = await parseTopologyFile(file, { IMAGE: 'custom:1' });
    assert.equal(t.file, file);
    assert.deepEqual(
      t.nodes.map((n) => n.name),
      ['spine1', 'leaf1', 'leaf2'],
    );
    assert.deepEqual(
      t.nodes.map((n) => n.image),
      ['custom:1', 'custom:1', 'leaf:1'],
    );
    assert.deepEqual(t.nodes[1]?.binds, [{ source: `${FIXTURES}configs/leaf1`, target: '/etc/frr', options: 'ro' }]);
    assert.deepEqual(
      t.links.map((l) => l.endpoints.map((e) => `${e.node}:${e.iface}`).join(' ')),
      ['spine1:eth1 leaf1:eth1', 'spine1:eth2 leaf2:eth1'],
    );
  });
});
