import { strict as assert } from 'node:assert';
import { applyCommands, movePortCommands, parsePortArgs, SwitchConfigError } from '../../../src/switch/switch-plan.js';

describe('switch plan', () => {
  it('parses PORT=VLAN words', () => {
    assert.deepEqual(parsePortArgs(['eth1=10', 'eth2=20']), { eth1: 10, eth2: 20 });
    for (const bad of [['eth1'], ['eth1=0'], ['eth1=4095'], ['eth1=10', 'eth1=20'], ['a/b=1'], []]) {
      assert.throws(() => parsePortArgs(bad), SwitchConfigError, JSON.stringify(bad));
    }
  });

  it('without VLAN filtering: one bridge per VLAN, ports enslaved to their VLAN bridge', () => {
    assert.deepEqual(applyCommands({ eth1: 20, eth2: 10, eth3: 20 }, 'bridge-per-vlan'), [
      'ip link add vlan10 type bridge',
      'ip link set vlan10 type bridge stp_state 0 forward_delay 0',
      'ip link set vlan10 up',
      'ip link add vlan20 type bridge',
      'ip link set vlan20 type bridge stp_state 0 forward_delay 0',
      'ip link set vlan20 up',
      'ip link set eth1 master vlan20',
      'ip link set eth1 up',
      'ip link set eth2 master vlan10',
      'ip link set eth2 up',
      'ip link set eth3 master vlan20',
      'ip link set eth3 up',
    ]);
  });

  it('with VLAN filtering: one bridge, access ports by PVID', () => {
    const commands = applyCommands({ eth1: 10 }, 'vlan-filtering');
    assert.equal(commands[0], 'ip link add br0 type bridge vlan_filtering 1 vlan_default_pvid 0');
    assert.ok(commands.includes('bridge vlan add dev eth1 vid 10 pvid untagged'));
  });

  it('moves a port between VLANs, creating the target bridge only when missing', () => {
    assert.deepEqual(movePortCommands('eth3', 10, 20, 'bridge-per-vlan', true), ['ip link set eth3 master vlan20', 'ip link set eth3 up']);
    assert.equal(movePortCommands('eth3', 10, 30, 'bridge-per-vlan', false)[0], 'ip link add vlan30 type bridge');
    assert.deepEqual(movePortCommands('eth3', 10, 20, 'vlan-filtering', true), [
      'bridge vlan del dev eth3 vid 10',
      'bridge vlan add dev eth3 vid 20 pvid untagged',
    ]);
  });
});
