import { strict as assert } from 'node:assert';
import path from 'node:path';
import {
  cgroupLayout,
  kernelConfigValue,
  rtGroupScheduling,
  schedulingPlan,
  type SchedulingFacts,
} from '../../../src/kernel/cgroup-sched.js';
import { perGroupRealtimeBudgets, readSchedulingFiles } from '../../../src/kernel/cgroup-sched-files.js';
import { repoRoot } from '../../helpers/repo-root.js';

const fixture = (name: string) => path.join(repoRoot, 'test/fixtures/host', name);
const facts = (f: Partial<SchedulingFacts>): SchedulingFacts => ({
  cgroup: 'v2',
  rtGroupSched: false,
  globalRuntimeUs: 950_000,
  capSysNice: true,
  ...f,
});

describe('cgroup layout and realtime scheduling from kernel files', () => {
  it('tells v1 (hybrid: cgroup2 at /sys/fs/cgroup/unified) from v2', () => {
    assert.deepEqual(readSchedulingFiles(fixture('cgroup-v1-bookworm')).layout, { version: 'v1', cpuMount: '/sys/fs/cgroup/cpu' });
    assert.deepEqual(readSchedulingFiles(fixture('cgroup-v2-ubuntu-2404')).layout, { version: 'v2', cpuMount: '/sys/fs/cgroup' });
    assert.deepEqual(cgroupLayout('1 2 0:3 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct'), {
      version: 'v1',
      cpuMount: '/sys/fs/cgroup/cpu,cpuacct',
    });
    assert.equal(cgroupLayout('1 2 0:3 / /sys/fs/cgroup/cpuacct rw - cgroup cgroup rw,cpuacct'), undefined);
    assert.equal(cgroupLayout(''), undefined);
  });

  it('per-node budgets exist only on v1 with RT group scheduling', () => {
    assert.deepEqual(
      ['cgroup-v1-bookworm', 'node-v1-budget', 'cgroup-v2-ubuntu-2404', 'node-v2'].map((f) => perGroupRealtimeBudgets(fixture(f))),
      [true, true, false, false],
    );
  });

  it('reads kernel config options and the rt_group_sched boot switch', () => {
    const config = 'CONFIG_A=y\nCONFIG_B=m\n# CONFIG_C is not set\nCONFIG_D="x"\n';
    assert.deepEqual(
      ['CONFIG_A', 'CONFIG_B', 'CONFIG_C', 'CONFIG_D', 'CONFIG_E'].map((o) => kernelConfigValue(config, o)),
      ['y', 'm', 'n', 'n', undefined],
    );
    assert.equal(rtGroupScheduling('CONFIG_RT_GROUP_SCHED=y\n'), true);
    assert.equal(rtGroupScheduling('CONFIG_RT_GROUP_SCHED=y\n', 'quiet rt_group_sched=0'), false);
    assert.equal(rtGroupScheduling('CONFIG_RT_GROUP_SCHED=y\nCONFIG_RT_GROUP_SCHED_DEFAULT_DISABLED=y\n'), false);
    assert.equal(rtGroupScheduling('CONFIG_RT_GROUP_SCHED=y\nCONFIG_RT_GROUP_SCHED_DEFAULT_DISABLED=y\n', 'rt_group_sched=1'), true);
    assert.equal(rtGroupScheduling('# CONFIG_RT_GROUP_SCHED is not set\n', 'rt_group_sched=1'), false);
    assert.equal(rtGroupScheduling(undefined), undefined);
  });

  it('v1 node with a budget: SCHED_RR under its group budget; without one: nice', () => {
    const budget = readSchedulingFiles(fixture('node-v1-budget')).facts;
    assert.equal(budget.groupRuntimeUs, 40_000);
    assert.deepEqual(schedulingPlan(budget), {
      policy: 'realtime',
      budget: 'group',
      reason: 'cgroup v1 realtime budget 40000 µs per period',
    });
    const none = schedulingPlan(readSchedulingFiles(fixture('node-v1-no-budget')).facts);
    assert.equal(none.policy, 'nice');
    assert.match(none.reason, /cpu.rt_runtime_us is 0/);
  });

  it('v2 without RT group scheduling: SCHED_RR under the global budget', () => {
    const host = readSchedulingFiles(fixture('cgroup-v2-ubuntu-2404')).facts;
    assert.deepEqual(host, { cgroup: 'v2', rtGroupSched: false, groupRuntimeUs: undefined, globalRuntimeUs: 950_000, capSysNice: true });
    assert.deepEqual(schedulingPlan(host), {
      policy: 'realtime',
      budget: 'global',
      reason: 'no RT group scheduling: the global budget (950000 µs per period)',
    });
    // Inside a node no kernel config is visible: SCHED_RR is tried, and a refusal is no surprise.
    const node = schedulingPlan(readSchedulingFiles(fixture('node-v2')).facts);
    assert.equal(node.policy === 'realtime' && node.budget, 'unknown');
  });

  it('v2 with RT group scheduling, no CAP_SYS_NICE, or no global runtime: nice, with the reason', () => {
    const cases: [Partial<SchedulingFacts>, RegExp][] = [
      [{ rtGroupSched: true }, /cgroup v2 with RT group scheduling/],
      [{ capSysNice: false }, /CAP_SYS_NICE/],
      [{ globalRuntimeUs: 0 }, /sched_rt_runtime_us is 0/],
      [{ cgroup: 'v1', groupRuntimeUs: 0 }, /no realtime budget/],
    ];
    for (const [f, reason] of cases) {
      const plan = schedulingPlan(facts(f));
      assert.equal(plan.policy, 'nice', JSON.stringify(f));
      assert.match(plan.reason, reason);
    }
    assert.deepEqual(schedulingPlan(facts({ globalRuntimeUs: -1 })), {
      policy: 'realtime',
      budget: 'global',
      reason: 'no RT group scheduling: the global budget (unlimited)',
    });
    // v1 without cpu.rt_runtime_us: built without RT group scheduling.
    assert.equal(schedulingPlan(facts({ cgroup: 'v1', rtGroupSched: undefined })).policy, 'realtime');
  });
});
