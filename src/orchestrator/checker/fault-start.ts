// Where a fault-relative check measures from: the start of the run's first fault, or of the
// first one with a given id or of a given kind.
import type { FaultEntry, RunHistory } from '../history/history-types.js';

export const faultStart = (history: RunHistory, idOrKind?: string): FaultEntry | undefined =>
  history.entries.find(
    (e): e is FaultEntry =>
      e.kind === 'fault' && e.phase === 'start' && (idOrKind === undefined || e.id === idOrKind || e.fault === idOrKind),
  );
