// Progress on a terminal: a spinner per step (ora), finished with ✔/✖ and the step's time.
// Off a terminal (CI, pipes) the plain line reporter is used instead.
import ora from 'ora';
import { systemClock, type Clock } from '../common/clock.js';
import { createPlainProgress, type Progress, type StepTiming } from '../common/progress.js';

export const createTerminalProgress = (stream: NodeJS.WriteStream = process.stderr, clock: Clock = systemClock): Progress => {
  if (!stream.isTTY) return createPlainProgress((line) => stream.write(line + '\n'));
  const timings: StepTiming[] = [];
  return {
    timings,
    async step<T>(title: string, fn: () => Promise<T>): Promise<T> {
      const spinner = ora({ text: title, stream }).start();
      const started = clock.monotonicMs();
      try {
        const value = await fn();
        const ms = clock.monotonicMs() - started;
        timings.push({ step: title, ms });
        spinner.succeed(`${title} (${Math.round(ms)} ms)`);
        return value;
      } catch (error) {
        spinner.fail(title);
        throw error;
      }
    },
  };
};
