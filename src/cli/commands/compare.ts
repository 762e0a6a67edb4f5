import path from 'node:path';
import type { Command } from 'commander';
import { BenchFileError, readBenchResult } from '../../orchestrator/report/bench-figures.js';
import { writeComparison } from '../../orchestrator/report/comparison.js';
import { RunOptionError } from '../../orchestrator/runner/run-option-error.js';
import { resolveReruns } from '../../orchestrator/runner/rerun-policy.js';
import { exitCodeOf, stamp } from '../../orchestrator/runner/run-scenario.js';
import { parseScenarioFile } from '../../orchestrator/scenario/parse-scenario.js';
import { createCliContext } from '../cli-context.js';
import { runWithProgress } from './scenario-run.js';
import { countArg, out, rerunsOption } from '../shared-options.js';

export const registerCompare = (program: Command): void =>
  void program
    .command('compare')
    .description('run several scenarios (a mechanism and its baseline) and report them side by side')
    .argument('<scenarios...>', 'scenario files')
    .option('-o, --out <dir>', 'base folder for run folders', 'runs')
    .option('-r, --repeat <n>', 'repeats for every scenario (overrides the files)', countArg)
    .addOption(rerunsOption())
    .option('--bench <file...>', "a bench's result file (runs/bench/<bench>.json from make bench): its figures below the runs")
    .action(async (files: string[], o: { out: string; repeat?: number; reruns?: string; bench?: string[] }) => {
      const reruns = o.reruns !== undefined ? resolveReruns({ flag: o.reruns }) : undefined;
      // Read before any lab is built: a wrong file is known at once.
      const benches = await Promise.all(
        (o.bench ?? []).map((f) =>
          readBenchResult(f).catch((e: unknown) => {
            throw e instanceof BenchFileError ? new RunOptionError(`--bench ${e.message}`) : e;
          }),
        ),
      );
      const scenarios = await Promise.all(files.map((f) => parseScenarioFile(f)));
      const ctx = createCliContext();
      const compareDir = path.resolve(o.out, `compare-${stamp(new Date())}`);
      const runs = [];
      for (const scenario of scenarios) {
        const result = await runWithProgress(scenario, ctx, {
          outBase: o.out,
          ...(reruns !== undefined ? { reruns } : {}),
          ...(o.repeat ? { repeat: o.repeat } : {}),
        });
        runs.push({ report: result.report, dir: path.relative(compareDir, result.dir) });
      }
      const written = await writeComparison(compareDir, runs, benches);
      out(`comparison: ${written.html}\n`);
      process.exitCode = runs.some((r) => exitCodeOf(r.report) === 2) ? 2 : runs.every((r) => r.report.passed) ? 0 : 1;
    });
