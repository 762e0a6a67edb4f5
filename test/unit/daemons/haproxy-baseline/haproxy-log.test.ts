import { strict as assert } from 'node:assert';
import { parseHaproxyLine } from '../../../../src/daemons/haproxy-baseline/haproxy-log.js';

// Lines as HAProxy 2.6 writes them on stderr in the foreground (-db).
const W = '[WARNING]  (8) : ';

describe('HAProxy server messages as redirector events', () => {
  it('a server marked DOWN by its checks is backend-dead, with the sessions it had', () => {
    assert.deepEqual(
      parseHaproxyLine(
        `${W}Server b8080/be1 is DOWN, reason: Layer4 timeout, check duration: 101ms. 1 active and 0 backup servers left. 20 sessions active, 0 requeued, 0 remaining in queue.`,
      ),
      { event: 'backend-dead', service: 'b8080', port: 8080, backend: 'be1', reason: 'Layer4 timeout', sessions: 20 },
    );
    assert.deepEqual(parseHaproxyLine(`${W}Server web/a is DOWN. 0 active and 0 backup servers left.`), {
      event: 'backend-dead',
      service: 'web',
      backend: 'a',
      reason: 'unknown',
    });
  });

  it('UP again is backend-readded (by the checks), drain and ready are ratio-set', () => {
    assert.deepEqual(
      parseHaproxyLine(
        `${W}Server b8080/be1 is UP, reason: Layer4 check passed, check duration: 0ms. 2 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.`,
      ),
      { event: 'backend-readded', service: 'b8080', port: 8080, backend: 'be1', reason: 'Layer4 check passed' },
    );
    assert.deepEqual(parseHaproxyLine(`${W}Server b8080/be1 enters drain state.`), {
      event: 'ratio-set',
      service: 'b8080',
      port: 8080,
      backend: 'be1',
      ratio: 0,
      state: 'drain',
    });
    assert.deepEqual(parseHaproxyLine(`${W}Server b8080/be1 is UP (leaving forced drain).`), {
      event: 'ratio-set',
      service: 'b8080',
      port: 8080,
      backend: 'be1',
      state: 'ready',
    });
  });

  it('maintenance is its own event; anything else is ignored', () => {
    assert.deepEqual(parseHaproxyLine(`${W}Server b8082/be6 is going DOWN for maintenance. 1 active and 0 backup servers left.`), {
      event: 'backend-maintenance',
      service: 'b8082',
      port: 8082,
      backend: 'be6',
    });
    assert.equal(parseHaproxyLine('[NOTICE]   (1) : New worker (8) forked'), undefined);
    assert.equal(parseHaproxyLine(`${W}Proxy f8080 started.`), undefined);
  });
});
