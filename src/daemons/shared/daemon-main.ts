// The command line every daemon has: `--config FILE`, errors on stderr, exit 2 for bad input
// (a config error names file and line) and 1 for anything else; SIGTERM/SIGINT run `shutdown`.
import { Command } from 'commander';
import { errorMessage, InputFileError } from '../../common/errors.js';

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

export const onStopSignals = (shutdown: (signal: string) => Promise<void> | void): void => {
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
};
