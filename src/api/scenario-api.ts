// Run a scenario file from a user's own code: the runner the CLI's `run` uses
// (src/orchestrator/runner/run-scenario.ts), without the terminal progress, returning the report
// instead of printing it, so a test asserts on it.
import path from 'node:path';
import type { CheckResult, RunReport } from '../orchestrator/report/report-types.js';
import type { WrittenReport } from '../orchestrator/report/write-report.js';
import { exitCodeOf, runScenario as runParsedScenario, type RunOptions } from '../orchestrator/runner/run-scenario.js';
import { parseScenarioFile } from '../orchestrator/scenario/parse-scenario.js';
import { apiContext, type ApiOptions } from './api-context.js';

export interface RunScenarioOptions extends ApiOptions, Pick<RunOptions, 'repeat' | 'seed' | 'reruns' | 'keep' | 'pcapAlways'> {
  /** Base folder for the run folder (`<outDir>/<scenario>/<timestamp>/`); default `runs`. */
  outDir?: string;
  /** Variables for `${VAR:=default}` in the scenario and its topology; default: process.env. */
  env?: Record<string, string | undefined>;
}

export interface ScenarioRun {
  /** report.json's content: every repeat with its streams, flows, faults and checks. */
  report: RunReport;
  /** The run folder: report.json, junit.xml, report.html, each repeat's history and kept pcaps. */
  dir: string;
  files: WrittenReport;
  /** What `failover-lab run` would exit with: 0 every check held, 1 a check failed, 2 the scenario could not run. */
  exitCode: 0 | 1 | 2;
}

/**
 * Deploys the scenario's lab, runs its workloads and fault schedule, judges its checks, writes
 * the report and destroys the lab, once per repeat; resolves with the report whether the checks
 * held or not (a repeat that could not run carries `error`). Rejects only on bad input: a
 * ScenarioError or TopologyError naming file, line and column, before anything is deployed.
 */
export const runScenario = async (scenarioFile: string, options: RunScenarioOptions = {}): Promise<ScenarioRun> => {
  const scenario = await parseScenarioFile(path.resolve(scenarioFile), options.env);
  const { report, dir, written } = await runParsedScenario(scenario, {
    ctx: apiContext(options),
    ...(options.outDir !== undefined ? { outBase: options.outDir } : {}),
    ...(options.repeat !== undefined ? { repeat: options.repeat } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.reruns !== undefined ? { reruns: options.reruns } : {}),
    ...(options.keep !== undefined ? { keep: options.keep } : {}),
    ...(options.pcapAlways !== undefined ? { pcapAlways: options.pcapAlways } : {}),
  });
  return { report, dir, files: written, exitCode: exitCodeOf(report) };
};

/** Every check of every repeat that did not hold (false or unknown), named with its repeat: an assertion's message. */
export const failedChecks = (report: RunReport): string[] =>
  report.repeats.flatMap((r) => [
    ...(r.error !== undefined ? [`repeat ${r.index}: could not run: ${r.error}`] : []),
    ...r.checks.filter((c: CheckResult) => c.valid !== true).map((c) => `repeat ${r.index}: ${c.name}: ${c.detail}`),
  ]);
