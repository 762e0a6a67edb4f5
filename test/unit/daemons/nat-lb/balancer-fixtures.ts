// What the balancer tests build on: a two-VIP dnat config (V1 owned, V3 not) and conntrack
// entries as the kernel reports them (default: a destination-NAT'd TCP connection to V1).
import type { ConntrackEntry } from '../../../../src/kernel/ctnetlink-codec.js';

export const BALANCER_YAML = `node: lb1
token: a-long-token
listen: "0.0.0.0:7080"
nat: dnat
outside: { iface: eth1 }
inside: { iface: eth2 }
vipPrefix: 198.18.20.96/27
vips:
  - { vip: 198.18.20.101, inside: 198.18.21.101, server: 198.18.21.11, owned: true }
  - { vip: 198.18.20.103, inside: 198.18.21.103, server: 198.18.21.13 }
`;

export const conntrackEntry = (over: Partial<ConntrackEntry> = {}): ConntrackEntry => ({
  orig: { src: '198.18.20.1', dst: '198.18.20.101', protocol: 6, sport: 34962, dport: 7000 },
  reply: { src: '198.18.21.11', dst: '198.18.20.1', protocol: 6, sport: 7000, dport: 34962 },
  origKey: Buffer.alloc(0),
  status: 0x1ae,
  timeoutS: 431999,
  tcpState: 'ESTABLISHED',
  startMs: 88_000,
  ...over,
});
