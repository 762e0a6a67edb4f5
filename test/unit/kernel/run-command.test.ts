import { strict as assert } from 'node:assert';
import { blockedReadingStdin } from '../../../src/kernel/run-command.js';

describe('armed ip batch (waits in read(2) on stdin before a crash is stamped)', () => {
  it('recognises read on fd 0 in /proc/PID/syscall (x86-64 and arm64), and nothing else', () => {
    assert.equal(blockedReadingStdin('0 0x0 0x55d1c0a2b2a0 0x1000 0x0 0x0 0x0 0x7ffd4c1c8f18 0x7f3f1a11d7e2\n'), true);
    assert.equal(blockedReadingStdin('63 0x0 0xaaaad000 0x1000 0x0 0x0 0x0 0xffffc000 0xffff8000'), true);
    assert.equal(blockedReadingStdin('0 0x3 0x7fd36381d000 0x20000 0x7fd3638afb60 0xffffffff 0x0'), false);
    assert.equal(blockedReadingStdin('61 0xffffffff 0x7ffc 0x0 0x0 0x0 0x0'), false);
    assert.equal(blockedReadingStdin('running'), false);
  });
});
