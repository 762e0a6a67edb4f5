import { strict as assert } from 'node:assert';
import { censusOf } from '../../../../src/daemons/redirector/agent/proc-net-tcp.js';
import { parseAgentConfig } from '../../../../src/daemons/redirector/agent/agent-config.js';
import { describeNftChange } from '../../../../src/kernel/nft-batch.js';
import { cycleChanges, tableScript } from '../../../../src/daemons/redirector/front/redirector-rules.js';
import { config } from './redirector-fixtures.js';

const PROC = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0
   1: 0B1F12C6:1F90 011E12C6:9C40 01 00000000:00000000 00:00000000 00000000     0        0 2 1 0000000000000000 20 4 1 10 -1
   2: 0B1F12C6:1F90 011E12C6:9C41 06 00000000:00000000 00:00000000 00000000     0        0 3 1 0000000000000000 20 4 1 10 -1
   3: 0B1F12C6:1F90 011E12C6:9C42 08 00000000:00000000 00:00000000 00000000     0        0 4 1 0000000000000000 20 4 1 10 -1
   4: 0B1F12C6:1C8E 151F12C6:9C43 01 00000000:00000000 00:00000000 00000000     0        0 5 1 0000000000000000 20 4 1 10 -1
`;

describe('redirector: kernel texts (nft script and changes, /proc/net/tcp)', () => {
  it('each service DNATs by its cycle through a numgen counter over its map; an empty cycle leaves the chain empty', () => {
    assert.deepEqual(cycleChanges(8081, ['198.18.31.13', '198.18.31.14', '198.18.31.13']).map(describeNftChange), [
      'flush chain ip redirector svc_8081',
      'flush set ip redirector cycle_8081',
      'add element ip redirector cycle_8081 { 0 : 198.18.31.13 }',
      'add element ip redirector cycle_8081 { 1 : 198.18.31.14 }',
      'add element ip redirector cycle_8081 { 2 : 198.18.31.13 }',
      'add rule ip redirector svc_8081 dnat to numgen inc mod 3 map @cycle_8081',
    ]);
    assert.deepEqual(cycleChanges(8082, []).map(describeNftChange), [
      'flush chain ip redirector svc_8082',
      'flush set ip redirector cycle_8082',
    ]);
    const script = tableScript(config());
    assert.match(
      script,
      /iifname "eth1" ip daddr 198.18.30.100 tcp dport vmap \{ 8080 : goto svc_8080, 8081 : goto svc_8081, 8082 : goto svc_8082 \}/,
    );
    assert.match(
      script,
      /map cycle_8080 \{ typeof numgen inc mod 2 : ip daddr; \}\n {2}chain svc_8080 \{\n {2}\}/,
      'rules come over netlink',
    );
    assert.match(script, /ip daddr @dead counter drop/);
  });

  it('the connection monitor: listeners and live connections per service port; closing ones and other ports ignored', () => {
    const c = censusOf(PROC, new Set([8080, 8082]));
    assert.deepEqual([...c.listening], [8080]);
    assert.deepEqual([...c.connections], [[8080, 2]], 'ESTABLISHED and CLOSE_WAIT count, TIME_WAIT does not');
  });

  it('agent config: a service listed twice is refused with its line', () => {
    const text =
      'key: redirector-agent-key\nlisten: "198.18.31.11:7310"\nredirector: "198.18.31.100:7310"\nservices:\n  - { port: 8080 }\n  - { port: 8080 }\n';
    assert.throws(() => parseAgentConfig(text, '/a.yml'), /\/a.yml:6:.*service 8080 is listed twice/);
    assert.deepEqual(parseAgentConfig(text.replace('  - { port: 8080 }\n', ''), '/a.yml').load, { source: 'connections', capacity: 1000 });
  });
});
