import { strict as assert } from 'node:assert';
import { RoleFeed, roleOf } from '../../../../src/daemons/redirector/front/pair-role.js';
import type { ModeNotice } from '../../../../src/daemons/shared/mode-notice.js';

const notice = (to: string, seq: number, instance = 'run-a', group = 'front'): ModeNotice => ({
  group,
  vip: '198.18.30.100',
  from: to === 'ACTIVE' ? 'STANDBY' : 'ACTIVE',
  to,
  reason: 'test',
  instance,
  seq,
});
const status = (mode: string) => ({ groups: [{ name: 'front', mode }] });

describe("redirector: the pair's roles come from arp-ha", () => {
  it("active when arp-ha's group of the VIP is ACTIVE here, standby in any other mode, unknown for another group", () => {
    const s = {
      groups: [
        { name: 'front', mode: 'ACTIVE' },
        { name: 'gateway', mode: 'STANDBY' },
      ],
    };
    assert.equal(roleOf(s, 'front'), 'active');
    assert.equal(roleOf(s, 'gateway'), 'standby');
    assert.equal(roleOf({ groups: [{ name: 'front', mode: 'INITIAL' }] }, 'front'), 'standby');
    assert.equal(roleOf(s, 'web'), undefined);
  });

  it('takes each newer notice; drops one overtaken by a later notice of the same run', () => {
    const feed = new RoleFeed('front');
    assert.equal(feed.fromNotice(notice('STANDBY', 1)), 'standby');
    assert.equal(feed.fromNotice(notice('ACTIVE', 3)), 'active');
    assert.equal(feed.fromNotice(notice('STANDBY', 2)), undefined, 'seq 2 was sent before seq 3');
    assert.equal(feed.fromNotice(notice('ACTIVE', 3)), undefined, 'a repeat');
  });

  it("a restarted arp-ha's notices count again from 1", () => {
    const feed = new RoleFeed('front');
    feed.fromNotice(notice('ACTIVE', 7));
    assert.equal(feed.fromNotice(notice('STANDBY', 1, 'run-b')), 'standby');
  });

  it('a poll that was in flight when a notice came is dropped; the next poll counts', () => {
    const feed = new RoleFeed('front');
    const before = feed.pollStarted();
    assert.equal(feed.fromNotice(notice('ACTIVE', 1)), 'active');
    assert.equal(feed.fromPoll(before, status('STANDBY')), undefined, 'read before the takeover');
    const after = feed.pollStarted();
    assert.equal(feed.fromPoll(after, status('STANDBY')), 'standby', 'a lost demotion is caught up by the poll');
  });

  it('names the config field when the group is wrong, on either source', () => {
    const feed = new RoleFeed('front');
    assert.throws(() => feed.fromNotice(notice('ACTIVE', 1, 'run-a', 'gateway')), /group 'gateway'.*follows 'front' \(pair.arpHa.group\)/);
    assert.throws(() => feed.fromPoll(feed.pollStarted(), { groups: [] }), /arp-ha has no group 'front'; pair.arpHa.group/);
  });
});
