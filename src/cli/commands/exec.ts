import type { Command } from 'commander';
import { createCliContext } from '../cli-context.js';
import { resolveNodeContainer } from '../node-target.js';

export const registerExec = (program: Command): void =>
  void program
    .command('exec')
    .description('run a command in a lab node: exec NODE -- CMD [ARGS...]')
    .argument('<node>')
    .argument('<command...>')
    .option('-t, --topo <file>', 'topology file (else the node is looked up among deployed labs)')
    .action(async (node: string, command: string[], o: { topo?: string }) => {
      const ctx = createCliContext();
      const container = await resolveNodeContainer(ctx, o.topo, node);
      const result = await ctx.runtime.exec(container, command);
      process.stdout.write(result.stdout);
      process.stderr.write(result.stderr);
      process.exitCode = result.exitCode;
    });
