// IPv4 addresses, ports and TCP flags out of one captured frame. Pure and total like
// decodeArp: anything that is not IPv4 (or is cut short) is `undefined`.
import type { Ipv4Fields } from '../history/history-types.js';
import { linkOf } from './arp-decode.js';

const ETHERTYPE_IPV4 = 0x0800;
const TCP = 6;
const UDP = 17;
const FLAG_LETTERS: [number, string][] = [
  [0x02, 'S'],
  [0x01, 'F'],
  [0x04, 'R'],
  [0x08, 'P'],
  [0x10, 'A'],
];

const address = (b: Buffer, at: number): string => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;

export function decodeIpv4(frame: Buffer, linkType: number): Ipv4Fields | undefined {
  const link = linkOf(frame, linkType);
  if (!link || link.etherType !== ETHERTYPE_IPV4) return undefined;
  const ip = link.payload;
  if (frame.length < ip + 20 || frame[ip]! >> 4 !== 4) return undefined;
  const protocol = frame[ip + 9]!;
  const fields: Ipv4Fields = { src: address(frame, ip + 12), dst: address(frame, ip + 16), protocol };
  const l4 = ip + (frame[ip]! & 0x0f) * 4;
  // A fragment after the first carries no ports.
  const firstFragment = (frame.readUInt16BE(ip + 6) & 0x1fff) === 0;
  if (firstFragment && (protocol === TCP || protocol === UDP) && frame.length >= l4 + 4) {
    fields.srcPort = frame.readUInt16BE(l4);
    fields.dstPort = frame.readUInt16BE(l4 + 2);
    if (protocol === TCP && frame.length >= l4 + 14) {
      const f = frame[l4 + 13]!;
      fields.flags = FLAG_LETTERS.filter(([bit]) => f & bit)
        .map(([, l]) => l)
        .join('');
    }
  }
  return fields;
}
