import type { Command } from 'commander';
import { createCliContext, loadLab } from '../cli-context.js';

export const registerStart = (program: Command): void =>
  void program
    .command('start')
    .description('start a stopped node, reconnect its links and re-run its exec list')
    .argument('<node>')
    .option('-t, --topo <file>', 'topology file')
    .action(async (node: string, o: { topo?: string }) => {
      const ctx = createCliContext();
      const lab = await (await loadLab(o.topo, ctx)).attach();
      await ctx.progress.step(`start ${node}`, async () => void (await lab.startNode(node)));
    });
