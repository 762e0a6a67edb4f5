import { strict as assert } from 'node:assert';
import { HandoverLog } from '../../../../src/daemons/migration/agent/handover-log.js';

describe('migration agent: handover log and its undo', () => {
  it('after a full move: discard the backup copy, drop its VIP, take the VIP back, restore from the images, thaw', () => {
    const log = new HandoverLog('m1');
    log.add({ kind: 'frozen', pid: 200 });
    log.add({ kind: 'dumped', pid: 200, dir: '/var/tmp/m1', leftRunning: false });
    log.add({ kind: 'sent', dir: '/var/tmp/m1' });
    log.add({ kind: 'backup-vip-added' });
    log.add({ kind: 'backup-restore-started', pid: 200 });
    log.add({ kind: 'main-vip-removed' });
    assert.deepEqual(
      log.undo().map((u) => u.kind),
      ['add-main-vip', 'discard-backup-copy', 'remove-backup-vip', 'restore-main', 'thaw-main'],
    );
  });

  it('frozen only: thaw; nothing done: nothing to undo; a dump that left the process running needs no restore', () => {
    const frozen = new HandoverLog('m1');
    frozen.add({ kind: 'frozen', pid: 7 });
    assert.deepEqual(frozen.undo(), [{ kind: 'thaw-main', pid: 7 }]);
    assert.deepEqual(new HandoverLog('m2').undo(), []);
    const copy = new HandoverLog('m3');
    copy.add({ kind: 'frozen', pid: 7 });
    copy.add({ kind: 'dumped', pid: 7, dir: '/d', leftRunning: true });
    assert.deepEqual(
      copy.undo().map((u) => u.kind),
      ['thaw-main'],
    );
  });

  it("the agent's own lock is released after the restore and before the thaw, unless it was already", () => {
    const log = new HandoverLog('m1');
    log.add({ kind: 'frozen', pid: 200 });
    log.add({ kind: 'main-held' });
    log.add({ kind: 'dumped', pid: 200, dir: '/d', leftRunning: false });
    assert.deepEqual(
      log.undo().map((u) => u.kind),
      ['restore-main', 'release-main', 'thaw-main'],
    );
    log.add({ kind: 'released' });
    assert.deepEqual(
      log.undo().map((u) => u.kind),
      ['restore-main', 'thaw-main'],
    );
  });

  it('no-pause mode: the dump is undone by a restore and nothing is thawed', () => {
    const log = new HandoverLog('m1');
    log.add({ kind: 'dumped', pid: 9, dir: '/d', leftRunning: false });
    assert.deepEqual(log.undo(), [{ kind: 'restore-main', dir: '/d', pid: 9 }]);
  });
});
