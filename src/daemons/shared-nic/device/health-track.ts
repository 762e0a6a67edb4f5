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
}
