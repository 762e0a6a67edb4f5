import type { Command } from 'commander';
import { labDriverFor, type RuntimeName } from '../lab-drivers.js';
import { runtimeOption } from '../shared-options.js';

export const registerDeploy = (program: Command): void =>
  void program
    .command('deploy')
    .description('deploy a lab: containers, management network, veth links, exec commands')
    .option('-t, --topo <file>', 'topology file (*.clab.yml)')
    .option('--reconfigure', 'destroy a lab of the same name first')
    .addOption(runtimeOption())
    .action(async (o: { topo?: string; reconfigure?: boolean; runtime: RuntimeName }) => {
      await labDriverFor(o.runtime).deploy(o.topo, !!o.reconfigure);
    });
