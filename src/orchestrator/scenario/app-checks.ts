// The `apps:` cross-checks the schema cannot make, with file:line errors: the node is in the
// topology, names are unique, a wait names exactly one condition and its regex compiles. Each
// app keeps its source positions so that a failure at run time (an image the engine does not
// have, a wait that never succeeds) still names the line that asked for it.
import path from 'node:path';
import type { SourcePosition } from '../../common/errors.js';
import { repeatedEntry } from '../../common/repeated-entry.js';
import type { YamlSource } from '../../common/yaml-source.js';
import type { AppSpec } from './app-schema.js';
import { ScenarioError } from './scenario-error.js';

export interface PlacedApp extends AppSpec {
  /** Host side of each bind made absolute (relative paths are relative to the scenario file). */
  binds: string[];
  at: { app: SourcePosition; image: SourcePosition; wait: SourcePosition };
}

const absoluteBind = (bind: string, scenarioDir: string): string => {
  const [host, ...rest] = bind.split(':');
  return [path.resolve(scenarioDir, host!), ...rest].join(':');
};

export const checkApps = (apps: readonly AppSpec[], nodes: ReadonlySet<string>, source: YamlSource): PlacedApp[] => {
  const dup = repeatedEntry(
    source,
    ['apps'],
    'name',
    apps.map((a) => a.name),
  );
  if (dup) throw new ScenarioError(dup.position, `two apps are named '${dup.value}'; give each its own name`);
  return apps.map((app, i) => {
    if (!nodes.has(app.node))
      throw new ScenarioError(
        source.positionOf(['apps', i, 'node']),
        `app '${app.name}': node '${app.node}' is not in the topology (nodes: ${[...nodes].join(', ')})`,
      );
    const wait = app.wait;
    if (wait) {
      const given = (['port', 'logLine', 'command'] as const).filter((k) => wait[k] !== undefined);
      if (given.length !== 1)
        throw new ScenarioError(
          source.positionOf(['apps', i, 'wait']),
          `app '${app.name}': wait needs exactly one of port, logLine or command (got ${given.length === 0 ? 'none' : given.join(', ')})`,
        );
      if (wait.times !== undefined && wait.logLine === undefined)
        throw new ScenarioError(
          source.positionOf(['apps', i, 'wait', 'times']),
          `app '${app.name}': times counts logLine matches; add logLine`,
        );
      if (wait.logLine !== undefined) {
        try {
          new RegExp(wait.logLine);
        } catch (error) {
          throw new ScenarioError(
            source.positionOf(['apps', i, 'wait', 'logLine']),
            `app '${app.name}': logLine is not a regular expression: ${(error as Error).message}`,
          );
        }
      }
    }
    return {
      ...app,
      binds: app.binds.map((b) => absoluteBind(b, path.dirname(source.file))),
      at: {
        app: source.positionOf(['apps', i]),
        image: source.positionOf(['apps', i, 'image']),
        wait: source.positionOf(['apps', i, wait ? 'wait' : 'name']),
      },
    };
  });
};
