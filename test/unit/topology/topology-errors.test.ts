import { strict as assert } from 'node:assert';
import { TopologyError } from '../../../src/common/errors.js';
import { parseTopologyText } from '../../../src/topology/parse-topology.js';
import { assertFailsAt, yaml } from './helpers.js';

// Two linux nodes a and b, declared on lines 3-6; tests append from line 7 on.
const HEAD = yaml`
name: t
topology:
  defaults: {kind: linux, image: alpine:3}
  nodes:
    a: {}
    b: {}
`;

describe('parseTopologyText: errors name file, line and problem', () => {
  describe('YAML', () => {
    it('rejects malformed YAML with the parser line', () => {
      assertFailsAt(
        yaml`
name: t
topology:
  nodes:
    a: {kind: linux, image: [x
    b: {}
`,
        5,
        /^invalid YAML: /,
      );
    });

    it('rejects duplicate keys', () => {
      assertFailsAt(
        yaml`
name: t
topology:
  nodes:
    a: {kind: linux, image: i}
    a: {kind: linux, image: j}
`,
        5,
        /invalid YAML: duplicate key 'a'/,
      );
    });

    it('rejects an empty file and a file that is not a map', () => {
      assertFailsAt('', 1, /the file is empty/);
      assertFailsAt('~\n', 1, /the document must be a map, not empty \(null\)/);
      assertFailsAt('- a\n- b\n', 1, /must be a map, not a list/);
    });
  });

  describe('variables', () => {
    it('rejects an unset variable without a default, naming it', () => {
      const error = assertFailsAt(
        yaml`
name: t
topology:
  nodes:
    a: {kind: linux, image: "\${IMAGE}"}
`,
        4,
        /^variable IMAGE is not set and has no default; set it or write \$\{IMAGE:=value\}$/,
      );
      assert.equal(error.position.column, 30);
    });
  });

  describe('unknown and unsupported keys', () => {
    it('rejects an unknown top-level key at its line', () => {
      assertFailsAt(
        yaml`
name: t
topolgy:
  nodes: {}
`,
        2,
        /^unknown key 'topolgy' at the top level; supported: name, prefix, mgmt, topology$/,
      );
    });

    it('rejects an unknown node key at its line, naming the node', () => {
      assertFailsAt(
        `${HEAD}    c:\n      imgae: x\n`,
        8,
        /^unknown key 'imgae' in node 'c'; supported: kind, image, cmd, exec, binds, env, labels, mgmt-ipv4, network-mode, group$/,
      );
    });

    it('rejects an unknown key in a link endpoint', () => {
      assertFailsAt(
        `${HEAD}  links:\n    - type: veth\n      endpoints:\n        - {node: a, interface: eth1}\n        - {node: b, interface: eth1, ifname: x}\n`,
        11,
        /^unknown key 'ifname' in a link endpoint; supported: node, interface, mac$/,
      );
    });

    it('says that a real containerlab option is not supported', () => {
      assertFailsAt(
        `${HEAD}    c:\n      ports: ["80:80"]\n`,
        8,
        /^containerlab option 'ports' is not supported by failover-lab \(supported: kind, image, .*group\)$/,
      );
      assertFailsAt(`settings: {}\n${HEAD}`, 1, /^containerlab option 'settings' is not supported by failover-lab/);
      assertFailsAt(`mgmt:\n  ipv6-subnet: fd00::/64\n${HEAD}`, 2, /^containerlab option 'ipv6-subnet' is not supported/);
      assertFailsAt(
        `${HEAD}  links:\n    - endpoints: ["a:eth1", "b:eth1"]\n      labels: {x: y}\n`,
        9,
        /^containerlab option 'labels' is not supported/,
      );
    });

    it('says where a node-only key is misplaced', () => {
      assertFailsAt(
        yaml`
name: t
topology:
  defaults:
    group: g
  nodes: {}
`,
        4,
        /^key 'group' can only be set on a node; it is not allowed in topology.defaults/,
      );
    });

    it('reports the earliest problem in the file when there are several', () => {
      assertFailsAt(`${HEAD}    c:\n      foo: 1\n    d:\n      bar: 1\n`.replace('name: t', 'name: t\nzzz: 1'), 2, /unknown key 'zzz'/);
    });
  });

  describe('kinds and images', () => {
    it('rejects an unsupported kind value at its line', () => {
      assertFailsAt(`${HEAD}    c: {kind: srl, image: x}\n`, 7, /^kind 'srl' is not supported; supported kinds: linux$/);
    });

    it('rejects an unsupported kind under kinds at its key', () => {
      assertFailsAt(
        yaml`
name: t
topology:
  kinds:
    linux: {image: a}
    ceos: {image: b}
  nodes: {}
`,
        5,
        /^kind 'ceos' is not supported; supported kinds: linux$/,
      );
    });

    it('rejects a node without a kind', () => {
      assertFailsAt(
        yaml`
name: t
topology:
  nodes:
    a: {image: i}
`,
        4,
        /^node 'a' has no kind/,
      );
    });

    it('rejects a node without an image anywhere', () => {
      assertFailsAt(
        yaml`
name: t
topology:
  kinds:
    linux: {cmd: x}
  nodes:
    a: {kind: linux}
`,
        6,
        /^node 'a' has no image: set image on the node, its kind or topology.defaults$/,
      );
    });
  });

  describe('links', () => {
    it('rejects an endpoint on an unknown node', () => {
      assertFailsAt(
        `${HEAD}  links:\n    - endpoints: ["a:eth1", "b:eth1"]\n    - endpoints:\n        - "a:eth2"\n        - "c:eth1"\n`,
        11,
        /^link endpoint 'c:eth1' names node 'c', which is not in topology.nodes \(nodes: a, b\)$/,
      );
    });

    it('rejects an interface used twice, naming both lines', () => {
      const text = `${HEAD}  links:\n    - endpoints: ["a:eth1", "b:eth1"]\n    - endpoints: ["a:eth2", "b:eth2"]\n    - endpoints: ["a:eth3", "b:eth1"]\n`;
      assertFailsAt(text, 10, /^interface b:eth1 is already used by the link at line 8$/);
    });

    it('rejects a link whose endpoints are the same interface', () => {
      assertFailsAt(`${HEAD}  links:\n    - endpoints: ["a:eth1", "a:eth1"]\n`, 8, /both endpoints of the link are a:eth1/);
    });

    it('rejects bad interface names', () => {
      const link = (a: string) => `${HEAD}  links:\n    - endpoints: ["${a}", "b:eth1"]\n`;
      assertFailsAt(link('a:eth0'), 8, /eth0 is the management interface/);
      assertFailsAt(link('a:lo'), 8, /lo is the loopback interface/);
      assertFailsAt(link('a:averyveryverylongname'), 8, /at most 15/);
      assertFailsAt(link('a:eth/1'), 8, /contains '\/'/);
      assertFailsAt(link('a'), 8, /is not "node:interface"/);
    });

    it('rejects a link with other than two endpoints', () => {
      assertFailsAt(
        `${HEAD}  links:\n    - endpoints: ["a:eth1", "b:eth1", "b:eth2"]\n`,
        8,
        /a link has exactly 2 endpoints; this one has 3/,
      );
    });

    it('rejects an unsupported or unknown link type', () => {
      assertFailsAt(
        `${HEAD}  links:\n    - type: macvlan\n      endpoint: {node: a, interface: eth1}\n`,
        8,
        /^link type 'macvlan' is not supported by failover-lab \(supported: veth\)$/,
      );
      assertFailsAt(`${HEAD}  links:\n    - type: wire\n      endpoints: []\n`, 8, /^unknown link type 'wire'; supported: veth$/);
    });

    it('rejects mixing the brief and extended endpoint forms', () => {
      assertFailsAt(
        `${HEAD}  links:\n    - type: veth\n      endpoints: ["a:eth1", "b:eth1"]\n`,
        9,
        /link with type takes endpoints as maps/,
      );
      assertFailsAt(
        `${HEAD}  links:\n    - endpoints:\n        - {node: a, interface: eth1}\n        - {node: b, interface: eth1}\n`,
        9,
        /needs the extended link form/,
      );
    });

    it('rejects a link on a node that is not on a bridge network', () => {
      const text = `${HEAD}    c: {network-mode: host}\n  links:\n    - endpoints: ["a:eth1", "c:eth1"]\n`;
      assertFailsAt(text, 9, /^node 'c' has network-mode host: its links cannot be wired; remove the link or the network-mode$/);
    });
  });

  describe('MAC addresses', () => {
    const extended = (macA: string, macB = 'aa:c1:ab:00:00:02') => yaml`
name: t
topology:
  defaults: {kind: linux, image: i}
  nodes: {a: {}, b: {}}
  links:
    - type: veth
      endpoints:
        - {node: a, interface: eth1, mac: "${macA}"}
        - node: b
          interface: eth1
          mac: "${macB}"
`;

    it('rejects a malformed MAC at its line', () => {
      assertFailsAt(extended('aa:c1:ab:00:00'), 8, /^mac 'aa:c1:ab:00:00' is not a MAC address; write six hex octets/);
      assertFailsAt(extended('aa-c1-ab-00-00-01'), 8, /is not a MAC address/);
    });

    it('rejects a multicast MAC', () => {
      assertFailsAt(
        extended('aa:c1:ab:00:00:01', '01:00:5e:00:00:01'),
        11,
        /^mac '01:00:5e:00:00:01' is a multicast address \(its first octet is odd\)/,
      );
    });

    it('rejects the all-zero MAC', () => {
      assertFailsAt(extended('00:00:00:00:00:00'), 8, /is all zeros/);
    });

    it('rejects a MAC used twice, naming the first use', () => {
      assertFailsAt(
        extended('aa:c1:ab:00:00:01', 'AA:C1:AB:00:00:01'),
        11,
        /^mac aa:c1:ab:00:00:01 of b:eth1 is already used by a:eth1 \(line 8\)$/,
      );
    });
  });

  describe('MTU', () => {
    const withMtu = (mtu: string) => `${HEAD}  links:\n    - endpoints: ["a:eth1", "b:eth1"]\n      mtu: ${mtu}\n`;
    it('rejects a string MTU with the valid range', () => {
      assertFailsAt(withMtu('jumbo'), 9, /^mtu 'jumbo' is not valid; it must be an integer from 68 to 65535$/);
      assertFailsAt(withMtu('"1500"'), 9, /^mtu '1500' is not valid/);
    });
    it('rejects an MTU out of range or not an integer', () => {
      assertFailsAt(withMtu('67'), 9, /^mtu 67 is not valid; it must be an integer from 68 to 65535$/);
      assertFailsAt(withMtu('65536'), 9, /^mtu 65536 is not valid/);
      assertFailsAt(withMtu('1500.5'), 9, /^mtu 1500.5 is not valid/);
    });
  });

  describe('management addresses', () => {
    const mgmt = (subnet: string, a: string, b = '198.19.0.11') => yaml`
name: t
mgmt:
  ipv4-subnet: ${subnet}
topology:
  defaults: {kind: linux, image: i}
  nodes:
    a: {mgmt-ipv4: ${a}}
    b:
      mgmt-ipv4: ${b}
`;

    it('rejects a malformed mgmt-ipv4', () => {
      assertFailsAt(mgmt('198.19.0.0/24', '198.19.0.256'), 7, /^mgmt-ipv4 '198.19.0.256' is not an IPv4 address/);
      assertFailsAt(mgmt('198.19.0.0/24', '198.19.0'), 7, /is not an IPv4 address/);
    });

    it('rejects a mgmt-ipv4 outside the subnet or on its network, broadcast or gateway address', () => {
      assertFailsAt(mgmt('198.19.0.0/24', '10.0.0.1'), 7, /^mgmt-ipv4 10.0.0.1 of node 'a' is outside the mgmt subnet 198.19.0.0\/24$/);
      assertFailsAt(mgmt('198.19.0.0/24', '198.19.0.255'), 7, /broadcast address/);
      assertFailsAt(mgmt('198.19.0.0/24', '198.19.0.0'), 7, /network address/);
      assertFailsAt(mgmt('198.19.0.0/24', '198.19.0.1'), 7, /is the mgmt gateway/);
    });

    it('rejects two nodes with the same mgmt-ipv4', () => {
      assertFailsAt(mgmt('198.19.0.0/24', '198.19.0.11'), 9, /^mgmt-ipv4 198.19.0.11 of node 'b' is already used by node 'a' \(line 7\)$/);
    });

    it('points an inherited duplicate at the shared value', () => {
      assertFailsAt(
        yaml`
name: t
topology:
  defaults: {kind: linux, image: i, mgmt-ipv4: 198.19.0.5}
  nodes: {a: {}, b: {}}
`,
        3,
        /^mgmt-ipv4 198.19.0.5 of node 'b' is already used by node 'a'/,
      );
    });

    it('rejects bad subnets and gateways', () => {
      assertFailsAt(mgmt('198.19.0.1/24', '198.19.0.10'), 3, /host bits set; did you mean 198.19.0.0\/24\?/);
      assertFailsAt(mgmt('198.19.0.0/31', '198.19.0.10'), 3, /prefix length \/31; it must be \/8 to \/30/);
      assertFailsAt(mgmt('198.19.0.0', '198.19.0.10'), 3, /not an IPv4 subnet in CIDR form/);
      assertFailsAt(`mgmt:\n  ipv4-gw: 10.1.1.1\n${HEAD}`, 2, /^ipv4-gw 10.1.1.1 is outside the mgmt subnet 198.19.0.0\/24$/);
    });
  });

  describe('nodes', () => {
    it('rejects an invalid node name at its key', () => {
      assertFailsAt(`${HEAD}    -bad: {}\n`, 7, /^node name '-bad' is not valid/);
    });

    it('rejects a container name longer than 63 characters', () => {
      assertFailsAt(`${HEAD}    ${'n'.repeat(60)}: {}\n`, 7, /would get container name 'clab-t-n+' \(67 characters\)/);
    });

    it('rejects a network-mode that is invalid or names an unknown node or itself', () => {
      assertFailsAt(
        `${HEAD}    c: {network-mode: macvlan}\n`,
        7,
        /^network-mode 'macvlan' is not valid; use bridge, none, host or container:<node>$/,
      );
      assertFailsAt(
        `${HEAD}    c: {network-mode: "container:x"}\n`,
        7,
        /^network-mode of node 'c' names 'x', which is not in topology.nodes \(nodes: a, b, c\)$/,
      );
      assertFailsAt(`${HEAD}    c: {network-mode: "container:c"}\n`, 7, /names the node itself/);
    });

    it('rejects bad binds at their line', () => {
      const bind = (b: string) => `${HEAD}    c:\n      binds:\n        - /ok:/ok\n        - "${b}"\n`;
      assertFailsAt(bind('/host'), 10, /^bind '\/host' is not host-path:container-path\[:options\]$/);
      assertFailsAt(bind(':/x'), 10, /is not host-path:container-path/);
      assertFailsAt(bind('/host:relative'), 10, /container path 'relative'; it must be absolute/);
      assertFailsAt(bind('~/x:/x'), 10, /'~', which is not expanded/);
      assertFailsAt(bind('/a:/x:bogus'), 10, /unknown option 'bogus'/);
      assertFailsAt(bind('/b:/ok/'), 10, /mounts \/ok, which the bind at line 9 already mounts/);
    });

    it('rejects wrong value types with the path and the expected type', () => {
      assertFailsAt(`${HEAD}    c:\n      exec: "echo hi"\n`, 8, /^topology.nodes.c.exec must be a list, not a string$/);
      assertFailsAt(`${HEAD}    c:\n      env: {A: [1]}\n`, 8, /^topology.nodes.c.env.A must be a string, not a list$/);
    });

    it('asks for quotes when a name is a number', () => {
      assertFailsAt('name: 2024\ntopology:\n  nodes: {}\n', 1, /^name must be a string, not a number; quote it: name: "2024"$/);
    });

    it('rejects a missing required key at its parent', () => {
      assertFailsAt('topology:\n  nodes: {}\n', 1, /^missing required key 'name' at the top level$/);
      assertFailsAt('name: t\ntopology:\n  links: []\n', 2, /^missing required key 'nodes' in topology$/);
    });
  });

  it('needs an absolute file path', () => {
    assert.throws(() => parseTopologyText('name: t', 'relative.clab.yml', {}), TypeError);
    assert.ok(!(new TypeError('x') instanceof TopologyError));
  });
});
