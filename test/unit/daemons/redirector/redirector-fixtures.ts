import { parseRedirectorConfig, type RedirectorConfig } from '../../../../src/daemons/redirector/front/redirector-config.js';
import type { AgentReport } from '../../../../src/daemons/redirector/protocol.js';

/** The lab's three services (seed 002's example): 8080 → be1:be2 = 1:1, 8081 → be3:be4 = 2:1, 8082 → be5:be6 = 1:1. */
export const CONFIG_TEXT = `
node: fe1
token: redirector-token
listen: "198.18.31.21:7300"
vip: 198.18.30.100
inside: 198.18.31.100
outside: { iface: eth1 }
insideIface: eth2
backends:
  - { name: be1, ip: 198.18.31.11 }
  - { name: be2, ip: 198.18.31.12 }
  - { name: be3, ip: 198.18.31.13 }
  - { name: be4, ip: 198.18.31.14 }
  - { name: be5, ip: 198.18.31.15 }
  - { name: be6, ip: 198.18.31.16 }
services:
  - { port: 8080, backends: [{ name: be1, ratio: 1 }, { name: be2, ratio: 1 }], spares: [be5, be6] }
  - { port: 8081, backends: [{ name: be3, ratio: 2 }, { name: be4, ratio: 1 }] }
  - { port: 8082, backends: [{ name: be5, ratio: 1 }, { name: be6, ratio: 1 }] }
health: HEALTH
agents: { port: 7310, key: redirector-agent-key }
load: { threshold: 0.8, step: 1, minRatio: 1, cooldownMs: 1000 }
scaleOut: { enabled: true, holdMs: 500, ratio: 1, startTimeoutMs: 3000 }
`;

/** `health` replaces the health section (e.g. a long interval, so nobody dies during a load test). */
export const config = (health = '{ intervalMs: 100, misses: 3, startGraceMs: 0 }'): RedirectorConfig =>
  parseRedirectorConfig(CONFIG_TEXT.replace('HEALTH', health), '/lab/fe1.yml');

let seq = 0;
export const report = (node: string, load = 0.1, listening: number[] = [], connections: Record<string, number> = {}): AgentReport => ({
  v: 1,
  kind: 'report',
  node,
  boot: 'b',
  seq: seq++,
  sentMs: 0,
  load,
  listening,
  connections,
});
