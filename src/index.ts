// The package's public surface (`import { deployLab, runScenario } from 'failover-lab'`): only
// re-exports, so what a user may rely on is this one list (docs/api.md). Everything else under
// src/ is internal and may change.
export { deployLab, destroyLab, destroyAllLabs, type LabOptions, type DeployLabOptions } from './api/lab-api.js';
export { runScenario, failedChecks, type RunScenarioOptions, type ScenarioRun } from './api/scenario-api.js';
export type { ApiOptions } from './api/api-context.js';
export type { StartedLab } from './lab/lab.js';
export type { DestroyReport } from './lab/destroy.js';
export type { WrittenReport } from './orchestrator/report/write-report.js';
export type { ExecResult } from './runtime/container-runtime.js';
export type { Logger } from './common/logger.js';
export type {
  RunReport,
  RepeatReport,
  StreamReport,
  FaultReport,
  FailedAttempt,
  CheckResult,
  Validity,
  Distribution,
  HostReport,
  FlowReport,
  FlowDirection,
  FlowGap,
} from './orchestrator/report/report-types.js';
export { TestbedError, InputFileError, TopologyError } from './common/errors.js';
export { ScenarioError } from './orchestrator/scenario/scenario-error.js';
