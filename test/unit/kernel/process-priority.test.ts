import { strict as assert } from 'node:assert';
import path from 'node:path';
import { schedulingPlan } from '../../../src/kernel/cgroup-sched.js';
import { readSchedulingFiles } from '../../../src/kernel/cgroup-sched-files.js';
import { afterRefusal, schedulingIntent } from '../../../src/kernel/process-priority.js';
import { repoRoot } from '../../helpers/repo-root.js';

const planOf = (name: string) => schedulingPlan(readSchedulingFiles(path.join(repoRoot, 'test/fixtures/host', name)).facts);
const config = { nice: -10, realtimePriority: 10 };

describe("a daemon's scheduling on cgroup v1 and v2 nodes", () => {
  it('tries SCHED_RR where the node has a v1 budget or shares the v2 global one', () => {
    assert.equal(schedulingIntent(config, planOf('node-v1-budget')), 'try');
    assert.equal(schedulingIntent(config, planOf('node-v2')), 'try');
    assert.equal(schedulingIntent(config, planOf('cgroup-v2-ubuntu-2404')), 'try');
  });

  it('stays at nice, without a warning, where the node has no realtime time or the config asks for none', () => {
    assert.deepEqual(schedulingIntent(config, planOf('node-v1-no-budget')), {
      policy: 'nice',
      nice: -10,
      reason: 'cgroup v1 with RT group scheduling and no realtime budget (cpu.rt_runtime_us is 0)',
    });
    assert.deepEqual(schedulingIntent({ nice: 0, realtimePriority: 0 }, planOf('node-v1-budget')), {
      policy: 'nice',
      nice: 0,
      reason: 'realtimePriority is 0 in the config',
    });
  });

  it('a refusal is a warning only where the host files promised SCHED_RR', () => {
    const unknown = afterRefusal(config, planOf('node-v2'), 'EPERM');
    assert.equal(unknown.warning, undefined);
    assert.deepEqual(unknown.choice, { policy: 'nice', nice: -10, reason: 'EPERM' });
    const promised = afterRefusal(config, planOf('node-v1-budget'), 'EPERM');
    assert.match(promised.warning ?? '', /^running at nice -10 only: EPERM \(expected SCHED_RR: cgroup v1 realtime budget 40000/);
  });
});
