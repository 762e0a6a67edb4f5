// A crafted run for report tests and for the sample report a human looks at.
import { runCheckers } from '../../../../src/orchestrator/checker/checker.js';
import { Checks } from '../../../../src/orchestrator/checker/checks.js';
import type { RunHistory } from '../../../../src/orchestrator/history/history-types.js';
import { buildRepeatReport, buildRunReport } from '../../../../src/orchestrator/report/build-report.js';
import type { RunReport } from '../../../../src/orchestrator/report/report-types.js';
import { T0, sampleHistory } from '../fixtures.js';

export function sampleRun(streams = 4): { report: RunReport; histories: RunHistory[] } {
  const histories = [
    sampleHistory({
      streams,
      durationMs: 30_000,
      faultAtMs: 10_000,
      faultMs: 3000,
      gapMs: (s) => 1700 + (s % 4) * 60,
      bytesPerSecond: 12e6,
      t0: T0,
    }),
    sampleHistory({
      streams,
      durationMs: 30_000,
      faultAtMs: 12_000,
      faultMs: 3000,
      gapMs: (s) => (s === 1 ? 2900 : 1800 + (s % 5) * 40),
      bytesPerSecond: 12e6,
      resetStreams: (s) => s === 1,
      t0: T0 + 60_000,
    }),
  ];
  const checkers = [
    Checks.maxGap(2300),
    Checks.gapWithin({ expectedMs: 2000, toleranceMs: 300, count: 1 }),
    Checks.resets({ max: 0 }),
    Checks.reconnects({ max: 0 }),
    Checks.bytesLost({ max: 0 }),
    Checks.noFailedStreams(),
    Checks.never({ kind: 'daemon', event: 'split-brain', name: 'never split-brain <VIP & MAC>' }),
    Checks.customInvariant('one ARP owner per VIP', (h) => {
      if (h.startMs > T0) throw new Error('owner table missing for "lb2"');
      return true;
    }),
  ];
  const repeats = histories.map((history, i) =>
    buildRepeatReport({
      index: i + 1,
      seed: 42 + i,
      history,
      checks: runCheckers(checkers, history).results,
      pcaps: i === 0 ? ['repeat-1/lb1-eth1.pcap'] : [],
    }),
  );
  const report = buildRunReport({
    scenario: 'arp-ha <link flap> & "failover"',
    file: 'scenarios/arp-ha/link-flap.yml',
    seed: 42,
    startedAt: '2024-05-01T10:00:00.000Z',
    repeats,
  });
  return { report, histories };
}
