// Options and output shared by several commands.
import { Option } from 'commander';
import { RERUNS_ENV, DEFAULT_RERUNS } from '../orchestrator/runner/rerun-policy.js';

export const out = (text: string): void => void process.stdout.write(text);

export const runtimeOption = (): Option =>
  new Option('--runtime <name>', 'container engine').choices(['docker', 'containerlab']).default('docker');

export const rerunsOption = (): Option =>
  new Option(
    '--reruns <n>',
    `reruns of a failed repeat; a pass on a rerun is FLAKY (default: $${RERUNS_ENV}, else the scenario's reruns, else ${DEFAULT_RERUNS})`,
  );

export const countArg = (v: string): number => Number(v);
