import type { Command } from 'commander';
import { labDriverFor, type RuntimeName } from '../lab-drivers.js';
import { runtimeOption } from '../shared-options.js';

export const registerDestroy = (program: Command): void =>
  void program
    .command('destroy')
    .description('remove a lab completely (containers, links, networks, lab folder); idempotent')
    .option('-t, --topo <file>', 'topology file')
    .option('-a, --all', 'every lab this tool deployed')
    .addOption(runtimeOption())
    .action(async (o: { topo?: string; all?: boolean; runtime: RuntimeName }) => {
      await labDriverFor(o.runtime).destroy(o.all ? { all: true } : { topo: o.topo });
    });
