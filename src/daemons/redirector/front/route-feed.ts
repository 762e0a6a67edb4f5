// Table 111 fed from the kernel: one ctnetlink dump of the VIP's entries to start (and again
// whenever events were lost), then conntrack's events, drained every routes.refreshMs. Only what
// changed is read: a dump every refresh re-read every entry, closed ones included (2,000
// connections a second leave 240,000 TIME_WAIT entries over their 120 s), and its cost grew
// with the table. Both are decoded in place into the table's columns (no object per entry).
import { Conntrack } from '../../../kernel/ctnetlink.js';
import { ConntrackEvents } from '../../../kernel/ctnetlink-events.js';
import type { AssignedRoutes } from './assigned-routes.js';

export interface FeedResult {
  /** Events applied. */
  events: number;
  /** Rebuilt from a dump (at the start, or because events were lost): how many entries it read. */
  dumped?: number;
}

export class RouteFeed {
  private readonly conntrack = new Conntrack();
  private events: ConntrackEvents | undefined;

  constructor(private readonly vip: string) {}

  /** Subscribes first, then dumps: whatever changes during the dump arrives as events after it. */
  start(routes: AssignedRoutes): FeedResult {
    this.events = new ConntrackEvents();
    return { events: 0, dumped: this.rebuild(routes) };
  }

  /** Applies the events queued since the last refresh; rebuilds from a dump after an overrun. */
  refresh(routes: AssignedRoutes): FeedResult {
    if (!this.events) return this.start(routes);
    const drained = this.events.drain((f) => routes.observe(f));
    if (!drained.overrun) return { events: drained.events };
    // Events were lost: the table may be wrong anywhere. Those queued meanwhile are older than
    // the dump; applying them after it would do no harm either, but they are dropped unread.
    this.events.drain(() => undefined);
    return { events: drained.events, dumped: this.rebuild(routes) };
  }

  close(): void {
    this.events?.close();
    this.conntrack.close();
  }

  private rebuild(routes: AssignedRoutes): number {
    routes.beginRebuild();
    const n = this.conntrack.dumpEach({ origDst: this.vip }, (f) => routes.observe(f));
    routes.endRebuild();
    return n;
  }
}
