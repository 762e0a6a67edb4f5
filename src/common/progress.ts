// Long lab steps report progress through this interface; the CLI plugs in a spinner on a
// terminal, tests and CI get plain lines. Timings are returned so benchmarks need no clock of their own.
import { systemClock, type Clock } from './clock.js';

export interface StepTiming {
  step: string;
  ms: number;
}

export interface Progress {
  /** Runs one named step, reporting start, success (with duration) or failure. */
  step<T>(title: string, fn: () => Promise<T>): Promise<T>;
  readonly timings: StepTiming[];
}

export const createPlainProgress = (write?: (line: string) => void, clock: Clock = systemClock): Progress => {
  const timings: StepTiming[] = [];
  return {
    timings,
    async step<T>(title: string, fn: () => Promise<T>): Promise<T> {
      const started = clock.monotonicMs();
      try {
        const value = await fn();
        const ms = clock.monotonicMs() - started;
        timings.push({ step: title, ms });
        write?.(`✓ ${title} (${Math.round(ms)} ms)`);
        return value;
      } catch (error) {
        write?.(`✗ ${title}`);
        throw error;
      }
    },
  };
};

export const silentProgress = (): Progress => createPlainProgress();
