// Daemon events as JSON lines on stdout ({t, node, daemon, event, ...}): the orchestrator
// folds them into the run's history on the shared wall clock. `t` has microseconds: checks set
// events against packet captures, and a whole millisecond let a loser's last ARP reply (sent
// 0.09 ms into the millisecond its gate shut in) count as spoken while STANDBY.
import { systemClock, type Clock } from '../../common/clock.js';

export type EmitEvent = (event: string, data?: Record<string, unknown>) => void;

export interface EventLogOptions {
  write?: (line: string) => void;
  clock?: Clock;
}

export const createEventLog = (node: string, daemon: string, options: EventLogOptions = {}): EmitEvent => {
  const write = options.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const clock = options.clock ?? systemClock;
  return (event, data = {}) => write(JSON.stringify({ t: clock.preciseNowMs(), node, daemon, event, ...data }));
};
