import { strict as assert } from 'node:assert';
import { WorkloadEvents } from '../../../../src/orchestrator/runner/workload-events.js';

const established = (source: 'probe-client' | 'probe-server', stream: number, port: number) => ({
  t: 1000 + stream,
  source,
  node: source === 'probe-client' ? 'cl1' : 'srvA',
  stream,
  event: 'established',
  tuple: { localAddress: '198.18.50.10', localPort: port, remoteAddress: '198.18.55.100', remotePort: 7000 },
  offset: 0,
  hadState: false,
});

describe('workload events: the streams a `when: streamsEstablished` trigger counts', () => {
  it("counts each stream once, as its client saw it; the servers' own lines do not count", () => {
    const events = new WorkloadEvents(
      () => undefined,
      (line) => assert.fail(line),
    );
    events.probeLine(established('probe-server', 1, 40001), 'srvA', 'server');
    events.probeLine(established('probe-server', 2, 40002), 'srvA', 'server');
    assert.equal(events.establishedCount(), 0, 'servers accepted two, no client has seen one yet');
    events.probeLine(established('probe-client', 1, 40001), 'cl1', 'main');
    events.probeLine(established('probe-client', 1, 40003), 'cl1', 'main');
    assert.equal(events.establishedCount(), 1, 'a reconnect is the same stream');
    assert.equal(events.establishedCount('main'), 1);
    assert.equal(events.establishedCount('server'), 0);
  });
});
