// One scenario run with live progress on stderr, shared by `run` and `compare`.
import { createPlainProgress } from '../../common/progress.js';
import type { LabContext } from '../../lab/lab-context.js';
import { runScenario, type RunOptions, type RunResult } from '../../orchestrator/runner/run-scenario.js';
import type { Scenario } from '../../orchestrator/scenario/parse-scenario.js';
import { createRunProgress } from '../run-progress.js';

export type ScenarioRunOptions = Omit<RunOptions, 'ctx' | 'onEntry' | 'onRepeat' | 'onRerun'>;

export const runWithProgress = async (scenario: Scenario, ctx: LabContext, options: ScenarioRunOptions): Promise<RunResult> => {
  const progress = createRunProgress();
  try {
    return await runScenario(scenario, {
      ...options,
      ctx: { ...ctx, progress: createPlainProgress() },
      onEntry: (r, e) => progress.onEntry(r, e),
      onRepeat: (r) => progress.onRepeat(r),
      onRerun: (r, attempt) => progress.onRerun(r, attempt),
    });
  } finally {
    progress.stop();
  }
};
