// A node's `exec` commands: run in order after its links are up, output kept in the lab
// folder (as containerlab prints it) and returned, and the first failure stops the node's list.
import { mkdir, appendFile } from 'node:fs/promises';
import path from 'node:path';
import { LabError } from '../common/errors.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import type { PlannedNode } from './lab-plan.js';
import { splitCommandLine } from './split-command.js';

export interface ExecOutput {
  node: string;
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export const runNodeExecs = async (
  runtime: ContainerRuntime,
  node: PlannedNode,
  labDir: string,
  signal?: AbortSignal,
): Promise<ExecOutput[]> => {
  const outputs: ExecOutput[] = [];
  if (node.spec.exec.length === 0) return outputs;
  const logDir = path.join(labDir, node.spec.name);
  await mkdir(logDir, { recursive: true });
  for (const command of node.spec.exec) {
    signal?.throwIfAborted();
    const result = await runtime.exec(node.container, splitCommandLine(command), signal ? { signal } : {});
    const output = { node: node.spec.name, command, ...result };
    outputs.push(output);
    await appendFile(path.join(logDir, 'exec.log'), `$ ${command}\n${result.stdout}${result.stderr}[exit ${result.exitCode}]\n`);
    if (result.exitCode !== 0) {
      throw new LabError(
        `node '${node.spec.name}': exec \`${command}\` exited ${result.exitCode}: ${(result.stderr || result.stdout).trim() || 'no output'}`,
      );
    }
  }
  return outputs;
};
