import { strict as assert } from 'node:assert';
import { InputFileError } from '../../../../src/common/errors.js';
import { parseArpHaConfig } from '../../../../src/daemons/arp-ha/arp-ha-config.js';
import { arpHaYaml } from './arp-ha-fixtures.js';

const base = arpHaYaml();

describe('arp-ha config', () => {
  it('fills defaults: 100 ms × 3, no preemption, 2 announcements', () => {
    const c = parseArpHaConfig(base, '/c.yml');
    assert.deepEqual([c.heartbeat.intervalMs, c.heartbeat.misses, c.heartbeat.port], [100, 3, 7946]);
    assert.deepEqual([c.groups[0]!.priority, c.groups[0]!.preempt, c.groups[0]!.garp], [100, false, { count: 2, intervalMs: 50 }]);
  });
  const rejects = (text: string, line: number, problem: RegExp) =>
    assert.throws(
      () => parseArpHaConfig(text, '/c.yml'),
      (e: unknown) =>
        e instanceof InputFileError && e.position.line === line && problem.test(e.message) && e.message.startsWith(`/c.yml:${line}:`),
    );
  it('names the line of an unknown key, a bad address, a duplicate group and a short key', () => {
    rejects(base + 'extra: 1\n', 9, /unknown key 'extra'/);
    rejects(base.replace('vip: 198.18.7.100', 'vip: nope'), 8, /expected an IPv4 address/);
    rejects(base + '  - { name: web, vip: 198.18.7.101, iface: eth1 }\n', 9, /two groups are named 'web'/);
    rejects(base.replace('key: a-shared-key', 'key: short'), 3, /at least 8/);
    rejects('a: [\n', 2, /invalid YAML/);
  });
});
