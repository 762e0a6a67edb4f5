// Builds what commands need: the Docker runtime, a logger, progress output, and an
// AbortSignal raised by the first Ctrl-C (the second one quits at once).
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { TestbedError } from '../common/errors.js';
import { createLogger, logLevelFromEnv, type Logger } from '../common/logger.js';
import type { LabContext } from '../lab/lab-context.js';
import { Lab } from '../lab/lab.js';
import { DockerRuntime } from '../runtime/docker/docker-runtime.js';
import { parseTopologyFile } from '../topology/parse-topology.js';
import { createTerminalProgress } from './terminal-progress.js';

export class UsageError extends TestbedError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

let interrupts = 0;
const controller = new AbortController();

export const installInterruptHandler = (logger: Logger): void => {
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    logger.warn(`${signal}: stopping and cleaning up (press Ctrl-C again to quit at once)`);
    controller.abort(new Error(signal));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
};

export const createCliContext = (): LabContext => {
  const logger = createLogger({ level: logLevelFromEnv() });
  return {
    runtime: new DockerRuntime({ logger }),
    logger,
    progress: createTerminalProgress(),
    signal: controller.signal,
  };
};

/** `-t FILE`, or the single *.clab.yml / *.clab.yaml in the current folder (as containerlab does). */
export const resolveTopologyFile = (given: string | undefined): string => {
  if (given) {
    if (!existsSync(given)) throw new UsageError(`topology file ${given} does not exist`);
    return path.resolve(given);
  }
  const found = readdirSync('.').filter((f) => /\.clab\.ya?ml$/.test(f));
  if (found.length === 1) return path.resolve(found[0]!);
  throw new UsageError(
    found.length === 0
      ? 'no topology file given (-t FILE) and none (*.clab.yml) in the current folder'
      : `no topology file given (-t FILE) and several in the current folder: ${found.join(', ')}`,
  );
};

export const loadLab = async (file: string | undefined, ctx: LabContext): Promise<Lab> =>
  new Lab(await parseTopologyFile(resolveTopologyFile(file), process.env), ctx);
