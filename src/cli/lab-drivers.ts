// The lab commands (deploy, destroy, inspect) on either engine. The --runtime choice is made
// here once; the commands call the driver without knowing which one they hold.
import { LABEL } from '../lab/labels.js';
import { destroyLabs } from '../lab/destroy.js';
import type { LabelFilter } from '../runtime/container-runtime.js';
import { ContainerlabDriver } from '../runtime/containerlab/containerlab-cli.js';
import { createCliContext, loadLab, resolveTopologyFile } from './cli-context.js';
import { inspectRows, renderTable } from './inspect-table.js';
import { out } from './shared-options.js';

export type RuntimeName = 'docker' | 'containerlab';
export const RUNTIMES: readonly RuntimeName[] = ['docker', 'containerlab'];

/** A lab to destroy or inspect: one topology file (-t, or the one in the folder) or every lab. */
export type LabTarget = { topo: string | undefined } | { all: true };

export interface LabDriver {
  deploy(topo: string | undefined, reconfigure: boolean): Promise<void>;
  destroy(target: LabTarget): Promise<void>;
  inspect(target: LabTarget, format: 'table' | 'json'): Promise<void>;
}

const dockerDriver: LabDriver = {
  async deploy(topo, reconfigure) {
    const ctx = createCliContext();
    const started = await (await loadLab(topo, ctx)).deploy({ reconfigure });
    out(renderTable(inspectRows(await ctx.runtime.listContainers({ [LABEL.lab]: started.name }))));
  },
  async destroy(target) {
    const ctx = createCliContext();
    const report =
      'all' in target
        ? await ctx.progress.step('destroying all labs', () => destroyLabs({ all: true }, ctx))
        : await (async () => {
            const lab = await loadLab(target.topo, ctx);
            return ctx.progress.step(`destroying lab ${lab.name}`, () => lab.destroy());
          })();
    ctx.logger.info(
      `removed ${report.containers.length} containers, ${report.networks.length} networks, ` +
        `${report.namespaces.length} parked namespaces`,
    );
  },
  async inspect(target, format) {
    const ctx = createCliContext();
    const filter: LabelFilter = 'all' in target ? { [LABEL.managed]: 'true' } : { [LABEL.lab]: (await loadLab(target.topo, ctx)).name };
    const rows = inspectRows(await ctx.runtime.listContainers(filter));
    out(format === 'json' ? JSON.stringify(rows, null, 2) + '\n' : renderTable(rows));
  },
};

const containerlabDriver = (cli = new ContainerlabDriver()): LabDriver => ({
  async deploy(topo, reconfigure) {
    await cli.deploy(resolveTopologyFile(topo), { reconfigure });
  },
  async destroy(target) {
    await cli.destroy('all' in target ? { all: true } : { topologyFile: resolveTopologyFile(target.topo) });
  },
  async inspect(target, format) {
    out(await cli.inspect('all' in target ? { all: true } : { topologyFile: resolveTopologyFile(target.topo) }, format));
  },
});

export const labDriverFor = (runtime: RuntimeName): LabDriver => (runtime === 'containerlab' ? containerlabDriver() : dockerDriver);
