// One place to discover every built-in check: `Checks.maxGap(2300)`, `Checks.never({...})`.
import { arpOwnerAfter } from './arp-owner-after.js';
import { arpSilentWhileStandby } from './arp-silent-while-standby.js';
import { backendCounts } from './backend-counts.js';
import { noPacketsAfter } from './no-packets-after.js';
import { singleArpOwner } from './single-arp-owner.js';
import { arpLoserSilent, splitBrainOver } from './split-brain-checks.js';
import { gapMatchesFault } from './fault-gap-check.js';
import { composeCheckers } from './checker.js';
import { customInvariant } from './custom-invariant.js';
import { gapBeyondDetection } from './detection-gap-check.js';
import { detectionWithin } from './detection-time-check.js';
import { eventCount, never } from './event-count.js';
import { flowGap, flowReconnects, flowResets } from './flow-checks.js';
import { flowMatchesProbe } from './flow-probe-agreement.js';
import { gapPercentile, gapWithin, keptStreamsMaxGap, maxGap } from './gap-checks.js';
import { gapStarts } from './gap-start-check.js';
import { natTables } from './nat-tables-check.js';
import { stallDetectedWithin } from './stall-check.js';
import { bytesCorrupt, bytesDuplicated, bytesLost, bytesReordered, handshakeFailures, reconnects, resets } from './stream-bound.js';
import { noFailedStreams, streamsEstablished } from './stream-health.js';

export const Checks = {
  maxGap,
  keptStreamsMaxGap,
  gapPercentile,
  gapStarts,
  gapWithin,
  gapMatchesFault,
  gapBeyondDetection,
  detectionWithin,
  resets,
  reconnects,
  bytesLost,
  bytesDuplicated,
  bytesCorrupt,
  bytesReordered,
  handshakeFailures,
  noFailedStreams,
  streamsEstablished,
  stallDetectedWithin,
  eventCount,
  never,
  customInvariant,
  singleArpOwner,
  arpSilentWhileStandby,
  arpOwnerAfter,
  splitBrainOver,
  arpLoserSilent,
  natTables,
  backendCounts,
  noPacketsAfter,
  flowGap,
  flowResets,
  flowReconnects,
  flowMatchesProbe,
  compose: composeCheckers,
} as const;

export type { ArpOwnerAfterSpec } from './arp-owner-after.js';
export type { ArpSilentWhileStandbySpec } from './arp-silent-while-standby.js';
export type { SingleArpOwnerSpec } from './single-arp-owner.js';
export type { ArpLoserSilentSpec, SplitBrainOverSpec } from './split-brain-checks.js';
export type { Checker, ComposedChecker, ComposedResult } from './checker.js';
export { checkSafe, composeCheckers, mergeValidity, runCheckers } from './checker.js';
export type { EntryFilter, EventCountSpec } from './event-count.js';
export type { GapShape } from './gap-checks.js';
export type { FlowCountSpec, FlowGapSpec, FlowScope } from './flow-checks.js';
export type { NatTablesSpec } from './nat-tables-check.js';
export type { BackendCountsSpec } from './backend-counts.js';
export type { NoPacketsAfterSpec } from './no-packets-after.js';
export type { InvariantFn } from './custom-invariant.js';
export type { StreamScope } from './stream-select.js';
