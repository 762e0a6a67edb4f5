import { strict as assert } from 'node:assert';
import { InputFileError } from '../../../../src/common/errors.js';
import { parseBalancerConfig } from '../../../../src/daemons/nat-lb/balancer/balancer-config.js';
import { BALANCER_YAML } from './balancer-fixtures.js';

const base = BALANCER_YAML;

describe('nat-balancer config', () => {
  it('fills defaults: hold in NFQUEUE from queue 100, 65536 packets, not owned unless said', () => {
    const c = parseBalancerConfig(base, '/c.yml');
    assert.deepEqual(c.migration, { hold: 'queue', queueMaxLength: 65536, queueBase: 100 });
    assert.deepEqual(
      c.vips.map((v) => v.owned),
      [true, false],
    );
  });
  const rejects = (text: string, line: number, problem: RegExp) =>
    assert.throws(
      () => parseBalancerConfig(text, '/c.yml'),
      (e: unknown) => e instanceof InputFileError && e.message.startsWith(`/c.yml:${line}:`) && problem.test(e.message),
    );
  it('names the line of an unknown key, a bad mode, a reused address and a server shared in dnat', () => {
    rejects(base + 'extra: 1\n', 11, /unknown key 'extra'/);
    rejects(base.replace('nat: dnat', 'nat: snat'), 4, /dnat|fullnat/);
    rejects(
      base.replace('inside: 198.18.21.103', 'inside: 198.18.21.101'),
      10,
      /198\.18\.21\.101 is already the inside of VIP 198\.18\.20\.101/,
    );
    rejects(base.replace('server: 198.18.21.13', 'server: 198.18.21.11'), 10, /server 198\.18\.21\.11 belongs to two VIPs/);
  });
  it('lets full NAT share a server between VIPs', () => {
    assert.equal(
      parseBalancerConfig(base.replace('nat: dnat', 'nat: fullnat').replace('server: 198.18.21.13', 'server: 198.18.21.11'), '/c.yml').nat,
      'fullnat',
    );
  });
});
