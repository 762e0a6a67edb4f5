import { strict as assert } from 'node:assert';
import { membershipOf, ModeTable } from '../../../../src/daemons/nat-lb/balancer/mode-table.js';

describe('nat-balancer mode table', () => {
  it('runs a move: begin, take, finish on the target; release, forget on the source', () => {
    const a = new ModeTable(['V1']);
    const b = new ModeTable();
    assert.deepEqual(membershipOf(a.get('V1')), { known: true, serving: true, holding: false });
    assert.ok(b.begin('V1').ok);
    assert.deepEqual(membershipOf(b.get('V1')), { known: true, serving: false, holding: true });
    assert.ok(b.take('V1').ok);
    assert.ok(a.release('V1').ok);
    assert.deepEqual(
      membershipOf(a.get('V1')),
      { known: true, serving: false, holding: false },
      'released: rows still translate, nothing new',
    );
    const f = b.finish('V1');
    assert.ok(f.ok && f.before?.mode === 'migration' && f.changed);
    assert.deepEqual(membershipOf(b.get('V1')), { known: true, serving: true, holding: false });
    assert.ok(a.forget('V1').ok);
    assert.deepEqual(membershipOf(a.get('V1')), { known: false, serving: false, holding: false });
  });
  it('repeats are no-ops, nonsense is a conflict', () => {
    const b = new ModeTable();
    assert.equal(
      (b.take('V1') as { problem: string }).problem,
      'VIP V1 is not in the mode table here; begin the migration first so that its packets are held, not refused',
    );
    assert.ok(!b.finish('V1').ok);
    b.begin('V1');
    const again = b.begin('V1');
    assert.ok(again.ok && !again.changed);
    b.finish('V1');
    const twice = b.finish('V1');
    assert.ok(twice.ok && !twice.changed && twice.before?.mode === 'normal');
    assert.ok(!b.begin('V1').ok, 'a served VIP cannot become a move target');
    assert.ok(!b.abort('V1').ok, 'a finished move cannot be aborted');
    const forgot = new ModeTable().forget('V9');
    assert.ok(forgot.ok && !forgot.changed);
  });
});
