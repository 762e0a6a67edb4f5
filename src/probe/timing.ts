// The probe's timing constants and the figures derived from a stream's rate, shared by the
// sending side (how often it writes) and the verifying side (what silence is abnormal).

/** Rate-limited streams are served by one timer; its period is never longer than this... */
export const PACER_TICK_MS = 20;
/** ...nor shorter than this. */
export const MIN_PACER_TICK_MS = 2;
/** Paced writes per second one process allows itself: many streams share a coarser tick. */
const PACED_WRITES_PER_S = 10_000;

/**
 * The pacer's period for `streams` paced streams: as fine as 2 ms for a few streams (a stream's
 * data stops up to one period before a failure, and takeover measurements see that as gap: at
 * 5 ms it was a quarter of a transparent takeover's whole gap beyond detection), as coarse as
 * 20 ms for hundreds, keeping one process under ≈ 10,000 paced writes per second.
 */
export const pacerTickMs = (streams: number): number =>
  Math.min(PACER_TICK_MS, Math.max(MIN_PACER_TICK_MS, Math.ceil((streams * 1000) / PACED_WRITES_PER_S)));
/** A rate-limited stream waits until at least this much is due, so tiny rates don't send 1-byte frames. */
export const MIN_PACED_FRAME = 64;
/** A c2s receiver acknowledges at least every this many bytes... */
export const ACK_EVERY_BYTES = 64 * 1024;
/** ...or this many ms, whichever comes first. */
export const ACK_EVERY_MS = 50;

/**
 * Expected time between DATA arrivals at `rate` bytes/s (0 = unlimited: back to back), when the
 * sender's pacer ticks every `senderTickMs` (unknown — a server serving other clients' streams
 * too —: the coarsest tick).
 */
export const expectedInterFrameMs = (rate: number, senderTickMs: number = PACER_TICK_MS): number =>
  rate <= 0 ? 0 : Math.max(senderTickMs, (MIN_PACED_FRAME / rate) * 1000);

/**
 * The gap threshold in force: never below 3× the expected inter-frame time, so a slow but
 * healthy stream is not a string of gaps. Progress seen through ACKs (c2s) is coarser by up
 * to one ACK period. An echo stream's data is paced by the client itself, which knows its tick
 * (2 ms for a few streams): its gaps can be resolved down to a few ms instead of 60. Two
 * ticks were tried for echoes (a tick that brought nothing back): 200 streams then reported
 * 2–3× as many gaps, each an event on the shared host, and nat-lb's planned move got slower.
 */
export const effectiveGapThresholdMs = (
  configuredMs: number,
  rate: number,
  viaAcks: boolean,
  senderTickMs: number = PACER_TICK_MS,
): number => Math.max(configuredMs, 3 * expectedInterFrameMs(rate, senderTickMs)) + (viaAcks ? ACK_EVERY_MS : 0);

/** The first failed retry's wait (before jitter) unless a client is told otherwise. */
export const RECONNECT_BACKOFF_MS = 50;

/**
 * Reconnect backoff. The first try after an established connection broke (attempt 0) is
 * immediate — what a real client does, and what the gap measurements must not be padded
 * with; failed tries then wait `firstMs` (50 ms) doubling to 1 s, jittered to 50–100 % so
 * 1,000 streams don't stampede. A scenario that measures how soon clients reach a new server
 * may shorten `firstMs`: the wait after a refused try is the client's, not the mechanism's.
 */
export const backoffMs = (attempt: number, random: () => number = Math.random, firstMs: number = RECONNECT_BACKOFF_MS): number => {
  if (attempt <= 0) return 0;
  const base = Math.min(1000, firstMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.5 + 0.5 * random()));
};
