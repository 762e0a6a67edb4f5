// `--runtime containerlab`: the same topology files through the real containerlab binary.
// The argument builders are pure (unit-tested); the driver only runs them.
import { execa } from 'execa';
import { LabError } from '../../common/errors.js';

export interface ContainerlabDeployOptions {
  reconfigure?: boolean;
}
export type ContainerlabTarget = { topologyFile: string } | { all: true };

const targetArgs = (target: ContainerlabTarget): string[] => ('all' in target ? ['--all'] : ['-t', target.topologyFile]);

export const containerlabDeployArgs = (topologyFile: string, options: ContainerlabDeployOptions = {}): string[] => [
  'deploy',
  '-t',
  topologyFile,
  ...(options.reconfigure ? ['--reconfigure'] : []),
];

/** `--cleanup` removes the lab folder too, matching what our own destroy leaves (nothing). */
export const containerlabDestroyArgs = (target: ContainerlabTarget): string[] => ['destroy', ...targetArgs(target), '--cleanup'];

export const containerlabInspectArgs = (target: ContainerlabTarget, format: 'table' | 'json'): string[] => [
  'inspect',
  ...targetArgs(target),
  '--format',
  format,
];

export class ContainerlabDriver {
  constructor(private readonly binary = 'containerlab') {}

  private async run(args: string[], capture: boolean): Promise<string> {
    const result = await execa(this.binary, args, { reject: false, stdio: capture ? 'pipe' : 'inherit' });
    if (result.failed) {
      if ((result as { code?: string }).code === 'ENOENT') {
        throw new LabError(`the containerlab binary '${this.binary}' is not on PATH; install containerlab or use --runtime docker`);
      }
      throw new LabError(
        `\`${this.binary} ${args.join(' ')}\` exited ${result.exitCode}${capture ? ': ' + String(result.stderr).trim() : ''}`,
      );
    }
    return capture ? String(result.stdout) : '';
  }

  deploy(topologyFile: string, options: ContainerlabDeployOptions = {}): Promise<string> {
    return this.run(containerlabDeployArgs(topologyFile, options), false);
  }

  destroy(target: ContainerlabTarget): Promise<string> {
    return this.run(containerlabDestroyArgs(target), false);
  }

  inspect(target: ContainerlabTarget, format: 'table' | 'json'): Promise<string> {
    return this.run(containerlabInspectArgs(target, format), true);
  }
}
