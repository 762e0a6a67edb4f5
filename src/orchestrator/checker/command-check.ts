// Checks on a `command` workload's result: its exit status and its output. The runner records
// each command's end as a daemon entry (daemon: the workload's name, event `command-exit`,
// data: role, exitCode, timedOut, durationMs, stdout, stderr — each output cut to its last
// COMMAND_OUTPUT_KEPT characters, the whole of it in the run folder).
import type { DaemonEntry, RunHistory } from '../history/history-types.js';
import type { CheckResult, Checker } from './checker.js';

export const COMMAND_EXIT_EVENT = 'command-exit';

export interface CommandCheckSpec {
  workload: string;
  /** Whose result: the client's (default) or the server's. */
  role?: 'client' | 'server';
  /** Wanted exit status (default 0). */
  exitCode?: number;
  /** Regular expressions the output must match (JavaScript syntax; backreferences compare two numbers in it). */
  stdout?: string;
  stderr?: string;
}

const outputOf = (e: DaemonEntry, stream: 'stdout' | 'stderr'): string => (typeof e.data[stream] === 'string' ? e.data[stream] : '');

export function commandCheck(spec: CommandCheckSpec): Checker {
  const role = spec.role ?? 'client';
  const want = spec.exitCode ?? 0;
  const name = `command ${spec.workload} ${role}`;
  return {
    name,
    check(history: RunHistory): CheckResult {
      const ends = history.entries.filter(
        (e): e is DaemonEntry =>
          e.kind === 'daemon' && e.daemon === spec.workload && e.event === COMMAND_EXIT_EVENT && e.data.role === role,
      );
      if (ends.length !== 1)
        return { name, valid: false, detail: `${ends.length} results of the ${role} command of workload '${spec.workload}', want 1` };
      const end = ends[0]!;
      const problems: string[] = [];
      if (end.data.timedOut === true) problems.push(`timed out after ${String(end.data.durationMs)} ms`);
      if (end.data.exitCode !== want) problems.push(`exit status ${String(end.data.exitCode)}, want ${want}`);
      for (const stream of ['stdout', 'stderr'] as const) {
        const pattern = spec[stream];
        if (pattern !== undefined && !new RegExp(pattern, 'm').test(outputOf(end, stream)))
          problems.push(
            `${stream} does not match /${pattern}/ (last line: ${JSON.stringify(outputOf(end, stream).trim().split('\n').pop() ?? '')})`,
          );
      }
      const took = `${String(end.data.durationMs)} ms`;
      if (problems.length > 0) return { name, valid: false, detail: `${problems.join('; ')} (ran ${took})` };
      const matched = [spec.stdout && 'stdout', spec.stderr && 'stderr'].filter(Boolean).join(' and ');
      return { name, valid: true, detail: `exit status ${want} in ${took}${matched ? `; ${matched} matched` : ''}` };
    },
  };
}
