// Deploy and destroy a lab from a user's own code: the same Lab typestate the CLI's `deploy`
// and `destroy` use (src/lab/lab.ts), reached from a topology file path instead of flags.
import path from 'node:path';
import { destroyLabs, type DestroyReport } from '../lab/destroy.js';
import { Lab, type StartedLab } from '../lab/lab.js';
import { parseTopologyFile } from '../topology/parse-topology.js';
import { apiContext, type ApiOptions } from './api-context.js';

export interface LabOptions extends ApiOptions {
  /** Variables for `${VAR:=default}` in the topology file; default: process.env. */
  env?: Record<string, string | undefined>;
}

export interface DeployLabOptions extends LabOptions {
  /** Destroy a lab of the same name first (containerlab's --reconfigure); default: refuse to deploy over it. */
  reconfigure?: boolean;
}

const loadLab = async (topologyFile: string, options: LabOptions): Promise<Lab> =>
  new Lab(await parseTopologyFile(path.resolve(topologyFile), options.env ?? process.env), apiContext(options));

/**
 * Deploys the lab of a containerlab topology file and returns its handle: `exec`, `stopNode`,
 * `startNode`, `pauseNode`, `destroy`, and `[Symbol.asyncDispose]` (so `await using` destroys it).
 * Rejects with a TopologyError (file:line:column) on bad input, before anything is created.
 */
export const deployLab = async (topologyFile: string, options: DeployLabOptions = {}): Promise<StartedLab> =>
  (await loadLab(topologyFile, options)).deploy({ reconfigure: options.reconfigure === true });

/**
 * Removes a lab completely (containers, links, parked namespaces, its management network when
 * unused, the lab folder): given its handle or its topology file. Idempotent, like `destroy -t`.
 */
export const destroyLab = async (lab: StartedLab | string, options: LabOptions = {}): Promise<DestroyReport> =>
  typeof lab === 'string' ? (await loadLab(lab, options)).destroy() : lab.destroy();

/** Removes every lab this tool deployed on the engine (`destroy --all`): a suite's last-resort sweep. */
export const destroyAllLabs = (options: ApiOptions = {}): Promise<DestroyReport> => destroyLabs({ all: true }, apiContext(options));
