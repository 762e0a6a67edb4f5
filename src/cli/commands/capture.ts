import type { Command } from 'commander';
import { capture } from '../../lab/capture.js';
import { createCliContext } from '../cli-context.js';
import { resolveNodeContainer } from '../node-target.js';
import { countArg } from '../shared-options.js';

interface CaptureFlags {
  topo?: string;
  write: string;
  count?: number;
  duration?: number;
  filter?: string;
}

export const registerCapture = (program: Command): void =>
  void program
    .command('capture')
    .description('capture packets on a node interface into a pcap file')
    .argument('<node>')
    .argument('<iface>')
    .option('-t, --topo <file>', 'topology file')
    .option('-w, --write <file>', 'pcap file to write', '')
    .option('-c, --count <n>', 'stop after n packets', countArg)
    .option('-d, --duration <s>', 'stop after s seconds', countArg)
    .option('--filter <expr>', 'pcap filter expression')
    .action(async (node: string, iface: string, o: CaptureFlags) => {
      const ctx = createCliContext();
      const container = await resolveNodeContainer(ctx, o.topo, node);
      const file = o.write || `${node}-${iface}.pcap`;
      ctx.logger.info(`capturing on ${node}:${iface} into ${file}${o.count || o.duration ? '' : ' (Ctrl-C to stop)'}`);
      process.exitCode = await capture(
        container,
        iface,
        {
          out: file,
          ...(o.count ? { count: o.count } : {}),
          ...(o.duration ? { durationS: o.duration } : {}),
          ...(o.filter ? { filter: o.filter } : {}),
        },
        ctx,
      );
    });
