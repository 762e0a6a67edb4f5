import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import { killedAt, killStampArgv } from '../../../../src/orchestrator/nemesis/process-faults.js';

describe('kill-process fault', () => {
  it('never names the pattern on the shell command line that pgrep -f searches', () => {
    const pattern = 'node /opt/app server --port 7000';
    const argv = killStampArgv(pattern, 'KILL');
    assert.equal(argv[0], 'bash');
    assert.ok(!argv.join(' ').includes(pattern));
    const b64 = /echo (\S+) \| base64 -d/.exec(argv[2]!)?.[1];
    assert.equal(Buffer.from(b64!, 'base64').toString(), pattern);
  });
  it('signals with the kill built-in and takes the stamp in the same process, no date fork', () => {
    const script = killStampArgv('x', 'TERM')[2]!;
    assert.match(script, /kill -TERM "\$\{pids\[@\]\}"; t=\$EPOCHREALTIME; echo "\$t"$/);
    assert.ok(!/\bdate\b|\bpkill\b/.test(script));
    assert.match(script, /\[ "\$x" = "\$\$" \] \|\|/, 'the shell itself is never a target');
  });
  it('dates the fault by the microsecond stamp printed after the kill, or not at all', () => {
    assert.equal(killedAt('1796473347.084123\n'), 1796473347084.123);
    assert.equal(killedAt('warning\n1796473347,084000'), 1796473347084);
    assert.equal(killedAt(''), undefined);
    assert.equal(killedAt('$EPOCHREALTIME'), undefined);
    assert.equal(killedAt('1796473347084'), undefined, 'a millisecond count is not this script');
  });
  it('kills the matching process, not the shell, and stamps between the kill and its exit', async function () {
    this.timeout(5000);
    const marker = `fl-kill-stamp-test-${process.pid}`;
    const victim = spawn('bash', ['-c', `exec -a ${marker} sleep 30`], { stdio: 'ignore' });
    const exited = new Promise<number>((resolve) => victim.on('exit', () => resolve(Date.now())));
    await new Promise((r) => setTimeout(r, 200));
    const before = Date.now();
    const out = execFileSync(killStampArgv(marker, 'KILL')[0]!, killStampArgv(marker, 'KILL').slice(1), { encoding: 'utf8' });
    const stamp = killedAt(out);
    assert.ok(stamp !== undefined, `stamp printed: ${JSON.stringify(out)}`);
    assert.ok(stamp >= before - 1 && stamp <= Date.now() + 1, `stamp ${stamp} within the call`);
    assert.ok((await exited) >= before);
    assert.throws(() => execFileSync('bash', killStampArgv(marker, 'KILL').slice(1), { stdio: 'pipe' }), 'nothing left to match: exit 1');
  });
  it('a pattern that matches only its own script leaves the shell alive: exit 1, not a SIGKILL', () => {
    const argv = killStampArgv('EPOCHREALTIME; echo', 'KILL');
    assert.throws(
      () => execFileSync(argv[0]!, argv.slice(1), { stdio: 'pipe' }),
      (e: { status: number | null; signal: string | null }) => e.status === 1 && e.signal === null,
    );
  });
});
