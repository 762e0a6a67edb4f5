// The smallest arp-ha config the tests build on: one node, one heartbeat path, the groups given.
import { parseArpHaConfig, type ArpHaConfig } from '../../../../src/daemons/arp-ha/arp-ha-config.js';

/** The config's text; `groups` are flow-style YAML lines (default: one plain group). */
export const arpHaYaml = (groups = ['{ name: web, vip: 198.18.7.100, iface: eth1 }']): string =>
  [
    'node: s1',
    'token: a-long-token',
    'key: a-shared-key',
    'heartbeat:',
    '  paths:',
    '    - { name: hb, local: 198.18.8.1, peers: [198.18.8.2] }',
    'groups:',
    ...groups.map((g) => `  - ${g}`),
  ].join('\n') + '\n';

export const arpHaConfig = (groups: string[]): ArpHaConfig => parseArpHaConfig(arpHaYaml(groups), '/etc/arp-ha.yml');
