// The command line every daemon has: `--config FILE`, errors on stderr, exit 2 for bad input
// (a config error names file and line) and 1 for anything else; SIGTERM/SIGINT end it cleanly.
import { Command } from 'commander';
import { errorMessage, InputFileError } from '../../common/errors.js';
import type { EmitEvent } from './event-log.js';

export const runDaemon = <C>(name: string, load: (file: string) => Promise<C>, run: (config: C) => Promise<void>): void => {
  new Command(name)
    .requiredOption('-c, --config <file>', 'YAML config file')
    .action(async (o: { config: string }) => run(await load(o.config)))
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      process.stderr.write(`${name}: ${errorMessage(error)}\n`);
      process.exit(error instanceof InputFileError ? 2 : 1);
    });
};

/**
 * On SIGTERM or SIGINT: `release` what the daemon holds (timers, sockets, its kernel rules),
 * then the 'stopped' event, then exit 0 (leaving on purpose is not a failure).
 */
export const onStopSignals = (emit: EmitEvent, release: (signal: string) => Promise<void> | void): void => {
  const stop = async (signal: string) => {
    await release(signal);
    emit('stopped', { signal });
    process.exit(0);
  };
  // A release that throws ends the process as an unhandled rejection (exit 1, stack on stderr).
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
};
