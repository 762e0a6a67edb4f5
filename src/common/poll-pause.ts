// The pause between two reads of a socket read without blocking (raw and capture sockets, which
// Node cannot watch): answers on a LAN arrive within a millisecond or two, and setTimeout(1)
// sleeps 1–2 ms, so the first `spinMs` poll every event-loop turn, then every millisecond.
export const pollPause = (startedMs: number, spinMs: number): Promise<void> =>
  new Promise((resolve) => {
    if (performance.now() - startedMs < spinMs) setImmediate(resolve);
    else setTimeout(resolve, 1);
  });
