import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureNodeTcpHash, NODE_TCP_HASH_BUCKETS, nodeTcpHashPlan } from '../../../src/kernel/netns-tcp-hash.js';

const SYSCTL = 'proc/sys/net/ipv4/tcp_child_ehash_entries';

describe('kernel: each node namespace its own TCP table', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'tcp-hash-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const withSysctl = (text: string) => {
    mkdirSync(path.join(root, path.dirname(SYSCTL)), { recursive: true });
    writeFileSync(path.join(root, SYSCTL), text);
  };

  it('plans a write only for 0; keeps a host-chosen size; a kernel without the sysctl shares the table', () => {
    assert.deepEqual(nodeTcpHashPlan('0\n'), { set: true });
    assert.deepEqual(nodeTcpHashPlan('1024\n'), { set: false, outcome: { kind: 'kept', buckets: 1024 } });
    assert.deepEqual(nodeTcpHashPlan(undefined), {
      set: false,
      outcome: { kind: 'shared', problem: 'no net.ipv4.tcp_child_ehash_entries (Linux < 6.1)' },
    });
  });

  it('writes its size when the host has none, and leaves a nonzero value alone', () => {
    withSysctl('0\n');
    assert.deepEqual(ensureNodeTcpHash(root), { kind: 'set', buckets: NODE_TCP_HASH_BUCKETS });
    assert.equal(readFileSync(path.join(root, SYSCTL), 'utf8'), String(NODE_TCP_HASH_BUCKETS));
    withSysctl('65536\n');
    assert.deepEqual(ensureNodeTcpHash(root), { kind: 'kept', buckets: 65536 });
    assert.equal(readFileSync(path.join(root, SYSCTL), 'utf8'), '65536\n');
  });

  it('says why the table stays shared when the sysctl is missing or cannot be written', () => {
    assert.equal(ensureNodeTcpHash(root).kind, 'shared');
    // A procfs file without a write operation refuses even root, as a read-only /proc/sys would.
    mkdirSync(path.join(root, path.dirname(SYSCTL)), { recursive: true });
    symlinkSync('/proc/version', path.join(root, SYSCTL));
    const outcome = ensureNodeTcpHash(root);
    assert.equal(outcome.kind, 'shared');
    assert.match((outcome as { problem: string }).problem, /^cannot write net\.ipv4\.tcp_child_ehash_entries: /);
  });
});
