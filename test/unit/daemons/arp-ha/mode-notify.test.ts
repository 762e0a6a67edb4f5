import { strict as assert } from 'node:assert';
import { manualClock } from '../../../../src/common/clock.js';
import { ModeNotifier, type PostNotice } from '../../../../src/daemons/arp-ha/mode-notify.js';
import type { Action } from '../../../../src/daemons/arp-ha/arp-ha-machine.js';
import type { ModeNotice } from '../../../../src/daemons/shared/mode-notice.js';
import { arpHaConfig } from './arp-ha-fixtures.js';

const CONFIG = arpHaConfig([
  '{ name: web, vip: 198.18.7.100, iface: eth1, notify: { url: "http://127.0.0.1:7300/role", token: listener-token } }',
  '{ name: api, vip: 198.18.7.101, iface: eth2 }',
  '{ name: db, vip: 198.18.7.102, iface: eth2, notify: { url: "http://127.0.0.1:7301/role", token: listener-token, timeoutMs: 50 } }',
]);
const change = (group: string, vip: string, to: 'ACTIVE' | 'STANDBY'): Extract<Action, { type: 'set-mode' }> => ({
  type: 'set-mode',
  group,
  vip,
  from: to === 'ACTIVE' ? 'STANDBY' : 'ACTIVE',
  to,
  reason: 'peer dead',
});
const flush = () => new Promise((r) => setImmediate(r));

const setUp = (post: PostNotice) => {
  const clock = manualClock(1_700_000_000_000);
  const events: { event: string; [k: string]: unknown }[] = [];
  const notifier = new ModeNotifier(CONFIG.groups, 'run-a', post, (event, data = {}) => events.push({ event, ...data }), clock);
  return { notifier, events, clock };
};

describe('arp-ha mode notices', () => {
  it("posts a group's changes to its own listener, numbered across groups; a group without notify is not told", async () => {
    const sent: { url: string; token: string; timeoutMs: number; notice: ModeNotice }[] = [];
    const { notifier, events, clock } = setUp((target, notice) => {
      sent.push({ ...target, notice });
      clock.advance(3);
      return Promise.resolve({});
    });
    clock.advance(10);
    notifier.notify(change('web', '198.18.7.100', 'ACTIVE'), 8);
    notifier.notify(change('api', '198.18.7.101', 'ACTIVE'), 8);
    notifier.notify(change('db', '198.18.7.102', 'STANDBY'), 8);
    await flush();
    assert.deepEqual(
      sent.map((s) => [s.url, s.timeoutMs, s.notice.group, s.notice.to, s.notice.seq, s.notice.instance]),
      [
        ['http://127.0.0.1:7300/role', 500, 'web', 'ACTIVE', 1, 'run-a'],
        ['http://127.0.0.1:7301/role', 50, 'db', 'STANDBY', 2, 'run-a'],
      ],
    );
    assert.deepEqual(sent[0]!.notice, {
      group: 'web',
      vip: '198.18.7.100',
      from: 'STANDBY',
      to: 'ACTIVE',
      reason: 'peer dead',
      instance: 'run-a',
      seq: 1,
    });
    assert.deepEqual(
      events.map((e) => [e.event, e.group, e.sentMs, e.answeredMs]),
      [
        ['notified', 'web', 2, 8],
        ['notified', 'db', 5, 8],
      ],
      'ms since the change was decided: when each left, when it was answered',
    );
  });

  it('a listener that does not take a notice is reported (first, then rarely), never thrown', async () => {
    const { notifier, events } = setUp(() => Promise.reject(new Error('notify: unreachable ECONNREFUSED')));
    notifier.notify(change('web', '198.18.7.100', 'ACTIVE'), 0);
    notifier.notify(change('web', '198.18.7.100', 'STANDBY'), 0);
    await flush();
    assert.deepEqual(events, [
      { event: 'notify-failed', group: 'web', to: 'ACTIVE', seq: 1, count: 1, error: 'notify: unreachable ECONNREFUSED' },
    ]);
  });
});
