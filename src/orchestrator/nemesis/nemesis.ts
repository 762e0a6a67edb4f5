// A nemesis injects one fault and can undo it (Jepsen's setup/invoke/teardown). `heal` is
// idempotent: the runner calls it when the fault's time is up and again at teardown, so a
// scenario that fails half-way still leaves the lab as it found it.
import type { StartedLab } from '../../lab/lab.js';

export interface Nemesis {
  /** The fault kind, e.g. `link-flap`. */
  readonly fault: string;
  /** Nodes (or node:iface) it acts on. */
  readonly targets: string[];
  /** One line for the history and the report. */
  readonly detail: string;
  /** Resolves when the fault is in effect; with the instant it took effect when that came well before (a crash cuts links first, then waits for the kill). */
  start(): Promise<void | number>;
  /**
   * Gets ready ahead of the trigger, so that `start` does as little as possible at the fault's
   * time (a command's exec in the node). Called at most once, when a `when:` condition is met
   * (its delay is the time to get ready); never throws.
   */
  prepare?(): void;
  heal(): Promise<void>;
  /**
   * At teardown, after the last heal: removes what a healed fault left in place on purpose (a
   * partition's inert tables, kept so that healing touched as little as possible). Never throws.
   */
  cleanUp?(): Promise<void>;
}

/** What nemeses may touch: the lab, and runner services they cannot provide themselves. */
export interface NemesisContext {
  lab: StartedLab;
  /** Restarts the scenario's probe server on a node (for kill-process of `probe-server`). */
  restartProbeServer(node: string): Promise<void>;
  /** The pkill -f pattern that finds the scenario's probe server on a node. */
  probeServerPattern: string;
  /** A node came back up: start its daemons and probe servers again, as a machine's boot would. */
  nodeRestarted(node: string): Promise<void>;
}

/** Runs a shell snippet in a node; a non-zero exit is an error with the node's stderr. */
export const sh = (lab: StartedLab, node: string, script: string): Promise<string> => lab.execOk(node, ['sh', '-ec', script]);

/** Makes `heal` safe to call more than once, and a no-op before `start`. */
export const once = (heal: () => Promise<void>) => {
  let armed = false;
  return {
    arm: () => {
      armed = true;
    },
    heal: async () => {
      if (!armed) return;
      armed = false;
      await heal();
    },
  };
};
