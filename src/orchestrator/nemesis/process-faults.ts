// Faults on processes and arbitrary commands inside a node.
import { systemClock, type Clock } from '../../common/clock.js';
import { once, sh, type Nemesis, type NemesisContext } from './nemesis.js';

export interface KillProcessSpec {
  node: string;
  /** pkill -f pattern, or `probe-server` for the scenario's probe server. */
  match: string;
  signal: 'KILL' | 'TERM' | 'INT' | 'STOP';
  /** Shell command that brings the process back (not needed for `probe-server`). */
  restart?: string;
}

/**
 * The kill and the node's clock right after it, in one exec: the exec's own round trip (10–30 ms
 * on a loaded host) must not be dated as part of the fault. The pattern travels base64-encoded,
 * because a shell whose command line contained it would be matched (and killed) by pkill -f.
 */
export const pkillStampArgv = (pattern: string, signal: string): string[] => [
  'sh',
  '-c',
  `pkill -${signal} -f "$(echo ${Buffer.from(pattern).toString('base64')} | base64 -d)" && date +%s%3N`,
];

/** The wall-clock ms `pkillStampArgv` printed, if it printed one. */
export const killedAt = (output: string): number | undefined => {
  const ms = Number(output.trim().split('\n').pop());
  return Number.isSafeInteger(ms) && ms > 0 ? ms : undefined;
};

export const killProcessNemesis = (ctx: NemesisContext, spec: KillProcessSpec): Nemesis => {
  const isProbe = spec.match === 'probe-server';
  const pattern = isProbe ? ctx.probeServerPattern : spec.match;
  const pkill = (signal: string) => ctx.lab.execOk(spec.node, pkillStampArgv(pattern, signal));
  const bringBack = once(async () => {
    if (spec.signal === 'STOP') await pkill('CONT');
    else if (isProbe) await ctx.restartProbeServer(spec.node);
    else if (spec.restart) await sh(ctx.lab, spec.node, spec.restart);
  });
  return {
    fault: 'kill-process',
    targets: [spec.node],
    detail: `SIG${spec.signal} to '${isProbe ? 'probe server' : spec.match}' on ${spec.node}`,
    async start() {
      // pkill exits 1 when nothing matched: the scenario aimed at a process that is not there.
      const stamp = killedAt(await pkill(spec.signal));
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
  return {
    fault: 'command',
    targets: [node],
    detail: `${node}: ${run}${undo ? ` (undo: ${undo})` : ''}`,
    // The fault starts when its command does: a command that drives a change (a VIP move) acts
    // while it runs, and the history must date its effects after the fault's start.
    async start() {
      const launched = clock.nowMs();
      await sh(ctx.lab, node, run);
      revert.arm();
      return launched;
    },
    heal: revert.heal,
  };
};
