// A capture point's pcap → its TCP flows, through tshark (Wireshark's analyser; the host
// bootstrap installs it, scripts/ensure-engine.sh). The thin shell around the pure parser and
// aggregation: it runs tshark, and turns a missing tshark into an error that says what to do.
import { stat } from 'node:fs/promises';
import { execa } from 'execa';
import { TestbedError } from '../../common/errors.js';
import type { FlowSummary } from '../history/flow-types.js';
import { aggregateFlows } from './flow-aggregate.js';
import { TSHARK_FIELDS, TSHARK_FILTER, parseTsharkFields } from './tshark-fields.js';

export class TsharkError extends TestbedError {
  constructor(message: string) {
    super('TSHARK', message);
  }
}

/** tshark's command line for one pcap: the fields of every IPv4 TCP packet, first occurrence of each. */
export const tsharkArgs = (file: string): string[] => [
  '-n',
  '-r',
  file,
  '-Y',
  TSHARK_FILTER,
  '-T',
  'fields',
  '-E',
  'occurrence=f',
  '-E',
  'separator=/t',
  ...TSHARK_FIELDS.flatMap((f) => ['-e', f]),
];

/** The raw field output of tshark for one pcap (what the unit tests' fixtures hold). */
export async function tsharkFieldText(file: string): Promise<string> {
  // Large captures print tens of MB of fields: no buffer limit, the pcap itself bounds it.
  const result = await execa('tshark', tsharkArgs(file), { maxBuffer: Infinity, stripFinalNewline: false, reject: false });
  if ((result as { code?: string }).code === 'ENOENT') {
    throw new TsharkError('tshark is not installed: flows are measured with it (apt-get install tshark, or make engine)');
  }
  // A capture stopped mid-write ends in a cut-short record: every whole packet before it counts.
  if (result.exitCode === 0 || /cut short in the middle of a packet/.test(result.stderr)) return result.stdout;
  const said = result.stderr.split('\n').filter((l) => l.trim() !== '' && !/Running as user "root"/.test(l));
  throw new TsharkError(`tshark -r ${file} exited ${String(result.exitCode ?? result.signal)}: ${said.join('; ') || 'no message'}`);
}

/** The flows of one pcap; a missing or empty file (the capture saw nothing) has none. */
export async function flowsFromPcap(file: string, capture: string): Promise<FlowSummary[]> {
  const size = await stat(file).then(
    (s) => s.size,
    () => 0,
  );
  if (size === 0) return [];
  return aggregateFlows(capture, parseTsharkFields(await tsharkFieldText(file), file));
}
