// Shared by e2e tests: a quiet lab context on the real Docker engine, the repo root, the CLI,
// and probes of what a lab leaves behind on the host.
import path from 'node:path';
import { execa } from 'execa';
import { silentLogger } from '../../src/common/logger.js';
import { pollUntil } from '../../src/common/poll.js';
import { silentProgress } from '../../src/common/progress.js';
import type { LabContext } from '../../src/lab/lab-context.js';
import { LABEL } from '../../src/lab/labels.js';
import { DockerRuntime } from '../../src/runtime/docker/docker-runtime.js';
import { parseTopologyFile } from '../../src/topology/parse-topology.js';
import type { Topology } from '../../src/topology/types.js';

import { repoRoot } from './repo-root.js';

export { repoRoot };

export const testContext = (): LabContext => ({
  runtime: new DockerRuntime({ logger: silentLogger }),
  logger: silentLogger,
  progress: silentProgress(),
});

export const loadTopology = (relative: string, env: Record<string, string | undefined> = process.env): Promise<Topology> =>
  parseTopologyFile(path.join(repoRoot, relative), env);

export const cli = (args: string[], options: { env?: Record<string, string> } = {}) =>
  execa('node', [path.join(repoRoot, 'bin/failover-lab.js'), ...args], { cwd: repoRoot, reject: false, env: options.env ?? {} });

export const hostVeths = async (): Promise<string[]> => {
  const { stdout } = await execa('ip', ['-j', 'link', 'show', 'type', 'veth']);
  return (JSON.parse(stdout || '[]') as { ifname: string }[]).map((l) => l.ifname).sort();
};

export interface Leftovers {
  containers: string[];
  networks: string[];
  namespaces: string[];
}

/** What of lab `lab` (management network `network`) still exists in the engine and kernel. */
export const leftovers = async (ctx: LabContext, lab: string, network: string): Promise<Leftovers> => {
  const containers = (await ctx.runtime.listContainers({ [LABEL.lab]: lab })).map((c) => c.name);
  const networks = (await ctx.runtime.listNetworks({})).map((n) => n.name).filter((n) => n === network);
  const { stdout } = await execa('ip', ['-j', 'netns', 'list']);
  const namespaces = (JSON.parse(stdout || '[]') as { name: string }[]).map((n) => n.name).filter((n) => n.startsWith(`flpark.${lab}.`));
  return { containers, networks, namespaces };
};

export const nothingLeft: Leftovers = { containers: [], networks: [], namespaces: [] };

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 50 ms until it returns true, or fails after `timeoutMs`. */
export const waitFor = (what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> =>
  pollUntil(what, check, { timeoutMs });
