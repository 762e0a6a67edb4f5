// Real kernel, no lab: two processes each in a network namespace of its own (unshare, as root).
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { NETLINK_NETFILTER, NetlinkSocket } from '../../../src/kernel/netlink-socket.js';
import { inNetnsOf } from '../../../src/kernel/netns.js';
import { NftBatchError, NftBatches } from '../../../src/kernel/nft-batch.js';

const home = () => readlinkSync('/proc/thread-self/ns/net');

/** A `sleep` in a new network namespace, once it is there. */
const inOwnNetns = async (): Promise<ChildProcess> => {
  const child = spawn('unshare', ['--net', 'sleep', '30'], { stdio: 'ignore' });
  for (let i = 0; i < 200; i++) {
    try {
      if (readlinkSync(`/proc/${child.pid}/ns/net`) !== home()) return child;
    } catch {
      // not yet there
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill('SIGKILL');
  throw new Error('unshare --net did not make a namespace within 2 s');
};

describe('nftables batches sent to several namespaces, then confirmed (kernel/nft-batch.ts)', () => {
  it('each batch is committed by its send; confirm reads its acknowledgement and names a refused change', async () => {
    const children = [await inOwnNetns(), await inOwnNetns()];
    try {
      const [a, b] = children.map((c) => new NftBatches(() => inNetnsOf(c.pid!, () => new NetlinkSocket(NETLINK_NETFILTER, 1 << 16))));
      const fine = a!.send([{ kind: 'destroy-table', family: 'inet', table: 'fl_batch_test_absent' }]);
      const refused = b!.send([{ kind: 'flush-chain', family: 'inet', table: 'fl_batch_test_absent', chain: 'drop_in' }]);
      fine.confirm();
      assert.throws(
        () => refused.confirm(),
        (e: unknown) => e instanceof NftBatchError && /flush chain inet fl_batch_test_absent drop_in.*refused/.test(e.message),
      );
      a!.close();
      b!.close();
    } finally {
      for (const c of children) c.kill('SIGKILL');
    }
  });
});
