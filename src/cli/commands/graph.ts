import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { renderGraph, type GraphFormat } from '../../topology/graph.js';
import { createCliContext, loadLab } from '../cli-context.js';
import { out } from '../shared-options.js';

export const registerGraph = (program: Command): void =>
  void program
    .command('graph')
    .description('print the topology as a Mermaid or DOT graph')
    .option('-t, --topo <file>', 'topology file')
    .addOption(new Option('-f, --format <format>', 'graph format').choices(['mermaid', 'dot']).default('mermaid'))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (o: { topo?: string; format: GraphFormat; output?: string }) => {
      const ctx = createCliContext();
      const text = renderGraph((await loadLab(o.topo, ctx)).topology, o.format);
      if (o.output) await writeFile(o.output, text);
      else out(text);
    });
