// Pure: GET /status — both tables (112, whether it follows the active front end's, with the removed members waiting for a re-add, 111 with
// its counts per service and back end and every route), each back end's health and load.
import type { RedirectorCore } from './redirector-core.js';

/** Routes listed in full up to this many; beyond, only the counts (a 100,000-route table is 10 MB of JSON). */
const MAX_LISTED_ROUTES = 5000;

export const statusBody = (core: RedirectorCore, nowMs: number, refused?: ReadonlyMap<string, number>) => {
  const count = core.routes.size;
  return {
    forwarding: core.table.snapshot(),
    /** A standby of a pair: 112 is the active's, as last read; admin changes go to the active. */
    following: core.following,
    removed: core.table.removed(),
    assigned: {
      count,
      counts: core.routes.counts(),
      routes: count <= MAX_LISTED_ROUTES ? core.routes.list() : undefined,
    },
    backends: core.health.snapshot(nowMs).map((h) => ({ ...h, load: core.loadOf(h.backend) })),
    refusedMessages: Object.fromEntries(refused ?? []),
  };
};
