// report.json: the machine-readable contract that CI and other tools read. Documented in the
// README; change it only by adding fields.
import type { Gap } from '../../probe/probe-report.js';
import type { CheckResult } from '../checker/check-result.js';
import type { Distribution } from '../checker/stats.js';
import type { SurvivalVerdict } from '../checker/survival-class.js';
import type { HostReport } from '../../lab/host-check/host-check.js';
import type { FlowSummary } from '../history/flow-types.js';

// Part of the contract, defined where they are produced (checkers) so that checkers need not import the report.
export type { CheckResult, Validity } from '../checker/check-result.js';
export type { Distribution } from '../checker/stats.js';
export type { HostReport } from '../../lab/host-check/host-check.js';
/** One TCP flow as a capture point saw it (docs/flows.md): defined with the history, which carries it. */
export type { FlowDirection, FlowGap, FlowSummary as FlowReport } from '../history/flow-types.js';

export interface StreamReport {
  workload: string;
  node: string;
  stream: number;
  direction: 's2c' | 'c2s' | 'echo';
  maxGapMs: number;
  gaps: Gap[];
  resets: number;
  reconnects: number;
  eofs: number;
  timeouts: number;
  bytes: number;
  bytesLost: number;
  bytesDuplicated: number;
  bytesCorrupt: number;
  /** Bytes that arrived after later ones (absent in reports of older probes). */
  bytesReordered?: number;
  /** Connections whose probe handshake failed (absent in reports of older probes). */
  handshakeFailures?: number;
  failed: boolean;
  /** Why the stream ended for good, when `failed`. */
  failReason?: string;
  /** First offset at which a byte was lost, duplicated, corrupt or reordered. */
  firstBadOffset?: number;
  /** How many TCP connections the stream used (1 = it survived transparently). */
  connections?: number;
}

export interface FaultReport {
  id: string;
  fault: string;
  targets: string[];
  startMs: number;
  /** Undefined when the fault was never healed before the run ended (it is undone at teardown). */
  endMs?: number;
  detail?: string;
}

/** An attempt of a repeat that did not pass and was run again (see the runner's rerun policy). */
export interface FailedAttempt {
  /** 1-based: attempt 1 is the first run of the repeat. */
  attempt: number;
  /** The checks that did not hold (false or unknown). */
  failing: CheckResult[];
  error?: string;
  /** The attempt's own report folder (report.html, history, pcaps), relative to the run's report folder. */
  dir: string;
}

/** The scenario's declared survival class (`expect:`) and whether the run held it (its implied check). */
export type { SurvivalVerdict as SurvivalClassReport } from '../checker/survival-class.js';

/** How a survival class verdict reads in the console and the HTML report. */
export const SURVIVAL_WORDS: Record<string, string> = { true: 'held', false: 'not held', unknown: 'unknown' };

export interface RepeatReport {
  index: number;
  seed: number;
  passed: boolean;
  /** The survival class's verdict in this repeat (also among `checks`, named `expect: <class>`). */
  survivalClass?: SurvivalVerdict;
  startMs: number;
  endMs: number;
  streams: StreamReport[];
  faults: FaultReport[];
  /** Every TCP flow of the captures (any workload's traffic), measured with tshark; absent without captures. */
  flows?: FlowSummary[];
  checks: CheckResult[];
  /** pcap files kept for this repeat, relative to the report folder. */
  pcaps: string[];
  /** history.jsonl of this repeat, relative to the report folder. */
  history: string;
  /** Set when the repeat could not run (deploy failed, probe crashed, ...). */
  error?: string;
  /** Earlier attempts that failed before this one; a passed repeat with any is FLAKY. */
  failedAttempts?: FailedAttempt[];
}

export interface RunReport {
  scenario: string;
  file: string;
  seed: number;
  startedAt: string;
  passed: boolean;
  /** Passed, but some repeat passed only on a rerun. */
  flaky?: boolean;
  /** The survival class over all repeats: held only when every repeat held it. */
  survivalClass?: SurvivalVerdict;
  repeats: RepeatReport[];
  /** Across repeats: per-repeat figures (max gap, resets, reconnects, bytes lost, ...) summarised. */
  aggregate: Record<string, Distribution>;
  /** Where it ran: the host check of `failover-lab doctor`, taken before the first repeat. */
  host?: HostReport;
}
