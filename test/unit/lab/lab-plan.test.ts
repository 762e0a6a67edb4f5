import { strict as assert } from 'node:assert';
import { LabError } from '../../../src/common/errors.js';
import { planLab, startWaves } from '../../../src/lab/lab-plan.js';
import { derivedMac } from '../../../src/lab/mac.js';
import { vethAddCommand, interfaceUpScript } from '../../../src/lab/wiring.js';
import type { NodeSpec, Topology } from '../../../src/topology/types.js';

const pos = { file: '/labs/t.clab.yml', line: 1, column: 1 };
const node = (name: string, extra: Partial<NodeSpec> = {}): NodeSpec => ({
  name,
  kind: 'linux',
  image: 'img:1',
  exec: [],
  binds: [],
  env: {},
  labels: {},
  position: pos,
  ...extra,
});
const topology = (nodes: NodeSpec[], extra: Partial<Topology> = {}): Topology => ({
  file: '/labs/t.clab.yml',
  dir: '/labs',
  name: 't',
  prefix: 'clab',
  mgmt: { network: 'clab', ipv4Subnet: '198.19.0.0/24' },
  nodes,
  links: [],
  ...extra,
});

describe('planLab', () => {
  const t = topology(
    [
      node('a', {
        cmd: 'sleep "1 2"',
        env: { X: '1' },
        labels: { team: 'x' },
        mgmtIpv4: '198.19.0.5',
        binds: [{ source: '/repo', target: '/opt/x', options: 'ro' }],
      }),
      node('b'),
    ],
    {
      links: [
        {
          endpoints: [
            { node: 'a', iface: 'eth1', mac: '02:00:00:00:00:01' },
            { node: 'b', iface: 'eth1' },
          ],
          mtu: 1400,
          position: pos,
        },
        {
          endpoints: [
            { node: 'a', iface: 'eth2' },
            { node: 'b', iface: 'eth2' },
          ],
          position: pos,
        },
      ],
    },
  );
  const plan = planLab(t, 'alice');

  it('names containers and labels them as containerlab does', () => {
    const a = plan.nodes[0]!;
    assert.equal(a.container, 'clab-t-a');
    assert.deepEqual(a.create.labels, {
      team: 'x',
      containerlab: 't',
      'clab-node-name': 'a',
      'clab-node-longname': 'clab-t-a',
      'clab-node-kind': 'linux',
      'clab-node-type': '',
      'clab-node-group': '',
      'clab-node-lab-dir': '/labs/clab-t/a',
      'clab-topo-file': '/labs/t.clab.yml',
      'clab-owner': 'alice',
      'org.failover-lab.managed': 'true',
    });
    assert.equal(plan.labDir, '/labs/clab-t');
  });

  it('splits cmd into argv, formats binds, sets CLAB_INTFS', () => {
    const a = plan.nodes[0]!.create;
    assert.deepEqual(a.cmd, ['sleep', '1 2']);
    assert.deepEqual(a.binds, ['/repo:/opt/x:ro']);
    assert.deepEqual(a.env, { X: '1', CLAB_INTFS: '2', CLAB_NODE_NAME: 'a', CLAB_LAB_NAME: 't' });
    assert.deepEqual(a.network, { mode: 'bridge', network: 'clab', ipv4: '198.19.0.5' });
    assert.equal(plan.nodes[1]!.create.cmd, undefined, 'no cmd: the image default');
  });

  it('gives every interface its MAC (written or derived) and MTU (written or 9500)', () => {
    const [l1, l2] = plan.links;
    assert.equal(l1!.a.mac, '02:00:00:00:00:01');
    assert.equal(l1!.b.mac, derivedMac('t', 'b', 'eth1'));
    assert.equal(l1!.a.mtu, 1400);
    assert.equal(l2!.a.mtu, 9500);
    assert.deepEqual(
      plan.nodes[0]!.interfaces.map((i) => i.iface),
      ['eth1', 'eth2'],
    );
  });

  it('creates each veth pair directly in both namespaces with final name, MAC and MTU', () => {
    const pids: Record<string, number> = { 'clab-t-a': 101, 'clab-t-b': 202 };
    assert.equal(
      vethAddCommand(plan.links[0]!, (c) => pids[c]!),
      `link add name eth1 address 02:00:00:00:00:01 mtu 1400 netns 101 type veth peer name eth1 address ${derivedMac('t', 'b', 'eth1')} mtu 1400 netns 202`,
    );
    assert.equal(
      interfaceUpScript(plan.nodes[0]!.interfaces),
      'ethtool -K eth1 tx off >/dev/null; ip link set eth1 up\nethtool -K eth2 tx off >/dev/null; ip link set eth2 up',
    );
  });

  it('derives stable, locally administered unicast MACs', () => {
    const mac = derivedMac('lab', 'node', 'eth1');
    assert.equal(mac, derivedMac('lab', 'node', 'eth1'));
    assert.notEqual(mac, derivedMac('lab', 'node', 'eth2'));
    assert.match(mac, /^aa:c1:ab(:[0-9a-f]{2}){3}$/);
  });

  it('omits the management network when no node uses it', () => {
    assert.equal(planLab(topology([node('a', { networkMode: 'none' })]), 'x').network, undefined);
    assert.equal(plan.network?.name, 'clab');
  });

  it('honours prefix variants', () => {
    assert.equal(planLab(topology([node('a')], { prefix: '' }), 'x').nodes[0]!.container, 'a');
    assert.equal(planLab(topology([node('a')], { prefix: '__lab-name' }), 'x').nodes[0]!.container, 't-a');
    assert.equal(planLab(topology([node('a')], { prefix: 'p' }), 'x').nodes[0]!.container, 'p-t-a');
  });
});

describe('startWaves', () => {
  it('starts a node after the node whose netns it shares', () => {
    const waves = startWaves([node('c', { networkMode: 'container:b' }), node('b', { networkMode: 'container:a' }), node('a'), node('d')]);
    assert.deepEqual(waves, [['a', 'd'], ['b'], ['c']]);
  });
  it('rejects a cycle', () => {
    assert.throws(() => startWaves([node('a', { networkMode: 'container:b' }), node('b', { networkMode: 'container:a' })]), LabError);
  });
});
