// Which container a CLI command aims at: NODE of the lab in -t FILE, else the one lab node
// of that name among deployed labs, else a container of that exact name.
import { LABEL } from '../lab/labels.js';
import type { LabContext } from '../lab/lab-context.js';
import { UsageError, loadLab } from './cli-context.js';

export const resolveNodeContainer = async (ctx: LabContext, file: string | undefined, node: string): Promise<string> => {
  if (file)
    return (
      (await loadLab(file, ctx)).plan.nodes.find((n) => n.spec.name === node)?.container ??
      (() => {
        throw new UsageError(`the lab in ${file} has no node '${node}'`);
      })()
    );
  const matches = await ctx.runtime.listContainers({ [LABEL.managed]: 'true', [LABEL.nodeName]: node });
  if (matches.length === 1) return matches[0]!.name;
  if (matches.length > 1) {
    throw new UsageError(
      `node '${node}' exists in several labs (${matches.map((m) => m.labels[LABEL.lab]).join(', ')}); say which with -t FILE`,
    );
  }
  if (await ctx.runtime.inspectContainer(node)) return node;
  throw new UsageError(`no deployed lab has a node '${node}'`);
};
