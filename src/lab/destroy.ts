// Removes everything a lab can have left, found by label and by name rather than from any
// state file, so it also cleans up after a deploy that was killed half-way. Idempotent.
import { errorMessage } from '../common/errors.js';
import { rm } from 'node:fs/promises';
import type { LabContext } from './lab-context.js';
import type { LabPlan } from './lab-plan.js';
import type { LabelFilter } from '../runtime/container-runtime.js';
import { LABEL } from './labels.js';
import { deleteNamespace, listNamespaces } from './wiring.js';

export type DestroyTarget = { lab: string; network?: string; labDir?: string } | { all: true };

export const destroyTargetOf = (plan: LabPlan): DestroyTarget => ({
  lab: plan.lab,
  labDir: plan.labDir,
  ...(plan.network ? { network: plan.network.name } : {}),
});

export interface DestroyReport {
  containers: string[];
  networks: string[];
  namespaces: string[];
}

export const destroyLabs = async (target: DestroyTarget, ctx: Pick<LabContext, 'runtime' | 'logger'>): Promise<DestroyReport> => {
  const { runtime } = ctx;
  const filter: LabelFilter = 'all' in target ? { [LABEL.managed]: 'true' } : { [LABEL.lab]: target.lab };
  const containers = await runtime.listContainers(filter);
  await Promise.all(containers.map((c) => runtime.removeContainer(c.name)));

  // Parked interfaces of stopped nodes live in namespaces of their own.
  const parkPrefix = 'all' in target ? 'flpark.' : `flpark.${target.lab}.`;
  const namespaces = (await listNamespaces()).filter((ns) => ns.startsWith(parkPrefix));
  await Promise.all(namespaces.map(deleteNamespace));

  // A management network may be shared by several labs: remove it only when nothing uses it.
  const managed = await runtime.listNetworks({ [LABEL.managed]: 'true' });
  const removable = managed.filter((n) => n.containers === 0 && ('all' in target || n.name === target.network));
  const networks: string[] = [];
  for (const n of removable) {
    try {
      if (await runtime.removeNetwork(n.name)) networks.push(n.name);
    } catch (error) {
      // dockerd sometimes keeps an endpoint of a container that is long gone (its own store
      // disagrees with itself); only a dockerd restart clears it. The network is empty and the
      // next deploy reuses it, so this must not fail a destroy (nor a deploy --reconfigure).
      if (!/active endpoints/.test(errorMessage(error))) throw error;
      ctx.logger.warn(
        `network ${n.name} has no containers but dockerd still lists an endpoint in it; left in place (restart dockerd to clear it)`,
      );
    }
  }

  if (!('all' in target) && target.labDir) await rm(target.labDir, { recursive: true, force: true });
  return { containers: containers.map((c) => c.name), networks, namespaces };
};
