import { strict as assert } from 'node:assert';
import { best, compareRank, type Candidate } from '../../../../src/daemons/arp-ha/election.js';

const c = (node: string, priority: number, mac: string, eligible = true): Candidate => ({ node, priority, mac, eligible });

describe('arp-ha election', () => {
  it('ranks an eligible node first, then higher priority, then the lower MAC', () => {
    const s1 = c('s1', 100, '02:00:5e:07:00:11');
    const s2 = c('s2', 100, '02:00:5e:07:00:12');
    assert.equal(best([s2, s1])?.node, 's1');
    assert.equal(best([s1, c('s3', 150, '02:00:5e:07:00:13')])?.node, 's3');
    assert.equal(best([c('s3', 150, '02:00:5e:07:00:01', false), s2])?.node, 's2');
  });

  it('compares MACs in any letter case the same way (a peer may write them upper case)', () => {
    const lower = c('a', 100, '02:00:5e:07:00:0a');
    const upper = c('b', 100, '02:00:5E:07:00:0B');
    assert.ok(compareRank(lower, upper) < 0);
    assert.ok(compareRank(upper, lower) > 0);
    // Equal MACs fall back to the node name.
    assert.ok(compareRank(c('a', 1, '02:00:5E:00:00:01'), c('b', 1, '02:00:5e:00:00:01')) < 0);
  });

  it('orders MACs by their digits, not by a locale (digits before letters, as in their bytes)', () => {
    assert.equal(best([c('x', 1, '02:00:00:00:00:0a'), c('y', 1, '02:00:00:00:00:09')])?.node, 'y');
  });
});
