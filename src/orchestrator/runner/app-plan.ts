// Pure: what each `apps:` entry becomes as a container — its name, labels, network mode, argv,
// binds, wait and log file — decided before anything touches the engine (app-containers.ts runs it).
import { splitCommandLine } from '../../lab/split-command.js';
import { LABEL } from '../../lab/labels.js';
import type { PlacedApp } from '../scenario/app-checks.js';

export type AppWaitPlan =
  | { kind: 'port'; port: number }
  | { kind: 'log'; pattern: string; times: number }
  | { kind: 'command'; command: string }
  | { kind: 'started' };

export interface AppPlan {
  app: PlacedApp;
  container: string;
  networkMode: string;
  labels: Record<string, string>;
  command: string[] | undefined;
  binds: { source: string; target: string; mode: 'ro' | 'rw' }[];
  wait: AppWaitPlan;
  /** The app's stdout and stderr, in the repeat's folder. */
  logFile: string;
}

/** Labels that find a lab's app containers (destroy finds them by the lab label alone). */
export const appLabels = (lab: string, app?: string): Record<string, string> => ({
  [LABEL.lab]: lab,
  [LABEL.managed]: 'true',
  ...(app !== undefined ? { [LABEL.app]: app } : {}),
});

export const waitPlanOf = (app: PlacedApp): AppWaitPlan => {
  const w = app.wait;
  if (w?.port !== undefined) return { kind: 'port', port: w.port };
  if (w?.logLine !== undefined) return { kind: 'log', pattern: w.logLine, times: w.times ?? 1 };
  if (w?.command !== undefined) return { kind: 'command', command: w.command };
  return { kind: 'started' };
};

export const describeWait = (wait: AppWaitPlan): string =>
  wait.kind === 'port'
    ? `port ${wait.port} listening`
    : wait.kind === 'log'
      ? `${wait.times} log line${wait.times > 1 ? 's' : ''} matching /${wait.pattern}/`
      : wait.kind === 'command'
        ? `\`${wait.command}\` exiting 0`
        : 'the container running';

/** `nodeContainer` is the lab node's container name (StartedLab.containerOf). */
export const planApp = (app: PlacedApp, lab: string, nodeContainer: string): AppPlan => ({
  app,
  container: `${nodeContainer}-app-${app.name}`,
  networkMode: `container:${nodeContainer}`,
  labels: appLabels(lab, app.name),
  command: app.command === undefined ? undefined : Array.isArray(app.command) ? app.command : splitCommandLine(app.command),
  binds: app.binds.map((b) => {
    const [source, target, mode] = b.split(':') as [string, string, string | undefined];
    return { source, target, mode: mode === 'ro' ? 'ro' : 'rw' };
  }),
  wait: waitPlanOf(app),
  logFile: `app-${app.name}.log`,
});
