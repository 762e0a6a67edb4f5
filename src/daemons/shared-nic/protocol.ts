// The device API's requests (JSON over the authenticated API of daemons/shared/json-api.ts),
// shared by the device that checks them and the agent and operator CLI that send them.
// `server` names the sender: the patent records "the server that sent the command" (§3.3).
import { z } from 'zod';

const server = z.string().regex(/^[\w.-]+$/, 'expected a server name');
const port = z.number().int().min(1).max(65535);
const ip = z.string().regex(/^(\d{1,3})(\.\d{1,3}){3}$/, 'expected an IPv4 address');
const state = z.enum(['active', 'standby']);

export const nicRequests = {
  /** Embodiment 1, application start: accept connections to `ip` on `server`'s behalf. */
  '/register': z.object({ server, ip }).strict(),
  /** Embodiment 1, application stop. */
  '/deregister': z.object({ server, ip }).strict(),
  /** Embodiment 2, application start (S302): a row on `port`, never demoting an active one. */
  '/port/join': z.object({ server, port, state }).strict(),
  /** Embodiment 2, application stop. */
  '/port/leave': z.object({ server, port }).strict(),
  /** Embodiment 2, port-state command (Figure 10): marking active demotes the current active. */
  '/port/state': z.object({ server, port, state }).strict(),
  /** Embodiment 2, the operator's switch command on the standby (Figure 11): both rows at once. */
  '/switch': z.object({ server, port }).strict(),
} as const;

export type NicPath = keyof typeof nicRequests;
export type NicRequest<P extends NicPath> = z.infer<(typeof nicRequests)[P]>;

/** What every command answers with 200: what changed (empty: nothing had to). */
export interface NicReply {
  changes: unknown[];
  note?: string;
}
