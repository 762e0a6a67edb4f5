import { strict as assert } from 'node:assert';
import { killedAt, pkillStampArgv } from '../../../../src/orchestrator/nemesis/process-faults.js';

describe('kill-process fault', () => {
  it('never names the pattern on the shell command line that pkill -f searches', () => {
    const pattern = 'node /opt/app server --port 7000';
    const argv = pkillStampArgv(pattern, 'KILL');
    assert.ok(!argv.join(' ').includes(pattern));
    const b64 = /echo (\S+) \| base64 -d/.exec(argv[2]!)?.[1];
    assert.equal(Buffer.from(b64!, 'base64').toString(), pattern);
    assert.match(argv[2]!, /^pkill -KILL -f .* && date \+%s%3N$/, 'the stamp only when something was killed');
  });
  it('dates the fault by the stamp printed after the kill, or not at all', () => {
    assert.equal(killedAt('1796473347084\n'), 1796473347084);
    assert.equal(killedAt('warning\n1796473347084'), 1796473347084);
    assert.equal(killedAt(''), undefined);
    assert.equal(killedAt('%3N'), undefined);
  });
});
