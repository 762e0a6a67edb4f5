// Keys and values that are valid containerlab but that failover-lab does not implement. They get
// their own message ("not supported") so a user porting a lab is not told that containerlab's own
// documentation is wrong, and so that nothing is ever silently ignored.

export const UNSUPPORTED_TOP_LEVEL_KEYS = ['settings', 'debug'] as const;

export const UNSUPPORTED_MGMT_KEYS = [
  'ipv4-range',
  'ipv6-subnet',
  'ipv6-gw',
  'ipv6-range',
  'mtu',
  'external-access',
  'driver-opts',
] as const;

export const UNSUPPORTED_NODE_KEYS = [
  'ports',
  'startup-config',
  'enforce-startup-config',
  'suppress-startup-config',
  'license',
  'type',
  'sandbox',
  'kernel',
  'runtime',
  'cpu',
  'memory',
  'cpu-set',
  'sysctls',
  'publish',
  'dns',
  'extras',
  'wait-for',
  'healthcheck',
  'stages',
  'certificate',
  'entrypoint',
  'user',
  'restart-policy',
  'aliases',
  'components',
  'devices',
  'shm-size',
  'cap-add',
  'config',
  'mgmt-ipv6',
  'auto-remove',
  'image-pull-policy',
  'startup-delay',
  'env-files',
] as const;

/** Keys of links of other types (host, macvlan, vxlan, ...) and link metadata. */
export const UNSUPPORTED_LINK_KEYS = ['labels', 'vars', 'endpoint', 'host-interface', 'mode', 'remote', 'vni', 'udp-port'] as const;

export const SUPPORTED_LINK_TYPES = ['veth'] as const;
export const UNSUPPORTED_LINK_TYPES = ['host', 'mgmt-net', 'macvlan', 'vxlan', 'vxlan-stitch', 'dummy'] as const;
