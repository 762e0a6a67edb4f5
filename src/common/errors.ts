// One error base with a stable machine-readable `code`, so the CLI can map failures to exit
// codes and tests can assert on kinds of failure rather than on message wording.

export class TestbedError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Where in a source file a problem sits; lines and columns are 1-based. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** Bad input in a topology (or any YAML input file): always names file, line and problem. */
export class InputFileError extends TestbedError {
  readonly position: SourcePosition;
  readonly problem: string;
  constructor(code: string, position: SourcePosition, problem: string) {
    super(code, `${position.file}:${position.line}:${position.column}: ${problem}`);
    this.position = position;
    this.problem = problem;
  }
}

export class TopologyError extends InputFileError {
  constructor(position: SourcePosition, problem: string) {
    super('TOPOLOGY_INVALID', position, problem);
  }
}

/** The container engine refused or failed an operation. */
export class ContainerRuntimeError extends TestbedError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('CONTAINER_RUNTIME', message, options);
  }
}

/** A kernel tool (ip, nft, ethtool, ...) exited non-zero. */
export class KernelCommandError extends TestbedError {
  readonly command: string;
  readonly stderr: string;
  readonly exitCode: number | undefined;
  constructor(command: string, stderr: string, exitCode: number | undefined, options?: { cause?: unknown }) {
    super(
      'KERNEL_COMMAND',
      `\`${command}\` failed${exitCode === undefined ? '' : ` (exit ${exitCode})`}: ${stderr.trim() || 'no output'}`,
      options,
    );
    this.command = command;
    this.stderr = stderr;
    this.exitCode = exitCode;
  }
}

/** A lab-level operation failed (deploy, destroy, node stop/start, exec). */
export class LabError extends TestbedError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('LAB', message, options);
  }
}

export class WaitTimeoutError extends TestbedError {
  constructor(what: string, timeoutMs: number) {
    super('WAIT_TIMEOUT', `timed out after ${timeoutMs} ms waiting for ${what}`);
  }
}

/** The operation was cancelled through its AbortSignal (SIGINT, test timeout, ...). */
export class AbortedError extends TestbedError {
  constructor(what: string) {
    super('ABORTED', `${what} was interrupted`);
  }
}

export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
