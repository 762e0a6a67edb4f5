import { strict as assert } from 'node:assert';
import { arpModeChange, arpTableScript, holdChange } from '../../../../src/daemons/arp-ha/arp-rules.js';
import { announcementFrames } from '../../../../src/kernel/arp-frame.js';

describe('arp-ha kernel scripts and frames', () => {
  it('builds the ARP gate: standby VIPs answer nothing and are never a sender', () => {
    const script = arpTableScript(['198.18.7.100']);
    assert.match(script, /arp operation request arp daddr ip @standby_vips counter drop/);
    assert.match(script, /chain out \{ type filter hook output .* arp saddr ip @standby_vips counter drop/);
    assert.match(script, /add element arp arpha standby_vips \{ 198\.18\.7\.100 \}/);
    assert.deepEqual(arpModeChange('198.18.7.100', true), {
      op: 'delete',
      family: 'arp',
      table: 'arpha',
      set: 'standby_vips',
      key: Buffer.from([198, 18, 7, 100]),
      label: '198.18.7.100',
    });
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
