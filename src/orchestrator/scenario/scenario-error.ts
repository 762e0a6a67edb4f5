import { InputFileError, type SourcePosition } from '../../common/errors.js';

/** Bad input in a scenario file: names file, line and problem. */
export class ScenarioError extends InputFileError {
  constructor(position: SourcePosition, problem: string) {
    super('SCENARIO_INVALID', position, problem);
  }
}
