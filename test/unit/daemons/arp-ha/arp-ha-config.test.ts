import { strict as assert } from 'node:assert';
import { InputFileError } from '../../../../src/common/errors.js';
import { parseArpHaConfig } from '../../../../src/daemons/arp-ha/arp-ha-config.js';
import { arpModeChange, arpTableScript, holdChange } from '../../../../src/daemons/arp-ha/arp-rules.js';
import { announcementFrames } from '../../../../src/kernel/arp-frame.js';

const base = `node: s1
token: a-long-token
key: a-shared-key
heartbeat:
  paths:
    - { name: hb, local: 198.18.8.1, peers: [198.18.8.2] }
groups:
  - { name: web, vip: 198.18.7.100, iface: eth1 }
`;

describe('arp-ha config', () => {
  it('fills defaults: 100 ms × 3, no preemption, 2 announcements', () => {
    const c = parseArpHaConfig(base, '/c.yml');
    assert.deepEqual([c.heartbeat.intervalMs, c.heartbeat.misses, c.heartbeat.port], [100, 3, 7946]);
    assert.deepEqual([c.groups[0]!.priority, c.groups[0]!.preempt, c.groups[0]!.garp], [100, false, { count: 2, intervalMs: 50 }]);
  });
  const rejects = (text: string, line: number, problem: RegExp) =>
    assert.throws(() => parseArpHaConfig(text, '/c.yml'), (e: unknown) => e instanceof InputFileError && e.position.line === line && problem.test(e.message) && e.message.startsWith(`/c.yml:${line}:`));
  it('names the line of an unknown key, a bad address, a duplicate group and a short key', () => {
    rejects(base + 'extra: 1\n', 9, /unknown key 'extra'/);
    rejects(base.replace('vip: 198.18.7.100', 'vip: nope'), 8, /expected an IPv4 address/);
    rejects(base + '  - { name: web, vip: 198.18.7.101, iface: eth1 }\n', 9, /two groups are named 'web'/);
    rejects(base.replace('key: a-shared-key', 'key: short'), 3, /at least 8/);
    rejects('a: [\n', 2, /invalid YAML/);
  });
});

describe('arp-ha kernel scripts and frames', () => {
  it('builds the ARP gate: standby VIPs answer nothing and are never a sender', () => {
    const script = arpTableScript(['198.18.7.100']);
    assert.match(script, /arp operation request arp daddr ip @standby_vips counter drop/);
    assert.match(script, /chain out \{ type filter hook output .* arp saddr ip @standby_vips counter drop/);
    assert.match(script, /add element arp arpha standby_vips \{ 198\.18\.7\.100 \}/);
    assert.deepEqual(arpModeChange('198.18.7.100', true), { op: 'delete', family: 'arp', table: 'arpha', set: 'standby_vips', key: Buffer.from([198, 18, 7, 100]), label: '198.18.7.100' });
    assert.equal(arpModeChange('198.18.7.100', false).op, 'add');
    assert.deepEqual(holdChange('198.18.7.100', 7000, true).key, Buffer.from([198, 18, 7, 100, 0x1b, 0x58, 0, 0]));
  });
  it('announces with a broadcast request then a broadcast reply, sender = target = VIP', () => {
    const [request, reply] = announcementFrames('198.18.7.100', '02:00:5e:07:00:12');
    assert.equal(request.toString('hex'), 'ffffffffffff02005e0700120806000108000604000102005e070012c612076400000000000' + '0c6120764');
    assert.equal(reply.readUInt16BE(20), 2);
    assert.equal(reply.subarray(0, 6).toString('hex'), 'ffffffffffff');
    assert.equal(reply.subarray(32, 38).toString('hex'), '02005e070012');
  });
});
