// Gratuitous ARP through a packet socket (no arping: it waits out its own interval, a second
// per packet here): an ARP request then an ARP reply, both broadcast with sender = target =
// the address, i.e. RFC 5227 announcements, which Linux neighbours take as an update.
import { announcementFrames } from '../../kernel/arp-frame.js';
import { packetSocketFor } from '../../kernel/packet-socket.js';

export interface Announcement {
  address: string;
  iface: string;
  mac: string;
}

/**
 * Each address's first announcement now (resolves once they are out: the addresses answer);
 * the other `count` − 1, `intervalMs` apart, in the returned `rest`, which nobody need wait for.
 */
export const announceNowAndLater = async (
  pairs: readonly Announcement[],
  count: number,
  intervalMs: number,
): Promise<{ rest: Promise<void> }> => {
  for (const p of pairs) await announce(p.address, p.iface, p.mac, 1, 0);
  const rest =
    count <= 1
      ? Promise.resolve()
      : (async () => {
          await new Promise((r) => setTimeout(r, intervalMs));
          await Promise.all(pairs.map((p) => announce(p.address, p.iface, p.mac, count - 1, intervalMs)));
        })();
  return { rest };
};

/** `count` times: the broadcast ARP request, then the broadcast ARP reply, `intervalMs` apart. */
export const announce = async (address: string, iface: string, mac: string, count: number, intervalMs: number): Promise<void> => {
  const socket = packetSocketFor(iface);
  const [request, reply] = announcementFrames(address, mac);
  for (let i = 0; i < count; i++) {
    socket.send(request);
    socket.send(reply);
    if (i + 1 < count && intervalMs > 0) await new Promise((r) => setTimeout(r, intervalMs));
  }
};
