// The copy store's HTTP surface (protocol.ts): PUT /copy from the balancers, GET /copy and
// GET /tcp-table for the controller at failover, GET /status for people and scenarios.
import { z } from 'zod';
import { errorMessage } from '../../../common/errors.js';
import { fail, ok, route, type Route } from '../../shared/json-api.js';
import type { EmitEvent } from '../../shared/event-log.js';
import { copyStoreRequests, type AccessRow } from '../protocol.js';
import type { RowStore } from './row-store.js';

const vipQuery = z.object({ vip: z.string().regex(/^(\d{1,3})(\.\d{1,3}){3}$/, 'expected an IPv4 address') }).strict();

export interface CopyStoreDeps {
  node: string;
  store: RowStore;
  now: () => number;
  emit: EmitEvent;
  /** Variant 1 VIPs and how to read their rows from this server's TCP table. */
  tcpTable?: { vips: readonly string[]; read: (vip: string) => Promise<AccessRow[]> };
}

export const copyStoreRoutes = (deps: CopyStoreDeps): Route[] => {
  const counters = { puts: 0, reads: 0, tcpTableReads: 0, tcpTableErrors: 0 };
  const seen = new Set<string>();
  return [
    route({
      method: 'PUT',
      path: '/copy',
      body: copyStoreRequests['/copy'],
      handle: ({ body }) => {
        counters.puts++;
        deps.store.put(body.balancer, body.vip, body.rows, deps.now());
        // One event per (balancer, VIP) first seen: snapshots arrive many times a second.
        const key = `${body.balancer}|${body.vip}`;
        if (!seen.has(key)) {
          seen.add(key);
          deps.emit('copy-first', { balancer: body.balancer, vip: body.vip, rows: body.rows.length });
        }
        return ok({ balancer: body.balancer, vip: body.vip, stored: body.rows.length });
      },
    }),
    route({
      method: 'GET',
      path: '/copy',
      query: vipQuery,
      handle: ({ query }) => {
        counters.reads++;
        return ok({ vip: query.vip, rows: deps.store.rowsFor(query.vip, deps.now()) });
      },
    }),
    route({
      method: 'GET',
      path: '/tcp-table',
      query: vipQuery,
      handle: async ({ query }) => {
        const table = deps.tcpTable;
        if (!table || !table.vips.includes(query.vip))
          return fail(404, `no TCP table for ${query.vip} here; configured: ${table?.vips.join(', ') || 'none'}`);
        counters.tcpTableReads++;
        try {
          return ok({ vip: query.vip, rows: await table.read(query.vip) });
        } catch (e) {
          counters.tcpTableErrors++;
          return fail(500, `reading the TCP table for ${query.vip}: ${errorMessage(e)}`);
        }
      },
    }),
    route({
      method: 'GET',
      path: '/status',
      handle: () => ok({ node: deps.node, snapshots: deps.store.status(deps.now()), tcpTable: deps.tcpTable?.vips ?? [], counters }),
    }),
  ];
};
