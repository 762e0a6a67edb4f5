// A scenario run: its repeats one after another (seed, seed+1, ...), each judged on its own
// merged history, then report.json, junit.xml, report.html and the histories in
// <out>/<scenario>/<timestamp>/ with a `latest` link beside it (Jepsen's store layout).
import { mkdir, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import type { LabContext } from '../../lab/lab-context.js';
import type { HistoryEntry, RunHistory } from '../history/history-types.js';
import { buildRepeatReport, buildRunReport } from '../report/build-report.js';
import type { RepeatReport, RunReport } from '../report/report-types.js';
import { writeRunReport, type WrittenReport } from '../report/write-report.js';
import type { Scenario } from '../scenario/parse-scenario.js';
import { dropPcaps, runRepeat } from './run-repeat.js';

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
  const seed = options.seed ?? scenario.seed;
  const repeats = options.repeat ?? scenario.repeat;
  const scenarioDir = path.resolve(options.outBase ?? 'runs', scenario.name);
  const dir = path.join(scenarioDir, stamp(started));
  await mkdir(dir, { recursive: true });
  const pcapAlways = options.pcapAlways ?? scenario.capture?.keep === 'always';

  const reports: RepeatReport[] = [];
  const histories: (RunHistory | undefined)[] = [];
  for (let index = 1; index <= repeats; index++) {
    const repeatSeed = seed + index - 1;
    const repeatDir = path.join(dir, `repeat-${index}`);
    const outcome = await runRepeat({
      scenario, index, seed: repeatSeed, dir: repeatDir, ctx: options.ctx,
      ...(options.onEntry ? { onEntry: (e: HistoryEntry) => options.onEntry!(index, e) } : {}),
    });
    const report = buildRepeatReport({
      index, seed: repeatSeed, history: outcome.history, checks: outcome.checks,
      pcaps: outcome.pcaps.map((p) => `repeat-${index}/${p}`),
      ...(outcome.error ? { error: outcome.error } : {}),
    });
    if (report.passed && !pcapAlways) {
      await dropPcaps(repeatDir, outcome.pcaps);
      report.pcaps = [];
    }
    const keepThisLab = options.keep === true && index === repeats;
    if (outcome.lab && !keepThisLab) await outcome.lab.destroy();
    reports.push(report);
    histories.push(outcome.history);
    options.onRepeat?.(report);
  }

  const report = buildRunReport({ scenario: scenario.name, file: scenario.file, seed, startedAt: started.toISOString(), repeats: reports });
  const written = await writeRunReport(dir, report, histories);
  const latest = path.join(scenarioDir, 'latest');
  await rm(latest, { force: true });
  await symlink(path.basename(dir), latest).catch(() => undefined);
  return { report, dir, written };
};

/** The CLI's exit code: 0 every check passed, 1 a check failed, 2 the scenario could not run. */
export const exitCodeOf = (report: RunReport): 0 | 1 | 2 =>
  report.repeats.some((r) => r.error !== undefined) ? 2 : report.passed ? 0 : 1;
