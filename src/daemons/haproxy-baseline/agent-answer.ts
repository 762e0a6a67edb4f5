// Pure: what a back end's HAProxy agent answers (agent-check protocol: one line, then close).
// The load is the same synthetic metric the redirector's backend-agent reads; at or above the
// redirector's threshold the server asks for half its configured weight (2 → 1: the
// redirector's one step down), below it for all of it. HAProxy's health check connects to the
// same port, so the agent answering is the back end being alive, as the redirector's agent
// reporting is.

/** The load file's text as a number; absent or unreadable is 0, as for the redirector's agent. */
export const parseLoad = (text: string | undefined): number => {
  const load = Number((text ?? '').trim());
  return Number.isFinite(load) && load >= 0 ? load : 0;
};

export const agentAnswer = (load: number, threshold: number): string => (load >= threshold ? 'up 50%\n' : 'up 100%\n');
