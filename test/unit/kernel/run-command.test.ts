import { strict as assert } from 'node:assert';
import { KernelCommandError } from '../../../src/common/errors.js';
import { blockedReadingStdin, runCommand, stripFinalNewline } from '../../../src/kernel/run-command.js';

describe('armed ip batch (waits in read(2) on stdin before a crash is stamped)', () => {
  it('recognises read on fd 0 in /proc/PID/syscall (x86-64 and arm64), and nothing else', () => {
    assert.equal(blockedReadingStdin('0 0x0 0x55d1c0a2b2a0 0x1000 0x0 0x0 0x0 0x7ffd4c1c8f18 0x7f3f1a11d7e2\n'), true);
    assert.equal(blockedReadingStdin('63 0x0 0xaaaad000 0x1000 0x0 0x0 0x0 0xffffc000 0xffff8000'), true);
    assert.equal(blockedReadingStdin('0 0x3 0x7fd36381d000 0x20000 0x7fd3638afb60 0xffffffff 0x0'), false);
    assert.equal(blockedReadingStdin('61 0xffffffff 0x7ffc 0x0 0x0 0x0 0x0'), false);
    assert.equal(blockedReadingStdin('running'), false);
  });
});

describe('runCommand: a tool to its end', () => {
  it('gives stdout without its final newline, and feeds `input` on stdin', async () => {
    assert.equal(await runCommand('sh', ['-c', 'echo one; echo two']), 'one\ntwo');
    assert.equal(await runCommand('sh', ['-c', 'tr a-z A-Z'], { input: 'flush ruleset\n' }), 'FLUSH RULESET');
    assert.equal(await runCommand('sh', ['-c', 'cat'], {}), '', 'no input: stdin is closed at once, the tool is not left waiting');
  });

  it('a failure is a KernelCommandError with the command line, the exit status and what the tool said', async () => {
    await assert.rejects(
      runCommand('sh', ['-c', 'echo "no such table" >&2; exit 3']),
      (e: unknown) =>
        e instanceof KernelCommandError &&
        e.exitCode === 3 &&
        e.command === 'sh -c echo "no such table" >&2; exit 3' &&
        /no such table/.test(e.message),
    );
    await assert.rejects(runCommand('no-such-tool-here', []), (e: unknown) => e instanceof KernelCommandError && /ENOENT/.test(e.message));
    await assert.rejects(
      runCommand('sleep', ['5'], { timeoutMs: 100 }),
      (e: unknown) => e instanceof KernelCommandError && /ended by SIGTERM \(after its 100 ms, or stopped\)/.test(e.message),
    );
    const stop = new AbortController();
    const run = runCommand('sleep', ['5'], { signal: stop.signal });
    stop.abort();
    await assert.rejects(run, KernelCommandError);
  });

  it('strips one final newline only', () => {
    assert.equal(stripFinalNewline('a\n\n'), 'a\n');
    assert.equal(stripFinalNewline('a\r\n'), 'a');
    assert.equal(stripFinalNewline('a'), 'a');
  });
});
