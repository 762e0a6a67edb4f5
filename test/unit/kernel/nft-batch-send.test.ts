// Real kernel, no lab: two processes each in a network namespace of its own (unshare, as root).
import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { NETLINK_NETFILTER, NetlinkSocket } from '../../../src/kernel/netlink-socket.js';
import { inNetnsOf } from '../../../src/kernel/netns.js';
import { NftBatchError, NftBatches } from '../../../src/kernel/nft-batch.js';
import { partitionScript, partitionSources } from '../../../src/orchestrator/nemesis/nft-rules.js';

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

  it("a partition's inert tables close together when its sources go into every namespace's set, and open when the sets are emptied", async () => {
    const children = [await inOwnNetns(), await inOwnNetns()];
    const nft = (pid: number, args: string[], input?: string) => {
      const r = spawnSync('nsenter', ['-t', String(pid), '-n', 'nft', ...args], { input: input ?? '', encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    };
    const elements = (pid: number) =>
      (
        JSON.parse(nft(pid, ['-j', 'list', 'set', 'inet', 'fl_nemesis_p_1', 'sources'])) as { nftables: { set?: { elem?: string[] } }[] }
      ).nftables
        .flatMap((o) => o.set?.elem ?? [])
        .sort();
    try {
      const [a, b] = children.map((c) => c.pid!);
      nft(a!, ['-f', '-'], partitionScript('p-1', { fromAddresses: ['198.18.6.1'] }, false));
      nft(b!, ['-f', '-'], partitionScript('p-1', { fromAddresses: ['198.18.5.1', '198.18.5.2'] }, false));
      assert.deepEqual([elements(a!), elements(b!)], [[], []], 'inert: nothing dropped yet');
      const [ta, tb] = [a!, b!].map((pid) => new NftBatches(() => inNetnsOf(pid, () => new NetlinkSocket(NETLINK_NETFILTER, 1 << 16))));
      const sent = [ta!.send(partitionSources('p-1', ['198.18.6.1'])), tb!.send(partitionSources('p-1', ['198.18.5.1', '198.18.5.2']))];
      for (const s of sent) s.confirm();
      assert.deepEqual([elements(a!), elements(b!)], [['198.18.6.1'], ['198.18.5.1', '198.18.5.2']]);
      // The heal: every set emptied, the tables left in place, inert.
      const healed = [ta!, tb!].map((t) => t.send([{ kind: 'flush-set', family: 'inet', table: 'fl_nemesis_p_1', set: 'sources' }]));
      for (const h of healed) h.confirm();
      assert.deepEqual([elements(a!), elements(b!)], [[], []]);
      ta!.close();
      tb!.close();
    } finally {
      for (const c of children) c.kill('SIGKILL');
    }
  });
});
