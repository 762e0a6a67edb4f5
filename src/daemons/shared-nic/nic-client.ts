// The device API's client, for the agent and the operator's command line: one POST with the
// bearer token; a refusal comes back as the device's code and reason, never thrown away.
import type { NicPath, NicReply, NicRequest } from './protocol.js';

export type NicAnswer = { ok: true; reply: NicReply } | { ok: false; code: number; reason: string };

export const postCommand = async <P extends NicPath>(
  device: string,
  token: string,
  path: P,
  body: NicRequest<P>,
  timeoutMs = 2000,
): Promise<NicAnswer> => {
  const res = await fetch(`http://${device}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const json = (await res.json().catch(() => ({}))) as { error?: string } & NicReply;
  return res.ok ? { ok: true, reply: json } : { ok: false, code: res.status, reason: json.error ?? res.statusText };
};
