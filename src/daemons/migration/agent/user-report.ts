// Embodiment 3's load monitor input, on the main server: every `everyMs` the agent reads which
// named users hold a connection to the service (/proc/net/tcp, no process spawned) and tells the
// coordinator of each arrival and departure (POST /user). The coordinator answers a report that
// triggers the load migration only when that migration has ended, so the call may take as long
// as a migration; the next look waits for it.
import { z } from 'zod';
import { errorMessage } from '../../../common/errors.js';
import { serviceClients } from '../../../kernel/proc-net-tcp.js';
import type { EmitEvent } from '../../shared/event-log.js';
import { callJson } from '../../shared/http-call.js';
import type { AgentConfig } from './agent-config.js';
import { UserCensus } from './user-census.js';

/** Long enough for the migration a report may start (the coordinator answers at its end). */
const REPORT_TIMEOUT_MS = 60_000;
const userReply = z.object({ triggered: z.boolean().optional() }).passthrough();

export const startUserReport = (report: NonNullable<AgentConfig['userReport']>, emit: EmitEvent): { stop(): void } => {
  const census = new UserCensus(report.users);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let lastProblem = '';
  const look = async () => {
    try {
      for (const change of census.changes(await serviceClients(report.vip, report.port))) {
        const reply = await callJson(
          'coordinator /user',
          `http://${report.coordinator}/user`,
          report.token,
          { method: 'POST', body: { name: change.user, action: change.action } },
          REPORT_TIMEOUT_MS,
          userReply,
        );
        census.reported(change);
        emit('user-reported', { user: change.user, action: change.action, present: census.present(), triggered: reply.triggered ?? false });
      }
      lastProblem = '';
    } catch (e) {
      // Said once per distinct problem, not every look; the change is reported again next time.
      const problem = errorMessage(e);
      if (problem !== lastProblem) emit('user-report-failed', { error: problem });
      lastProblem = problem;
    }
    if (!stopped) timer = setTimeout(() => void look(), report.everyMs);
  };
  void look();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
};
