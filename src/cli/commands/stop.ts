import { Option, type Command } from 'commander';
import type { StopMode } from '../../lab/node-lifecycle.js';
import { createCliContext, loadLab } from '../cli-context.js';

export const registerStop = (program: Command): void =>
  void program
    .command('stop')
    .description('stop one node; its links survive for a later start')
    .argument('<node>')
    .option('-t, --topo <file>', 'topology file')
    .addOption(
      new Option('--mode <mode>', 'graceful (SIGTERM, peers get FIN), kill (SIGKILL), crash (links cut first: no FIN escapes)')
        .choices(['graceful', 'kill', 'crash'])
        .default('graceful'),
    )
    .action(async (node: string, o: { topo?: string; mode: StopMode }) => {
      const ctx = createCliContext();
      const lab = await (await loadLab(o.topo, ctx)).attach();
      await ctx.progress.step(`stop ${node} (${o.mode})`, () => lab.stopNode(node, o.mode));
    });
