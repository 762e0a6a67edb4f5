// The switch's two data planes run against a model of the Linux bridge (bridge-model.ts): the
// VLAN-filtering one has never met a kernel with CONFIG_BRIDGE_VLAN_FILTERING (this machine's
// has none; docs/topology-format.md says what was not run). Both must accept every command
// and give access ports the same reach.
import { strict as assert } from 'node:assert';
import { applyCommands, movePortCommands, portsFromVlanShow, type PortMap, type SwitchMode } from '../../../src/switch/switch-plan.js';
import { BridgeModel, RefusedCommand } from './bridge-model.js';

const PORTS: PortMap = { eth1: 10, eth2: 10, eth3: 20, eth4: 20, eth5: 30 };

const applied = (mode: SwitchMode, ports = PORTS): BridgeModel => {
  const model = new BridgeModel(Object.keys(ports), { vlanFiltering: mode === 'vlan-filtering' });
  for (const c of applyCommands(ports, mode)) model.run(c);
  return model;
};

/** Who hears a broadcast from each port: the other ports of its VLAN, nobody else. */
const expectedReach = (ports: PortMap): Record<string, string[]> =>
  Object.fromEntries(
    Object.entries(ports).map(([p, v]) => [
      p,
      Object.entries(ports)
        .filter(([q, w]) => q !== p && w === v)
        .map(([q]) => q)
        .sort(),
    ]),
  );
const reachOf = (model: BridgeModel, ports: PortMap) => Object.fromEntries(Object.keys(ports).map((p) => [p, model.reach(p)]));

describe('switch plans against a model of `ip link` / `bridge vlan`', () => {
  for (const mode of ['vlan-filtering', 'bridge-per-vlan'] as const) {
    it(`${mode}: every command is accepted, and each access port reaches exactly its VLAN`, () => {
      const model = applied(mode);
      assert.deepEqual(reachOf(model, PORTS), expectedReach(PORTS));
    });

    it(`${mode}: moving a port (to a VLAN in use, then to a new one) changes its reach and nothing else`, () => {
      const model = applied(mode);
      const ports = { ...PORTS };
      for (const [port, to] of [
        ['eth3', 10],
        ['eth5', 40],
      ] as const) {
        const bridgeExists = model.links.has(`vlan${to}`);
        for (const c of movePortCommands(port, ports[port], to, mode, bridgeExists)) model.run(c);
        ports[port] = to;
        assert.deepEqual(reachOf(model, ports), expectedReach(ports), `${port} → ${to}`);
      }
      if (mode === 'vlan-filtering') assert.deepEqual(portsFromVlanShow(model.vlanShowJson()), ports);
    });
  }

  it('vlan-filtering: the bridge takes no VLAN 1 by default, so a port is in no VLAN until its PVID is set', () => {
    const model = new BridgeModel(['eth1', 'eth2']);
    const plan = applyCommands({ eth1: 10, eth2: 10 }, 'vlan-filtering');
    // Up to eth1's `bridge vlan add`, eth1 is enslaved but in no VLAN: its frames are dropped.
    for (const c of plan.slice(0, plan.indexOf('bridge vlan add dev eth1 vid 10 pvid untagged'))) model.run(c);
    assert.deepEqual(JSON.parse(model.vlanShowJson()), []);
    // The same bridge created with the kernel's default PVID 1 puts both ports in VLAN 1 at once.
    const leaky = new BridgeModel(['eth1', 'eth2']);
    for (const c of [
      'ip link add br0 type bridge vlan_filtering 1',
      'ip link set br0 up',
      'ip link set eth1 master br0',
      'ip link set eth1 up',
    ])
      leaky.run(c);
    assert.deepEqual(portsFromVlanShow(leaky.vlanShowJson()), { eth1: 1 });
  });

  it('refuses what the tools refuse: no VLAN filtering in the kernel, an unknown VID, a port not in the bridge, a missing bridge', () => {
    const plain = new BridgeModel(['eth1'], { vlanFiltering: false });
    // This machine's kernel, as `failover-lab doctor` and lab-switch's probe see it.
    assert.throws(() => plain.run(applyCommands({ eth1: 10 }, 'vlan-filtering')[0]!), /: RTNETLINK answers: Operation not supported$/);
    const model = applied('vlan-filtering', { eth1: 10 });
    const refusals: [string, RegExp][] = [
      ['bridge vlan del dev eth1 vid 20', /No such file or directory/],
      ['bridge vlan add dev eth1 vid 4095 pvid untagged', /Invalid VLAN ID "4095"/],
      ['bridge vlan add dev eth9 vid 10', /Cannot find device "eth9"/],
      ['ip link add br0 type bridge', /File exists/],
      ['ip link set eth1 master vlan20', /Cannot find device "vlan20"/],
    ];
    for (const [command, message] of refusals)
      assert.throws(
        () => model.run(command),
        (e: unknown) => e instanceof RefusedCommand && message.test(e.message),
        command,
      );
    const loose = new BridgeModel(['eth1']);
    assert.throws(() => loose.run('bridge vlan add dev eth1 vid 10 pvid untagged'), /Operation not supported/);
    // A move that believes the target bridge exists when it does not fails, never half-succeeds silently.
    const perVlan = applied('bridge-per-vlan', { eth1: 10 });
    assert.throws(
      () => movePortCommands('eth1', 10, 50, 'bridge-per-vlan', true).forEach((c) => perVlan.run(c)),
      /Cannot find device "vlan50"/,
    );
  });
});
