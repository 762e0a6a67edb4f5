// conntrack's event groups over ctnetlink: every new, updated (a TCP state change among them)
// and destroyed entry of the network namespace, as the kernel announces it. A reader keeping a
// copy of the table applies them in order after one dump; the socket reports an overrun (the
// kernel dropped events because nobody read them in time), after which the copy must be
// rebuilt from a fresh dump. Reads never block: the caller drains at its own pace.
import { EntryFields, eachEntry } from './ctnetlink-dump.js';
import { NETLINK_NETFILTER, NetlinkOverrun, NetlinkSocket } from './netlink-socket.js';

/** NFNLGRP_CONNTRACK_NEW, _UPDATE, _DESTROY (linux/netfilter/nfnetlink.h) as nl_groups bits. */
const GROUP_NEW = 1 << 0;
const GROUP_UPDATE = 1 << 1;
const GROUP_DESTROY = 1 << 2;

export interface DrainResult {
  /** Events visited. */
  events: number;
  /** Events were lost before this drain: whatever was built from them is stale. */
  overrun: boolean;
}

export class ConntrackEvents {
  private readonly socket: NetlinkSocket;
  private readonly fields = new EntryFields();

  /** Joins the groups now: events from here on queue in the socket (`receiveBufferBytes` of them). */
  constructor(receiveBufferBytes = 16 << 20) {
    this.socket = new NetlinkSocket(NETLINK_NETFILTER, receiveBufferBytes, undefined, {
      groups: GROUP_NEW | GROUP_UPDATE | GROUP_DESTROY,
      reportOverruns: true,
    });
  }

  /**
   * Visits every queued event (decoded in place, from a buffer the next read reuses: `visit` keeps
   * nothing of it; `f.deleted` for a destroyed entry) and returns
   * at the first empty read. An overrun is reported once, then reading goes on with what came after.
   */
  drain(visit: (f: EntryFields) => void): DrainResult {
    const out: DrainResult = { events: 0, overrun: false };
    for (;;) {
      let datagram: Buffer | undefined;
      try {
        datagram = this.socket.receiveInPlace();
      } catch (e) {
        if (!(e instanceof NetlinkOverrun)) throw e;
        out.overrun = true;
        continue;
      }
      if (!datagram) return out;
      eachEntry(datagram, undefined, this.fields, (f) => {
        out.events++;
        visit(f);
      });
    }
  }

  close(): void {
    this.socket.close();
  }
}
