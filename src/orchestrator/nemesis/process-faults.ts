// Faults on processes and arbitrary commands inside a node.
import { systemClock, type Clock } from '../../common/clock.js';
import { armCommand, releaseOrRun, type ArmedCommand } from '../../lab/armed-command.js';
import { once, sh, type Nemesis, type NemesisContext } from './nemesis.js';

export interface KillProcessSpec {
  node: string;
  /** pgrep -f pattern, or `probe-server` for the scenario's probe server. */
  match: string;
  signal: 'KILL' | 'TERM' | 'INT' | 'STOP';
  /** Shell command that brings the process back (not needed for `probe-server`). */
  restart?: string;
}

/**
 * The kill and the node's clock right after it, taken by one bash process without a fork between
 * them: `kill` and `$EPOCHREALTIME` are built-ins, so neither the exec's round trip (10–30 ms on a
 * loaded host) nor the start of a `date` process (4–18 ms) is dated as part of the fault. The
 * pattern travels base64-encoded, because a shell whose command line contained it would be matched
 * by pgrep -f; the shell's own PID is dropped from pgrep's answer all the same, so a pattern that
 * happens to match the script never kills the shell before it prints the stamp. Exits 1 (and
 * prints nothing) when nothing matched.
 */
export const killStampArgv = (pattern: string, signal: string): string[] => [
  'bash',
  '-c',
  [
    `p="$(echo ${Buffer.from(pattern).toString('base64')} | base64 -d)"`,
    'pids=()',
    'for x in $(pgrep -f -- "$p"); do [ "$x" = "$$" ] || pids+=("$x"); done',
    '[ ${#pids[@]} -gt 0 ] || exit 1',
    `kill -${signal} "\${pids[@]}"`,
    't=$EPOCHREALTIME',
    'echo "$t"',
  ].join('; '),
];

/**
 * The wall-clock ms (microsecond fraction kept) that `killStampArgv` printed, if it printed one.
 * `$EPOCHREALTIME` is seconds with six decimals after the locale's decimal point ('.' or ',').
 */
export const killedAt = (output: string): number | undefined => {
  const m = /^(\d{9,})[.,](\d{6})$/.exec(output.trim().split('\n').pop() ?? '');
  if (!m) return undefined;
  return Number(m[1]) * 1000 + Number(m[2]) / 1000;
};

export const killProcessNemesis = (ctx: NemesisContext, spec: KillProcessSpec): Nemesis => {
  const isProbe = spec.match === 'probe-server';
  const pattern = isProbe ? ctx.probeServerPattern : spec.match;
  const signalAll = (signal: string) => ctx.lab.execOk(spec.node, killStampArgv(pattern, signal));
  const bringBack = once(async () => {
    if (spec.signal === 'STOP') await signalAll('CONT');
    else if (isProbe) await ctx.restartProbeServer(spec.node);
    else if (spec.restart) await sh(ctx.lab, spec.node, spec.restart);
  });
  return {
    fault: 'kill-process',
    targets: [spec.node],
    detail: `SIG${spec.signal} to '${isProbe ? 'probe server' : spec.match}' on ${spec.node}`,
    async start() {
      // Exits 1 when nothing matched: the scenario aimed at a process that is not there.
      const stamp = killedAt(await signalAll(spec.signal));
      bringBack.arm();
      return stamp;
    },
    heal: bringBack.heal,
  };
};

export const commandNemesis = (ctx: NemesisContext, node: string, run: string, undo?: string, clock: Clock = systemClock): Nemesis => {
  const revert = once(async () => {
    if (undo) await sh(ctx.lab, node, undo);
  });
  // Armed in the node ahead of the trigger (lab/armed-command.ts); undefined when arming failed.
  let armed: Promise<ArmedCommand | undefined> | undefined;
  return {
    fault: 'command',
    targets: [node],
    detail: `${node}: ${run}${undo ? ` (undo: ${undo})` : ''}`,
    prepare() {
      armed = armCommand(ctx.lab, node, run, clock).catch(() => undefined);
    },
    // The fault starts when its command does: a command that drives a change (a VIP move) acts
    // while it runs, and the history must date its effects after the fault's start.
    async start() {
      const released = await releaseOrRun(armed, () => sh(ctx.lab, node, run), clock);
      armed = undefined;
      await released.done;
      revert.arm();
      return released.at;
    },
    async heal() {
      const unused = await armed;
      armed = undefined;
      unused?.cancel();
      await revert.heal();
    },
  };
};
