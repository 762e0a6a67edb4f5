// `doctor`: what this host can and cannot do for the lab — engine, cgroups and realtime
// scheduling, capabilities, kernel features in a namespace, clock, CPUs — one table, each line
// ok or missing → what degrades. Exit 0 when the engine answers (everything else only narrows
// what a run can trust), 1 with the reason when it does not.
import { Option, type Command } from 'commander';
import { TestbedError } from '../../common/errors.js';
import { checkHost, engineAnswered, LAB_IMAGE } from '../../lab/host-check/host-check.js';
import { hostTable } from '../../lab/host-check/host-lines.js';
import { createCliContext } from '../cli-context.js';
import { out } from '../shared-options.js';

export const registerDoctor = (program: Command): void =>
  void program
    .command('doctor')
    .description('what this host can and cannot do for the lab (one table; exit 1 when the engine is missing)')
    .option('--image <image>', 'lab image the feature probe runs in', LAB_IMAGE)
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (o: { image: string; format: 'table' | 'json' }) => {
      const ctx = createCliContext();
      const report = await checkHost(ctx.runtime, { image: o.image });
      out(o.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : `${hostTable(report.lines)}\n`);
      if (!engineAnswered(report))
        throw new TestbedError('ENGINE_MISSING', `no usable container engine: ${report.lines[0]?.value ?? 'no answer'}`);
    });
