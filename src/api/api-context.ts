// What a library caller's lab operations run with. The CLI builds its context with a terminal
// spinner and a Ctrl-C handler (src/cli/cli-context.ts); a user's test suite owns its process,
// so here there is neither: warnings go to stderr (a mocha run stays readable), progress lines
// only when asked for, and cancellation is the caller's own AbortSignal.
import { createLogger, logLevelFromEnv, type Logger } from '../common/logger.js';
import { createPlainProgress } from '../common/progress.js';
import type { LabContext } from '../lab/lab-context.js';
import { DockerRuntime } from '../runtime/docker/docker-runtime.js';

export interface ApiOptions {
  /** Where log lines go; default: warnings and errors on stderr ($FAILOVER_LAB_DEBUG=1: everything). */
  logger?: Logger;
  /** Called with one line per finished lab step (`✓ deploying lab x (2310 ms)`); default: silent. */
  onProgress?: (line: string) => void;
  /** The CLI's Ctrl-C: a deploy stops and removes what it created; a failed repeat is not run again. */
  signal?: AbortSignal;
}

export const defaultApiLogger = (): Logger => createLogger({ level: logLevelFromEnv() === 'debug' ? 'debug' : 'warn' });

export const apiContext = (options: ApiOptions = {}): LabContext => {
  const logger = options.logger ?? defaultApiLogger();
  return {
    runtime: new DockerRuntime({ logger }),
    logger,
    progress: createPlainProgress(options.onProgress),
    ...(options.signal ? { signal: options.signal } : {}),
  };
};
