// The fields tshark prints for every TCP packet of a capture (`-T fields`), and their parser.
// Wireshark's own TCP analysis decides what is a retransmission or a zero window and which
// packets form one conversation (tcp.stream): those are the judgements engineers already trust,
// so they are read, not re-derived. Pure: the text comes in, so tests run on captured output.
import { TestbedError } from '../../common/errors.js';

/** The -e fields, in column order. */
export const TSHARK_FIELDS = [
  'frame.time_epoch',
  'tcp.stream',
  'ip.src',
  'tcp.srcport',
  'ip.dst',
  'tcp.dstport',
  'tcp.seq',
  'tcp.len',
  'tcp.flags.syn',
  'tcp.flags.ack',
  'tcp.flags.fin',
  'tcp.flags.reset',
  'tcp.window_size',
  'tcp.analysis.retransmission',
  'tcp.analysis.zero_window',
] as const;

/** IPv4 TCP only, and not the TCP header quoted inside an ICMP error (that would be a second flow's packet). */
export const TSHARK_FILTER = 'tcp && ip && !icmp';

export interface TcpPacket {
  tMs: number;
  /** Wireshark's conversation index (tcp.stream): port reuse starts a new one. */
  stream: number;
  src: string;
  dst: string;
  /** Relative sequence number (tshark's default). */
  seq: number;
  len: number;
  syn: boolean;
  ack: boolean;
  fin: boolean;
  rst: boolean;
  /** The advertised window, scaled when the handshake was seen. */
  window: number;
  retransmission: boolean;
  zeroWindow: boolean;
}

export class TsharkOutputError extends TestbedError {
  constructor(source: string, line: number, problem: string) {
    super('TSHARK_OUTPUT', `${source}:${line}: ${problem}`);
  }
}

// tshark 4.0 prints booleans as 1/0, 4.2 and later as True/False.
const flag = (text: string): boolean => text === '1' || text === 'True';

/**
 * The packets of tshark's tab-separated field output (one line per packet, TSHARK_FIELDS in
 * order, `-E occurrence=f`). A line with the wrong column count or a non-numeric number is an
 * error naming the source and line: a silently skipped packet could hide a gap.
 */
export function parseTsharkFields(text: string, source = 'tshark'): TcpPacket[] {
  const packets: TcpPacket[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const cols = line.split('\t');
    if (cols.length !== TSHARK_FIELDS.length) {
      throw new TsharkOutputError(source, i + 1, `${cols.length} columns, want ${TSHARK_FIELDS.length} (${TSHARK_FIELDS.join(' ')})`);
    }
    const num = (index: number): number => {
      const value = Number(cols[index]);
      if (cols[index] === '' || !Number.isFinite(value)) {
        throw new TsharkOutputError(source, i + 1, `${TSHARK_FIELDS[index]} is ${JSON.stringify(cols[index])}, not a number`);
      }
      return value;
    };
    packets.push({
      tMs: num(0) * 1000,
      stream: num(1),
      src: `${cols[2]}:${num(3)}`,
      dst: `${cols[4]}:${num(5)}`,
      seq: num(6),
      len: num(7),
      syn: flag(cols[8]!),
      ack: flag(cols[9]!),
      fin: flag(cols[10]!),
      rst: flag(cols[11]!),
      window: cols[12] === '' ? 0 : num(12),
      retransmission: cols[13] !== '',
      zeroWindow: cols[14] !== '',
    });
  });
  return packets;
}
