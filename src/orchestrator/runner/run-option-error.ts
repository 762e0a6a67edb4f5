// A run option (reruns, shard) given on the command line or in the environment that cannot be
// used; the message names where it came from and what is accepted.
import { TestbedError } from '../../common/errors.js';

export class RunOptionError extends TestbedError {
  constructor(message: string) {
    super('RUN_OPTION', message);
  }
}
