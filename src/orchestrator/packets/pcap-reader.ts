// Classic pcap files, as `tcpdump -w` writes them for our captures, read without a native
// dependency. Pure: bytes in, records out. A capture is stopped by a signal and its last
// record may be cut short (tcpdump killed, or the stream to the host cut mid-write); that is
// expected and only reported, while a bad file header is an error naming file and offset.
import { TestbedError } from '../../common/errors.js';

export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_LINUX_SLL2 = 276;

const GLOBAL_HEADER_BYTES = 24;
const RECORD_HEADER_BYTES = 16;
/** Larger than any snap length tcpdump uses (262144); beyond it a length field is garbage. */
const MAX_RECORD_BYTES = 0x40000;

const MAGIC_MICRO = 0xa1b2c3d4;
const MAGIC_NANO = 0xa1b23c4d;
const MAGIC_PCAPNG = 0x0a0d0d0a;

export class PcapFormatError extends TestbedError {
  readonly file: string;
  readonly offset: number;
  constructor(file: string, offset: number, problem: string) {
    super('PCAP_FORMAT', `${file}: offset ${offset}: ${problem}`);
    this.file = file;
    this.offset = offset;
  }
}

export interface PcapRecord {
  /** Capture time, wall-clock ms since the epoch, with the file's sub-ms precision. */
  tMs: number;
  /** The captured bytes (a view into the file's buffer, not a copy). */
  data: Buffer;
  /** The packet's length on the wire; more than data.length when the snap length cut it. */
  origLen: number;
}

export interface PcapFile {
  linkType: number;
  snapLen: number;
  nanoseconds: boolean;
  littleEndian: boolean;
  records: PcapRecord[];
  /** Bytes after the last whole record (a cut-short last record); 0 for a whole file. */
  trailingBytes: number;
}

/** Parses a whole classic pcap file (either byte order, µs or ns timestamps). */
export function parsePcap(bytes: Buffer, file = 'pcap'): PcapFile {
  if (bytes.length < GLOBAL_HEADER_BYTES) {
    throw new PcapFormatError(file, bytes.length, `file header cut short (${bytes.length} of ${GLOBAL_HEADER_BYTES} bytes)`);
  }
  const header = readHeader(bytes, file);
  const u32 = (at: number) => (header.littleEndian ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
  const records: PcapRecord[] = [];
  const divisor = header.nanoseconds ? 1e6 : 1e3;
  let offset = GLOBAL_HEADER_BYTES;
  while (offset + RECORD_HEADER_BYTES <= bytes.length) {
    const seconds = u32(offset);
    const fraction = u32(offset + 4);
    const inclLen = u32(offset + 8);
    const origLen = u32(offset + 12);
    if (inclLen > Math.max(MAX_RECORD_BYTES, header.snapLen)) {
      throw new PcapFormatError(file, offset, `record length ${inclLen} exceeds any snap length (file corrupt?)`);
    }
    const start = offset + RECORD_HEADER_BYTES;
    if (start + inclLen > bytes.length) break; // cut-short last record
    records.push({ tMs: seconds * 1000 + fraction / divisor, data: bytes.subarray(start, start + inclLen), origLen });
    offset = start + inclLen;
  }
  return { ...header, records, trailingBytes: bytes.length - offset };
}

function readHeader(bytes: Buffer, file: string): Omit<PcapFile, 'records' | 'trailingBytes'> {
  const le = bytes.readUInt32LE(0);
  const be = bytes.readUInt32BE(0);
  let littleEndian: boolean;
  let nanoseconds: boolean;
  if (le === MAGIC_MICRO || le === MAGIC_NANO) {
    littleEndian = true;
    nanoseconds = le === MAGIC_NANO;
  } else if (be === MAGIC_MICRO || be === MAGIC_NANO) {
    littleEndian = false;
    nanoseconds = be === MAGIC_NANO;
  } else if (be === MAGIC_PCAPNG) {
    throw new PcapFormatError(file, 0, 'pcapng file; only classic pcap is read (tcpdump -w writes classic pcap)');
  } else {
    throw new PcapFormatError(file, 0, `not a pcap file (magic 0x${be.toString(16).padStart(8, '0')})`);
  }
  const u16 = (at: number) => (littleEndian ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at));
  const u32 = (at: number) => (littleEndian ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
  const major = u16(4);
  if (major !== 2) throw new PcapFormatError(file, 4, `unsupported pcap version ${major}.${u16(6)} (want 2.x)`);
  // The upper bits of the link-type field may carry FCS information (pcap spec); the link
  // type itself is the low 16 bits.
  return { littleEndian, nanoseconds, snapLen: u32(16), linkType: u32(20) & 0xffff };
}
