// Tells each group's `notify` listener about the group's mode changes (keepalived's notify, as
// an authenticated JSON POST rather than a script: no process to start mid-failover). Never
// awaited by the action queue: a slow or dead listener must not delay a gate, a GARP or a
// heartbeat. Each notice's answer (or failure) is an event, with the time since the change was
// decided: the listener's reaction is on a takeover's critical path.
import type { Clock } from '../../common/clock.js';
import { errorMessage } from '../../common/errors.js';
import type { ModeNotice } from '../shared/mode-notice.js';
import type { EmitEvent } from '../shared/event-log.js';
import { isReported } from '../shared/rare-report.js';
import type { ArpHaConfig } from './arp-ha-config.js';
import type { Action } from './arp-ha-machine.js';

type Notify = NonNullable<ArpHaConfig['groups'][number]['notify']>;
type SetMode = Extract<Action, { type: 'set-mode' }>;

/** Sends one notice; rejects when the listener did not take it. */
export type PostNotice = (target: Notify, notice: ModeNotice) => Promise<unknown>;

export class ModeNotifier {
  private seq = 0;
  private failures = 0;

  constructor(
    private readonly groups: readonly ArpHaConfig['groups'][number][],
    /** This run of arp-ha (random at start): the listener orders notices within one run. */
    private readonly instance: string,
    private readonly post: PostNotice,
    private readonly emit: EmitEvent,
    private readonly clock: Clock,
  ) {}

  /** Posts `change` to its group's listener, if it has one; `decidedMs` (monotonic) stamps the event. */
  notify(change: SetMode, decidedMs: number): void {
    const target = this.groups.find((g) => g.name === change.group)?.notify;
    if (!target) return;
    const notice: ModeNotice = {
      group: change.group,
      vip: change.vip,
      from: change.from,
      to: change.to,
      reason: change.reason,
      instance: this.instance,
      seq: ++this.seq,
    };
    const sentMs = this.sinceMs(decidedMs);
    this.post(target, notice).then(
      () => {
        this.failures = 0;
        this.emit('notified', { group: notice.group, to: notice.to, seq: notice.seq, sentMs, answeredMs: this.sinceMs(decidedMs) });
      },
      (e: unknown) => {
        // The listener's slow poll of the status API catches a lost notice up.
        if (isReported(++this.failures))
          this.emit('notify-failed', { group: notice.group, to: notice.to, seq: notice.seq, count: this.failures, error: errorMessage(e) });
      },
    );
  }

  private sinceMs(decidedMs: number): number {
    return Math.round((this.clock.monotonicMs() - decidedMs) * 10) / 10;
  }
}
