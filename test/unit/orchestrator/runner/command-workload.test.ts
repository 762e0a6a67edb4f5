import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { programOf, requireProgram } from '../../../../src/orchestrator/runner/command-workload.js';
import type { StartedLab } from '../../../../src/lab/lab.js';

// The lab's exec, run on this host with the real sh: it refuses what a node's sh refuses.
const hostLab = {
  exec: (_node: string, argv: string[]) => {
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
    return Promise.resolve({ exitCode: r.status ?? -1, stdout: r.stdout, stderr: r.stderr });
  },
} as unknown as StartedLab; // only exec is used by requireProgram

describe('command workload', () => {
  it('finds the program of a plain command line, not of shell syntax', () => {
    assert.equal(programOf('iperf3 -c 198.18.5.2 -t 5'), 'iperf3');
    assert.equal(programOf('  /usr/bin/curl -o x'), '/usr/bin/curl');
    assert.equal(programOf('exec iperf3 -s'), 'iperf3');
    assert.equal(programOf('FOO=1 iperf3'), undefined);
    assert.equal(programOf('(cd /tmp && ls)'), undefined);
  });
  it('refuses a command that does not exist, naming where and what', async () => {
    await assert.rejects(
      requireProgram(hostLab, 'cli', 'iperf-nope -c x', 'x.yml: workloads[0] (w) client.run'),
      /x\.yml: workloads\[0\] \(w\) client\.run: command 'iperf-nope' does not exist on node cli/,
    );
    await assert.rejects(requireProgram(hostLab, 'cli', 'exec iperf-nope', 'here'), /command 'iperf-nope' does not exist/);
    await requireProgram(hostLab, 'cli', 'sh -c true', 'here');
  });
});
