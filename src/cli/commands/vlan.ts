import type { Command } from 'commander';
import { createCliContext } from '../cli-context.js';
import { resolveNodeContainer } from '../node-target.js';

export const registerVlan = (program: Command): void =>
  void program
    .command('vlan')
    .description('move a switch port to another VLAN at run time: vlan SWITCH PORT VLAN')
    .argument('<switch>')
    .argument('<port>')
    .argument('<vlan>')
    .option('-t, --topo <file>', 'topology file')
    .action(async (sw: string, port: string, vlan: string, o: { topo?: string }) => {
      const ctx = createCliContext();
      const container = await resolveNodeContainer(ctx, o.topo, sw);
      const result = await ctx.runtime.exec(container, ['/opt/failover-lab/bin/lab-switch', 'port', port, vlan]);
      process.stdout.write(result.stdout);
      process.stderr.write(result.stderr);
      process.exitCode = result.exitCode;
    });
