import { strict as assert } from 'node:assert';
import { natTables } from '../../../../src/orchestrator/checker/nat-tables-check.js';
import { daemon, history, T0 } from '../fixtures.js';

const V1 = '198.18.20.101';
const V3 = '198.18.20.103';
const row = (port: number, vip = V1) => `tcp 198.18.20.1:${port} ${vip}:7000`;
const lb = (t: number, node: string, event: string, data: Record<string, unknown> = {}) =>
  daemon(T0 + t, node, event, data, 'nat-balancer');
const tables = (t: number, node: string, vips: [string, string][], rows: string[]) =>
  lb(t, node, 'tables', { vips: vips.map(([vip, mode]) => ({ vip, mode, addressUp: mode === 'normal' })), rows });
const check = (entries: ReturnType<typeof lb>[], minRows?: number) =>
  natTables({ vips: [V1, V3], ...(minRows === undefined ? {} : { minRows }) }).check(history(entries));

describe('natTables check', () => {
  it('passes when each VIP has one owner and each connection one row on it', () => {
    const r = check(
      [
        lb(0, 'lb1', 'started'),
        lb(0, 'lb2', 'started'),
        tables(100, 'lb1', [[V1, 'normal']], [row(1)]),
        tables(100, 'lb2', [[V3, 'normal']], [row(2, V3)]),
        tables(900, 'lb1', [], []),
        tables(
          900,
          'lb2',
          [
            [V1, 'normal'],
            [V3, 'normal'],
          ],
          [row(1), row(2, V3)],
        ),
        lb(1000, 'lb1', 'stopped'),
        lb(1000, 'lb2', 'stopped'),
      ],
      2,
    );
    assert.equal(r.valid, true, r.detail);
    assert.match(r.detail, /198\.18\.20\.101→lb2/);
  });

  it('fails on two owners, a VIP left in migration, a doubled row and a row away from the owner', () => {
    const r = check([
      lb(0, 'lb1', 'started'),
      lb(0, 'lb2', 'started'),
      tables(
        900,
        'lb1',
        [
          [V1, 'normal'],
          [V3, 'migration'],
        ],
        [row(1), row(3, V3)],
      ),
      tables(
        900,
        'lb2',
        [
          [V1, 'normal'],
          [V3, 'normal'],
        ],
        [row(1)],
      ),
      lb(1000, 'lb1', 'stopped'),
      lb(1000, 'lb2', 'stopped'),
    ]);
    assert.equal(r.valid, false);
    assert.match(r.detail, /198\.18\.20\.101 has 2 owners \(lb1, lb2\)/);
    assert.match(r.detail, /198\.18\.20\.103 still in migration mode on lb1/);
    assert.match(r.detail, /1 connections with two rows/);
    assert.match(r.detail, /rows away from their VIP's owner: tcp 198\.18\.20\.1:3 198\.18\.20\.103:7000 on lb1, owner lb2/);
  });

  it('leaves out a killed balancer (no orderly stop), and fails a VIP nobody owns', () => {
    const r = check([
      lb(0, 'lb1', 'started'),
      lb(0, 'lb2', 'started'),
      tables(100, 'lb1', [[V1, 'normal']], [row(1)]),
      tables(900, 'lb2', [[V1, 'normal']], [row(1)]),
      lb(1000, 'lb2', 'stopped'),
    ]);
    assert.equal(r.valid, false);
    assert.match(r.detail, /198\.18\.20\.103 has 0 owners/);
    assert.doesNotMatch(r.detail, /two rows/, 'the killed lb1 does not count');
    assert.match(r.detail, /not counted \(no orderly stop\): lb1/);
  });

  it('a restarted balancer counts by its last run only', () => {
    const r = check([
      lb(0, 'lb1', 'started'),
      tables(
        100,
        'lb1',
        [
          [V1, 'normal'],
          [V3, 'normal'],
        ],
        [row(1)],
      ),
      lb(200, 'lb1', 'stopped'),
      lb(300, 'lb1', 'started'),
      lb(900, 'lb2', 'started'),
      tables(
        900,
        'lb2',
        [
          [V1, 'normal'],
          [V3, 'normal'],
        ],
        [row(1)],
      ),
      lb(1000, 'lb2', 'stopped'),
    ]);
    assert.equal(r.valid, true, `${r.detail}: lb1's last run ended without a stop`);
  });

  it('is unknown when no balancer reported, or too few rows to judge', () => {
    assert.equal(check([]).valid, 'unknown');
    const few = check(
      [
        lb(0, 'lb2', 'started'),
        tables(
          900,
          'lb2',
          [
            [V1, 'normal'],
            [V3, 'normal'],
          ],
          [row(1)],
        ),
        lb(1000, 'lb2', 'stopped'),
      ],
      200,
    );
    assert.equal(few.valid, 'unknown');
    assert.match(few.detail, /only 1 rows reported, want at least 200/);
  });
});
