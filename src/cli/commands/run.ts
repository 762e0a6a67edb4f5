// `run`: one scenario, or several files and folders (optionally one shard of them, for a CI
// matrix), one after another; the exit code is the worst of their codes (0 pass, 1 a check
// failed, 2 a scenario could not run). With several scenarios or a shard, each JUnit file is
// also copied to <out>/junit/, named after the scenario and the shard.
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { consoleSummary } from '../../orchestrator/report/console-summary.js';
import { resolveReruns } from '../../orchestrator/runner/rerun-policy.js';
import { exitCodeOf, type RunResult } from '../../orchestrator/runner/run-scenario.js';
import { findScenarioFiles } from '../../orchestrator/runner/scenario-files.js';
import { parseShard, selectShard, shardLabel, type Shard } from '../../orchestrator/runner/shard.js';
import { parseScenarioFile } from '../../orchestrator/scenario/parse-scenario.js';
import { UsageError, createCliContext } from '../cli-context.js';
import { runWithProgress } from './scenario-run.js';
import { countArg, out, rerunsOption } from '../shared-options.js';

interface RunFlags {
  out: string;
  repeat?: number;
  seed?: number;
  keep?: boolean;
  pcapAlways?: boolean;
  reruns?: string;
  shard?: string;
}

export const registerRun = (program: Command): void =>
  void program
    .command('run')
    .description('run scenarios: deploy, workload, faults, checks, report, destroy')
    .argument('<scenarios...>', 'scenario files (YAML) or folders of them')
    .option('-o, --out <dir>', 'base folder for run folders', 'runs')
    .option('-r, --repeat <n>', 'repeats (overrides the file)', countArg)
    .option('-s, --seed <n>', 'seed (overrides the file)', countArg)
    .option('--keep', "leave the last repeat's lab deployed (one scenario only)")
    .option('--pcap-always', 'keep pcaps of passing repeats too')
    .addOption(rerunsOption())
    .option('--shard <i/n>', 'run only shard i of n of the scenarios (balanced by expected duration)')
    .action(async (paths: string[], o: RunFlags) => {
      const shard = o.shard !== undefined ? parseShard(o.shard) : undefined;
      const reruns = o.reruns !== undefined ? resolveReruns({ flag: o.reruns }) : undefined;
      const all = await Promise.all((await findScenarioFiles(paths)).map((f) => parseScenarioFile(f)));
      const scenarios = shard ? selectShard(all, shard) : all;
      if (o.keep && scenarios.length > 1) {
        throw new UsageError(`--keep leaves one lab deployed, but ${scenarios.length} scenarios were given`);
      }
      const ctx = createCliContext();
      const codes: number[] = [];
      for (const scenario of scenarios) {
        const result = await runWithProgress(scenario, ctx, {
          outBase: o.out,
          ...(reruns !== undefined ? { reruns } : {}),
          ...(o.repeat ? { repeat: o.repeat } : {}),
          ...(o.seed !== undefined ? { seed: o.seed } : {}),
          ...(o.keep ? { keep: true } : {}),
          ...(o.pcapAlways ? { pcapAlways: true } : {}),
        });
        out(`${consoleSummary(result.report, result.written.reportHtml)}\n`);
        if (all.length > 1 || shard) await copyJunit(result, o.out, shard);
        codes.push(exitCodeOf(result.report));
      }
      if (scenarios.length > 1) out(`\n${batchLine(codes)}${shard ? ` (${shardLabel(shard)})` : ''}\n`);
      process.exitCode = Math.max(0, ...codes);
    });

const copyJunit = async (result: RunResult, outBase: string, shard: Shard | undefined): Promise<void> => {
  const dir = path.resolve(outBase, 'junit');
  await mkdir(dir, { recursive: true });
  await copyFile(result.written.junitXml, path.join(dir, `${result.report.scenario}${shard ? `.${shardLabel(shard)}` : ''}.xml`));
};

const batchLine = (codes: readonly number[]): string => {
  const count = (c: number) => codes.filter((x) => x === c).length;
  return `${codes.length} scenarios: ${count(0)} passed, ${count(1)} failed, ${count(2)} could not run`;
};
