import { Option, type Command } from 'commander';
import { labDriverFor, type RuntimeName } from '../lab-drivers.js';
import { runtimeOption } from '../shared-options.js';

export const registerInspect = (program: Command): void =>
  void program
    .command('inspect')
    .description('list deployed lab nodes')
    .option('-t, --topo <file>', 'only the lab of this topology file')
    .option('-a, --all', 'every lab (the default without -t)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .addOption(runtimeOption())
    .action(async (o: { topo?: string; format: 'table' | 'json'; runtime: RuntimeName }) => {
      await labDriverFor(o.runtime).inspect(o.topo ? { topo: o.topo } : { all: true }, o.format);
    });
