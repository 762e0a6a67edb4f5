// The remote command of an SSH `stream` session, run by sshd in the server node:
//   node /opt/failover-lab/dist/src/probe/ssh/pattern-source.js STREAM RATE DURATION_S
// writes the probe's pattern of STREAM from offset 0 to stdout at RATE bytes/s for DURATION_S
// seconds, then exits 0: every byte the client receives is checked against the same pattern.
import { MAX_SLICE, patternSlice, streamShift } from '../byte-pattern.js';
import { RateBudget } from './rate-budget.js';

const TICK_MS = 5;

const [stream, rate, seconds] = process.argv.slice(2).map(Number);
if (
  process.argv.length !== 5 ||
  !Number.isInteger(stream) ||
  stream! < 0 ||
  !Number.isFinite(rate) ||
  rate! < 0 ||
  !Number.isFinite(seconds) ||
  seconds! <= 0 ||
  seconds! > 3600
) {
  process.stderr.write('usage: pattern-source.js STREAM RATE_BYTES_PER_S DURATION_S (≤ 3600)\n');
  process.exit(2);
}

const shift = streamShift(stream!);
const start = Date.now();
const budget = new RateBudget(rate!, start);
let offset = 0;
let blocked = false;

const pump = (): void => {
  if (blocked) return;
  if (Date.now() - start >= seconds! * 1000) {
    clearInterval(timer);
    process.stdout.end(() => process.exit(0));
    return;
  }
  // Unlimited rate: a bounded batch per tick, so the end of the run is noticed.
  for (let n = budget.take(Date.now(), 64 * MAX_SLICE); n > 0;) {
    const len = Math.min(n, MAX_SLICE);
    const more = process.stdout.write(patternSlice(stream!, offset, len, shift));
    offset += len;
    n -= len;
    if (!more) {
      blocked = true;
      process.stdout.once('drain', () => {
        blocked = false;
      });
      return;
    }
  }
};

const timer = setInterval(pump, TICK_MS);
// The client went away (its session died): nothing to write to any more.
process.stdout.on('error', () => process.exit(1));
