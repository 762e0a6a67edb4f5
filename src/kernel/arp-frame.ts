// Pure: Ethernet + ARP frames for IPv4 (RFC 826), including the gratuitous forms of RFC 5227
// (sender IP = target IP) that announce an address.
import { ipv4Bytes as ipBytes, macBytes } from './inet-bytes.js';

export type ArpOp = 'request' | 'reply';

export const BROADCAST = 'ff:ff:ff:ff:ff:ff';

export interface ArpFrameSpec {
  op: ArpOp;
  ethSrc: string;
  ethDst: string;
  senderMac: string;
  senderIp: string;
  /** 00:00:00:00:00:00 in requests. */
  targetMac: string;
  targetIp: string;
}

export const arpFrame = (f: ArpFrameSpec): Buffer => {
  const frame = Buffer.alloc(42);
  macBytes(f.ethDst).copy(frame, 0);
  macBytes(f.ethSrc).copy(frame, 6);
  frame.writeUInt16BE(0x0806, 12);
  frame.writeUInt16BE(1, 14); // hardware: Ethernet
  frame.writeUInt16BE(0x0800, 16); // protocol: IPv4
  frame[18] = 6;
  frame[19] = 4;
  frame.writeUInt16BE(f.op === 'request' ? 1 : 2, 20);
  macBytes(f.senderMac).copy(frame, 22);
  ipBytes(f.senderIp).copy(frame, 28);
  macBytes(f.targetMac).copy(frame, 32);
  ipBytes(f.targetIp).copy(frame, 38);
  return frame;
};

/** The patent's announcement: a broadcast request, then a broadcast reply, both for the VIP from `mac`. */
export const announcementFrames = (vip: string, mac: string): [Buffer, Buffer] => [
  arpFrame({ op: 'request', ethSrc: mac, ethDst: BROADCAST, senderMac: mac, senderIp: vip, targetMac: '00:00:00:00:00:00', targetIp: vip }),
  arpFrame({ op: 'reply', ethSrc: mac, ethDst: BROADCAST, senderMac: mac, senderIp: vip, targetMac: mac, targetIp: vip }),
];
