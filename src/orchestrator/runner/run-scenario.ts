// A scenario run: its repeats one after another (seed, seed+1, ...), each judged on its own
// merged history (a failed repeat is rerun, see rerun-policy.ts), then report.json, junit.xml,
// report.html and the histories in <out>/<scenario>/<timestamp>/ with a `latest` link beside it
// (Jepsen's store layout).
import { mkdir, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { checkHostOnce } from '../../lab/host-check/host-check.js';
import type { LabContext } from '../../lab/lab-context.js';
import type { HistoryEntry, RunHistory } from '../history/history-types.js';
import { buildRunReport } from '../report/build-report.js';
import type { RepeatReport, RunReport } from '../report/report-types.js';
import { writeRunReport, type WrittenReport } from '../report/write-report.js';
import type { Scenario } from '../scenario/parse-scenario.js';
import { RERUNS_ENV, resolveReruns } from './rerun-policy.js';
import { runRepeatWithReruns } from './run-attempts.js';

export interface RunOptions {
  ctx: LabContext;
  /** Base folder for run folders (default `runs`). */
  outBase?: string;
  repeat?: number;
  seed?: number;
  /** Leave the last repeat's lab deployed. */
  keep?: boolean;
  /** Keep pcaps of passing repeats too (default: the scenario's `capture.keep`). */
  pcapAlways?: boolean;
  onEntry?: (repeat: number, entry: HistoryEntry) => void;
  onRepeat?: (report: RepeatReport) => void;
  /** Reruns of a failed repeat (default: $FAILOVER_LAB_RERUNS, else the scenario's `reruns`, else 2). */
  reruns?: number;
  /** Called with each failed attempt that will be run again. */
  onRerun?: (failed: RepeatReport, attempt: number) => void;
}

export interface RunResult {
  report: RunReport;
  dir: string;
  written: WrittenReport;
}

/** A folder-name-safe timestamp: 2026-11-22T01-32-04-278. */
export const stamp = (d: Date): string => d.toISOString().replace(/[:.]/g, '-').replace('Z', '');

export const runScenario = async (scenario: Scenario, options: RunOptions): Promise<RunResult> => {
  const started = new Date();
  const reruns = resolveReruns({
    ...(options.reruns !== undefined ? { flag: options.reruns } : {}),
    env: process.env[RERUNS_ENV],
    ...(scenario.reruns !== undefined ? { scenario: scenario.reruns } : {}),
  });
  const seed = options.seed ?? scenario.seed;
  const repeats = options.repeat ?? scenario.repeat;
  const scenarioDir = path.resolve(options.outBase ?? 'runs', scenario.name);
  const dir = path.join(scenarioDir, stamp(started));
  await mkdir(dir, { recursive: true });
  const pcapAlways = options.pcapAlways ?? scenario.capture?.keep === 'always';
  const host = await checkHostOnce(options.ctx.runtime);

  const reports: RepeatReport[] = [];
  const histories: (RunHistory | undefined)[] = [];
  for (let index = 1; index <= repeats; index++) {
    const { report, history } = await runRepeatWithReruns({
      scenario,
      index,
      seed: seed + index - 1,
      runDir: dir,
      ctx: options.ctx,
      reruns,
      pcapAlways,
      keepLab: options.keep === true && index === repeats,
      ...(options.onEntry ? { onEntry: (e: HistoryEntry) => options.onEntry!(index, e) } : {}),
      ...(options.onRerun ? { onRerun: options.onRerun } : {}),
    });
    reports.push(report);
    histories.push(history);
    options.onRepeat?.(report);
  }

  const report = buildRunReport({
    scenario: scenario.name,
    file: scenario.file,
    seed,
    startedAt: started.toISOString(),
    repeats: reports,
    host,
  });
  const written = await writeRunReport(dir, report, histories);
  const latest = path.join(scenarioDir, 'latest');
  await rm(latest, { force: true });
  await symlink(path.basename(dir), latest).catch(() => undefined);
  return { report, dir, written };
};

/** The CLI's exit code: 0 every check passed, 1 a check failed, 2 the scenario could not run. */
export const exitCodeOf = (report: RunReport): 0 | 1 | 2 => (report.repeats.some((r) => r.error !== undefined) ? 2 : report.passed ? 0 : 1);
