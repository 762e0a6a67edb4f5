import { strict as assert } from 'node:assert';
import type { FlowSummary } from '../../../../src/orchestrator/history/history-types.js';
import { flowLanes } from '../../../../src/orchestrator/report/flow-lanes.js';
import { linear } from '../../../../src/orchestrator/report/svg-kit.js';
import { timelineSvg } from '../../../../src/orchestrator/report/timeline-svg.js';
import { sampleRun } from './sample-run.js';
import { xmlProblems } from './xml-check.js';

const T0 = 1_700_000_000_000;
const direction = (gaps: [number, number][] = []) => ({
  newBytes: 1,
  retransmissions: 0,
  maxGapMs: 0,
  gaps: gaps.map(([s, e]) => ({ startMs: T0 + s, endMs: T0 + e })),
  zeroWindows: [],
  fins: 0,
  resets: 0,
});
const flow = (n: number, over: Partial<FlowSummary> = {}): FlowSummary => ({
  capture: 'cli:eth1',
  stream: n,
  client: `198.18.5.1:${40000 + n}`,
  server: '198.18.5.2:22',
  firstMs: T0,
  lastMs: T0 + 5000,
  opened: true,
  established: true,
  reconnect: false,
  c2s: direction(),
  s2c: direction([[2000, 4500]]),
  ...over,
});

describe('flow lanes on the timeline', () => {
  const frame = { x: linear([0, 10_000], [100, 1100]), left: 100, right: 1100, t0: T0 };

  it('one lane per established flow: its payload gaps as bars, its RST as a tick; refused attempts left out', () => {
    const lanes = flowLanes([flow(0), flow(1, { resetMs: T0 + 3000 }), flow(2, { established: false })], frame, 10);
    assert.equal((lanes.svg.match(/class="gap"/g) ?? []).length, 2);
    assert.equal((lanes.svg.match(/class="conn-reset"/g) ?? []).length, 1);
    assert.match(lanes.svg, /40000→198\.18\.5\.2:22/);
    assert.ok(!lanes.svg.includes('40002'));
    assert.deepEqual(xmlProblems(`<svg xmlns="http://www.w3.org/2000/svg">${lanes.svg}</svg>`), []);
  });

  it('at most 20 lanes, with a note for the rest; nothing without flows', () => {
    const lanes = flowLanes(
      Array.from({ length: 23 }, (_, i) => flow(i)),
      frame,
      0,
    );
    assert.deepEqual(lanes.notes, ['3 more captured flows in report.json (flows)']);
    assert.equal(flowLanes(undefined, frame, 0).height, 0);
  });

  it('the repeat timeline draws them under the probe lanes', () => {
    const { report, histories } = sampleRun(2);
    const repeat = { ...report.repeats[0]!, flows: [flow(0, { firstMs: report.repeats[0]!.startMs })] };
    const svg = timelineSvg(repeat, histories[0]);
    assert.match(svg, /captured flow 198\.18\.5\.1:40000 → 198\.18\.5\.2:22 at cli:eth1/);
    assert.deepEqual(xmlProblems(svg), []);
  });
});
