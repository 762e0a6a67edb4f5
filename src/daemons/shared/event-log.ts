// Daemon events as JSON lines on stdout ({t, node, daemon, event, ...}): the orchestrator
// folds them into the run's history on the shared wall clock.
export type EmitEvent = (event: string, data?: Record<string, unknown>) => void;

export const createEventLog = (node: string, daemon: string, write: (line: string) => void = (l) => process.stdout.write(l + '\n')): EmitEvent =>
  (event, data = {}) => write(JSON.stringify({ t: Date.now(), node, daemon, event, ...data }));
