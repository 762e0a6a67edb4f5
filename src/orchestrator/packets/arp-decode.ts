// ARP for IPv4 over Ethernet out of one captured frame. Pure and total: any frame that is not
// such an ARP packet (IPv6, TCP data, a runt, another link type) is `undefined`, never a
// throw, because a capture holds whatever crossed the wire.
import type { ArpFields } from '../history/history-types.js';
import { LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2 } from './pcap-reader.js';

export type { ArpFields };

const ETHERTYPE_ARP = 0x0806;
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_VLAN = 0x8100;
const ARPHRD_ETHER = 1;
const ARP_BYTES = 28;
const BROADCAST = 'ff:ff:ff:ff:ff:ff';
/** Linux cooked capture packet types (pcap-linktype(7)); only broadcast tells us the destination. */
const SLL_BROADCAST = 1;

/** The link types decodeArp understands. */
export const ARP_LINK_TYPES: ReadonlySet<number> = new Set([LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2]);

export interface Link {
  ethSrc: string;
  ethDst?: string;
  vlan?: number;
  etherType: number;
  payload: number;
}

/** A frame's link header (Ethernet or Linux cooked), or undefined for a runt or another link type. */
export const linkOf = (frame: Buffer, linkType: number): Link | undefined =>
  linkType === LINKTYPE_ETHERNET
    ? ethernet(frame)
    : linkType === LINKTYPE_LINUX_SLL
      ? cooked(frame)
      : linkType === LINKTYPE_LINUX_SLL2
        ? cooked2(frame)
        : undefined;

/** A frame's Ethernet source address, or undefined when the frame is too short to have one. */
export const frameSource = (frame: Buffer, linkType: number = LINKTYPE_ETHERNET): string | undefined => linkOf(frame, linkType)?.ethSrc;

/** The ARP fields of a frame, or undefined when it is not ARP for IPv4 over Ethernet. */
export function decodeArp(frame: Buffer, linkType: number = LINKTYPE_ETHERNET): ArpFields | undefined {
  const link = linkOf(frame, linkType);
  if (!link || link.etherType !== ETHERTYPE_ARP) return undefined;
  const a = link.payload;
  if (frame.length < a + ARP_BYTES) return undefined;
  // htype Ethernet, ptype IPv4, 6-byte hardware and 4-byte protocol addresses.
  if (frame.readUInt16BE(a) !== ARPHRD_ETHER || frame.readUInt16BE(a + 2) !== ETHERTYPE_IPV4) return undefined;
  if (frame[a + 4] !== 6 || frame[a + 5] !== 4) return undefined;
  const code = frame.readUInt16BE(a + 6);
  const senderIp = ipv4(frame, a + 14);
  const targetIp = ipv4(frame, a + 24);
  return {
    ethSrc: link.ethSrc,
    ...(link.ethDst !== undefined ? { ethDst: link.ethDst } : {}),
    ...(link.vlan !== undefined ? { vlan: link.vlan } : {}),
    op: code === 1 ? 'request' : code === 2 ? 'reply' : code,
    senderMac: mac(frame, a + 8),
    senderIp,
    targetMac: mac(frame, a + 18),
    targetIp,
    gratuitous: senderIp === targetIp,
  };
}

/** Ethernet II with at most one 802.1Q tag (a trunk port's capture). */
function ethernet(frame: Buffer): Link | undefined {
  if (frame.length < 14) return undefined;
  const base = { ethDst: mac(frame, 0), ethSrc: mac(frame, 6) };
  const type = frame.readUInt16BE(12);
  if (type !== ETHERTYPE_VLAN) return { ...base, etherType: type, payload: 14 };
  if (frame.length < 18) return undefined;
  return { ...base, vlan: frame.readUInt16BE(14) & 0x0fff, etherType: frame.readUInt16BE(16), payload: 18 };
}

/** Linux cooked v1 (tcpdump -i any on older libpcap): 16-byte header, source address only. */
function cooked(frame: Buffer): Link | undefined {
  if (frame.length < 16 || frame.readUInt16BE(2) !== ARPHRD_ETHER || frame.readUInt16BE(4) !== 6) return undefined;
  const ethDst = frame.readUInt16BE(0) === SLL_BROADCAST ? BROADCAST : undefined;
  return { ethSrc: mac(frame, 6), ...(ethDst ? { ethDst } : {}), etherType: frame.readUInt16BE(14), payload: 16 };
}

/** Linux cooked v2 (tcpdump -i any on newer libpcap): 20-byte header. */
function cooked2(frame: Buffer): Link | undefined {
  if (frame.length < 20 || frame.readUInt16BE(8) !== ARPHRD_ETHER || frame[11] !== 6) return undefined;
  const ethDst = frame[10] === SLL_BROADCAST ? BROADCAST : undefined;
  return { ethSrc: mac(frame, 12), ...(ethDst ? { ethDst } : {}), etherType: frame.readUInt16BE(0), payload: 20 };
}

const mac = (b: Buffer, at: number): string => [...b.subarray(at, at + 6)].map((x) => x.toString(16).padStart(2, '0')).join(':');

const ipv4 = (b: Buffer, at: number): string => [...b.subarray(at, at + 4)].join('.');
