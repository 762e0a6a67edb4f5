import { strict as assert } from 'node:assert';
import { sshClientArgv, sshdArgv, sshdInstances } from '../../../../src/orchestrator/runner/ssh-commands.js';
import type { SshWorkload, Workload } from '../../../../src/orchestrator/scenario/parse-scenario.js';

const ssh: SshWorkload = {
  kind: 'ssh',
  name: 'moved',
  server: { node: ['s1', 's2'], listen: '198.18.7.100:22' },
  client: { node: 'cl1', connect: '198.18.7.100:22' },
  sessions: 3,
  mode: 'shell',
  rate: 10_000,
  duration: 2500,
  stall: 5000,
  gapThreshold: 100,
  keepalive: 0,
  fileSize: 4096,
};

describe('ssh commands', () => {
  it('starts one sshd per node and address, for ssh workloads only', () => {
    const probe = { kind: 'command', name: 'c', client: { node: 'cl1', run: 'true' }, timeout: 1000 } as Workload;
    assert.deepEqual(sshdInstances([ssh, { ...ssh, name: 'other' }, probe]), [
      { node: 's1', listen: '198.18.7.100:22' },
      { node: 's2', listen: '198.18.7.100:22' },
    ]);
  });
  it('configures sshd on its command line: keys only, no keepalives, many sessions at once', () => {
    const argv = sshdArgv({ node: 's1', listen: '198.18.7.100:22' });
    assert.deepEqual(argv.slice(0, 5), ['/usr/sbin/sshd', '-D', '-e', '-f', '/dev/null']);
    for (const o of [
      'ListenAddress=198.18.7.100:22',
      'PasswordAuthentication=no',
      'ClientAliveInterval=0',
      'TCPKeepAlive=no',
      'MaxStartups=1000',
    ])
      assert.ok(argv.includes(o), o);
  });
  it('builds the ssh2 client argv: stream ids apart per workload, keepalives off', () => {
    const argv = sshClientArgv(ssh, 2);
    const flag = (f: string) => argv[argv.indexOf(f) + 1];
    assert.equal(argv[1], '/opt/failover-lab/dist/src/probe/ssh/main.js');
    assert.equal(flag('--first-stream-id'), '200001');
    assert.equal(flag('--duration-s'), '2.5');
    assert.equal(flag('--keepalive-ms'), '0');
    assert.equal(flag('--mode'), 'shell');
  });
});
