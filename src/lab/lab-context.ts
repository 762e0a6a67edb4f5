// What every lab operation needs, injected (no globals): the engine, a logger, progress
// reporting and an optional AbortSignal (SIGINT in the CLI, a timeout in tests).
import type { Logger } from '../common/logger.js';
import type { Progress } from '../common/progress.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';

export interface LabContext {
  runtime: ContainerRuntime;
  logger: Logger;
  progress: Progress;
  signal?: AbortSignal;
}
