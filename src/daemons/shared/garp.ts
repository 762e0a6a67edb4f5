// Gratuitous ARP through a packet socket (no arping: it waits out its own interval, a second
// per packet here): an ARP request then an ARP reply, both broadcast with sender = target =
// the address, i.e. RFC 5227 announcements, which Linux neighbours take as an update.
import { announcementFrames } from '../../kernel/arp-frame.js';
import { packetSocketFor } from '../../kernel/packet-socket.js';

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
