// Pure: whether a requested move (POST /move) can be taken at all, judged before anything moves.
// Apart from the controller's shell: the API turns the refusal into its status code, and the
// rules read as one list.
import type { Health } from './failure-detector.js';
import type { MoveResult } from './move-queue.js';

/** Refused before anything moved: unknown VIP or balancer (404), or not possible now (409). */
export class MoveRefused extends Error {
  constructor(
    readonly code: 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

export interface MoveRequestView {
  balancers: readonly string[];
  assignment: ReadonlyMap<string, string>;
  health: (balancer: string) => Health;
  isMoving: (vip: string) => boolean;
}

/** Throws MoveRefused when moving `vip` to `to` is unknown or impossible now. */
export const checkMoveRequest = (vip: string, to: string, v: MoveRequestView): void => {
  if (!v.balancers.includes(to)) throw new MoveRefused(404, `no balancer '${to}'; known: ${v.balancers.join(', ')}`);
  const owner = v.assignment.get(vip);
  if (owner === undefined)
    throw new MoveRefused(404, `no VIP ${vip} with a known owner; known: ${[...v.assignment.keys()].join(', ') || 'none yet'}`);
  if (owner === to) throw new MoveRefused(409, `${vip} is already on ${to}`);
  if (v.health(to) !== 'alive') throw new MoveRefused(409, `balancer ${to} is ${v.health(to)}`);
  if (v.health(owner) !== 'alive') throw new MoveRefused(409, `${vip}'s owner ${owner} is ${v.health(owner)}; failover moves it`);
  if (v.isMoving(vip)) throw new MoveRefused(409, `${vip} is already moving`);
};

/** A queued request refused when its turn came: the VIP changed hands, or `to` died, meanwhile. */
export const lateRefusal = (vip: string, from: string | undefined, to: string): MoveResult => ({
  vip,
  from: from ?? null,
  to,
  state: 'refused',
  owner: from ?? null,
  failedStep: null,
  error: 'ownership changed before the move could start',
  rows: 0,
  ms: 0,
});
