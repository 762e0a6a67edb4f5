// The keepalived (VRRP) baseline, run the way the lab runs arp-ha: keepalived in the
// foreground, its log turned into the same JSON-lines events (see keepalived-log.ts).
//   node .../vrrp-baseline/main.js --config keepalived.conf --group web --vip 198.18.7.100 --iface eth1
//   node .../vrrp-baseline/main.js --config keepalived.conf --vip V1=198.18.20.101 --vip V2=198.18.20.102 --iface eth1
import { hostname } from 'node:os';
import { Command } from 'commander';
import { errorMessage } from '../../common/errors.js';
import { macOf } from '../../kernel/ip-addr.js';
import { createEventLog } from '../shared/event-log.js';
import { runWrapped } from '../shared/wrapped-process.js';
import { waitForInterface } from '../shared/wait-for-interface.js';
import { parseKeepalivedLine, vipsByGroup } from './keepalived-log.js';

interface Options {
  config: string;
  group?: string;
  vip: string[];
  iface: string;
  node?: string;
}

const run = async (o: Options): Promise<void> => {
  const node = o.node ?? hostname();
  const vips = vipsByGroup(o.vip, o.group);
  const emit = createEventLog(node, 'keepalived');
  await waitForInterface(o.iface);
  const mac = await macOf(o.iface);
  const modes = new Map<string, string>();
  const onLine = (line: string) => {
    const e = parseKeepalivedLine(line);
    if (!e) return;
    if (e.event === 'mode') {
      emit('mode', {
        group: e.group,
        vip: vips.get(e.group),
        from: modes.get(e.group) ?? 'INITIAL',
        to: e.to,
        reason: `keepalived ${e.state}`,
        mac,
      });
      modes.set(e.group, e.to);
    } else if (e.event === 'garp-sent') {
      emit('garp-sent', { group: e.group, vip: e.vip, mac });
    } else {
      emit('peer-down', { group: e.group, peer: 'the VRRP master' });
    }
  };
  emit('started', { mac, groups: [...vips].map(([name, vip]) => ({ name, vip })), implementation: 'keepalived' });
  await runWrapped('keepalived', ['--dont-fork', '--log-console', '--log-detail', '--use-file', o.config], emit, onLine);
};

new Command('vrrp-baseline')
  .requiredOption('--config <file>', 'keepalived.conf')
  .option('--group <name>', 'the vrrp_instance name, for a bare --vip IP (events carry it)')
  .requiredOption(
    '--vip <[name=]ip>',
    "an instance's virtual IP; repeat as NAME=IP for several instances",
    (v: string, all: string[]) => [...all, v],
    [] as string[],
  )
  .requiredOption('--iface <name>', 'the service interface')
  .option('--node <name>', 'node name stamped on events')
  .action((o: Options) => run(o))
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`vrrp-baseline: ${errorMessage(error)}\n`);
    process.exit(1);
  });
