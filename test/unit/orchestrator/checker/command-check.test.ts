import { strict as assert } from 'node:assert';
import { COMMAND_EXIT_EVENT, commandCheck } from '../../../../src/orchestrator/checker/command-check.js';
import type { HistoryEntry, RunHistory } from '../../../../src/orchestrator/history/history-types.js';

const IPERF_END = `"end": {
  "sum_sent": { "start": 0, "end": 5, "seconds": 5, "bytes": 12582912, "bits_per_second": 20132659.2, "retransmits": 0, "sender": true },
  "sum_received": { "start": 0, "end": 5.04, "seconds": 5.04, "bytes": RECEIVED, "bits_per_second": 19972876.2, "sender": true }
}`;
const EQUAL = '"sum_sent":\\s*\\{[^}]*?"bytes":\\s*(\\d+),[^}]*\\},\\s*"sum_received":\\s*\\{[^}]*?"bytes":\\s*\\1,';

const end = (data: Record<string, unknown>): HistoryEntry => ({
  t: 1,
  kind: 'daemon',
  node: 'cl1',
  daemon: 'iperf3',
  event: COMMAND_EXIT_EVENT,
  data: { role: 'client', exitCode: 0, timedOut: false, durationMs: 5050, stdout: '', stderr: '', ...data },
});
const history = (...entries: HistoryEntry[]): RunHistory => ({ entries, streams: [], startMs: 0, endMs: 10 });

describe('command check', () => {
  it('passes on the wanted exit status and says how long it ran', () => {
    const r = commandCheck({ workload: 'iperf3' }).check(history(end({})));
    assert.equal(r.valid, true, r.detail);
    assert.match(r.detail, /exit status 0 in 5050 ms/);
  });
  it('fails on another exit status, a timeout, or a missing result', () => {
    assert.match(commandCheck({ workload: 'iperf3' }).check(history(end({ exitCode: 1 }))).detail, /exit status 1, want 0/);
    const late = commandCheck({ workload: 'iperf3' }).check(history(end({ exitCode: 143, timedOut: true })));
    assert.equal(late.valid, false);
    assert.match(late.detail, /timed out/);
    assert.match(commandCheck({ workload: 'iperf3', role: 'server' }).check(history(end({}))).detail, /0 results of the server command/);
  });
  it("compares iperf3's two byte counts with a backreference", () => {
    const check = commandCheck({ workload: 'iperf3', stdout: EQUAL });
    assert.equal(check.check(history(end({ stdout: IPERF_END.replace('RECEIVED', '12582912') }))).valid, true);
    const short = check.check(history(end({ stdout: IPERF_END.replace('RECEIVED', '12517376') })));
    assert.equal(short.valid, false);
    assert.match(short.detail, /stdout does not match/);
  });
  it('checks stderr too', () => {
    const r = commandCheck({ workload: 'iperf3', stderr: '^ok$' }).check(history(end({ stderr: 'fine\nok\n' })));
    assert.equal(r.valid, true, r.detail);
  });
});
