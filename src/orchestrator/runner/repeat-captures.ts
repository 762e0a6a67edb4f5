// The packet captures of a repeat: started right after deploy, finished at teardown, and their
// ARP frames (and each source MAC once) added to the history afterwards (ARP checks judge them),
// with their IPv4 packets when the capture has a filter (packet checks judge them), and their TCP
// flows measured with tshark (docs/flows.md; the flow checks judge them).
import path from 'node:path';
import { errorMessage } from '../../common/errors.js';
import { capture } from '../../lab/capture.js';
import type { LabContext } from '../../lab/lab-context.js';
import type { StartedLab } from '../../lab/lab.js';
import { packetEntriesFromPcap } from '../packets/packet-entries.js';
import { flowsFromPcap } from '../packets/tshark-flows.js';
import type { RepeatRecord } from './repeat-record.js';

const parseLink = (link: string) => {
  const [node, iface] = link.split(':') as [string, string];
  return { node, iface, file: `${node}-${iface}.pcap` };
};

export class RepeatCaptures {
  /** pcap files, relative to the repeat's folder. */
  readonly files: string[] = [];
  private readonly abort = new AbortController();
  private readonly running: Promise<unknown>[] = [];

  constructor(
    private readonly links: readonly string[],
    private readonly dir: string,
    private readonly record: RepeatRecord,
    /** tcpdump filter for every link; with one, IPv4 packets become history entries too. */
    private readonly filter?: string,
  ) {}

  start(lab: StartedLab, ctx: LabContext): void {
    for (const link of this.links) {
      const { node, iface, file } = parseLink(link);
      this.files.push(file);
      const options = { out: path.join(this.dir, file), ...(this.filter ? { filter: this.filter } : {}) };
      this.running.push(
        capture(lab.containerOf(node), iface, options, { ...ctx, signal: this.abort.signal }).catch((e: unknown) =>
          this.record.fail(`capture ${link}`, e),
        ),
      );
    }
  }

  async finish(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.running);
  }

  async addArpFrames(): Promise<void> {
    for (const link of this.links) {
      const { node, iface, file } = parseLink(link);
      const full = path.join(this.dir, file);
      this.record.addLate(
        await packetEntriesFromPcap(full, node, iface, this.filter !== undefined).catch((e: unknown) => {
          this.record.fail(`reading ${full}`, e);
          return [];
        }),
      );
    }
  }

  /**
   * Every capture's TCP flows into the history. A capture tshark cannot read is a warning, not a
   * failed repeat: only flow checks need flows, and they say 'unknown' without them.
   */
  async addFlows(): Promise<void> {
    if (this.links.length === 0) return;
    // One tshark per capture, all at once: each one's CPU time grows with its capture's packets,
    // and the captures are independent.
    const read = await Promise.all(
      this.links.map(async (link) => {
        const full = path.join(this.dir, parseLink(link).file);
        return flowsFromPcap(full, link).catch((e: unknown) => {
          this.record.note('warning', `flows of ${full} not measured: ${errorMessage(e)}`);
          return undefined;
        });
      }),
    );
    if (read.every((f) => f !== undefined)) this.record.flows = read.flat();
  }

  /** The ARP frames (decoded here) while tshark measures the flows (in its own processes). */
  async collect(): Promise<void> {
    await Promise.all([this.addArpFrames(), this.addFlows()]);
  }
}
