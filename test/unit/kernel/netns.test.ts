// Entering a network namespace needs root and a second namespace: this process's own (the
// thread comes back to where it was) and an unshared child's (its own netlink view).
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { NETLINK_NETFILTER, NetlinkSocket } from '../../../src/kernel/netlink-socket.js';
import { inNetnsOf } from '../../../src/kernel/netns.js';
import { NftBatches } from '../../../src/kernel/nft-batch.js';

const ownNetns = () => readlinkSync('/proc/thread-self/ns/net');

describe('network namespaces (kernel/netns.ts)', () => {
  it("makes a socket inside another process's namespace and comes back", async () => {
    const home = ownNetns();
    const child = spawn('unshare', ['--net', 'sleep', '30'], { stdio: 'ignore' });
    try {
      // unshare execs sleep in the new namespace: wait until the child's namespace differs.
      let childNs = home;
      for (let i = 0; i < 200 && childNs === home; i++) {
        await new Promise((r) => setTimeout(r, 10));
        try {
          childNs = readlinkSync(`/proc/${child.pid}/ns/net`);
        } catch {
          // not yet there
        }
      }
      assert.notEqual(childNs, home, 'the child has a namespace of its own');
      const seen = inNetnsOf(child.pid!, () => ownNetns());
      assert.equal(seen, childNs, "inside, the thread is in the child's namespace");
      assert.equal(ownNetns(), home, 'and back home after');
      // A netfilter socket made there talks to the child's nftables (an absent table's removal is no error).
      const there = new NftBatches(() => inNetnsOf(child.pid!, () => new NetlinkSocket(NETLINK_NETFILTER, 1 << 16)));
      there.apply([{ kind: 'destroy-table', family: 'inet', table: 'fl_netns_test_absent' }]);
      there.close();
      assert.throws(() => inNetnsOf(2 ** 22 + 1, () => 1), /ENOENT|no such/i, 'a process that is not there');
      assert.equal(ownNetns(), home);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
