// The three ways a session migration starts (seed 003, input means 1 [0035]–[0036]): a request
// (the GUI button, the API or the CLI), the load monitor of embodiment 3, and an operator
// acting on a disaster alarm. Pure: the shell feeds them what it hears and starts what they say.
import type { TriggerSource } from './migration-plan.js';

/**
 * Embodiment 3 [0089]–[0093]: the main site's connected users, a threshold and the backup's
 * running flag. The text says both "≥ threshold" [0089] and "exceeds" [0092]; with its
 * threshold of 2.5 they agree, and here a count strictly above the threshold triggers.
 */
export class LoadMonitor {
  private readonly users = new Set<string>();
  private backupRunning: boolean;

  constructor(
    readonly threshold: number,
    initialUsers: readonly string[],
    backupRunning: boolean,
  ) {
    if (!(threshold > 0)) throw new RangeError(`load threshold must be above 0, got ${threshold}`);
    for (const u of initialUsers) this.users.add(u);
    this.backupRunning = backupRunning;
  }

  /** A user connected at the main site: the trigger when this pushes the count above the threshold with the flag off. */
  connect(user: string): TriggerSource | undefined {
    this.users.add(user);
    return this.check();
  }

  disconnect(user: string): void {
    this.users.delete(user);
  }

  /** S1209: the coordinator sets the flag once the copy exists at the backup site. */
  setBackupRunning(running: boolean): void {
    this.backupRunning = running;
  }

  check(): TriggerSource | undefined {
    const n = this.users.size;
    if (this.backupRunning || !(n > this.threshold)) return undefined;
    return { kind: 'load', connectedUsers: n, threshold: this.threshold };
  }

  status(): { connectedUsers: string[]; threshold: number; backupRunning: boolean } {
    return { connectedUsers: [...this.users], threshold: this.threshold, backupRunning: this.backupRunning };
  }
}

export interface Alarm {
  name: string;
  detail: string;
  raisedMs: number;
}

/**
 * Embodiment 1: a disaster detector raises an alarm, and an operator who has seen it starts the
 * migration. The coordinator never migrates on the alarm alone (a false alarm would move the
 * service for nothing); an operator's alarm migration without a raised alarm is refused.
 */
export class AlarmLatch {
  private alarm: Alarm | undefined;

  raise(name: string, detail: string, nowMs: number): void {
    this.alarm = { name, detail, raisedMs: nowMs };
  }

  clear(): void {
    this.alarm = undefined;
  }

  current(): Alarm | undefined {
    return this.alarm;
  }

  operatorTrigger(by: string): TriggerSource {
    if (!this.alarm) throw new Error('no alarm is raised: an operator migration after an alarm needs one first (POST /alarm)');
    return { kind: 'alarm', alarm: this.alarm.name, by };
  }
}
