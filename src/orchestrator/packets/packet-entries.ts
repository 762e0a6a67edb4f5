// A capture point's pcap → history entries, after the run. Only ARP frames become entries:
// they say who claimed which address and when, and there are few of them, whereas the probe's
// TCP data would flood the history with millions of entries nobody judges.
import { readFile } from 'node:fs/promises';
import type { PacketEntry } from '../history/history-types.js';
import { ARP_LINK_TYPES, decodeArp } from './arp-decode.js';
import { PcapFormatError, parsePcap } from './pcap-reader.js';

/**
 * The ARP packets of one pcap file as history entries, in file order. A missing or empty file
 * gives [] (the capture never started, or saw nothing before it was stopped); a cut-short last
 * record is dropped. A file that is not a classic pcap, or whose link type carries no Ethernet
 * ARP, throws a PcapFormatError naming the file.
 */
export async function arpEntriesFromPcap(file: string, node: string, iface: string): Promise<PacketEntry[]> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return arpEntriesFromBytes(bytes, { file, node, iface });
}

/** The pure part of arpEntriesFromPcap, for bytes already in memory. */
export function arpEntriesFromBytes(bytes: Buffer, source: { file?: string; node: string; iface: string }): PacketEntry[] {
  if (bytes.length === 0) return [];
  const pcap = parsePcap(bytes, source.file);
  if (!ARP_LINK_TYPES.has(pcap.linkType)) {
    throw new PcapFormatError(source.file ?? 'pcap', 20, `link type ${pcap.linkType} is not Ethernet or Linux cooked; ARP cannot be read`);
  }
  const entries: PacketEntry[] = [];
  for (const record of pcap.records) {
    const arp = decodeArp(record.data, pcap.linkType);
    if (arp) entries.push({ t: record.tMs, kind: 'packet', node: source.node, iface: source.iface, proto: 'arp', arp });
  }
  return entries;
}
