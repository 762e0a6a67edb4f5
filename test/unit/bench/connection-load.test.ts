import { strict as assert } from 'node:assert';
import { AbReportError, combinedRate, parseAbReport } from '../../../bench/connection-load.js';

// The summary part of a real ab 2.3 run in the lab (200 requests through the redirector).
const REPORT = `Server Software:        nginx/1.22.1
Server Hostname:        198.18.30.100
Server Port:            7100

Document Path:          /
Document Length:        4 bytes

Concurrency Level:      10
Time taken for tests:   0.027 seconds
Complete requests:      200
Failed requests:        0
Total transferred:      29200 bytes
Requests per second:    7381.98 [#/sec] (mean)
`;

describe('bench: new connections with ab', () => {
  it("reads ab's summary; a report without its lines is an error that quotes its end", () => {
    assert.deepEqual(parseAbReport(REPORT), { complete: 200, failed: 0, non2xx: 0, seconds: 0.027 });
    assert.equal(parseAbReport(`${REPORT}Non-2xx responses:      3\n`).non2xx, 3);
    assert.throws(
      () => parseAbReport('Benchmarking 198.18.30.100 (be patient)...apr_socket_recv: Connection refused (111)\n'),
      (e: unknown) => e instanceof AbReportError && /no 'Complete requests' line: Benchmarking .*Connection refused/.test(e.message),
    );
  });

  it('runs started together: every completed connection over the longest run; a failed request voids the figure', () => {
    const run = (complete: number, seconds: number) => ({ complete, failed: 0, non2xx: 0, seconds });
    assert.equal(combinedRate([run(20_000, 4), run(20_000, 5)]), 8000);
    assert.throws(() => combinedRate([run(20_000, 4), { ...run(19_990, 5), failed: 10 }]), /10 failed requests/);
    assert.throws(() => combinedRate([{ ...run(20_000, 4), non2xx: 1 }]), /1 non-2xx/);
  });
});
