// A daemon's YAML config: parsed with positions and validated strictly, so every error names
// file, line and problem. Returns the source too, for the cross-checks a schema cannot express.
import { hostname } from 'node:os';
import { z } from 'zod';
import { InputFileError } from '../../common/errors.js';
import { parseYaml, type YamlSource } from '../../common/yaml-source.js';
import { zodInputError } from '../../common/zod-input-error.js';

export type ConfigError = (position: InputFileError['position'], problem: string) => InputFileError;

export const configError: ConfigError = (position, problem) => new InputFileError('CONFIG_INVALID', position, problem);

export const parseDaemonConfig = <S extends z.ZodTypeAny>(
  schema: S,
  text: string,
  file: string,
): { data: z.infer<S>; source: YamlSource } => {
  const source = parseYaml(text, file, configError);
  const result = schema.safeParse(source.value);
  if (!result.success) throw zodInputError(result.error.issues[0]!, source, configError);
  return { data: result.data as z.infer<S>, source };
};

/** The node name a daemon reports: the config's, else the host's (a lab node's hostname is its name). */
export const nodeName = (configured: string | undefined): string => configured ?? hostname();

/**
 * The scheduling fields of a daemon's config (applyDaemonScheduling in kernel/process-priority.ts
 * reads them), with each daemon's defaults. The nat-lb daemons default to neither: a realtime process that overruns its node's budget is stopped
 * for the rest of each period (the balancer's bulk work — thousands of NFQUEUE verdicts,
 * conntrack batches — took step 4 from 90 to 450 ms at realtime priority), and in a 200-stream
 * planned move neither realtime for the controller nor nice −10 for the balancers shortened
 * the steps (step 3 100 → 190–220 ms in 2 repeats). Their timing-critical part, the liveness
 * datagrams, has its own realtime thread.
 */
export const schedulingFields = (realtimeDefault: number, niceDefault: number) => ({
  /** Niceness of every thread: below the applications', so the daemon is not starved on a busy node. */
  nice: z.number().int().min(-20).max(19).default(niceDefault),
  /**
   * SCHED_RR priority (1–99) for the whole daemon, 0 for none (keepalived: vrrp_rt_priority).
   * Needs a node with a realtime budget (the scenario runner gives one to daemon nodes); without
   * one the daemon says so in a warning event and runs at `nice`.
   */
  realtimePriority: z.number().int().min(0).max(99).default(realtimeDefault),
});
