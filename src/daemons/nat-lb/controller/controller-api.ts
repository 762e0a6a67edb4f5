// The controller's own API: GET /status (assignment VIP → balancer, balancer health and mode
// tables, the move in progress, the last moves) and POST /move {vip, to}, which answers when
// the move is done or rolled back, so a scenario can trigger a planned move and read its fate.
import { z } from 'zod';
import { fail, ok, route, type Route } from '../../shared/json-api.js';
import { MoveRefused, type NatController } from './controller.js';

const moveRequestSchema = z
  .object({ vip: z.string().regex(/^(\d{1,3})(\.\d{1,3}){3}$/, 'expected an IPv4 address'), to: z.string().min(1) })
  .strict();

export const controllerRoutes = (controller: NatController): Route[] => [
  route({ method: 'GET', path: '/status', handle: () => ok(controller.status()) }),
  route({
    method: 'POST',
    path: '/move',
    body: moveRequestSchema,
    handle: async ({ body }) => {
      try {
        const result = await controller.requestMove(body.vip, body.to);
        return { code: result.state === 'done' ? 200 : 502, body: result };
      } catch (e) {
        if (e instanceof MoveRefused) return fail(e.code, e.message);
        throw e;
      }
    },
  }),
];
