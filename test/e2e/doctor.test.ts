// `failover-lab doctor` on the real engine and kernel: its verdicts must agree with sources it
// does not use — the docker CLI for the engine, stat(1) for the cgroup version, and the
// kernel's own build config for each feature the probe container tried.
import { strict as assert } from 'node:assert';
import { execa } from 'execa';
import { readKernelConfig } from '../../src/kernel/cgroup-sched-files.js';
import { kernelConfigValue } from '../../src/kernel/cgroup-sched.js';
import type { HostReport } from '../../src/lab/host-check/host-check.js';
import { FEATURES } from '../../src/lab/host-check/host-features.js';
import { cli } from '../helpers/lab-fixture.js';

describe('failover-lab doctor (real engine, this kernel)', function () {
  this.timeout(60_000);
  let report: HostReport;

  before(async () => {
    const r = await cli(['doctor', '--format', 'json'], { env: { PATH: process.env.PATH ?? '' } });
    assert.equal(r.exitCode, 0, r.stderr);
    report = JSON.parse(r.stdout) as HostReport;
  });

  it('names the engine the docker CLI names, and the cgroup version stat sees', async () => {
    const { stdout: version } = await execa('docker', ['version', '--format', '{{.Server.Version}}']);
    assert.equal(report.engine?.version, version.trim());
    assert.equal(report.lines[0]?.status, 'ok');
    const { stdout: fs } = await execa('stat', ['-fc', '%T', '/sys/fs/cgroup']);
    assert.equal(report.cgroup, fs.trim() === 'cgroup2fs' ? 'v2' : 'v1');
  });

  it("each feature the probe tried is ok exactly when the kernel's config builds it", () => {
    // Debian and Ubuntu kernels publish it (/boot/config-*), this machine's in /proc/config.gz.
    const config: string =
      readKernelConfig('/') ?? assert.fail('no kernel config to compare with (/proc/config.gz, /boot/config-$(uname -r))');
    let compared = 0;
    for (const f of FEATURES.filter((x) => !x.configOnly)) {
      const line = report.lines.find((l) => l.item === f.name)!;
      if (f.config === undefined) continue;
      const built: boolean = f.config.every((o) => ['y', 'm'].includes(kernelConfigValue(config, o) ?? 'n'));
      assert.equal(line.status, built ? 'ok' : 'missing', `${f.name}: ${line.value}`);
      compared++;
    }
    assert.ok(compared >= 10, `compared ${compared} features`);
  });

  it('leaves no probe container behind', async () => {
    const { stdout } = await execa('docker', ['ps', '-aq', '--filter', 'label=failover-lab.doctor']);
    assert.equal(stdout.trim(), '');
  });
});
