// The failover-lab command: flags → options → one call into lab/ or the orchestrator (thin, like
// containerlab's cmd/); one module per command under commands/.
// Exit codes: 0 success, 1 failure, 2 bad input (usage, topology file; `run`: any error).
import { Command } from 'commander';
import { InputFileError, errorMessage } from '../common/errors.js';
import { createLogger } from '../common/logger.js';
import { RunOptionError } from '../orchestrator/runner/run-option-error.js';
import { UsageError, installInterruptHandler } from './cli-context.js';
import { registerCapture } from './commands/capture.js';
import { registerCompare } from './commands/compare.js';
import { registerDeploy } from './commands/deploy.js';
import { registerDestroy } from './commands/destroy.js';
import { registerDoctor } from './commands/doctor.js';
import { registerExec } from './commands/exec.js';
import { registerGraph } from './commands/graph.js';
import { registerInspect } from './commands/inspect.js';
import { registerRun } from './commands/run.js';
import { registerStart } from './commands/start.js';
import { registerStop } from './commands/stop.js';
import { registerVlan } from './commands/vlan.js';

export const buildProgram = (): Command => {
  const program = new Command('failover-lab')
    .description('containerlab topologies on a real Docker engine, for high-availability tests')
    .showHelpAfterError()
    .configureOutput({ outputError: (s, write) => write(s) });
  for (const register of [
    registerDeploy,
    registerDestroy,
    registerInspect,
    registerExec,
    registerStop,
    registerStart,
    registerVlan,
    registerGraph,
    registerCapture,
    registerRun,
    registerCompare,
    registerDoctor,
  ])
    register(program);
  return program;
};

export const main = async (argv: string[]): Promise<void> => {
  const logger = createLogger();
  installInterruptHandler(logger);
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    logger.error(errorMessage(error));
    if (process.env.FAILOVER_LAB_DEBUG && error instanceof Error) logger.debug(error.stack ?? '');
    // `run` promises 2 for a scenario that could not run, whatever the reason.
    const running = argv[2] === 'run';
    const badInput = error instanceof InputFileError || error instanceof UsageError || error instanceof RunOptionError;
    process.exitCode = badInput || running ? 2 : 1;
  }
};
