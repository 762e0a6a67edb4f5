// Pure: the optional automatic switch's failure count per port (off by default; the patent
// switches by command only). A port fails over after `failures` failed checks in a row of the
// same active server; a success, or another active server, starts the count again.
export class HealthTrack {
  private readonly runs = new Map<number, { server: string; failed: number }>();

  constructor(private readonly failures: number) {}

  /** Records one check of `server` (active on `port`); true when the port must switch now. */
  record(port: number, server: string, healthy: boolean): boolean {
    const run = this.runs.get(port);
    const failed = healthy ? 0 : (run && run.server === server ? run.failed : 0) + 1;
    this.runs.set(port, { server, failed });
    if (failed < this.failures) return false;
    this.runs.delete(port);
    return true;
  }

  forget(port: number): void {
    this.runs.delete(port);
  }

  /** Whether some port has failed checks that have not yet decided (neither a success nor a switch). */
  suspect(): boolean {
    for (const run of this.runs.values()) if (run.failed > 0) return true;
    return false;
  }
}

/** What one round of checks saw of the held refusals (resets of connection requests). */
export interface RoundOfHold {
  /** Held when the round started (it judged the servers after these). */
  heldAtStart: number;
  /** Held now. */
  heldNow: number;
  /** Whether this round switched a port (its refusing active replaced). */
  switched: boolean;
  /** Whether this round was itself the re-check `check-again` asked for. */
  rerun: boolean;
}

/**
 * After a round of checks, the held refusals are let go (their clients retry at once and meet
 * the port's active server as it is now) unless the count of a port is still running (the next
 * round decides: switch or success). A round that switched has replaced the refusing server:
 * at once. Refusals that came during a round that switched nothing were not judged by it,
 * whose checks may have started before the server died: one immediate round more; a second
 * would only chase a server that keeps refusing.
 */
export const afterRound = (seen: RoundOfHold, suspect: boolean): 'none' | 'hold' | 'check-again' | 'release' => {
  if (seen.heldNow === 0) return 'none';
  if (suspect) return 'hold';
  if (seen.switched) return 'release';
  if (seen.heldNow > seen.heldAtStart && !seen.rerun) return 'check-again';
  return 'release';
};
