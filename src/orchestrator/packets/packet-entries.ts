// A capture point's pcap → history entries, after the run. ARP frames always become entries:
// they say who claimed which address and when, and there are few of them. Of every frame only
// its source MAC and its IPv4 addresses are kept: one entry per address (first seen, count;
// sourceMacEntries, ipv4AddressEntries).
// IPv4 packets only when asked (a capture with a tcpdump filter that keeps them few):
// unfiltered, the probe's TCP data would flood the history with millions of entries nobody judges.
import { readFile } from 'node:fs/promises';
import type { ArpPacketEntry, Ipv4AddressEntry, Ipv4PacketEntry, PacketEntry, SourceMacEntry } from '../history/history-types.js';
import { ARP_LINK_TYPES, decodeArp, frameSource } from './arp-decode.js';
import { decodeIpv4 } from './ipv4-decode.js';
import { PcapFormatError, parsePcap, type PcapFile } from './pcap-reader.js';

type Source = { file?: string; node: string; iface: string };

/**
 * The ARP packets of one pcap file as history entries, in file order. A missing or empty file
 * gives [] (the capture never started, or saw nothing before it was stopped); a cut-short last
 * record is dropped. A file that is not a classic pcap, or whose link type carries no Ethernet
 * ARP, throws a PcapFormatError naming the file.
 */
export async function arpEntriesFromPcap(file: string, node: string, iface: string): Promise<ArpPacketEntry[]> {
  const bytes = await readPcapFile(file);
  return bytes ? arpEntriesFromBytes(bytes, { file, node, iface }) : [];
}

/**
 * ARP entries, one sourceMacEntries entry per source MAC and one ipv4AddressEntries entry per
 * IPv4 address, and with `ipv4` the IPv4 packets too (a filtered capture), merged in time order.
 */
export async function packetEntriesFromPcap(
  file: string,
  node: string,
  iface: string,
  ipv4: boolean,
): Promise<(PacketEntry | SourceMacEntry | Ipv4AddressEntry)[]> {
  const bytes = await readPcapFile(file);
  if (!bytes || bytes.length === 0) return [];
  const source = { file, node, iface };
  // Parsed once: a probe stream's capture runs to tens of MB, and each reading below walks it.
  const pcap = parsePcap(bytes, file);
  const entries: (PacketEntry | SourceMacEntry | Ipv4AddressEntry)[] = [
    ...arpEntriesOf(pcap, source),
    ...sourceMacEntriesOf(pcap, source),
    ...ipv4AddressEntriesOf(pcap, source),
  ];
  if (ipv4) entries.push(...ipv4EntriesOf(pcap, source));
  return entries.sort((a, b) => a.t - b.t);
}

const readPcapFile = async (file: string): Promise<Buffer | undefined> => {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
};

/** Pure: one entry per Ethernet source address in the pcap, at its first frame, with its frame count. */
export const sourceMacEntries = (bytes: Buffer, source: Source): SourceMacEntry[] =>
  bytes.length === 0 ? [] : sourceMacEntriesOf(parsePcap(bytes, source.file), source);

function sourceMacEntriesOf(pcap: PcapFile, source: Source): SourceMacEntry[] {
  return firstSeen(
    pcap.records,
    (data) => {
      const srcMac = frameSource(data, pcap.linkType);
      return srcMac === undefined ? [] : [srcMac];
    },
    (srcMac, t): SourceMacEntry => ({
      t,
      kind: 'packet',
      node: source.node,
      iface: source.iface,
      proto: 'ether',
      srcMac,
      frames: 1,
      lastT: t,
    }),
    (e) => e.frames++,
  );
}

/** Pure: one entry per IPv4 address in any packet's source or destination, at its first packet, with its count. */
export const ipv4AddressEntries = (bytes: Buffer, source: Source): Ipv4AddressEntry[] =>
  bytes.length === 0 ? [] : ipv4AddressEntriesOf(parsePcap(bytes, source.file), source);

function ipv4AddressEntriesOf(pcap: PcapFile, source: Source): Ipv4AddressEntry[] {
  return firstSeen(
    pcap.records,
    (data) => {
      const ip = decodeIpv4(data, pcap.linkType);
      return !ip ? [] : ip.src === ip.dst ? [ip.src] : [ip.src, ip.dst];
    },
    (address, t): Ipv4AddressEntry => ({
      t,
      kind: 'packet',
      node: source.node,
      iface: source.iface,
      proto: 'ipv4-address',
      address,
      packets: 1,
      lastT: t,
    }),
    (e) => e.packets++,
  );
}

/** One entry per key the records carry, made at the key's first record and counted (and its lastT moved) at each later one, in first-seen order. */
function firstSeen<E extends { lastT: number }>(
  records: readonly { tMs: number; data: Buffer }[],
  keysOf: (data: Buffer) => readonly string[],
  make: (key: string, tMs: number) => E,
  count: (entry: E) => void,
): E[] {
  const seen = new Map<string, E>();
  for (const record of records) {
    for (const key of keysOf(record.data)) {
      const entry = seen.get(key);
      if (entry) {
        count(entry);
        entry.lastT = record.tMs;
      } else seen.set(key, make(key, record.tMs));
    }
  }
  return [...seen.values()];
}

/** The pure part of arpEntriesFromPcap, for bytes already in memory. */
export const arpEntriesFromBytes = (bytes: Buffer, source: Source): ArpPacketEntry[] =>
  bytes.length === 0 ? [] : arpEntriesOf(parsePcap(bytes, source.file), source);

function arpEntriesOf(pcap: PcapFile, source: Source): ArpPacketEntry[] {
  if (!ARP_LINK_TYPES.has(pcap.linkType)) {
    throw new PcapFormatError(source.file ?? 'pcap', 20, `link type ${pcap.linkType} is not Ethernet or Linux cooked; ARP cannot be read`);
  }
  const entries: ArpPacketEntry[] = [];
  for (const record of pcap.records) {
    const arp = decodeArp(record.data, pcap.linkType);
    if (arp) entries.push({ t: record.tMs, kind: 'packet', node: source.node, iface: source.iface, proto: 'arp', arp });
  }
  return entries;
}

/** The IPv4 packets of a pcap's bytes as history entries (ARP excluded), in file order. */
export const ipv4EntriesFromBytes = (bytes: Buffer, source: Source): Ipv4PacketEntry[] =>
  bytes.length === 0 ? [] : ipv4EntriesOf(parsePcap(bytes, source.file), source);

function ipv4EntriesOf(pcap: PcapFile, source: Source): Ipv4PacketEntry[] {
  const entries: Ipv4PacketEntry[] = [];
  for (const record of pcap.records) {
    const ip = decodeIpv4(record.data, pcap.linkType);
    if (ip) entries.push({ t: record.tMs, kind: 'packet', node: source.node, iface: source.iface, proto: 'ipv4', ip });
  }
  return entries;
}
