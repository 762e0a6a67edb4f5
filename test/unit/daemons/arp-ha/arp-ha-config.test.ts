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
  it("a group's notify: a local listener's URL and token, 500 ms to answer; a bad one names its field and line", () => {
    const withNotify = (notify: string) => arpHaYaml([`{ name: web, vip: 198.18.7.100, iface: eth1, notify: ${notify} }`]);
    const c = parseArpHaConfig(withNotify('{ url: "http://127.0.0.1:7300/role", token: a-long-token }'), '/c.yml');
    assert.deepEqual(c.groups[0]!.notify, { url: 'http://127.0.0.1:7300/role', token: 'a-long-token', timeoutMs: 500 });
    assert.equal(parseArpHaConfig(base, '/c.yml').groups[0]!.notify, undefined, 'optional');
    rejects(
      withNotify('{ url: "https://fe1:7300/role", token: a-long-token }'),
      8,
      /groups\[0\]\.notify\.url.*expected http:\/\/ADDR:PORT\/PATH/,
    );
    rejects(withNotify('{ url: "http://127.0.0.1:7300/role", token: short }'), 8, /notify\.token.*at least 8/);
    rejects(withNotify('{ url: "http://127.0.0.1:7300/role", token: a-long-token, every: 1 }'), 8, /unknown key 'every'/);
  });
});
