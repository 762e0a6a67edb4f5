// The nat-lb baseline is configured by hand (topologies/nat-lb/baseline/); this keeps it in
// step with the nat-balancer's node configs it is compared against: the same VIPs, inside
// addresses and servers, the same starting owners, and a conntrackd pair that talks to each other.
import { strict as assert } from 'node:assert';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../../../helpers/repo-root.js';

interface VipEntry {
  vip: string;
  inside: string;
  server: string;
  owned: boolean;
}
const LBS = ['lb1', 'lb2'] as const;
const dir = path.join(repoRoot, 'topologies/nat-lb');
const read = (file: string) => readFile(path.join(dir, file), 'utf8');

/** Each `vrrp_instance NAME { ... }` block's text (keepalived nests braces one level here). */
const instances = (conf: string): Map<string, string> =>
  new Map([...conf.matchAll(/^vrrp_instance (\S+) \{\n([\s\S]*?)\n\}/gm)].map((m) => [m[1]!, m[2]!]));
const field = (block: string, key: string) => new RegExp(`^\\s*${key} (\\S+)$`, 'm').exec(block)?.[1];

describe('nat-lb baseline configs (keepalived, conntrackd, nft)', () => {
  it("one VRRP instance per VIP on each balancer: VIP and inside address, 100 ms, the daemon's starting owner preferred", async () => {
    const daemon = Object.fromEntries(
      await Promise.all(LBS.map(async (lb) => [lb, (parse(await read(`${lb}.yml`)) as { vips: VipEntry[] }).vips] as const)),
    );
    const confs = Object.fromEntries(
      await Promise.all(LBS.map(async (lb) => [lb, instances(await read(`baseline/keepalived-${lb}.conf`))] as const)),
    );
    for (const lb of LBS) assert.equal(confs[lb]!.size, daemon[lb]!.length, `${lb}: one instance per VIP`);
    daemon.lb1!.forEach((v, i) => {
      const name = `V${i + 1}`;
      const [a, b] = LBS.map((lb) => confs[lb]!.get(name));
      assert.ok(a && b, `instance ${name} on both balancers`);
      for (const block of [a, b]) {
        assert.match(block, new RegExp(`${v.vip.replace(/\./g, '\\.')}/32 dev eth1`), `${name}: the VIP on the outside`);
        assert.match(block, new RegExp(`${v.inside.replace(/\./g, '\\.')}/32 dev eth2`), `${name}: its inside address moves with it`);
        assert.equal(field(block, 'advert_int'), '0.1');
        assert.match(block, /notify_master "\S+primary-backup\.sh primary /);
      }
      assert.equal(field(a, 'virtual_router_id'), field(b, 'virtual_router_id'));
      const lb1Preferred = Number(field(a, 'priority')) > Number(field(b, 'priority'));
      assert.equal(lb1Preferred, v.owned, `${name} starts on ${v.owned ? 'lb1' : 'lb2'}, as with the daemon`);
      assert.equal(daemon.lb2!.find((w) => w.vip === v.vip)?.owned, !v.owned);
    });
  });

  it('the nft DNAT map sends each VIP to its server', async () => {
    const vips = (parse(await read('lb1.yml')) as { vips: VipEntry[] }).vips;
    const map = /map server_of \{[\s\S]*?elements = \{([^}]*)\}/.exec(await read('baseline/nat.nft'))?.[1] ?? '';
    const pairs = map.split(',').map((e) => e.split(':').map((x) => x.trim()) as [string, string]);
    assert.deepEqual(new Map(pairs), new Map(vips.map((v) => [v.vip, v.server])));
  });

  it('the two conntrackd configs sync FTFW to each other over the inside LAN', async () => {
    const [c1, c2] = await Promise.all(LBS.map((lb) => read(`baseline/conntrackd-${lb}.conf`)));
    for (const c of [c1!, c2!]) {
      assert.match(c, /Mode FTFW/);
      assert.equal(field(c, 'Interface'), 'eth2');
    }
    assert.equal(field(c1!, 'IPv4_Destination_Address'), field(c2!, 'IPv4_address'));
    assert.equal(field(c2!, 'IPv4_Destination_Address'), field(c1!, 'IPv4_address'));
  });
});
